/**
 * Whether a CA issued a serial, as RevokeCertificate and the OCSP responder must know it: this
 * service's projection of CertificateIssued first, and, when it has no row, the owner's answer
 * (issuance-service's LookupIssuedCertificate). The projection lags issuance by the outbox relay
 * and the consumer (seconds after a restart of this service, until JetStream redelivers what
 * the dead process held), so "no row" alone never means "not issued".
 *
 * An ISSUED answer is recorded in the projection's table from the event issuance returns (same
 * event id and payload), so revocations, CRLs and OCSP proceed at once; the projected event
 * later finds the row there (insert on conflict do nothing).
 */
import type { Caller } from '@pki/contracts';
import { crlPartitionSighting, findIssuedCertificate, insertIssuedCertificate } from '../infrastructure/certificate.queries';
import { revocationDb } from '../infrastructure/database';
import { issuedCertificateRow } from '../infrastructure/projections/issued-certificate.projection';
import type { IssuedCertificateRow } from '../infrastructure/tables/issued-certificate.table';
import type { RevocationContext } from './revocation-context';

export type KnownCertificate =
  | { readonly status: 'ISSUED'; readonly row: IssuedCertificateRow }
  /** Requested, not signed or recorded yet: ask again shortly. */
  | { readonly status: 'IN_PROGRESS' }
  | { readonly status: 'NOT_ISSUED' };

/**
 * The certificate `serial` (canonical hex) of CA `caId`. Throws the DomainError of issuance's
 * reply when the owner cannot be asked now (Unavailable): never "not issued" without its word.
 */
export async function knownCertificate(context: RevocationContext, caId: string, serial: string, on: { caller: Caller; requestId: string }): Promise<KnownCertificate> {
  const db = revocationDb(context.db);
  const projected = await findIssuedCertificate(db, caId, serial);
  if (projected) return { status: 'ISSUED', row: projected };
  const answer = await context.issuance.lookupIssuedCertificate({ certificateAuthorityId: caId, serial }, on);
  if (answer.status !== 'ISSUED') return answer;
  const row = issuedCertificateRow(answer.certificate, answer.eventId);
  if (row.ca_id !== caId || row.serial !== serial) {
    throw new Error(`issuance answered LookupIssuedCertificate(${caId}, ${serial}) with certificate ${answer.certificate.certificateArn}`);
  }
  await insertIssuedCertificate(db, row, crlPartitionSighting(answer.certificate));
  const recorded = await findIssuedCertificate(db, caId, serial);
  if (!recorded) throw new Error(`issued certificate ${row.certificate_arn} was not recorded`);
  return { status: 'ISSUED', row: recorded };
}
