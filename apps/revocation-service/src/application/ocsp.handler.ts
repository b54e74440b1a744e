/**
 * The OCSP responder (RFC 6960, RFC 5019 profile) behind the gateway's public `/ocsp` route.
 * Every answer is a DER OCSPResponse: garbage gets `malformedRequest`, CertIDs naming no CA
 * this platform serves (or one with OCSP disabled) `unauthorized` (RFC 5019 §2.2.3), a signer
 * that cannot sign now `tryLater`. Responses are signed fresh per request by the CA key through
 * ca-service (SignData, purpose OCSP; responderID byKey), so a revocation shows in the very
 * next response: there is no response cache to invalidate.
 */
import { DomainError, type CommandMessage, type OcspRequestInput, type OcspRequestOutput, type RevocationReason } from '@pki/contracts';
import type { SigningAlgorithm } from '@pki/pki';
import { OcspMalformed, parseOcspRequest, type OcspCertId } from '../domain/ocsp-request';
import { assembleOcspResponse, encodeResponseData, ocspStatusOnly, type CertStatus } from '../domain/ocsp-response';
import { findCaByCertId } from '../infrastructure/ca.queries';
import { revocationDb } from '../infrastructure/database';
import type { RevocationCaRow } from '../infrastructure/tables/revocation-ca.table';
import type { RevocationContext } from './revocation-context';

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
/** RFC 5019 §6.2: max-age no later than nextUpdate; kept short so HTTP caches pick up revocations soon. */
const MAX_AGE_SECONDS = 300;

const statusOnly = (status: Parameters<typeof ocspStatusOnly>[0]): OcspRequestOutput => ({ responseBase64: ocspStatusOnly(status).toString('base64'), cache: null });

async function statuses(context: RevocationContext, ca: RevocationCaRow, certIds: readonly OcspCertId[]): Promise<CertStatus[]> {
  const serials = [...new Set(certIds.map((c) => c.serialHex))];
  const rows = await revocationDb(context.db)
    .selectFrom('issued_certificates as i')
    .leftJoin('revocations as r', (join) => join.onRef('r.ca_id', '=', 'i.ca_id').onRef('r.serial', '=', 'i.serial'))
    .select(['i.serial', 'r.revoked_at', 'r.reason'])
    .where('i.ca_id', '=', ca.id)
    .where('i.serial', 'in', serials)
    .execute();
  const bySerial = new Map(rows.map((r) => [r.serial, r]));
  return certIds.map((certId): CertStatus => {
    const row = bySerial.get(certId.serialHex);
    if (!row) return { kind: 'unknown' };
    if (row.revoked_at) return { kind: 'revoked', revokedAt: row.revoked_at, reason: row.reason as RevocationReason };
    return { kind: 'good' };
  });
}

export async function answerOcsp(context: RevocationContext, message: CommandMessage): Promise<OcspRequestOutput> {
  const input = message.input as Partial<OcspRequestInput>;
  if (typeof input?.requestBase64 !== 'string' || !BASE64.test(input.requestBase64)) return statusOnly('malformedRequest');
  let request;
  try {
    request = parseOcspRequest(Buffer.from(input.requestBase64, 'base64'));
  } catch (error) {
    if (error instanceof OcspMalformed) return statusOnly('malformedRequest');
    throw error;
  }
  const db = revocationDb(context.db);
  let ca: RevocationCaRow | undefined;
  for (const certId of request.certIds) {
    const found = await findCaByCertId(db, certId.hash, certId.issuerKeyHash, certId.issuerNameHash);
    // One response is signed by one key: every CertID must name the same CA.
    if (!found || (ca && found.id !== ca.id)) return statusOnly('unauthorized');
    ca = found;
  }
  if (!ca || !ca.ocsp_enabled || !ca.responder_key_hash) return statusOnly('unauthorized');

  const now = new Date(Math.floor(context.now().getTime() / 1000) * 1000);
  const nextUpdate = new Date(now.getTime() + context.ocspValiditySeconds * 1000);
  const certStatuses = await statuses(context, ca, request.certIds);
  const responseData = encodeResponseData({
    responderKeyHash: ca.responder_key_hash,
    producedAt: now,
    nonce: request.nonce,
    responses: request.certIds.map((certId, i) => ({ certIdDer: certId.der, status: certStatuses[i]!, thisUpdate: now, nextUpdate })),
  });
  const algorithm = ca.signing_algorithm as SigningAlgorithm;
  let signature: Buffer;
  try {
    signature = await context.signer.signData(
      { certificateAuthorityId: ca.id, signingAlgorithm: algorithm, purpose: 'OCSP', requestedBy: 'revocation-service (OCSP responder)', dataBase64: responseData.toString('base64') },
      { caller: { accountId: ca.owner_account, accessKeyId: 'revocation-service' }, requestId: message.requestId },
    );
  } catch (error) {
    // The CA cannot sign now (not ACTIVE, ca-service down): RFC 6960 §2.3 tryLater.
    if (error instanceof DomainError) return statusOnly(error.kind === 'InvalidState' || error.kind === 'NotFound' ? 'unauthorized' : 'tryLater');
    throw error;
  }
  const response = assembleOcspResponse(responseData, algorithm, signature);
  // RFC 5019 §5/§6: GET responses without a nonce may be cached; a nonce asks for a fresh one.
  const cacheable = input.method === 'GET' && request.nonce === null;
  return {
    responseBase64: response.toString('base64'),
    cache: cacheable ? { producedAt: now.toISOString(), nextUpdate: nextUpdate.toISOString(), maxAgeSeconds: Math.min(MAX_AGE_SECONDS, context.ocspValiditySeconds) } : null,
  };
}
