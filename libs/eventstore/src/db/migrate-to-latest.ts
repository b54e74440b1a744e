import { Migrator, type Kysely, type Migration } from 'kysely';

/**
 * Runs the given migrations with Kysely's Migrator, keeping its bookkeeping tables in the
 * service's own schema (services never share a schema). Unordered migrations are allowed
 * because a service merges the event store's, the projections' and its own sets: a later
 * library migration may sort before an already applied service migration.
 */
export async function migrateToLatest(db: Kysely<any>, schema: string, migrations: Record<string, Migration>): Promise<void> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    migrationTableSchema: schema,
    allowUnorderedMigrations: true,
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    throw new Error(`migrating schema ${schema} failed${failed ? ` at ${failed}` : ''}`, { cause: error });
  }
}
