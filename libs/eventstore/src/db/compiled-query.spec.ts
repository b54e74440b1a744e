import { Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler, type CompiledQuery, type DatabaseConnection, type Driver } from 'kysely';
import { CompiledOnce } from './compiled-query';

interface Db {
  items: { id: string; owner: string; seen_at: Date; tags: string[] };
}

/** A Kysely whose connection records what it is asked to run (no database). */
function recordingDb(): { db: Kysely<Db>; ran: CompiledQuery[] } {
  const ran: CompiledQuery[] = [];
  const connection: DatabaseConnection = {
    executeQuery: async (query) => {
      ran.push(query);
      return { rows: [{ id: query.parameters[0] }] as never[] };
    },
    streamQuery: () => {
      throw new Error('not used');
    },
  };
  const driver: Driver = {
    init: async () => undefined,
    acquireConnection: async () => connection,
    beginTransaction: async () => undefined,
    commitTransaction: async () => undefined,
    rollbackTransaction: async () => undefined,
    releaseConnection: async () => undefined,
    destroy: async () => undefined,
  };
  const db = new Kysely<Db>({
    dialect: { createAdapter: () => new PostgresAdapter(), createDriver: () => driver, createIntrospector: (k) => new PostgresIntrospector(k), createQueryCompiler: () => new PostgresQueryCompiler() },
  });
  return { db, ran };
}

describe('CompiledOnce', () => {
  it('builds once and runs the same SQL with each run\'s arguments, in their places', async () => {
    const { db, ran } = recordingDb();
    let built = 0;
    const query = new CompiledOnce((k: Kysely<any>, owner: string, id: string) => {
      built++;
      return (k as Kysely<Db>).withSchema('s').selectFrom('items').selectAll().where('id', '=', id).where('owner', '=', owner).where('id', '!=', 'fixed');
    });
    const first = await query.execute(db, 'alice', 'a1');
    await query.execute(db, 'bob', 'b2');
    expect(built).toBe(1);
    expect(ran.map((q) => q.sql)).toEqual([ran[0]!.sql, ran[0]!.sql]);
    expect(ran[0]!.sql).toBe('select * from "s"."items" where "id" = $1 and "owner" = $2 and "id" != $3');
    expect(ran.map((q) => q.parameters)).toEqual([
      ['a1', 'alice', 'fixed'],
      ['b2', 'bob', 'fixed'],
    ]);
    expect(first.rows).toEqual([{ id: 'a1' }]);
    expect(ran[0]!.queryId).not.toBe(ran[1]!.queryId);
  });

  it('passes values of any type through, an argument used twice in both places', async () => {
    const { db, ran } = recordingDb();
    const when = new Date('2026-01-02T03:04:05Z');
    const query = new CompiledOnce((k: Kysely<any>, id: string, seen: Date) =>
      (k as Kysely<Db>).insertInto('items').values({ id, owner: id, seen_at: seen, tags: [] }).onConflict((oc) => oc.column('id').doUpdateSet({ seen_at: seen })),
    );
    await query.execute(db, 'x', when);
    expect(ran[0]!.parameters).toEqual(['x', 'x', when, [], when]);
  });

  it('refuses a query that does not use every argument', async () => {
    const { db } = recordingDb();
    const query = new CompiledOnce((k: Kysely<any>, _unused: string) => (k as Kysely<Db>).selectFrom('items').selectAll().where('id', '=', 'constant'));
    await expect(query.execute(db, 'x')).rejects.toThrow(/argument\(s\) 0 did not reach the SQL/);
  });
});
