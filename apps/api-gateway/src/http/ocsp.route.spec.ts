import type { CommandMessage, OcspRequestInput, Reply } from '@pki/contracts';
import type { GatewayRequest } from '../routing/http-types';
import { MAX_OCSP_REQUEST_OCTETS, OcspRoute } from './ocsp.route';

const req = (method: string, rawPath: string, body = Buffer.alloc(0), contentType = 'application/ocsp-request'): GatewayRequest => ({ method, rawPath, rawQuery: '', headers: { 'content-type': contentType }, body });

describe('OcspRoute', () => {
  const forwarded: OcspRequestInput[] = [];
  let reply: Reply<unknown> = { ok: true, result: { responseBase64: Buffer.from('3003', 'hex').toString('base64'), cache: null } };
  const route = new OcspRoute({
    request: async <T>(_service: string, _op: string, message: CommandMessage) => {
      forwarded.push(message.input as OcspRequestInput);
      return reply as Reply<T>;
    },
  });
  beforeEach(() => (forwarded.length = 0));

  it('matches GET /ocsp/<anything> and POST /ocsp only', () => {
    expect(OcspRoute.matches('GET', '/ocsp/MEIw+/QA=')).toBe(true);
    expect(OcspRoute.matches('POST', '/ocsp')).toBe(true);
    expect(OcspRoute.matches('PUT', '/ocsp')).toBe(false);
    expect(OcspRoute.matches('GET', '/ocspx/abc')).toBe(false);
  });

  it('GET: base64 with "/", "+" and "=" (raw or percent-encoded) reaches the service byte for byte', async () => {
    const der = Buffer.from([0x30, 0x03, 0xfb, 0xff, 0xfe, 0x3e]);
    const b64 = der.toString('base64');
    expect(b64).toMatch(/[+/]/);
    await route.handle(req('GET', `/ocsp/${b64}`), 'r1');
    await route.handle(req('GET', `/ocsp/${encodeURIComponent(b64)}`), 'r2');
    expect(forwarded.map((f) => f.requestBase64)).toEqual([b64, b64]);
    expect(forwarded[0]!.method).toBe('GET');
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

  it('caching headers for cacheable responses; tryLater when the responder is unavailable', async () => {
    reply = { ok: true, result: { responseBase64: 'MAA=', cache: { producedAt: '2026-11-22T10:00:00Z', nextUpdate: '2026-11-22T11:00:00Z', maxAgeSeconds: 300 } } };
    const res = await route.handle(req('POST', '/ocsp', Buffer.from([0x30, 0x00])), 'r');
    expect(res.headers).toMatchObject({ 'Cache-Control': 'max-age=300, public, no-transform, must-revalidate', Expires: 'Sun, 22 Nov 2026 11:00:00 GMT', 'Last-Modified': 'Sun, 22 Nov 2026 10:00:00 GMT' });
    reply = { ok: false, error: { kind: 'Unavailable', message: 'down' } };
    expect(Buffer.from((await route.handle(req('POST', '/ocsp', Buffer.from([0x30, 0x00])), 'r')).body).toString('hex')).toBe('30030a0103');
  });
});
