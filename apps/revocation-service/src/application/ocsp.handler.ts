/**
 * The OCSP responder (RFC 6960, RFC 5019 profile) behind the gateway's public `/ocsp` route.
 * Every answer is a DER OCSPResponse: garbage gets `malformedRequest`, CertIDs naming no CA
 * this platform serves (or one with OCSP disabled) `unauthorized` (RFC 5019 §2.2.3), a signer
 * that cannot sign now `tryLater`. Responses are signed by the CA key through ca-service
 * (SignData, purpose OCSP; responderID byKey).
 *
 * RFC 5019 §2.2.2 / §6 style pre-signed responses: a request with one CertID and no nonce is
 * answered from the process's OcspResponseCache (see ocsp-response-cache.ts) while more than
 * half of the response's validity remains; a revocation drops the serial's cached responses
 * before RevokeCertificate replies. Requests with a nonce (RFC 8954: the client asks for a
 * fresh response) or several CertIDs are signed fresh every time, and `unknown` answers are
 * never cached (a certificate issued a moment later must be answered `good` at once).
 *
 * A serial this service's projection has not seen is asked of issuance-service before it is
 * answered `unknown` (issued-certificates.ts): a certificate issued but not projected yet is
 * `good`; one being issued, or any when issuance cannot answer, gets `tryLater` (never cached).
 */
import { DomainError, type CommandMessage, type OcspRequestInput, type OcspRequestOutput, type RevocationReason } from '@pki/contracts';
import {
  PkiParseError,
  assembleOcspResponse,
  encodeResponseData,
  ocspStatusOnly,
  parseOcspRequest,
  type CertStatus,
  type OcspCertId,
  type OcspRequest,
  type SigningAlgorithm,
} from '@pki/pki';
import { findCaByCertId } from '../infrastructure/ca.queries';
import { revocationDb } from '../infrastructure/database';
import { findCertificateStatuses } from '../infrastructure/ocsp.queries';
import type { RevocationCaRow } from '../infrastructure/tables/revocation-ca.table';
import { knownCertificate } from './issued-certificates';
import type { OcspAnswerStatus, ProducedOcspAnswer } from './ocsp-response-cache';
import type { RevocationContext } from './revocation-context';
import { countOcsp } from './revocation-metrics';

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
/** RFC 5019 §6.2: max-age no later than nextUpdate; kept short so HTTP caches pick up revocations soon. */
const MAX_AGE_SECONDS = 300;

const statusOnly = (status: 'malformedRequest' | 'unauthorized'): OcspRequestOutput =>
  countOcsp(status === 'malformedRequest' ? 'malformed' : status, { responseBase64: ocspStatusOnly(status).toString('base64'), cache: null });

/** The worst status of a response's CertIDs, for the metrics. */
const worst = (statuses: readonly CertStatus[]): OcspAnswerStatus =>
  statuses.some((s) => s.kind === 'revoked') ? 'revoked' : statuses.some((s) => s.kind === 'unknown') ? 'unknown' : 'good';

/**
 * The status of every CertID. A serial without a projected row is looked up with its owner
 * (issued-certificates.ts), so a certificate issued a moment ago is `good`, never `unknown`:
 * `unknown` only for serials issuance never issued. Null when some status cannot be known now
 * (being issued, or issuance cannot answer): the whole response is then `tryLater` (RFC 6960 §2.3).
 */
async function statuses(context: RevocationContext, ca: RevocationCaRow, certIds: readonly OcspCertId[], requestId: string): Promise<CertStatus[] | null> {
  const rows = await findCertificateStatuses(context.db, ca.id, [...new Set(certIds.map((c) => c.serialHex))]);
  const bySerial = new Map(rows.map((r) => [r.serial, r]));
  const out: CertStatus[] = [];
  for (const certId of certIds) {
    const row = bySerial.get(certId.serialHex);
    if (row) {
      out.push(row.revoked_at ? { kind: 'revoked', revokedAt: row.revoked_at, reason: row.reason as RevocationReason } : { kind: 'good' });
      continue;
    }
    const known = await ownerSays(context, ca, certId.serialHex, requestId);
    if (known === null) return null;
    // Issued, and not revoked: a revocation is written after its certificate's row, which just was missing.
    out.push({ kind: known === 'ISSUED' ? 'good' : 'unknown' });
  }
  return out;
}

/** issuance's word on a serial the projection has no row for; null when it cannot be had now. */
async function ownerSays(context: RevocationContext, ca: RevocationCaRow, serialHex: string, requestId: string): Promise<'ISSUED' | 'NOT_ISSUED' | null> {
  // RFC 5280 §4.1.2.2: no certificate of this platform has a longer serial (nor serial 0).
  if (serialHex.length > 40 || !/^[1-9a-f][0-9a-f]*$/.test(serialHex)) return 'NOT_ISSUED';
  try {
    const known = await knownCertificate(context, ca.id, serialHex, { caller: { accountId: ca.owner_account, accessKeyId: 'revocation-service' }, requestId });
    return known.status === 'IN_PROGRESS' ? null : known.status;
  } catch (error) {
    if (error instanceof DomainError) return null;
    throw error;
  }
}

