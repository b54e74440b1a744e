import * as fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildCsr } from './csr';
import { parseCsr, verifyCsrSignature } from './csr-parse';
import { PkiParseError } from './errors';
import { subjectAltNameExtension } from './extensions';
import { openssl, TempDir } from './openssl.spec-helper';
import { toPem } from './pem';
import { signer, testKey } from './test-keys.spec-helper';

const dir = new TempDir();
afterAll(() => dir.remove());

/** A CSR made by the openssl CLI itself, so parsing is not only checked against our own encoder. */
function opensslCsr(keyArgs: string[], digest: string, name: string): string {
  const key = join(dir.path, `${name}.key`);
  const out = join(dir.path, `${name}.csr`);
  const r = openssl('req', '-new', '-newkey', ...keyArgs, '-nodes', '-keyout', key, '-out', out, `-${digest}`, '-subj', '/C=DE/O=Acme/CN=device-1', '-addext', 'subjectAltName=DNS:device-1.example,email:ops@example.com,URI:urn:x,IP:::1');
  if (r.status !== 0) throw new Error(r.output);
  return readFileSync(out, 'utf8');
}

function expectParseError(input: Uint8Array | string, reason: RegExp): void {
  let thrown: unknown;
  try {
    parseCsr(input);
  } catch (e) {
    thrown = e;
  }
  expect(thrown).toBeInstanceOf(PkiParseError);
  expect((thrown as PkiParseError).reason).toMatch(reason);
}

describe('parseCsr on CSRs made by openssl', () => {
  it('reads EC P-384 and RSA 2048 requests and verifies them', () => {
    const ec = parseCsr(opensslCsr(['ec', '-pkeyopt', 'ec_paramgen_curve:secp384r1'], 'sha384', 'ec384'));
    expect(ec).toMatchObject({ subject: 'CN=device-1,O=Acme,C=DE', commonName: 'device-1', keyAlgorithm: 'EC_secp384r1', keyBits: 384, signingAlgorithm: 'SHA384WITHECDSA' });
    expect(ec.subjectAltNames.map((n) => `${n.kind}:${n.value}`)).toEqual([
      'dNSName:device-1.example',
      'rfc822Name:ops@example.com',
      'uniformResourceIdentifier:urn:x',
      'iPAddress:::1',
    ]);
    expect(verifyCsrSignature(ec)).toBe(true);

    const rsa = parseCsr(opensslCsr(['rsa:2048'], 'sha256', 'rsa2048'));
    expect(rsa).toMatchObject({ keyAlgorithm: 'RSA_2048', keyType: 'rsa', keyBits: 2048, signatureAlgorithmOid: '1.2.840.113549.1.1.11' });
    expect(verifyCsrSignature(rsa)).toBe(true);
  });

  it('names RSA-3072 and P-521 keys (AWS certifies them, and CAs can have them)', () => {
    const rsa3072 = parseCsr(opensslCsr(['rsa:3072'], 'sha256', 'rsa3072'));
    expect(rsa3072).toMatchObject({ keyAlgorithm: 'RSA_3072', keyBits: 3072 });
    expect(verifyCsrSignature(rsa3072)).toBe(true);
    const p521 = parseCsr(opensslCsr(['ec', '-pkeyopt', 'ec_paramgen_curve:secp521r1'], 'sha512', 'ec521'));
    expect(p521).toMatchObject({ keyAlgorithm: 'EC_secp521r1', keyType: 'ec', keyBits: 521 });
    expect(verifyCsrSignature(p521)).toBe(true);
  });

  it('names no subject key algorithm for sizes and curves AWS does not list', () => {
    const rsa2560 = parseCsr(opensslCsr(['rsa:2560'], 'sha256', 'rsa2560'));
    expect(rsa2560).toMatchObject({ keyAlgorithm: undefined, keyBits: 2560 });
    const k256 = parseCsr(opensslCsr(['ec', '-pkeyopt', 'ec_paramgen_curve:secp256k1'], 'sha256', 'k256'));
    expect(k256).toMatchObject({ keyAlgorithm: undefined, keyType: 'ec' });
  });

  it('refuses small RSA keys, naming the size', () => {
    expectParseError(opensslCsr(['rsa:1024'], 'sha256', 'rsa1024'), /RSA key of 1024 bits is below the 2048-bit minimum/);
  });

  it('refuses SHA-1 and MD5 signatures', () => {
    expectParseError(opensslCsr(['rsa:2048'], 'sha1', 'sha1'), /sha1WithRSAEncryption.*not accepted/);
    expectParseError(opensslCsr(['rsa:2048'], 'md5', 'md5'), /md5WithRSAEncryption.*not accepted/);
  });
});

