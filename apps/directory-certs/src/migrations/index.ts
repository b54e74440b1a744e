import type { Migration } from 'kysely';
import { createDirectories } from './20261122T130000Z-create-directories';
import { directoriesPerRegion } from './20261209T090000Z-directories-per-region';

/** Listed explicitly (no folder scanning), in order; names sort after the event store's. */
export function directoryMigrations(schema: string): Record<string, Migration> {
  return {
    'directory-20261122T130000Z-create-directories': createDirectories(schema),
    'directory-20261209T090000Z-directories-per-region': directoriesPerRegion(schema),
  };
}
