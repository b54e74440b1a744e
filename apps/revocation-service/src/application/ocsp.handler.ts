/**
 * The OCSP responder (RFC 6960, RFC 5019 profile) behind the gateway's public `/ocsp` route.
 * Every answer is a DER OCSPResponse: garbage gets `malformedRequest`, CertIDs naming no CA
 * this platform serves (or one with OCSP disabled) `unauthorized` (RFC 5019 §2.2.3), a signer
 * that cannot sign now `tryLater`. Responses are signed by the CA key through ca-service
 * (purpose OCSP; responderID byKey).
 *
 * The gateway sends the requests it cannot answer from its pre-signed responses several at a
 * time (`OcspRequests`: those that arrived while its previous ones were in flight), and this
 * handler keeps them together: one status query per CA for all their serials, one SignDataBatch
 * per CA for all their responses (ca-service signs them and commits their CaKeyUsed records in
 * one transaction). A response to one CertID without a nonce that is not `unknown` comes back
 * marked `presigned`: the gateway keeps it and answers later requests for that CertID from it
 * (RFC 5019 §2.2.2), as long as its lease runs (ocsp-responders.ts). `unknown` is never marked
 * (a certificate issued a moment later must be answered `good` at once), nor anything with a
 * nonce (RFC 8954: the client asks for a fresh response) or several CertIDs.
 *
 * A serial this service's projection has not seen is asked of issuance-service before it is
 * answered `unknown` (issued-certificates.ts): a certificate issued but not projected yet is
 * `good`; one being issued, or any when issuance cannot answer, gets `tryLater`.
 */
import {
  DomainError,
  MAX_OCSP_REQUESTS_PER_MESSAGE,
  SIGN_DATA_BATCH_MAX_ITEMS,
  type CommandMessage,
  type OcspRequestItem,
  type OcspRequestsInput,
  type OcspRequestsOutput,
  type OcspResponseItem,
  type RevocationReason,
} from '@pki/contracts';
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
import { findCertificateStatuses, type CertificateStatusRow } from '../infrastructure/ocsp.queries';
import type { RevocationCaRow } from '../infrastructure/tables/revocation-ca.table';
import { knownCertificate } from './issued-certificates';
import type { RevocationContext } from './revocation-context';
import { countOcsp, type OcspAnswerStatus } from './revocation-metrics';

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const REQUEST_ID = /^[\x21-\x7e]{1,256}$/;

/** CertID issuer hashes -> CA rows are reused this long (a CA change reaches the responder within it). */
export const CA_LOOKUP_TTL_MS = 1_000;
export const CA_LOOKUP_MAX_ENTRIES = 4_096;

const statusOnly = (status: 'malformedRequest' | 'unauthorized' | 'tryLater'): OcspResponseItem =>
  countOcsp(status === 'malformedRequest' ? 'malformed' : status, { responseBase64: ocspStatusOnly(status).toString('base64'), presigned: null });

/** The worst status of a response's CertIDs, for the metrics. */
const worst = (statuses: readonly CertStatus[]): OcspAnswerStatus =>
  statuses.some((s) => s.kind === 'revoked') ? 'revoked' : statuses.some((s) => s.kind === 'unknown') ? 'unknown' : 'good';

