/**
 * OCSP request parsing and response encoding against OpenSSL: requests made by `openssl ocsp
 * -reqout` parse; responses we encode and sign verify with `openssl ocsp -respin` (status,
 * reason, nonce); garbage is rejected as PkiParseError, never with another exception.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describePublicKey } from './algorithms';
import { parseCertificate } from './certificate-parse';
import { PkiParseError } from './errors';
import * as der from './der/der-writer';
import { MAX_OCSP_REQUESTS, MAX_OCSP_REQUEST_OCTETS, parseOcspRequest, type CertIdHash } from './ocsp-request';
import { assembleOcspResponse, encodeResponseData, ocspStatusOnly, type CertStatus } from './ocsp-response';
import { openssl, TempDir } from './openssl.spec-helper';
import { toPem } from './pem';
import { issueLeaf, makeRootCa, type TestCa } from './test-ca.spec-helper';
import { signer } from './test-keys.spec-helper';

/** RFC 6960 §4.1.1 CertID hashes naming `ca`: of its DER subject and of its subjectPublicKey BIT STRING value. */
function issuerHashes(ca: TestCa, hash: CertIdHash) {
  const parsed = parseCertificate(ca.der);
  const digest = (bytes: Uint8Array) => createHash(hash).update(bytes).digest();
  return { nameHash: digest(parsed.subjectDer), keyHash: digest(describePublicKey(parsed.publicKeySpki).subjectPublicKey) };
}

