import type { Migration } from 'kysely';

/** Listed explicitly, in order; the service's read models arrive with its issue. */
export function directoryMigrations(_schema: string): Record<string, Migration> {
  return {};
}
