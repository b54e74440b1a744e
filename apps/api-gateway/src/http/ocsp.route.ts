/**
 * The public OCSP route (RFC 6960 Appendix A, RFC 5019 §5), unsigned as on AWS:
 * - `GET /ocsp/<url-encoded base64 of the DER OCSPRequest>`: the base64 may contain '/', '+'
 *   and '=' (raw or percent-encoded), so the whole rest of the raw path is the request and the
 *   path is never normalized;
 * - `POST /ocsp` (or `/ocsp/`) with `Content-Type: application/ocsp-request` and the DER body;
 * - the same two forms at the root (`GET /<base64>`, `POST /`) for CAs whose certificates name
 *   `http://<OcspCustomCname>/` (AWS `OcspConfiguration.OcspCustomCname`): see `matchesRoot`.
 * The request is answered by the gateway's OcspResponder (../ocsp: from a pre-signed response,
 * or forwarded to revocation-service over NATS); the answer is always an
 * `application/ocsp-response`: malformed input gets the RFC's malformedRequest response (never
 * a 500), an unavailable responder tryLater.
 */
import type { ServiceClient } from '@pki/service-kit';
import { MAX_OCSP_REQUEST_OCTETS, ocspStatusOnly } from '@pki/pki';
import { counter } from '@pki/service-kit';
import { OcspResponder } from '../ocsp/ocsp-responder';
import type { PresignedEntry } from '../ocsp/presigned-responses';
import type { GatewayRequest } from '../routing/http-types';
import { hasSignature, type ObjectResponse } from './objects.route';

/** Largest OCSP request forwarded (DER octets, what the responder reads); larger ones are answered malformedRequest here. */
export { MAX_OCSP_REQUEST_OCTETS };

// OCSPResponse ::= SEQUENCE { responseStatus ENUMERATED } (RFC 6960 §4.2.1), unsigned.
const MALFORMED = ocspStatusOnly('malformedRequest');
const INTERNAL_ERROR = ocspStatusOnly('internalError');
const TRY_LATER = ocspStatusOnly('tryLater');

const ocspResponses = counter('pki_ocsp_responses_total', 'OCSP answers the gateway gives itself, by status: malformed (refused before forwarding), tryLater (revocation-service unreachable), internalError; revocation-service counts the rest', ['status']);

/** Counts an OCSP answer the gateway made without revocation-service, and returns it. */
function gatewayOcspAnswer(status: 'malformed' | 'tryLater' | 'internalError', answer: ObjectResponse): ObjectResponse {
  ocspResponses.inc({ status });
  return answer;
}

/** RFC 5019 §6.2: max-age no later than nextUpdate; kept short so HTTP caches pick up revocations soon. */
const MAX_AGE_SECONDS = 300;

