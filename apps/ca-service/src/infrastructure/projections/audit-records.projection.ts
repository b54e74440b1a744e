import type { Transaction } from 'kysely';
import {
  ISSUANCE_EVENT_TYPES,
  REVOCATION_EVENT_TYPES,
  type CertificateIssuedV1,
  type CertificateRevokedV1,
  type EventEnvelope,
  type ServiceName,
} from '@pki/contracts';
import type { Projection } from '@pki/eventstore';
import { auditDb, upsertIssuedRecords, upsertRevokedRecord } from '../audit-report.queries';

/**
 * The audit report's source: CertificateIssued (issuance-service) and CertificateRevoked
 * (revocation-service), schema version 1. Other events are not audit facts and are skipped (the
 * runner parks a payload that breaks its contract, or of a version without one). Both writes are upserts of disjoint columns, so replaying is harmless and the
 * two streams may arrive in either order.
 */
export const auditRecordsFromIssuance: Projection = {
  name: 'audit-records-issuance',
  eventTypes: [ISSUANCE_EVENT_TYPES.CertificateIssued],
  apply: (trx, event) => upsertIssued(trx, [event]),
  applyMany: upsertIssued,
};

/** A batch of CertificateIssued as one multi-row upsert (issue #14: one round trip per batch). */
async function upsertIssued(trx: Transaction<any>, events: readonly EventEnvelope[]): Promise<void> {
  const issued = events.filter((e) => e.type === ISSUANCE_EVENT_TYPES.CertificateIssued && e.schemaVersion === 1).map((e) => e.data as CertificateIssuedV1);
  if (issued.length > 0) await upsertIssuedRecords(auditDb(trx), issued);
}

export const auditRecordsFromRevocation: Projection = {
  name: 'audit-records-revocation',
  eventTypes: [REVOCATION_EVENT_TYPES.CertificateRevoked],
  async apply(trx: Transaction<any>, event: EventEnvelope): Promise<void> {
    if (event.type !== REVOCATION_EVENT_TYPES.CertificateRevoked || event.schemaVersion !== 1) return;
    await upsertRevokedRecord(auditDb(trx), event.data as CertificateRevokedV1);
  },
};

/** For the service module's `projections`: which stream feeds which audit projection. */
export function auditProjections(): Array<{ readonly source: ServiceName; readonly projection: Projection }> {
  return [
    { source: 'issuance', projection: auditRecordsFromIssuance },
    { source: 'revocation', projection: auditRecordsFromRevocation },
  ];
}