/** The CA a CertID names (through the process's short-lived CA lookup cache when there is one). */
function caOf(context: RevocationContext, certId: OcspCertId): Promise<RevocationCaRow | undefined> {
  const find = () => findCaByCertId(revocationDb(context.db), certId.hash, certId.issuerKeyHash, certId.issuerNameHash);
  const cas = context.ocspCaches?.cas;
  if (!cas) return find();
  const key = `${certId.hash}:${certId.issuerKeyHash.toString('base64')}:${certId.issuerNameHash.toString('base64')}`;
  return cas.get(key, Date.now(), find);
}

/** Looks the statuses up and signs one ResponseData for every CertID of the request. */
async function produce(context: RevocationContext, ca: RevocationCaRow, request: OcspRequest, requestId: string): Promise<ProducedOcspAnswer> {
  const now = new Date(Math.floor(context.now().getTime() / 1000) * 1000);
  const nextUpdate = new Date(now.getTime() + context.ocspValiditySeconds * 1000);
  const certStatuses = await statuses(context, ca, request.certIds, requestId);
  if (!certStatuses) return { responseBase64: ocspStatusOnly('tryLater').toString('base64'), status: 'tryLater', validity: null, cacheable: false };
  const responseData = encodeResponseData({
    responderKeyHash: ca.responder_key_hash!,
    producedAt: now,
    nonce: request.nonce,
    responses: request.certIds.map((certId, i) => ({ certIdDer: certId.der, status: certStatuses[i]!, thisUpdate: now, nextUpdate })),
  });
  const algorithm = ca.signing_algorithm as SigningAlgorithm;
  let signature: Buffer;
  try {
    signature = await context.signer.signData(
      { certificateAuthorityId: ca.id, signingAlgorithm: algorithm, purpose: 'OCSP', requestedBy: 'revocation-service (OCSP responder)', dataBase64: responseData.toString('base64') },
      { caller: { accountId: ca.owner_account, accessKeyId: 'revocation-service' }, requestId },
    );
  } catch (error) {
    // The CA cannot sign now (not ACTIVE, ca-service down): RFC 6960 §2.3 tryLater.
    if (error instanceof DomainError) {
      const status = error.kind === 'InvalidState' || error.kind === 'NotFound' ? 'unauthorized' : 'tryLater';
      return { responseBase64: ocspStatusOnly(status).toString('base64'), status, validity: null, cacheable: false };
    }
    throw error;
  }
  return {
    responseBase64: assembleOcspResponse(responseData, algorithm, signature).toString('base64'),
    status: worst(certStatuses),
    validity: { producedAt: now.getTime(), nextUpdate: nextUpdate.getTime() },
    cacheable: request.nonce === null && certStatuses.every((s) => s.kind !== 'unknown'),
  };
}

export async function answerOcsp(context: RevocationContext, message: CommandMessage): Promise<OcspRequestOutput> {
  const input = message.input as Partial<OcspRequestInput>;
  if (typeof input?.requestBase64 !== 'string' || !BASE64.test(input.requestBase64)) return statusOnly('malformedRequest');
  let request: OcspRequest;
  try {
    request = parseOcspRequest(Buffer.from(input.requestBase64, 'base64'));
  } catch (error) {
    if (error instanceof PkiParseError) return statusOnly('malformedRequest');
    throw error;
  }
  let ca: RevocationCaRow | undefined;
  for (const certId of request.certIds) {
    const found = await caOf(context, certId);
    // One response is signed by one key: every CertID must name the same CA.
    if (!found || (ca && found.id !== ca.id)) return statusOnly('unauthorized');
    ca = found;
  }
  if (!ca || !ca.ocsp_enabled || !ca.responder_key_hash) return statusOnly('unauthorized');

  const responses = context.ocspCaches?.responses;
  const [only] = request.certIds;
  const answer =
    responses && request.nonce === null && request.certIds.length === 1
      ? await responses.answer(only!.der.toString('base64'), { caId: ca.id, serialHex: only!.serialHex, caVersion: ca.version }, context.now().getTime(), () => produce(context, ca, request, message.requestId))
      : await produce(context, ca, request, message.requestId);
  // RFC 5019 §5/§6: GET responses without a nonce may be cached by HTTP caches; a nonce asks for a fresh one.
  // max-age stays short (HTTP caches pick up revocations soon) and never reaches past nextUpdate (§6.2).
  const cacheable = input.method === 'GET' && request.nonce === null && answer.validity !== null;
  const remainingSeconds = answer.validity ? Math.floor((answer.validity.nextUpdate - context.now().getTime()) / 1000) : 0;
  return countOcsp(answer.status, {
    responseBase64: answer.responseBase64,
    cache:
      cacheable && remainingSeconds > 0
        ? { producedAt: new Date(answer.validity!.producedAt).toISOString(), nextUpdate: new Date(answer.validity!.nextUpdate).toISOString(), maxAgeSeconds: Math.min(MAX_AGE_SECONDS, remainingSeconds) }
        : null,
  });
}