/** A request that names one CA this responder serves: what is still to be done for it. */
interface Pending {
  readonly index: number;
  readonly item: OcspRequestItem;
  readonly request: OcspRequest;
  readonly ca: RevocationCaRow;
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

/**
 * The status of every CertID of one request, from the rows read for its CA. A serial without a
 * row is looked up with its owner (issued-certificates.ts), so a certificate issued a moment ago
 * is `good`, never `unknown`. Null when some status cannot be known now (being issued, or
 * issuance cannot answer): the response is then `tryLater` (RFC 6960 §2.3).
 */
async function statusesOf(context: RevocationContext, p: Pending, rows: ReadonlyMap<string, CertificateStatusRow>): Promise<CertStatus[] | null> {
  const out: CertStatus[] = [];
  for (const certId of p.request.certIds) {
    const row = rows.get(certId.serialHex);
    if (row) {
      out.push(row.revoked_at ? { kind: 'revoked', revokedAt: row.revoked_at, reason: row.reason as RevocationReason } : { kind: 'good' });
      continue;
    }
    const known = await ownerSays(context, p.ca, certId.serialHex, p.item.requestId);
    if (known === null) return null;
    // Issued, and not revoked: a revocation is written after its certificate's row, which just was missing.
    out.push({ kind: known === 'ISSUED' ? 'good' : 'unknown' });
  }
  return out;
}

/** The CA a CertID names (through the process's short-lived CA lookup cache when there is one). */
function caOf(context: RevocationContext, certId: OcspCertId): Promise<RevocationCaRow | undefined> {
  const find = () => findCaByCertId(revocationDb(context.db), certId.hash, certId.issuerKeyHash, certId.issuerNameHash);
  const cas = context.caLookups;
  if (!cas) return find();
  const key = `${certId.hash}:${certId.issuerKeyHash.toString('base64')}:${certId.issuerNameHash.toString('base64')}`;
  return cas.get(key, Date.now(), find);
}

/** The request parsed and its CA found, or the status-only answer it gets at once. */
async function admit(context: RevocationContext, index: number, item: OcspRequestItem): Promise<Pending | OcspResponseItem> {
  if (typeof item?.requestBase64 !== 'string' || !BASE64.test(item.requestBase64)) return statusOnly('malformedRequest');
  let request: OcspRequest;
  try {
    request = parseOcspRequest(Buffer.from(item.requestBase64, 'base64'));
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
  return { index, item, request, ca };
}

/** Every pending request of one CA: one status query, one SignDataBatch per SIGN_DATA_BATCH_MAX_ITEMS responses. */
async function answerForCa(context: RevocationContext, ca: RevocationCaRow, pending: readonly Pending[], out: OcspResponseItem[], requestId: string): Promise<void> {
  const serials = [...new Set(pending.flatMap((p) => p.request.certIds.map((c) => c.serialHex)))];
  const rows = new Map((await findCertificateStatuses(context.db, ca.id, serials)).map((r) => [r.serial, r]));
  const now = new Date(Math.floor(context.now().getTime() / 1000) * 1000);
  const nextUpdate = new Date(now.getTime() + context.ocspValiditySeconds * 1000);
  const toSign: { p: Pending; statuses: CertStatus[]; responseData: Buffer }[] = [];
  for (const p of pending) {
    const statuses = await statusesOf(context, p, rows);
    if (!statuses) {
      out[p.index] = statusOnly('tryLater');
      continue;
    }
    const responseData = encodeResponseData({
      responderKeyHash: ca.responder_key_hash!,
      producedAt: now,
      nonce: p.request.nonce,
      responses: p.request.certIds.map((certId, i) => ({ certIdDer: certId.der, status: statuses[i]!, thisUpdate: now, nextUpdate })),
    });
    toSign.push({ p, statuses, responseData });
  }
  const algorithm = ca.signing_algorithm as SigningAlgorithm;
  for (let from = 0; from < toSign.length; from += SIGN_DATA_BATCH_MAX_ITEMS) {
    const chunk = toSign.slice(from, from + SIGN_DATA_BATCH_MAX_ITEMS);
    let signatures: Buffer[];
    try {
      signatures = await context.signer.signDataBatch(
        {
          certificateAuthorityId: ca.id,
          signingAlgorithm: algorithm,
          purpose: 'OCSP',
          requestedBy: 'revocation-service (OCSP responder)',
          items: chunk.map(({ p, responseData }) => ({ dataBase64: responseData.toString('base64'), requestId: p.item.requestId })),
        },
        { caller: { accountId: ca.owner_account, accessKeyId: 'revocation-service' }, requestId },
      );
    } catch (error) {
      // The CA cannot sign now (not ACTIVE, ca-service down): RFC 6960 §2.3 tryLater.
      if (!(error instanceof DomainError)) throw error;
      const status = error.kind === 'InvalidState' || error.kind === 'NotFound' ? 'unauthorized' : 'tryLater';
      for (const { p } of chunk) out[p.index] = statusOnly(status);
      continue;
    }
    chunk.forEach(({ p, statuses, responseData }, i) => {
      const reusable = p.request.nonce === null && p.request.certIds.length === 1 && statuses[0]!.kind !== 'unknown';
      out[p.index] = countOcsp(worst(statuses), {
        responseBase64: assembleOcspResponse(responseData, algorithm, signatures[i]!).toString('base64'),
        presigned: reusable
          ? { certificateAuthorityId: ca.id, serial: p.request.certIds[0]!.serialHex, status: statuses[0]!.kind === 'revoked' ? 'revoked' : 'good', caVersion: ca.version, producedAt: now.getTime(), nextUpdate: nextUpdate.getTime() }
          : null,
      });
    });
  }
}

export async function answerOcspRequests(context: RevocationContext, message: CommandMessage): Promise<OcspRequestsOutput> {
  const input = message.input as Partial<OcspRequestsInput> | null;
  const items = input?.requests;
  if (!Array.isArray(items) || items.length === 0 || items.length > MAX_OCSP_REQUESTS_PER_MESSAGE) {
    throw new DomainError('Malformed', `requests must be a list of 1-${MAX_OCSP_REQUESTS_PER_MESSAGE} OCSP requests.`);
  }
  const checked = items.map((item: OcspRequestItem) => ({ ...item, requestId: typeof item?.requestId === 'string' && REQUEST_ID.test(item.requestId) ? item.requestId : message.requestId }));
  const out: OcspResponseItem[] = new Array(checked.length);
  const byCa = new Map<string, Pending[]>();
  const admitted = await Promise.all(checked.map((item, i) => admit(context, i, item)));
  admitted.forEach((a, i) => {
    if ('responseBase64' in a) out[i] = a;
    else {
      const ofCa = byCa.get(a.ca.id);
      if (ofCa) ofCa.push(a);
      else byCa.set(a.ca.id, [a]);
    }
  });
  await Promise.all([...byCa.values()].map((pending) => answerForCa(context, pending[0]!.ca, pending, out, message.requestId)));
  return { responses: out };
}
