/**
 * OCSP request parsing and response encoding against OpenSSL: requests made by `openssl ocsp
 * -reqout` parse; responses we encode and sign verify with `openssl ocsp -respin` (status,
 * reason, nonce); garbage is rejected as OcspMalformed, never with another exception.
 */
import fc from 'fast-check';
import { caCertificateFacts } from './ca-certificate';
import { OcspMalformed, MAX_OCSP_REQUEST_OCTETS, parseOcspRequest } from './ocsp-request';
import { assembleOcspResponse, encodeResponseData, ocspStatusOnly, type CertStatus } from './ocsp-response';
import { makeTestCa, type TestCa } from './test-ca.spec-helper';

describe('OCSP encoding (RFC 6960) checked by OpenSSL', () => {
  let ca: TestCa;
  beforeAll(() => {
    ca = makeTestCa('ec');
    ca.issue('leaf', '0a1b2c3d4e5f');
  });
  afterAll(() => ca?.dir.remove());

  const request = (name: string, ...args: string[]) => {
    ca.dir.run('ocsp', '-issuer', 'ca.pem', ...args, '-reqout', `${name}.der`);
    return ca.dir.read(`${name}.der`);
  };

  const respond = (req: Buffer, status: CertStatus, name: string): string => {
    const parsed = parseOcspRequest(req);
    const facts = caCertificateFacts(ca.certDer);
    const now = new Date(Math.floor(Date.now() / 1000) * 1000);
    const tbs = encodeResponseData({
      responderKeyHash: facts.responderKeyHash,
      producedAt: now,
      nonce: parsed.nonce,
      responses: parsed.certIds.map((c) => ({ certIdDer: c.der, status, thisUpdate: now, nextUpdate: new Date(now.getTime() + 3600_000) })),
    });
    ca.dir.write(`${name}.resp`, assembleOcspResponse(tbs, ca.algorithm, ca.sign(tbs)));
    // -reqin alone (adding -cert would append a CertID and a new nonce to the request read back).
    const checked = ca.dir.run('ocsp', '-respin', `${name}.resp`, '-reqin', `${name}.der`, '-CAfile', 'ca.pem', '-verify_other', 'ca.pem', '-resp_text');
    const statusLine = ca.dir.run('ocsp', '-respin', `${name}.resp`, '-issuer', 'ca.pem', '-CAfile', 'ca.pem', '-cert', 'leaf.pem', '-no_nonce');
    return `${checked}\n${statusLine}`;
  };

  it('parses an OpenSSL request: SHA-1 CertID naming the CA, the serial, the nonce', () => {
    const parsed = parseOcspRequest(request('r1', '-cert', 'leaf.pem'));
    const facts = caCertificateFacts(ca.certDer);
    const sha1 = facts.certIdHashes.find((h) => h.hash === 'sha1')!;
    expect(parsed.certIds).toHaveLength(1);
    expect(parsed.certIds[0]).toMatchObject({ hash: 'sha1', serialHex: 'a1b2c3d4e5f' });
    expect(parsed.certIds[0]!.issuerKeyHash.equals(sha1.keyHash)).toBe(true);
    expect(parsed.certIds[0]!.issuerNameHash.equals(sha1.nameHash)).toBe(true);
    expect(parsed.nonce).not.toBeNull();
    expect(parseOcspRequest(request('r2', '-cert', 'leaf.pem', '-no_nonce')).nonce).toBeNull();
    const sha256 = parseOcspRequest(request('r3', '-sha256', '-cert', 'leaf.pem'));
    expect(sha256.certIds[0]!.hash).toBe('sha256');
    expect(sha256.certIds[0]!.issuerKeyHash.equals(facts.certIdHashes.find((h) => h.hash === 'sha256')!.keyHash)).toBe(true);
  });

  it('good, revoked (time and reason) and unknown responses verify with openssl, nonce echoed', () => {
    request('good', '-cert', 'leaf.pem');
    const good = respond(ca.dir.read('good.der'), { kind: 'good' }, 'good');
    expect(good).toMatch(/Response verify OK/);
    expect(good).toMatch(/leaf.pem: good/);
    expect(good).toMatch(/OCSP Nonce/);
    expect(good).not.toMatch(/WARNING: no nonce in response|Nonce Verify error/);

    request('revoked', '-cert', 'leaf.pem');
    const revoked = respond(ca.dir.read('revoked.der'), { kind: 'revoked', revokedAt: new Date('2026-01-02T03:04:05Z'), reason: 'KEY_COMPROMISE' }, 'revoked');
    expect(revoked).toMatch(/Response verify OK/);
    expect(revoked).toMatch(/leaf.pem: revoked/);
    expect(revoked).toMatch(/Reason: keyCompromise/);
    expect(revoked).toMatch(/Revocation Time: Jan {1,2}2 03:04:05 2026 GMT/);

    request('unknown', '-cert', 'leaf.pem', '-no_nonce');
    const unknown = respond(ca.dir.read('unknown.der'), { kind: 'unknown' }, 'unknown');
    expect(unknown).toMatch(/Response verify OK/);
    expect(unknown).toMatch(/leaf.pem: unknown/);
  });

  it('status-only responses are what RFC 6960 §4.2.1 says', () => {
    expect(ocspStatusOnly('malformedRequest').toString('hex')).toBe('30030a0101');
    expect(ocspStatusOnly('unauthorized').toString('hex')).toBe('30030a0106');
  });

  it('rejects malformed, truncated, oversized and hostile requests as OcspMalformed only', () => {
    const good = request('ok', '-cert', 'leaf.pem');
    const cases: Buffer[] = [
      Buffer.alloc(0),
      Buffer.from('hello world'),
      good.subarray(0, good.length - 1),
      Buffer.concat([good, Buffer.from([0])]),
      Buffer.alloc(MAX_OCSP_REQUEST_OCTETS + 1, 0x30),
      Buffer.from('3080' + '00'.repeat(4), 'hex'), // indefinite length
      Buffer.from('30' + '84' + 'ffffffff', 'hex'),
      Buffer.from('3000', 'hex'),
      Buffer.from('30023000', 'hex'), // empty requestList
      Buffer.from('30'.repeat(5000), 'hex'),
    ];
    for (const bytes of cases) expect(() => parseOcspRequest(bytes)).toThrow(OcspMalformed);
    // Every single-byte corruption either still parses or is OcspMalformed.
    fc.assert(
      fc.property(fc.nat(good.length - 1), fc.integer({ min: 0, max: 255 }), (i, b) => {
        const copy = Buffer.from(good);
        copy[i] = b;
        try {
          parseOcspRequest(copy);
        } catch (error) {
          if (!(error instanceof OcspMalformed)) throw error;
        }
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        try {
          parseOcspRequest(Buffer.from(bytes));
        } catch (error) {
          if (!(error instanceof OcspMalformed)) throw error;
        }
      }),
      { numRuns: 500 },
    );
  });
});
