import { createQueryId, type Compilable, type CompiledQuery, type Kysely, type QueryResult, type Transaction } from 'kysely';

/** What stands for argument `i` while the query is built: a value no caller passes. */
const placeholder = (i: number): string => `\u0000compiled-query-argument-${i}\u0000`;

/**
 * A hot-path query that Kysely builds and compiles once; every run executes that SQL with the
 * run's arguments. Building and compiling a query (the builder, the schema plugin, the compiler)
 * cost more CPU than the rest of a primary-key lookup on the client side (~40-80 µs against the
 * pg driver's share), and the statement is the same every time. The query stays written with
 * Kysely's typed builder over the table interfaces.
 *
 * `build` declares the arguments after `db` as plain parameters (their count is `build.length`),
 * passes each as a plain value (a `where` operand, an inserted value) and does not branch on
 * them: it is called once, with placeholders. Arrays would expand into one parameter per element,
 * so pass a list as one value (`= any(...)`). Compiling checks that every argument reached the SQL.
 */
export class CompiledOnce<Args extends readonly unknown[], Row> {
  private compiled: { readonly query: CompiledQuery<Row>; readonly slots: ReadonlyArray<number | undefined> } | undefined;

  constructor(private readonly build: (db: Kysely<any>, ...args: Args) => Compilable<Row>) {}

  /** Runs the query on `db` (a pool or a transaction) with `args`. */
  async execute(db: Kysely<any> | Transaction<any>, ...args: Args): Promise<QueryResult<Row>> {
    const { query, slots } = this.compile(db);
    const parameters = query.parameters.map((value, i) => (slots[i] === undefined ? value : args[slots[i]!]));
    return db.executeQuery<Row>({ ...query, parameters, queryId: createQueryId() });
  }

  private compile(db: Kysely<any>): NonNullable<CompiledOnce<Args, Row>['compiled']> {
    if (this.compiled) return this.compiled;
    const names = Array.from({ length: this.build.length - 1 }, (_, i) => placeholder(i));
    const query = this.build(db, ...(names as unknown as Args)).compile();
    const slots = query.parameters.map((value) => {
      const i = names.indexOf(value as string);
      return i < 0 ? undefined : i;
    });
    const missing = names.filter((_, i) => !slots.includes(i));
    if (missing.length) throw new Error(`CompiledOnce: argument(s) ${missing.map((m) => names.indexOf(m)).join(', ')} did not reach the SQL of ${query.sql}`);
    this.compiled = { query, slots };
    return this.compiled;
  }
}
