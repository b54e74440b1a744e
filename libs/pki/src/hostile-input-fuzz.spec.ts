/**
 * Hostile input, part 3: fast-check mutations (bit flips, truncations, insertions, deletions and
 * length-octet edits) of valid certificates, CRLs and CSRs. The parsers may accept or refuse a
 * mutant, but may only ever throw PkiParseError, and no call may exceed HANG_BOUND_MS; mutants
 * that still parse go on to signature verification and verifyChain, which must not throw.
 */
import * as fc from 'fast-check';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { verifyChain } from './chain';
import { checkCertificateSignature, parseCertificate } from './certificate-parse';
import { buildCsr } from './csr';
import { parseCsr, verifyCsrSignature } from './csr-parse';
import { checkCrlSignature, parseCrl } from './crl-parse.spec-helper';
import { PkiParseError } from './errors';
import { subjectAltNameExtension } from './extensions';
import { toPem } from './pem';
import { signer, testKey } from './test-keys.spec-helper';

const TESTDATA = path.join(__dirname, '../testdata');
if (!existsSync(path.join(TESTDATA, 'nist-pkits/certs')) || !existsSync(path.join(TESTDATA, 'x509-limbo/limbo.json'))) {
  throw new Error(`hostile-input tests need the vendored test data at ${TESTDATA} (libs/pki/testdata, part of the repository)`);
}
const HANG_BOUND_MS = 2000;
const RUNS = 3000;
const pkits = (dir: string, file: string): Buffer => readFileSync(path.join(TESTDATA, 'nist-pkits', dir, file));
const limbo: Array<{ id: string; expected_result: string; peer_certificate: string; trusted_certs: string[]; crls: string[] }> = JSON.parse(
  readFileSync(path.join(TESTDATA, 'x509-limbo/limbo.json'), 'utf8'),
).testcases;

type Mutation = { kind: 'flip' | 'set' | 'truncate' | 'insert' | 'delete' | 'length'; at: number; value: number };
const LENGTH_OCTETS = [0x00, 0x01, 0x7f, 0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x89, 0xff];

const mutation: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.constantFrom('flip', 'set', 'truncate', 'insert', 'delete', 'length'),
  at: fc.nat(),
  value: fc.nat({ max: 255 }),
});

/** Applies the mutations in order; positions wrap around the current length. */
function mutate(input: Uint8Array, mutations: Mutation[]): Uint8Array {
  let bytes = Buffer.from(input);
  for (const m of mutations) {
    if (bytes.length === 0) break;
    const at = m.at % bytes.length;
    switch (m.kind) {
      case 'flip':
        bytes[at] ^= 1 << (m.value & 7);
        break;
      case 'set':
        bytes[at] = m.value;
        break;
      case 'truncate':
        bytes = bytes.subarray(0, at);
        break;
      case 'insert':
        bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from([m.value]), bytes.subarray(at)]);
        break;
      case 'delete':
        bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + 1)]);
        break;
      case 'length': {
        // Edit the length octet of a TLV: the octet after any byte that looks like a tag of X.509's.
        const tagAt = bytes.findIndex((b, i) => i >= at && [0x02, 0x03, 0x04, 0x06, 0x30, 0x31, 0xa0, 0xa3].includes(b));
        const target = tagAt >= 0 && tagAt + 1 < bytes.length ? tagAt + 1 : at;
        const choice = m.value % (LENGTH_OCTETS.length + 2);
        bytes[target] = choice < LENGTH_OCTETS.length ? LENGTH_OCTETS[choice] : (bytes[target] + (choice === LENGTH_OCTETS.length ? 1 : 255)) & 0xff;
        break;
      }
    }
  }
  return Uint8Array.from(bytes);
}

/** Runs `fn` under the hang bound; returns the value or undefined for PkiParseError; anything else fails. */
function guarded<T>(what: string, fn: () => T): T | undefined {
  const started = performance.now();
  try {
    return fn();
  } catch (error) {
    if (error instanceof PkiParseError) return undefined;
    throw new Error(`${what} threw ${String(error)} instead of PkiParseError`, { cause: error });
  } finally {
    const elapsed = performance.now() - started;
    if (elapsed > HANG_BOUND_MS) throw new Error(`${what} took ${elapsed.toFixed(0)} ms (hang bound ${HANG_BOUND_MS} ms)`);
  }
}

const mutations = fc.array(mutation, { minLength: 1, maxLength: 4 });
const asPem = fc.boolean();