const contentType = (request: GatewayRequest): string => String(request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();

/** The percent-encoded base64 part of a GET: after `/ocsp/` on the public route, after `/` at the root. */
const encodedPart = (rawPath: string): string => (rawPath === '/ocsp' || rawPath.startsWith('/ocsp/') ? rawPath.slice('/ocsp/'.length) : rawPath.slice(1));

/** Whether `der` is exactly one DER SEQUENCE TLV (definite length covering every octet), as an OCSPRequest is (RFC 6960 §4.1.1). */
function isOneDerSequence(der: Buffer): boolean {
  if (der.length < 2 || der[0] !== 0x30) return false;
  const first = der[1]!;
  if (first < 0x80) return 2 + first === der.length;
  const octets = first & 0x7f;
  if (octets === 0 || octets > 4 || der.length < 2 + octets) return false;
  let length = 0;
  for (let i = 0; i < octets; i++) length = length * 256 + der[2 + i]!;
  return 2 + octets + length === der.length;
}

const respond = (body: Buffer, status = 200, extra: Record<string, string> = {}): ObjectResponse => ({
  status,
  headers: { 'Content-Type': 'application/ocsp-response', 'Content-Length': String(body.length), 'Cache-Control': 'no-cache', ...extra },
  body,
});

export class OcspRoute {
  private readonly responder: OcspResponder;

  /** `responder`: the process's (with its pre-signed responses and lease); by default one that forwards every request. */
  constructor(services: Pick<ServiceClient, 'request'>, responder?: OcspResponder, private readonly now: () => number = Date.now) {
    this.responder = responder ?? new OcspResponder(services);
  }

  static matches(method: string, rawPath: string): boolean {
    if (method !== 'GET' && method !== 'POST') return false;
    return rawPath === '/ocsp' || rawPath.startsWith('/ocsp/');
  }

  /**
   * OCSP at the root, for `http://<OcspCustomCname>/`: the platform team points that name (a
   * CNAME) at the gateway, as AWS has it pointed at its own responder, which answers at the root
   * of `ocsp.acm-pca.<region>.amazonaws.com` ("Customizing the URL for OCSP", AWS Private CA
   * User Guide). The root is shared with the AWS JSON protocols (`POST /` with `X-Amz-Target`)
   * and with the IoT restJson1 routes (`GET /certificates/...`), so a request is OCSP only when
   * it cannot be one of those:
   * - it carries no SigV4 signature (no `Authorization` header, no `X-Amz-Signature` /
   *   `X-Amz-Credential` query): every AWS JSON and restJson1 call is signed;
   * - `POST /` has no `X-Amz-Target` and `Content-Type: application/ocsp-request` (RFC 6960 A.1);
   * - `GET /<request>`: the rest of the path, percent-decoded, is base64 (RFC 6960 A.1; it may
   *   hold raw '/', so it is not split into segments) of exactly one DER SEQUENCE. Such base64
   *   starts with 'M' (0x30), so it is never a bucket name (lower case) or a reserved segment,
   *   and the object route loses nothing.
   * The Host header is not compared with the configured OcspCustomCname values: the request's
   * shape already decides, the responder finds the CA from the CertID's issuer hashes (RFC 6960
   * §4.1.1) and answers `unauthorized` for CAs it does not serve, and a comparison would cost a
   * lookup of every CA's OcspCustomCname on the OCSP hot path for no change in the answer.
   */
  static matchesRoot(request: GatewayRequest): boolean {
    if (hasSignature(request)) return false;
    if (request.method === 'POST') {
      return request.rawPath === '/' && request.headers['x-amz-target'] === undefined && contentType(request) === 'application/ocsp-request';
    }
    if (request.method !== 'GET' || request.rawPath === '/') return false;
    const der = OcspRoute.getDer(request.rawPath);
    return der !== undefined && isOneDerSequence(der);
  }

  /** The DER request, or undefined when the HTTP request cannot carry one. */
  static requestDer(request: GatewayRequest): Buffer | undefined {
    if (request.method === 'POST') {
      if (request.rawPath !== '/ocsp' && request.rawPath !== '/ocsp/' && request.rawPath !== '/') return undefined;
      return contentType(request) === 'application/ocsp-request' ? request.body : undefined;
    }
    return OcspRoute.getDer(request.rawPath);
  }

  private static getDer(rawPath: string): Buffer | undefined {
    let encoded: string;
    try {
      encoded = decodeURIComponent(encodedPart(rawPath));
    } catch {
      return undefined;
    }
    if (encoded.length === 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) return undefined;
    return Buffer.from(encoded, 'base64');
  }

  /**
   * The answer from this process's pre-signed responses, when the request has one (synchronous:
   * no request id, span or access line is made for it; the gateway's API metrics count it).
   */
  answerPresigned(request: GatewayRequest): ObjectResponse | undefined {
    if (request.method === 'POST' && request.body.length > MAX_OCSP_REQUEST_OCTETS) return undefined;
    const der = OcspRoute.requestDer(request);
    if (!der || der.length === 0 || der.length > MAX_OCSP_REQUEST_OCTETS) return undefined;
    const entry = this.responder.presigned(der);
    return entry && this.httpResponse(request, entry.body, entry);
  }

  async handle(request: GatewayRequest, requestId: string): Promise<ObjectResponse> {
    if (request.method === 'POST' && request.body.length > MAX_OCSP_REQUEST_OCTETS) return gatewayOcspAnswer('malformed', respond(MALFORMED));
    const der = OcspRoute.requestDer(request);
    if (!der || der.length === 0 || der.length > MAX_OCSP_REQUEST_OCTETS) return gatewayOcspAnswer('malformed', respond(MALFORMED));
    const outcome = await this.responder.answer(der, requestId);
    if (outcome.kind === 'unavailable') return gatewayOcspAnswer('tryLater', respond(TRY_LATER));
    if (outcome.kind === 'failed') return gatewayOcspAnswer('internalError', respond(INTERNAL_ERROR));
    return this.httpResponse(request, outcome.body, outcome.entry);
  }

  /** An internalError answer, for a request whose handling failed unexpectedly. */
  static internalError(): ObjectResponse {
    return gatewayOcspAnswer('internalError', respond(INTERNAL_ERROR));
  }

  private httpResponse(request: GatewayRequest, body: Buffer, entry: PresignedEntry | null): ObjectResponse {
    // RFC 5019 §5/§6: GET responses without a nonce may be cached by HTTP caches (a nonce asks for a
    // fresh one); max-age stays short (HTTP caches pick up revocations soon) and never reaches past nextUpdate (§6.2).
    const remainingSeconds = entry ? Math.floor((entry.presigned.nextUpdate - this.now()) / 1000) : 0;
    if (request.method !== 'GET' || !entry || remainingSeconds <= 0) return respond(body);
    return respond(body, 200, {
      'Cache-Control': `max-age=${Math.min(MAX_AGE_SECONDS, remainingSeconds)}, public, no-transform, must-revalidate`,
      'Last-Modified': entry.lastModified,
      Expires: entry.expires,
      ETag: entry.etag,
    });
  }
}
