/**
 * CertificateStatus: good or revoked, from this service's own records (issued certificates and
 * revocations, the tables OCSP answers from) whatever the CA's OCSP or CRL configuration. The
 * gateway asks it for gRPC client certificates (the platform knows its own revocations: no CRL
 * fetch) and for WatchCertificate's first answer. A serial not projected yet is asked of
 * issuance-service before it is called unknown, as for OCSP.
 */
import { DomainError, isPlatformId, type CertificateStatusInput, type CertificateStatusOutput, type CommandMessage } from '@pki/contracts';
import { revocationDb } from '../infrastructure/database';
import { findCertificateStatuses, type CertificateStatusRow } from '../infrastructure/ocsp.queries';
import { knownCertificate } from './issued-certificates';
import type { RevocationContext } from './revocation-context';

const CANONICAL_SERIAL = /^(0|[1-9a-f][0-9a-f]{0,63})$/;

const answer = (row: CertificateStatusRow): CertificateStatusOutput =>
  row.revoked_at ? { status: 'revoked', revokedAt: row.revoked_at.toISOString(), reason: row.reason } : { status: 'good', revokedAt: null, reason: null };

export async function certificateStatus(context: RevocationContext, message: CommandMessage): Promise<CertificateStatusOutput> {
  const input = message.input as Partial<CertificateStatusInput> | undefined;
  const caId = input?.certificateAuthorityId;
  const serial = input?.serial;
  if (!isPlatformId(caId)) throw new DomainError('Malformed', 'certificateAuthorityId must be a certificate authority id (a lower-case UUID).');
  if (typeof serial !== 'string' || !CANONICAL_SERIAL.test(serial)) throw new DomainError('Malformed', 'serial must be a canonical serial number (lowercase hex, no leading zeros).');
  const db = revocationDb(context.db);
  const [row] = await findCertificateStatuses(db, caId, [serial]);
  if (row) return answer(row);
  const known = await knownCertificate(context, caId, serial, { caller: message.caller, requestId: message.requestId });
  if (known.status === 'IN_PROGRESS') return { status: 'inProgress', revokedAt: null, reason: null };
  if (known.status === 'NOT_ISSUED') return { status: 'unknown', revokedAt: null, reason: null };
  const [recorded] = await findCertificateStatuses(db, caId, [serial]);
  return recorded ? answer(recorded) : { status: 'good', revokedAt: null, reason: null };
}
