import type { Transaction } from 'kysely';
import { ISSUANCE_EVENT_TYPES, type CertificateIssuedV1, type EventEnvelope } from '@pki/contracts';
import type { Projection } from '@pki/eventstore';
import { revocationDb } from '../database';
import { crlPartitionSighting, insertIssuedCertificates, recordCrlPartitions, type CrlPartitionSighting } from '../certificate.queries';
import type { NewIssuedCertificateRow } from '../tables/issued-certificate.table';

/**
 * The row a CertificateIssued v1 makes: from the projected event, or from issuance's answer to
 * LookupIssuedCertificate (the same event id and payload), so either way it is the same row.
 */
export function issuedCertificateRow(data: CertificateIssuedV1, eventId: string): NewIssuedCertificateRow {
  return {
    ca_id: data.certificateAuthorityId,
    serial: data.serial.toLowerCase().replace(/^0+(?=.)/, ''),
    certificate_arn: data.certificateArn,
    issuer_dn: data.issuerDn,
    sha256_fingerprint: data.sha256Fingerprint,
    not_after: new Date(data.notAfter),
    certificate_der: Buffer.from(data.certificateDer, 'base64'),
    account_id: data.accountId,
    event_id: eventId,
    crl_partition: data.crlPartition?.id ?? null,
  };
}

/** The rows a batch of CertificateIssued makes, as one multi-row insert (issue #14: one round trip per batch). */
async function insertIssued(trx: Transaction<any>, events: readonly EventEnvelope[]): Promise<void> {
  const rows: NewIssuedCertificateRow[] = [];
  const partitions: CrlPartitionSighting[] = [];
  for (const event of events) {
    if (event.type !== ISSUANCE_EVENT_TYPES.CertificateIssued) continue;
    if (event.schemaVersion !== 1) throw new Error(`unsupported ${event.type} schema version ${event.schemaVersion}`);
    const data = event.data as CertificateIssuedV1;
    rows.push(issuedCertificateRow(data, event.id));
    const sighting = crlPartitionSighting(data);
    if (sighting) partitions.push(sighting);
  }
  if (rows.length > 0) {
    await insertIssuedCertificates(revocationDb(trx), rows);
    await recordCrlPartitions(revocationDb(trx), partitions);
  }
}

/**
 * Projects issuance-service's CertificateIssued into revocation.issued_certificates: the
 * certificates each CA issued, which are the only ones RevokeCertificate accepts and the only
 * serials OCSP answers other than `unknown` for; and the CRL partitions they are bound to (each
 * published once a certificate names it, AWS: "after a certificate has been issued that refers
 * to it"), with the latest notAfter among them. Idempotent (insert on conflict do nothing), also
 * with a copy made earlier from issuance's LookupIssuedCertificate answer (issued-certificates.ts).
 */
export const issuedCertificateProjection: Projection = {
  name: 'revocation-issued-certificates',
  eventTypes: [ISSUANCE_EVENT_TYPES.CertificateIssued],
  apply: (trx, event) => insertIssued(trx, [event]),
  applyMany: insertIssued,
};