describe('certificate parsing under random mutation', () => {
  const anchorDer = pkits('certs', 'TrustAnchorRootCertificate.crt');
  const anchor = parseCertificate(anchorDer);
  const ecSuccess = limbo.find((c) => c.expected_result === 'SUCCESS' && c.id === 'rfc5280::ee-aia')!;
  const seeds = [
    { name: 'PKITS GoodCA (RSA)', der: pkits('certs', 'GoodCACert.crt'), issuerSpki: anchor.publicKeySpki },
    { name: 'PKITS EE', der: pkits('certs', 'ValidCertificatePathTest1EE.crt'), issuerSpki: parseCertificate(pkits('certs', 'GoodCACert.crt')).publicKeySpki },
    { name: 'limbo EC leaf', der: parseCertificate(ecSuccess.peer_certificate).der, issuerSpki: parseCertificate(ecSuccess.trusted_certs[0]).publicKeySpki },
  ];

  it('the seeds are valid, so mutants start from accepted input', () => {
    for (const s of seeds) expect(checkCertificateSignature(parseCertificate(s.der), s.issuerSpki)).toEqual({ status: 'valid' });
  });

  it.each(seeds.map((s) => [s.name, s] as const))('%s: mutants only ever raise PkiParseError', (_name, seed) => {
    let parsed = 0;
    fc.assert(
      fc.property(mutations, asPem, (ms, pem) => {
        const bytes = mutate(seed.der, ms);
        const cert = guarded('parseCertificate', () => parseCertificate(pem ? toPem(bytes, 'CERTIFICATE') : bytes));
        if (!cert) return;
        parsed++;
        expect(typeof checkCertificateSignature(cert, seed.issuerSpki).status).toBe('string');
        const result = verifyChain(cert, [], [anchor], new Date('2020-06-01T00:00:00Z'));
        expect(typeof result.ok).toBe('boolean');
      }),
      { numRuns: RUNS },
    );
    // Some mutants (e.g. a flipped signature bit) stay well-formed: the accepting path is exercised too.
    expect(parsed).toBeGreaterThan(0);
  });

  it('arbitrary bytes only ever raise PkiParseError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), fc.boolean(), (bytes, wrap) => {
        const input = wrap ? Uint8Array.from([0x30, 0x82, bytes.length >> 8, bytes.length & 0xff, ...bytes]) : bytes;
        guarded('parseCertificate', () => parseCertificate(input));
        guarded('parseCrl', () => parseCrl(input));
      }),
      { numRuns: RUNS },
    );
  });
});

describe('CRL parsing under random mutation', () => {
  const goodCa = parseCertificate(pkits('certs', 'GoodCACert.crt'));
  const limboCrl = limbo.find((c) => c.crls.length > 0)!;
  const seeds = [
    { name: 'PKITS GoodCACRL (2 entries)', der: pkits('crls', 'GoodCACRL.crl'), issuerSpki: goodCa.publicKeySpki },
    { name: 'PKITS deltaCRL', der: pkits('crls', 'deltaCRLCA1deltaCRL.crl'), issuerSpki: undefined },
    { name: 'limbo CRL (EC)', der: parseCrl(limboCrl.crls[0]).der, issuerSpki: parseCertificate(limboCrl.trusted_certs[0]).publicKeySpki },
  ];

  it('the seeds parse', () => {
    expect(checkCrlSignature(parseCrl(seeds[0].der), goodCa.publicKeySpki)).toEqual({ status: 'valid' });
    for (const s of seeds) expect(parseCrl(s.der).issuer.length).toBeGreaterThan(0);
  });

  it.each(seeds.map((s) => [s.name, s] as const))('%s: mutants only ever raise PkiParseError', (_name, seed) => {
    fc.assert(
      fc.property(mutations, asPem, (ms, pem) => {
        const bytes = mutate(seed.der, ms);
        const crl = guarded('parseCrl', () => parseCrl(pem ? toPem(bytes, 'X509 CRL') : bytes));
        if (crl && seed.issuerSpki) expect(typeof checkCrlSignature(crl, seed.issuerSpki).status).toBe('string');
      }),
      { numRuns: RUNS },
    );
  });
});

describe('CSR parsing under random mutation', () => {
  const csrs: Array<{ name: string; der: Uint8Array }> = [];
  beforeAll(async () => {
    const ec = testKey('EC_prime256v1');
    const rsa = testKey('RSA_2048');
    csrs.push({
      name: 'EC P-256 with SAN',
      der: await buildCsr({
        subject: { Country: 'US', Organization: 'Example Corp', CommonName: 'device-1.example.com' },
        publicKeySpki: ec.spki,
        signingAlgorithm: 'SHA256WITHECDSA',
        extensions: [subjectAltNameExtension([{ DnsName: 'device-1.example.com' }, { IpAddress: '10.0.0.1' }])],
        sign: signer(ec, 'SHA256WITHECDSA'),
      }),
    });
    csrs.push({
      name: 'RSA 2048',
      der: await buildCsr({ subject: { CommonName: 'rsa.example.com' }, publicKeySpki: rsa.spki, signingAlgorithm: 'SHA256WITHRSA', sign: signer(rsa, 'SHA256WITHRSA') }),
    });
  });

  it('the seeds are valid requests', () => {
    for (const c of csrs) expect(verifyCsrSignature(parseCsr(c.der))).toBe(true);
  });

  it('mutants only ever raise PkiParseError', () => {
    expect(csrs).toHaveLength(2);
    for (const seed of csrs) {
      fc.assert(
        fc.property(mutations, asPem, (ms, pem) => {
          const bytes = mutate(seed.der, ms);
          const csr = guarded('parseCsr', () => parseCsr(pem ? toPem(bytes, 'CERTIFICATE REQUEST') : bytes));
          if (csr) expect(typeof verifyCsrSignature(csr)).toBe('boolean');
          // A CSR is not a certificate or a CRL: the other parsers must refuse it cleanly.
          guarded('parseCertificate on a CSR', () => parseCertificate(bytes));
          guarded('parseCrl on a CSR', () => parseCrl(bytes));
        }),
        { numRuns: RUNS },
      );
    }
  });
});
