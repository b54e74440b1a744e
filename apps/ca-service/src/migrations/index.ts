import type { Migration } from 'kysely';
import { createCertificateAuthorities } from './20261122T070000Z-create-certificate-authorities';
import { createCaKeys } from './20261122T080000Z-create-ca-keys';
import { createPoliciesAndPermissions } from './20261122T083000Z-create-policies-and-permissions';
import { createAuditReports } from './20261122T090000Z-create-audit-reports';
import { addCertificateAuthorityLifecycle } from './20261122T120000Z-add-certificate-authority-lifecycle';
import { createCertificateSignatures } from './20261207T040000Z-create-certificate-signatures';

/** Listed explicitly (no folder scanning), in order; names sort after the event store's. */
export function caMigrations(schema: string): Record<string, Migration> {
  return {
    'ca-20261122T070000Z-create-certificate-authorities': createCertificateAuthorities(schema),
    'ca-20261122T080000Z-create-ca-keys': createCaKeys(schema),
    'ca-20261122T083000Z-create-policies-and-permissions': createPoliciesAndPermissions(schema),
    'ca-20261122T090000Z-create-audit-reports': createAuditReports(schema),
    'ca-20261122T120000Z-add-certificate-authority-lifecycle': addCertificateAuthorityLifecycle(schema),
    'ca-20261207T040000Z-create-certificate-signatures': createCertificateSignatures(schema),
  };
}
