/**
 * The public OCSP route (RFC 6960 Appendix A, RFC 5019 §5), unsigned as on AWS:
 * - `GET /ocsp/<url-encoded base64 of the DER OCSPRequest>`: the base64 may contain '/', '+'
 *   and '=' (raw or percent-encoded), so the whole rest of the raw path is the request and the
 *   path is never normalized;
 * - `POST /ocsp` (or `/ocsp/`) with `Content-Type: application/ocsp-request` and the DER body.
 * The request is forwarded to revocation-service over NATS; the answer is always an
 * `application/ocsp-response`: malformed input gets the RFC's malformedRequest response (never
 * a 500), an unavailable responder tryLater.
 */
import { createHash } from 'node:crypto';
import { REVOCATION_OPERATIONS, type Caller, type OcspRequestInput, type OcspRequestOutput } from '@pki/contracts';
import type { ServiceClient } from '@pki/service-kit';
import type { GatewayRequest } from '../routing/http-types';
import type { ObjectResponse } from './objects.route';

/** Largest OCSP request forwarded (DER octets); larger ones are answered malformedRequest here. */
export const MAX_OCSP_REQUEST_OCTETS = 16 * 1024;

// OCSPResponse ::= SEQUENCE { responseStatus ENUMERATED } (RFC 6960 §4.2.1): malformedRequest (1), internalError (2), tryLater (3).
const MALFORMED = Buffer.from([0x30, 0x03, 0x0a, 0x01, 0x01]);
const INTERNAL_ERROR = Buffer.from([0x30, 0x03, 0x0a, 0x01, 0x02]);
const TRY_LATER = Buffer.from([0x30, 0x03, 0x0a, 0x01, 0x03]);

/** OCSP requests are anonymous; the responder works for the CA's account, not the caller's. */
const ANONYMOUS: Caller = { accountId: '000000000000', accessKeyId: 'anonymous' };

const respond = (body: Buffer, status = 200, extra: Record<string, string> = {}): ObjectResponse => ({
  status,
  headers: { 'Content-Type': 'application/ocsp-response', 'Content-Length': String(body.length), 'Cache-Control': 'no-cache', ...extra },
  body,
});

export class OcspRoute {
  constructor(private readonly services: Pick<ServiceClient, 'request'>) {}

  static matches(method: string, rawPath: string): boolean {
    if (method !== 'GET' && method !== 'POST') return false;
    return rawPath === '/ocsp' || rawPath.startsWith('/ocsp/');
  }

  /** The DER request, or undefined when the HTTP request cannot carry one. */
  static requestDer(request: GatewayRequest): Buffer | undefined {
    if (request.method === 'POST') {
      if (request.rawPath !== '/ocsp' && request.rawPath !== '/ocsp/') return undefined;
      const type = String(request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      return type === 'application/ocsp-request' ? request.body : undefined;
    }
    let encoded: string;
    try {
      encoded = decodeURIComponent(request.rawPath.slice('/ocsp/'.length));
    } catch {
      return undefined;
    }
    if (encoded.length === 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) return undefined;
    return Buffer.from(encoded, 'base64');
  }

  async handle(request: GatewayRequest, requestId: string): Promise<ObjectResponse> {
    if (request.method === 'POST' && request.body.length > MAX_OCSP_REQUEST_OCTETS) return respond(MALFORMED);
    const der = OcspRoute.requestDer(request);
    if (!der || der.length === 0 || der.length > MAX_OCSP_REQUEST_OCTETS) return respond(MALFORMED);
    const input: OcspRequestInput = { requestBase64: der.toString('base64'), method: request.method === 'GET' ? 'GET' : 'POST' };
    const reply = await this.services.request<OcspRequestOutput>('revocation', REVOCATION_OPERATIONS.OcspRequest, { caller: ANONYMOUS, requestId, input });
    if (!reply.ok) return respond(reply.error.kind === 'Unavailable' ? TRY_LATER : INTERNAL_ERROR);
    const body = Buffer.from(reply.result.responseBase64, 'base64');
    const cache = reply.result.cache;
    if (!cache) return respond(body);
    // RFC 5019 §6.2 caching headers for GET responses without a nonce.
    return respond(body, 200, {
      'Cache-Control': `max-age=${cache.maxAgeSeconds}, public, no-transform, must-revalidate`,
      'Last-Modified': new Date(cache.producedAt).toUTCString(),
      Expires: new Date(cache.nextUpdate).toUTCString(),
      ETag: `"${createHash('sha1').update(body).digest('hex')}"`,
    });
  }
}
