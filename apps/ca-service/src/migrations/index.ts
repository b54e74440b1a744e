import type { Migration } from 'kysely';
import { createCertificateAuthorities } from './20261122T070000Z-create-certificate-authorities';

/** Listed explicitly (no folder scanning), in order; names sort after the event store's. */
export function caMigrations(schema: string): Record<string, Migration> {
  return {
    'ca-20261122T070000Z-create-certificate-authorities': createCertificateAuthorities(schema),
  };
}