describe('OCSP encoding (RFC 6960) checked by OpenSSL', () => {
  const dir = new TempDir();
  const file = (name: string) => `${dir.path}/${name}`;
  const run = (...args: string[]): string => {
    const r = openssl(...args);
    if (r.status !== 0) throw new Error(`openssl ${args.join(' ')} failed: ${r.output}`);
    return r.output;
  };
  let ca: TestCa;
  beforeAll(async () => {
    ca = await makeRootCa('EC_prime256v1', 'SHA256WITHECDSA', { Organization: 'Example Corp', CommonName: 'OCSP Test CA' });
    dir.write('ca.pem', toPem(ca.der, 'CERTIFICATE'));
    dir.write('leaf.pem', toPem((await issueLeaf(ca, 0x0a1b2c3d4e5fn, 'leaf.example.com')).der, 'CERTIFICATE'));
  });
  afterAll(() => dir.remove());

  const request = (name: string, ...args: string[]): Buffer => {
    run('ocsp', '-issuer', file('ca.pem'), ...args, '-reqout', file(`${name}.der`));
    return readFileSync(file(`${name}.der`));
  };

  const respond = async (req: Buffer, status: CertStatus, name: string): Promise<string> => {
    const parsed = parseOcspRequest(req);
    const now = new Date(Math.floor(Date.now() / 1000) * 1000);
    const tbs = encodeResponseData({
      responderKeyHash: issuerHashes(ca, 'sha1').keyHash,
      producedAt: now,
      nonce: parsed.nonce,
      responses: parsed.certIds.map((c) => ({ certIdDer: c.der, status, thisUpdate: now, nextUpdate: new Date(now.getTime() + 3600_000) })),
    });
    dir.write(`${name}.resp`, assembleOcspResponse(tbs, ca.algorithm, await signer(ca.key, ca.algorithm)(tbs)));
    // -reqin alone (adding -cert would append a CertID and a new nonce to the request read back).
    const checked = run('ocsp', '-respin', file(`${name}.resp`), '-reqin', file(`${name}.der`), '-CAfile', file('ca.pem'), '-verify_other', file('ca.pem'), '-resp_text');
    const statusLine = run('ocsp', '-respin', file(`${name}.resp`), '-issuer', file('ca.pem'), '-CAfile', file('ca.pem'), '-cert', file('leaf.pem'), '-no_nonce');
    return `${checked}\n${statusLine}`;
  };

  it('parses an OpenSSL request: SHA-1 CertID naming the CA, the serial, the nonce', () => {
    const parsed = parseOcspRequest(request('r1', '-cert', file('leaf.pem')));
    const sha1 = issuerHashes(ca, 'sha1');
    expect(parsed.certIds).toHaveLength(1);
    expect(parsed.certIds[0]).toMatchObject({ hash: 'sha1', serialHex: 'a1b2c3d4e5f' });
    expect(parsed.certIds[0]!.issuerKeyHash.equals(sha1.keyHash)).toBe(true);
    expect(parsed.certIds[0]!.issuerNameHash.equals(sha1.nameHash)).toBe(true);
    expect(parsed.nonce).not.toBeNull();
    expect(parseOcspRequest(request('r2', '-cert', file('leaf.pem'), '-no_nonce')).nonce).toBeNull();
    const sha256 = parseOcspRequest(request('r3', '-sha256', '-cert', file('leaf.pem')));
    expect(sha256.certIds[0]!.hash).toBe('sha256');
    expect(sha256.certIds[0]!.issuerKeyHash.equals(issuerHashes(ca, 'sha256').keyHash)).toBe(true);
  });

  it('good, revoked (time and reason) and unknown responses verify with openssl, nonce echoed', async () => {
    request('good', '-cert', file('leaf.pem'));
    const good = await respond(readFileSync(file('good.der')), { kind: 'good' }, 'good');
    expect(good).toMatch(/Response verify OK/);
    expect(good).toMatch(/leaf.pem: good/);
    expect(good).toMatch(/OCSP Nonce/);
    expect(good).not.toMatch(/WARNING: no nonce in response|Nonce Verify error/);

    request('revoked', '-cert', file('leaf.pem'));
    const revoked = await respond(readFileSync(file('revoked.der')), { kind: 'revoked', revokedAt: new Date('2026-01-02T03:04:05Z'), reason: 'KEY_COMPROMISE' }, 'revoked');
    expect(revoked).toMatch(/Response verify OK/);
    expect(revoked).toMatch(/leaf.pem: revoked/);
    expect(revoked).toMatch(/Reason: keyCompromise/);
    expect(revoked).toMatch(/Revocation Time: Jan {1,2}2 03:04:05 2026 GMT/);

    request('unknown', '-cert', file('leaf.pem'), '-no_nonce');
    const unknown = await respond(readFileSync(file('unknown.der')), { kind: 'unknown' }, 'unknown');
    expect(unknown).toMatch(/Response verify OK/);
    expect(unknown).toMatch(/leaf.pem: unknown/);
  });

  it('status-only responses are what RFC 6960 §4.2.1 says', () => {
    expect(ocspStatusOnly('malformedRequest').toString('hex')).toBe('30030a0101');
    expect(ocspStatusOnly('unauthorized').toString('hex')).toBe('30030a0106');
  });

  it('rejects malformed, truncated, oversized and hostile requests as PkiParseError only', () => {
    const good = request('ok', '-cert', file('leaf.pem'));
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
      // non-minimal length (0x81 before a length under 128) around an otherwise good request
      Buffer.concat([Buffer.from([0x30, 0x81, good.length - 2]), good.subarray(2)]),
    ];
    for (const bytes of cases) expect(() => parseOcspRequest(bytes)).toThrow(PkiParseError);
    // Every single-byte corruption either still parses or is PkiParseError.
    fc.assert(
      fc.property(fc.nat(good.length - 1), fc.integer({ min: 0, max: 255 }), (i, b) => {
        const copy = Buffer.from(good);
        copy[i] = b;
        try {
          parseOcspRequest(copy);
        } catch (error) {
          if (!(error instanceof PkiParseError)) throw error;
        }
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        try {
          parseOcspRequest(Buffer.from(bytes));
        } catch (error) {
          if (!(error instanceof PkiParseError)) throw error;
        }
      }),
      { numRuns: 500 },
    );
  });

  it('refuses a negative or over-long serial number and more CertIDs than MAX_OCSP_REQUESTS', () => {
    const good = request('serials', '-cert', file('leaf.pem'), '-no_nonce');
    const { der: certId } = parseOcspRequest(good).certIds[0]!;
    const serialAt = certId.indexOf(Buffer.from('02060a1b2c3d4e5f', 'hex'));
    expect(serialAt).toBeGreaterThan(0);
    const seq = (...parts: Buffer[]): Buffer => der.sequence(...parts);
    const withSerial = (serial: Buffer, count = 1): Buffer => {
      const prefix = certId.subarray(2, serialAt); // hashAlgorithm, issuerNameHash, issuerKeyHash
      const req = seq(seq(prefix, serial));
      return seq(seq(seq(...Array.from({ length: count }, () => req))));
    };
    expect(parseOcspRequest(withSerial(Buffer.from('02060a1b2c3d4e5f', 'hex'))).certIds[0]!.serialHex).toBe('a1b2c3d4e5f');
    expect(() => parseOcspRequest(withSerial(Buffer.from('0201ff', 'hex')))).toThrow(/negative/);
    expect(() => parseOcspRequest(withSerial(Buffer.concat([Buffer.from('021501', 'hex'), Buffer.alloc(20, 1)])))).toThrow(/20 octets/);
    expect(() => parseOcspRequest(withSerial(Buffer.from('02020001', 'hex')))).toThrow(/non-minimal INTEGER/);
    expect(parseOcspRequest(withSerial(Buffer.from('02060a1b2c3d4e5f', 'hex'), MAX_OCSP_REQUESTS)).certIds).toHaveLength(MAX_OCSP_REQUESTS);
    expect(() => parseOcspRequest(withSerial(Buffer.from('02060a1b2c3d4e5f', 'hex'), MAX_OCSP_REQUESTS + 1))).toThrow(/more than/);
  });
});
