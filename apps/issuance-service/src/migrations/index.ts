import type { Migration } from 'kysely';
import { createIssuingCas } from './20261122T071000Z-create-issuing-cas';
import { addIssuingCaLifecycle } from './20261122T101000Z-add-issuing-ca-lifecycle';
import { createCertificates } from './20261122T101500Z-create-certificates';
import { createCaPolicies } from './20261122T120000Z-create-ca-policies';
import { addCrlPartitions } from './20261208T000000Z-add-crl-partitions';

/** Listed explicitly, in order; names sort after the event store's. */
export function issuanceMigrations(schema: string): Record<string, Migration> {
  return {
    'issuance-20261122T071000Z-create-issuing-cas': createIssuingCas(schema),
    'issuance-20261122T101000Z-add-issuing-ca-lifecycle': addIssuingCaLifecycle(schema),
    'issuance-20261122T101500Z-create-certificates': createCertificates(schema),
    'issuance-20261122T120000Z-create-ca-policies': createCaPolicies(schema),
    'issuance-20261208T000000Z-add-crl-partitions': addCrlPartitions(schema),
  };
}
