import type { Migration } from 'kysely';
import { createIssuingCas } from './20261122T071000Z-create-issuing-cas';

/** Listed explicitly, in order; names sort after the event store's. */
export function issuanceMigrations(schema: string): Record<string, Migration> {
  return {
    'issuance-20261122T071000Z-create-issuing-cas': createIssuingCas(schema),
  };
}
