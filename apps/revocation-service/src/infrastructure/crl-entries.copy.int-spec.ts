/**
 * The CRL read with the binary COPY and written by CrlWriter has exactly the octets of the CRL
 * read with the previous path (a cursor of node-postgres rows, a Date per row, into @pki/pki's
 * CrlBuilder), for the same revocations in Postgres: empty, edge dates (microseconds, 1949/1950,
 * 2049/2050, before 1970), every reason, expired entries left out, thousands of random rows.
 */
import { randomUUID } from 'node:crypto';
import { REVOCATION_REASONS, type RevocationReason } from '@pki/contracts';
import { migrateToLatest } from '@pki/eventstore';
import { assembleCrl, CrlBuilder, type CrlEntry } from '@pki/pki';
import { createTestDatabase, type TestDatabase } from '@pki/testing';
import { sql, type Transaction } from 'kysely';
import type { PoolClient } from 'pg';
import { caCertificateFacts } from '../domain/ca-certificate';
import { CrlWriter, type CrlHeader } from '../domain/crl-writer';
import { makeTestCa, type TestCa } from '../domain/test-ca.spec-helper';
import { revocationMigrations } from '../migrations';
import { copyCrlEntries, crlEntriesCopySql, type PgPool } from './crl-entries.copy';
import { REVOCATION_SCHEMA } from './database';

const SIGNATURE = Buffer.from('3045022100' + 'ab'.repeat(32) + '0220' + 'cd'.repeat(32), 'hex');
const CUTOFF = new Date('2026-12-01T00:00:00Z');

/** The previous reader, as crl.queries.ts had it: a server-side cursor, 10,000 rows per FETCH. */
async function* previousRows(trx: Transaction<any>, caId: string, notAfterFrom: Date): AsyncGenerator<{ serial: string; revoked_at: Date; reason: string }> {
  await sql`declare crl_entries no scroll cursor for
    select serial, revoked_at, reason from ${sql.id(REVOCATION_SCHEMA, 'revocations')}
    where ca_id = ${caId} and not_after >= ${notAfterFrom}`.execute(trx);
  for (;;) {
    const { rows } = await sql<{ serial: string; revoked_at: Date; reason: string }>`fetch 10000 from crl_entries`.execute(trx);
    yield* rows;
    if (rows.length < 10000) break;
  }
  await sql`close crl_entries`.execute(trx);
}