describe('parseCsr on malformed input', () => {
  let der: Buffer;
  let pem: string;
  beforeAll(async () => {
    const key = testKey('EC_prime256v1');
    der = await buildCsr({
      subject: { CommonName: 'fuzz.example', Organization: 'Fuzz' },
      publicKeySpki: key.spki,
      signingAlgorithm: 'SHA256WITHECDSA',
      extensions: [subjectAltNameExtension([{ DnsName: 'fuzz.example' }])],
      sign: signer(key, 'SHA256WITHECDSA'),
    });
    pem = toPem(der, 'CERTIFICATE REQUEST');
  });

  it('gives readable reasons', () => {
    expectParseError(der.subarray(0, der.length - 5), /truncated/);
    expectParseError(Buffer.concat([der, Buffer.from([0])]), /trailing data/);
    expectParseError('not a csr', /bad PEM/);
    expectParseError(pem.replace('CERTIFICATE REQUEST-----\n', 'CERTIFICATE-----\n'), /bad PEM/);
    expectParseError(toPem(der, 'CERTIFICATE'), /expected CERTIFICATE REQUEST/);
    expectParseError(pem.replace(/[A-Za-z]{4}\n/, '!!!!\n'), /base64/);
    expectParseError(pem + pem, /one block/);
    expectParseError(pem + 'junk', /outside/);
    expectParseError(Buffer.from('3003020100', 'hex'), /wrong structure/);
    expectParseError(Buffer.alloc(70000, 0x30), /larger than/);
  });

  it('accepts PEM as bytes and DER', () => {
    expect(parseCsr(Buffer.from(pem)).commonName).toBe('fuzz.example');
    expect(parseCsr(der).commonName).toBe('fuzz.example');
  });

  it('never throws anything but PkiParseError, never hangs, and never verifies a mutated request', () => {
    const mutation = fc.oneof(
      fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
      fc.record({ kind: fc.constant('truncate' as const), at: fc.nat(), value: fc.constant(0) }),
      fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
      fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), value: fc.constant(0) }),
    );
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (mutations) => {
        let bytes = Buffer.from(der);
        for (const m of mutations) {
          const at = m.at % (bytes.length + 1);
          if (m.kind === 'flip' && at < bytes.length) bytes[at] = m.value;
          if (m.kind === 'truncate') bytes = bytes.subarray(0, at);
          if (m.kind === 'insert') bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from([m.value]), bytes.subarray(at)]);
          if (m.kind === 'delete') bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + 1)]);
        }
        const started = Date.now();
        try {
          const parsed = parseCsr(bytes);
          // Only an unchanged request (a flip to the same value) may verify.
          if (verifyCsrSignature(parsed)) expect(bytes.equals(der)).toBe(true);
        } catch (e) {
          if (!(e instanceof PkiParseError)) throw e;
          expect(e.reason.length).toBeGreaterThan(0);
        }
        // A generous bound that only a hang or a blow-up would cross; not a performance assertion.
        expect(Date.now() - started).toBeLessThan(2000);
      }),
      { numRuns: 3000 },
    );
  });

  it('survives random garbage and random PEM-wrapped garbage', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), fc.boolean(), (bytes, wrap) => {
        const input = wrap ? toPem(bytes, 'CERTIFICATE REQUEST') : Buffer.concat([Buffer.from([0x30]), bytes]);
        try {
          parseCsr(input);
        } catch (e) {
          if (!(e instanceof PkiParseError)) throw e;
        }
      }),
      { numRuns: 3000 },
    );
  });
});
