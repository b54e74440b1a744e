import type { CommandMessage, OcspRequestItem, OcspRequestsInput, OcspResponseItem, Reply } from '@pki/contracts';
import { metricsText } from '@pki/service-kit';
import { parsePrometheusText, sampleSum } from '@pki/testing';
import type { GatewayRequest } from '../routing/http-types';
import { MAX_OCSP_REQUEST_OCTETS, OcspRoute } from './ocsp.route';

const req = (method: string, rawPath: string, body = Buffer.alloc(0), contentType = 'application/ocsp-request'): GatewayRequest => ({ method, rawPath, rawQuery: '', headers: { 'content-type': contentType }, body });

describe('OcspRoute', () => {
  const forwarded: OcspRequestItem[] = [];
  let reply: Reply<OcspResponseItem> = { ok: true, result: { responseBase64: Buffer.from('3003', 'hex').toString('base64'), presigned: null } };
  const route = new OcspRoute(
    {
      // revocation-service's OcspRequests: one answer per forwarded request.
      request: async <T>(_service: string, _op: string, message: CommandMessage) => {
        const { requests } = message.input as OcspRequestsInput;
        forwarded.push(...requests);
        return (reply.ok ? { ok: true, result: { responses: requests.map(() => reply.ok && reply.result) } } : reply) as Reply<T>;
      },
    },
    undefined,
    () => Date.parse('2026-11-22T10:00:00Z'),
  );
  beforeEach(() => (forwarded.length = 0));

  it('matches GET /ocsp/<anything> and POST /ocsp only', () => {
    expect(OcspRoute.matches('GET', '/ocsp/MEIw+/QA=')).toBe(true);
    expect(OcspRoute.matches('POST', '/ocsp')).toBe(true);
    expect(OcspRoute.matches('PUT', '/ocsp')).toBe(false);
    expect(OcspRoute.matches('GET', '/ocspx/abc')).toBe(false);
  });

  describe('at the root (http://<OcspCustomCname>/)', () => {
    // A minimal DER SEQUENCE whose base64 holds '/', '+' and '=': 30 05 fb ff fe 3e 00.
    const der = Buffer.from([0x30, 0x05, 0xfb, 0xff, 0xfe, 0x3e, 0x00]);
    const b64 = der.toString('base64');
    const longDer = Buffer.concat([Buffer.from([0x30, 0x81, 0x80]), Buffer.alloc(0x80, 0x04)]);
    const get = (rawPath: string, headers: Record<string, string> = {}, rawQuery = ''): GatewayRequest => ({ method: 'GET', rawPath, rawQuery, headers, body: Buffer.alloc(0) });
    const post = (headers: Record<string, string>, rawPath = '/'): GatewayRequest => ({ method: 'POST', rawPath, rawQuery: '', headers, body: der });

    it('takes unsigned POST / with Content-Type application/ocsp-request and no X-Amz-Target', () => {
      expect(b64).toMatch(/[+/=]/);
      expect(OcspRoute.matchesRoot(post({ 'content-type': 'application/ocsp-request' }))).toBe(true);
      expect(OcspRoute.matchesRoot(post({ 'content-type': 'Application/OCSP-Request; charset=binary' }))).toBe(true);
    });

    it('leaves POST / to the AWS JSON protocols: X-Amz-Target, Authorization, other content types, other paths', () => {
      expect(OcspRoute.matchesRoot(post({ 'content-type': 'application/ocsp-request', 'x-amz-target': 'ACMPrivateCA.ListCertificateAuthorities' }))).toBe(false);
      expect(OcspRoute.matchesRoot(post({ 'content-type': 'application/ocsp-request', authorization: 'AWS4-HMAC-SHA256 Credential=AKID/20261122/us-east-1/acm-pca/aws4_request, SignedHeaders=host, Signature=00' }))).toBe(false);
      expect(OcspRoute.matchesRoot(post({ 'content-type': 'application/x-amz-json-1.1' }))).toBe(false);
      expect(OcspRoute.matchesRoot(post({}))).toBe(false);
      expect(OcspRoute.matchesRoot(post({ 'content-type': 'application/ocsp-request' }, '/cacertificate'))).toBe(false);
    });

    it('takes unsigned GET /<base64 of one DER SEQUENCE>, raw or percent-encoded, short or long DER length', () => {
      expect(OcspRoute.matchesRoot(get(`/${b64}`))).toBe(true);
      expect(OcspRoute.matchesRoot(get(`/${encodeURIComponent(b64)}`))).toBe(true);
      expect(OcspRoute.matchesRoot(get(`/${encodeURIComponent(longDer.toString('base64'))}`))).toBe(true);
    });

    it('leaves GET to IoT, objects and health: signed requests, non-DER, truncated or trailing DER, reserved paths', () => {
      expect(OcspRoute.matchesRoot(get(`/${b64}`, { authorization: 'AWS4-HMAC-SHA256 Credential=AKID/20261122/us-east-1/iot/aws4_request, SignedHeaders=host, Signature=00' }))).toBe(false);
      expect(OcspRoute.matchesRoot(get(`/${b64}`, {}, 'X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKID%2F20261122%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Signature=00'))).toBe(false);
      for (const path of ['/', '/cacertificates', '/certificates', '/registrationcode', `/certificates/${'ab'.repeat(32)}`, '/crl-bucket/crl/x.crl', '/health/live', '/%zz']) {
        expect(OcspRoute.matchesRoot(get(path))).toBe(false);
      }
      expect(OcspRoute.matchesRoot(get(`/${Buffer.from('not der').toString('base64')}`))).toBe(false);
      expect(OcspRoute.matchesRoot(get(`/${der.subarray(0, 5).toString('base64')}`))).toBe(false);
      expect(OcspRoute.matchesRoot(get(`/${Buffer.concat([der, Buffer.from([0])]).toString('base64')}`))).toBe(false);
      expect(OcspRoute.matchesRoot({ ...get(`/${b64}`), method: 'HEAD' })).toBe(false);
    });

    it('forwards the root forms to the service byte for byte', async () => {
      await route.handle(get(`/${b64}`), 'r1');
      await route.handle(get(`/${encodeURIComponent(b64)}`), 'r2');
      await route.handle(post({ 'content-type': 'application/ocsp-request' }), 'r3');
      expect(forwarded.map((f) => f.requestBase64)).toEqual([b64, b64, b64]);
      expect(forwarded.map((f) => f.requestId)).toEqual(['r1', 'r2', 'r3']);
    });
  });

  it('GET: base64 with "/", "+" and "=" (raw or percent-encoded) reaches the service byte for byte', async () => {
    const der = Buffer.from([0x30, 0x03, 0xfb, 0xff, 0xfe, 0x3e]);
    const b64 = der.toString('base64');
    expect(b64).toMatch(/[+/]/);
    await route.handle(req('GET', `/ocsp/${b64}`), 'r1');
    await route.handle(req('GET', `/ocsp/${encodeURIComponent(b64)}`), 'r2');
    expect(forwarded.map((f) => f.requestBase64)).toEqual([b64, b64]);
  });

  it('malformed, empty, wrong content type and oversized requests get malformedRequest without reaching the service', async () => {
    for (const r of [req('GET', '/ocsp/'), req('GET', '/ocsp/%zz'), req('GET', '/ocsp/@@@'), req('POST', '/ocsp', Buffer.from([0x30]), 'text/plain'), req('POST', '/ocsp', Buffer.alloc(MAX_OCSP_REQUEST_OCTETS + 1, 0x30))]) {
      const res = await route.handle(r, 'r');
      expect(res.status).toBe(200);
      expect(res.headers['Content-Type']).toBe('application/ocsp-response');
      expect(Buffer.from(res.body).toString('hex')).toBe('30030a0101');
    }
    expect(forwarded).toHaveLength(0);
  });

  it('RFC 5019 §6.2 caching headers for GET responses that may be reused; none for POST; tryLater when the responder is unavailable', async () => {
    const presigned = { certificateAuthorityId: 'ca', serial: '1', status: 'good' as const, caVersion: 1, producedAt: Date.parse('2026-11-22T10:00:00Z'), nextUpdate: Date.parse('2026-11-22T11:00:00Z') };
    reply = { ok: true, result: { responseBase64: 'MAA=', presigned } };
    const get = await route.handle(req('GET', `/ocsp/${encodeURIComponent(Buffer.from([0x30, 0x00]).toString('base64'))}`), 'r');
    expect(get.headers).toMatchObject({
      'Cache-Control': 'max-age=300, public, no-transform, must-revalidate',
      Expires: 'Sun, 22 Nov 2026 11:00:00 GMT',
      'Last-Modified': 'Sun, 22 Nov 2026 10:00:00 GMT',
      ETag: expect.stringMatching(/^"[0-9a-f]{40}"$/),
    });
    const post = await route.handle(req('POST', '/ocsp', Buffer.from([0x30, 0x00])), 'r');
    expect(post.headers['Cache-Control']).toBe('no-cache');
    expect(post.headers.ETag).toBeUndefined();
    reply = { ok: true, result: { responseBase64: 'MAA=', presigned: null } };
    expect((await route.handle(req('GET', `/ocsp/${encodeURIComponent(Buffer.from([0x30, 0x00]).toString('base64'))}`), 'r')).headers['Cache-Control']).toBe('no-cache');
    reply = { ok: false, error: { kind: 'Unavailable', message: 'down' } };
    expect(Buffer.from((await route.handle(req('POST', '/ocsp', Buffer.from([0x30, 0x00])), 'r')).body).toString('hex')).toBe('30030a0103');
  });

  it('counts the answers it gives itself: malformed before forwarding, tryLater when revocation-service is unreachable', async () => {
    const counted = async (status: string) => sampleSum(parsePrometheusText(await metricsText()), 'pki_ocsp_responses_total', { status });
    const [malformed, tryLater] = [await counted('malformed'), await counted('tryLater')];
    await route.handle(req('POST', '/ocsp', Buffer.alloc(MAX_OCSP_REQUEST_OCTETS + 1, 0x30)), 'r');
    reply = { ok: false, error: { kind: 'Unavailable', message: 'down' } };
    try {
      await route.handle(req('POST', '/ocsp', Buffer.from('3003020101', 'hex')), 'r');
    } finally {
      reply = { ok: true, result: { responseBase64: Buffer.from('3003', 'hex').toString('base64'), presigned: null } };
    }
    expect([await counted('malformed'), await counted('tryLater')]).toEqual([malformed + 1, tryLater + 1]);
  });
});
