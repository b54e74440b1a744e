import type { Migration } from 'kysely';
import { createRevocationReadModels } from './20261122T130000Z-create-revocation-read-models';

/** Listed explicitly, in order; names sort after the event store's. */
export function revocationMigrations(schema: string): Record<string, Migration> {
  return {
    'revocation-20261122T130000Z-create-revocation-read-models': createRevocationReadModels(schema),
  };
}
