import type { Kysely, Migration } from 'kysely';

/**
 * Directories per region, as on AWS Directory Service: the region a directory was created in.
 * Rows of directories created before regions keep null, read as the deployment's default region
 * (their events name none either). Serves DescribeDirectories and the per-region limit count
 * through the account index, where the region is a filter on few rows.
 * Frozen: never edit; add a new migration instead.
 */
export function directoriesPerRegion(schema: string): Migration {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema.withSchema(schema).alterTable('directories').addColumn('region', 'text').execute();
    },
    async down(db: Kysely<any>): Promise<void> {
      await db.schema.withSchema(schema).alterTable('directories').dropColumn('region').execute();
    },
  };
}
