import type { Migration } from 'kysely';
import { createRevocationReadModels } from './20261122T130000Z-create-revocation-read-models';
import { addOcspFreshness } from './20261207T120000Z-add-ocsp-freshness';
import { addCrlPartitions } from './20261208T000000Z-add-crl-partitions';

/** Listed explicitly, in order; names sort after the event store's. */
export function revocationMigrations(schema: string): Record<string, Migration> {
  return {
    'revocation-20261122T130000Z-create-revocation-read-models': createRevocationReadModels(schema),
    'revocation-20261207T120000Z-add-ocsp-freshness': addOcspFreshness(schema),
    'revocation-20261208T000000Z-add-crl-partitions': addCrlPartitions(schema),
  };
}