describe('CRL entries by binary COPY into CrlWriter (Postgres)', () => {
  let database: TestDatabase;
  let ca: TestCa;
  let header: CrlHeader;

  beforeAll(async () => {
    database = await createTestDatabase();
    await migrateToLatest(database.db, REVOCATION_SCHEMA, revocationMigrations(REVOCATION_SCHEMA));
    ca = makeTestCa('ec');
    const facts = caCertificateFacts(ca.certDer);
    header = { issuerDer: facts.subjectDer, signingAlgorithm: ca.algorithm, thisUpdate: new Date('2026-12-07T10:00:00Z'), nextUpdate: new Date('2026-12-14T10:00:00Z'), crlNumber: 12n, authorityKeyIdentifier: facts.keyIdentifier };
  }, 60_000);
  afterAll(async () => {
    ca?.dir.remove();
    await database?.destroy();
  });

  /** Inserts rows given as (serial, revoked_at as a Postgres timestamptz literal, reason, not_after). */
  async function seed(caId: string, rows: ReadonlyArray<readonly [string, string, string, string?]>): Promise<void> {
    for (let i = 0; i < rows.length; i += 5000) {
      await database.db
        .withSchema(REVOCATION_SCHEMA)
        .insertInto('revocations')
        .values(
          rows.slice(i, i + 5000).map(([serial, revokedAt, reason, notAfter]) => ({
            ca_id: caId, serial, certificate_arn: `arn:test:${serial}`, revoked_at: sql`${revokedAt}::timestamptz`, reason, not_after: sql`${notAfter ?? '2030-01-01T00:00:00Z'}::timestamptz`, event_id: randomUUID(),
          })),
        )
        .execute();
    }
  }

  /** The previous path, entries in `order` (the COPY's order: neither read sorts). */
  async function previousCrl(caId: string, order: readonly string[]): Promise<Buffer> {
    const rows = await database.db.transaction().execute(async (trx) => {
      const all: Array<{ serial: string; revoked_at: Date; reason: string }> = [];
      for await (const row of previousRows(trx, caId, CUTOFF)) all.push(row);
      return all;
    });
    const bySerial = new Map(rows.map((r) => [r.serial, r]));
    expect(bySerial.size).toBe(order.length);
    const entries: CrlEntry[] = order.map((serial) => {
      const row = bySerial.get(serial)!;
      return { serial: Buffer.from(row.serial.length % 2 ? `0${row.serial}` : row.serial, 'hex'), revocationDate: row.revoked_at, reason: row.reason as RevocationReason };
    });
    const built = await new CrlBuilder({ ...header, entries }).build();
    return assembleCrl(built, header.signingAlgorithm, SIGNATURE);
  }

  async function streamedCrl(caId: string, pool: PgPool = database.pool): Promise<{ crl: Buffer; order: string[] }> {
    const writer = new CrlWriter(header);
    const order: string[] = [];
    const count = await copyCrlEntries(pool, caId, CUTOFF, (text, from, to, seconds, reason) => {
      order.push(Buffer.from(text.subarray(from, to)).toString('latin1'));
      writer.add(text, from, to, seconds, reason);
    });
    expect(count).toBe(order.length);
    writer.finish();
    return { crl: Buffer.from(writer.assemble(SIGNATURE)), order };
  }

  async function expectSameOctets(caId: string): Promise<string[]> {
    const now = await streamedCrl(caId);
    const before = await previousCrl(caId, now.order);
    expect(now.crl.equals(before)).toBe(true);
    return now.order;
  }

  it('for a CA without revocations', async () => {
    expect(await expectSameOctets(randomUUID())).toEqual([]);
  });

  it('at the time-encoding edges, to the microsecond, with every reason, leaving out certificates expired before the cutoff', async () => {
    const caId = randomUUID();
    const times = [
      '2049-12-31 23:59:59.999999+00', '2050-01-01 00:00:00+00', '2050-01-01 00:00:00.000001+00', '1949-12-31 23:59:59.5+00', '1950-01-01 00:00:00+00',
      '1969-12-31 23:59:59.999999+00', '1970-01-01 00:00:00+00', '1999-12-31 23:59:59.999999+00', '2000-01-01 00:00:00+00', '2000-01-01 00:00:00.000001+00',
      '1999-12-31 19:00:00.5-05', '2026-12-07 11:59:59.123456+01:30', '2038-01-19 03:14:08+00', '2099-12-31 23:59:59+00', '9999-12-31 23:59:59.999999+00', '1901-12-13 20:45:52+00',
    ];
    const rows = times.map((t, i) => [(0x80 + i).toString(16), t, REVOCATION_REASONS[i % REVOCATION_REASONS.length]!] as const);
    const serials = ['1', 'f', 'ff', '100', '7f' + '0'.repeat(38), '80' + '0'.repeat(36), 'c0ffee', '1a2b3c4d5e6f7081'];
    const more = serials.map((s, i) => [s, `2026-11-${10 + i} 0${i}:00:00.25+00`, REVOCATION_REASONS[(i + 3) % REVOCATION_REASONS.length]!] as const);
    const expired = [['dead01', '2026-01-01 00:00:00+00', 'SUPERSEDED', '2026-11-30T23:59:59.999Z'] as const];
    const stillListed = [['dead02', '2026-01-01 00:00:00+00', 'SUPERSEDED', '2026-12-01T00:00:00Z'] as const];
    await seed(caId, [...rows, ...more, ...expired, ...stillListed]);
    const order = await expectSameOctets(caId);
    expect(order).toHaveLength(rows.length + more.length + 1);
    expect(order).not.toContain('dead01');
    expect(order).toContain('dead02');
  });

  it('for 20,000 random revocations', async () => {
    const caId = randomUUID();
    let state = 7;
    const next = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0);
    const rows = Array.from({ length: 20_000 }, (_, i) => {
      const serial = (BigInt(next()) * 2n ** 64n + BigInt(next()) * 2n ** 32n + BigInt(i)).toString(16);
      const micros = BigInt(Date.UTC(2020, 0, 1)) * 1000n + BigInt(next()) * 100_000n + BigInt(next() % 1_000_000);
      const when = new Date(Number(micros / 1000n)).toISOString().replace('Z', String(micros % 1000n).padStart(3, '0') + '+00');
      return [serial, when, REVOCATION_REASONS[next() % REVOCATION_REASONS.length]!] as const;
    });
    await seed(caId, rows);
    expect(await expectSameOctets(caId)).toHaveLength(20_000);
  });

  it('decodes the same entries whatever the CopyData messages the stream arrives in', async () => {
    const caId = randomUUID();
    await seed(caId, Array.from({ length: 300 }, (_, i) => [(0xabc000 + i).toString(16), `2026-11-20 10:00:${String(i % 60).padStart(2, '0')}.5+00`, REVOCATION_REASONS[i % REVOCATION_REASONS.length]!] as const));
    // Record the real stream's octets, then replay them cut at every 1..97 octets.
    const chunks: Buffer[] = [];
    const recording: PgPool = {
      connect: async () => {
        const client = await database.pool.connect();
        const query = client.query.bind(client) as (q: unknown) => unknown;
        return Object.assign(Object.create(client) as PoolClient, {
          query: (submittable: { handleCopyData(m: { chunk: Buffer }): void }) => {
            const original = submittable.handleCopyData.bind(submittable);
            submittable.handleCopyData = (m) => (chunks.push(Buffer.from(m.chunk)), original(m));
            return query(submittable);
          },
          release: (e?: Error) => client.release(e),
        });
      },
    };
    const real = await streamedCrl(caId, recording);
    const stream = Buffer.concat(chunks);
    for (const size of [1, 2, 3, 7, 19, 97]) {
      const replaying: PgPool = {
        connect: async () =>
          ({
            query: (s: { handleCopyData(m: { chunk: Buffer }): void; handleCommandComplete(): void; handleReadyForQuery(): void }) => {
              setImmediate(() => {
                for (let o = 0; o < stream.length; o += size) s.handleCopyData({ chunk: stream.subarray(o, o + size) });
                s.handleCommandComplete();
                s.handleReadyForQuery();
              });
            },
            release: () => undefined,
          }) as unknown as PoolClient,
      };
      const replayed = await streamedCrl(caId, replaying);
      expect(replayed.order).toEqual(real.order);
      expect(replayed.crl.equals(real.crl)).toBe(true);
    }
  });

  it('fails as the previous path did on a reason that is no RevocationReason, and the pool stays usable', async () => {
    const caId = randomUUID();
    await seed(caId, [['aa', '2026-11-01 00:00:00+00', 'KEY_COMPROMISE'], ['bb', '2026-11-01 00:00:00+00', 'CERTIFICATE_HOLD'], ['cc', '2026-11-01 00:00:00+00', 'SUPERSEDED']]);
    await expect(streamedCrl(caId)).rejects.toThrow(/CRLReason/);
    await expect(previousCrl(caId, ['aa', 'bb', 'cc'])).rejects.toThrow(/unknown revocation reason/);
    for (let i = 0; i < 12; i++) expect((await database.pool.query('select 1 as one')).rows).toEqual([{ one: 1 }]);
  });

  it('reports a failing statement and gives its client back', async () => {
    const pool: PgPool = { connect: () => database.pool.connect() };
    await sql`alter table ${sql.id(REVOCATION_SCHEMA, 'revocations')} rename to revocations_moved`.execute(database.db);
    try {
      await expect(copyCrlEntries(pool, randomUUID(), CUTOFF, () => undefined)).rejects.toThrow(/reading the CRL entries failed: relation .* does not exist/);
    } finally {
      await sql`alter table ${sql.id(REVOCATION_SCHEMA, 'revocations_moved')} rename to revocations`.execute(database.db);
    }
    expect(await streamedCrl(randomUUID())).toMatchObject({ order: [] });
  });

  it('writes only checked literals into the COPY statement', () => {
    expect(() => crlEntriesCopySql("x'; drop table revocations; --", CUTOFF)).toThrow(/not a CA id/);
    expect(() => crlEntriesCopySql(randomUUID(), new Date('+012000-01-01T00:00:00Z'))).toThrow(/timestamp literal/);
    expect(() => crlEntriesCopySql(randomUUID(), CUTOFF, "x' or true --")).toThrow(/not a CRL partition id/);
    expect(crlEntriesCopySql('0a1b2c3d-0000-4000-8000-000000000000', CUTOFF)).toContain(`ca_id = '0a1b2c3d-0000-4000-8000-000000000000' and crl_partition is null and not_after >= '2026-12-01T00:00:00.000Z'::timestamptz`);
    expect(crlEntriesCopySql('0a1b2c3d-0000-4000-8000-000000000000', CUTOFF, 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee')).toContain(`and crl_partition = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee' and`);
  });
});
