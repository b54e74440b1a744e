/**
 * Hostile input, part 1 (issue 4, "CSR checks"): every certificate and CRL in libs/pki/testdata
 * (NIST PKITS, x509-limbo) goes through parseCertificate / parseCrl. Nothing but PkiParseError
 * may escape, no call may take longer than HANG_BOUND_MS (a hang bound, not a performance
 * assertion), and the inputs the suites call valid must parse, so a parser that rejects
 * everything fails. Chain validation: hostile-input-chain.spec.ts; mutations: hostile-input-fuzz.spec.ts.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { checkCertificateSignature, parseCertificate, verifyCertificateSignature, type ParsedCertificate } from './certificate-parse';
import { parseCrl, verifyCrlSignature, type ParsedCrl } from './crl-parse.spec-helper';
import { PkiParseError } from './errors';
import { toPem } from './pem';

const TESTDATA = path.join(__dirname, '../testdata');
if (!existsSync(path.join(TESTDATA, 'nist-pkits/cases.json')) || !existsSync(path.join(TESTDATA, 'x509-limbo/limbo.json'))) {
  throw new Error(`hostile-input tests need the vendored test data at ${TESTDATA} (libs/pki/testdata, part of the repository)`);
}
const HANG_BOUND_MS = 2000;
const PKITS_CERTS = path.join(TESTDATA, 'nist-pkits/certs');
const PKITS_CRLS = path.join(TESTDATA, 'nist-pkits/crls');

interface PkitsCase {
  name: string;
  ee: string;
  ints: string[];
  crls: string[];
  expect_valid: boolean;
}
interface LimboCase {
  id: string;
  expected_result: 'SUCCESS' | 'FAILURE';
  trusted_certs: string[];
  untrusted_intermediates: string[];
  peer_certificate: string;
  crls: string[];
}
const pkitsCases: PkitsCase[] = JSON.parse(readFileSync(path.join(TESTDATA, 'nist-pkits/cases.json'), 'utf8'));
const limboCases: LimboCase[] = JSON.parse(readFileSync(path.join(TESTDATA, 'x509-limbo/limbo.json'), 'utf8')).testcases;

type Outcome<T> = { ok: true; value: T } | { ok: false; error: PkiParseError };

/** Runs `parse`, failing the test on anything but success or PkiParseError, or on a call slower than the hang bound. */
function guarded<T>(what: string, parse: () => T): Outcome<T> {
  const started = performance.now();
  let outcome: Outcome<T>;
  try {
    outcome = { ok: true, value: parse() };
  } catch (error) {
    if (!(error instanceof PkiParseError)) throw new Error(`${what}: threw ${String(error)} instead of PkiParseError`, { cause: error });
    expect(error.reason.length).toBeGreaterThan(0);
    outcome = { ok: false, error };
  }
  const elapsed = performance.now() - started;
  if (elapsed > HANG_BOUND_MS) throw new Error(`${what}: took ${elapsed.toFixed(0)} ms (hang bound ${HANG_BOUND_MS} ms)`);
  return outcome;
}

const pkitsCert = (file: string): Buffer => readFileSync(path.join(PKITS_CERTS, file));

describe('parseCertificate on every certificate in the vendored test data', () => {
  const files = readdirSync(PKITS_CERTS).filter((f) => f.endsWith('.crt'));

  it('parses the NIST PKITS certificates, accepting every one a valid case uses', () => {
    expect(files.length).toBe(405);
    const results = new Map(files.map((f) => [f, guarded(`PKITS ${f}`, () => parseCertificate(pkitsCert(f)))]));
    // PEM input takes the same path.
    for (const f of files) guarded(`PKITS ${f} as PEM`, () => parseCertificate(toPem(pkitsCert(f), 'CERTIFICATE')));

    const mustParse = new Set(['TrustAnchorRootCertificate.crt']);
    for (const c of pkitsCases.filter((k) => k.expect_valid)) [c.ee, ...c.ints].forEach((f) => mustParse.add(f));
    expect(mustParse.size).toBeGreaterThan(150);
    const rejected = [...mustParse].filter((f) => !results.get(f)?.ok).map((f) => `${f}: ${(results.get(f) as { error?: PkiParseError }).error?.reason}`);
    expect(rejected).toEqual([]);
    // Of all 405, only malformed ones may be refused; today every PKITS certificate is well-formed DER.
    expect([...results].filter(([, r]) => !r.ok).map(([f]) => f)).toEqual([]);
  });

  it('parses the x509-limbo certificates (trusted, untrusted, peer), accepting every one of a SUCCESS case', () => {
    const refusedInSuccess: string[] = [];
    const refusedInFailure: string[] = [];
    let count = 0;
    for (const c of limboCases) {
      const pems = [...c.trusted_certs, ...c.untrusted_intermediates, c.peer_certificate];
      for (const [i, pem] of pems.entries()) {
        count++;
        const r = guarded(`limbo ${c.id} #${i}`, () => parseCertificate(pem));
        if (!r.ok) (c.expected_result === 'SUCCESS' ? refusedInSuccess : refusedInFailure).push(`${c.id}: ${r.error.reason}`);
      }
    }
    expect(count).toBeGreaterThan(600);
    expect(refusedInSuccess).toEqual([]);
    // The refusals are all in cases the suite itself expects to fail (malformed SAN, duplicate extensions, ...).
    expect(refusedInFailure.length).toBeGreaterThan(5);
    expect(refusedInFailure.join('\n')).toMatch(/duplicate extension 2\.5\.29\.17/);
    expect(refusedInFailure.join('\n')).toMatch(/signatureAlgorithm differs from the TBSCertificate signature field/);
    expect(refusedInFailure.join('\n')).toMatch(/larger than 65536 octets/);
  });

  it('decodes the PKITS trust anchor', () => {
    const ta = parseCertificate(pkitsCert('TrustAnchorRootCertificate.crt'));
    expect(ta).toMatchObject({
      version: 3,
      serialHex: '01',
      subject: 'CN=Trust Anchor,O=Test Certificates 2011,C=US',
      issuer: 'CN=Trust Anchor,O=Test Certificates 2011,C=US',
      notBefore: new Date('2010-01-01T08:30:00Z'),
      notAfter: new Date('2030-12-31T08:30:00Z'),
      basicConstraints: { ca: true, pathLenConstraint: undefined },
      keyUsage: { KeyCertSign: true, CRLSign: true },
      publicKey: { keyType: 'rsa', keyBits: 2048 },
    });
    expect(ta.signatureAlgorithm).toMatchObject({ name: 'sha256WithRSAEncryption', support: 'supported', hash: 'sha256' });
    expect(ta.subjectKeyIdentifier).toHaveLength(20);
    expect(verifyCertificateSignature(ta, ta.publicKeySpki)).toBe(true);
  });

  it('verifies signatures and reports bad, weak and unsupported ones', () => {
    const ta = parseCertificate(pkitsCert('TrustAnchorRootCertificate.crt'));
    const good = parseCertificate(pkitsCert('GoodCACert.crt'));
    expect(good.authorityKeyIdentifier?.keyIdentifier).toEqual(ta.subjectKeyIdentifier);
    expect(verifyCertificateSignature(good, ta.publicKeySpki)).toBe(true);
    expect(verifyCertificateSignature(good, good.publicKeySpki)).toBe(false);
    expect(checkCertificateSignature(parseCertificate(pkitsCert('BadSignedCACert.crt')), ta.publicKeySpki).status).toBe('invalid');
    const ee = parseCertificate(pkitsCert('InvalidEESignatureTest3EE.crt'));
    expect(verifyCertificateSignature(ee, good.publicKeySpki)).toBe(false);
    const dsa = parseCertificate(pkitsCert('ValidDSASignaturesTest4EE.crt'));
    expect(dsa.signatureAlgorithm).toMatchObject({ name: 'dsa-with-sha1', support: 'weak' });
    expect(checkCertificateSignature(dsa, parseCertificate(pkitsCert('DSACACert.crt')).publicKeySpki)).toMatchObject({ status: 'unsupported' });
  });

  it('reads the awkward but valid encodings PKITS uses', () => {
    expect(parseCertificate(pkitsCert('ValidNegativeSerialNumberTest14EE.crt')).serialHex).toBe('ff'); // 00 ff: the sign octet dropped
    expect(parseCertificate(pkitsCert('InvalidNegativeSerialNumberTest15EE.crt'))).toMatchObject({ serialHex: '-ff', serialNumber: Uint8Array.from([0xff]) });
    expect(parseCertificate(pkitsCert('ValidLongSerialNumberTest17EE.crt')).serialNumber.length).toBeGreaterThanOrEqual(20);
    expect(parseCertificate(pkitsCert('ValidGeneralizedTimenotAfterDateTest8EE.crt')).notAfter).toEqual(new Date('2050-01-01T12:01:00Z'));
    expect(parseCertificate(pkitsCert('Validpre2000UTCnotBeforeDateTest3EE.crt')).notBefore.getUTCFullYear()).toBe(1950);
    expect(parseCertificate(pkitsCert('ValidUTF8StringEncodedNamesTest9EE.crt')).subject).toContain('Valid UTF8String Encoded Names EE Certificate Test9');
  });

  it('refuses oversized input before decoding it, with a configurable cap', () => {
    const ta = pkitsCert('TrustAnchorRootCertificate.crt');
    expect(() => parseCertificate(ta, { maxOctets: 100 })).toThrow(/larger than 100 octets/);
    expect(() => parseCertificate('x'.repeat(1_000_000))).toThrow(PkiParseError);
    expect(() => parseCertificate(new Uint8Array(0))).toThrow(/empty certificate/);
    expect(() => parseCertificate(toPem(ta, 'X509 CRL'))).toThrow(/expected CERTIFICATE/);
  });
});

describe('parseCrl on every CRL in the vendored test data', () => {
  const files = readdirSync(PKITS_CRLS).filter((f) => f.endsWith('.crl'));

  it('parses the NIST PKITS CRLs, accepting every one a valid case uses', () => {
    expect(files.length).toBe(173);
    const results = new Map(files.map((f) => [f, guarded(`PKITS ${f}`, () => parseCrl(readFileSync(path.join(PKITS_CRLS, f))))]));
    const mustParse = new Set<string>();
    for (const c of pkitsCases.filter((k) => k.expect_valid)) c.crls.forEach((f) => mustParse.add(f));
    expect(mustParse.size).toBeGreaterThan(50);
    expect([...mustParse].filter((f) => !results.get(f)?.ok)).toEqual([]);
    expect([...results].filter(([, r]) => !r.ok).map(([f]) => f)).toEqual([]);
  });

  it('parses the x509-limbo CRLs', () => {
    const all = limboCases.flatMap((c) => c.crls.map((pem) => ({ id: c.id, ok: c.expected_result === 'SUCCESS', pem })));
    expect(all.length).toBeGreaterThanOrEqual(9);
    const refused = all.map((x) => ({ ...x, r: guarded(`limbo CRL ${x.id}`, () => parseCrl(x.pem)) })).filter((x) => !x.r.ok);
    expect(refused.filter((x) => x.ok).map((x) => x.id)).toEqual([]);
  });

  it('decodes entries, reasons and extensions and verifies the signature', () => {
    const crl: ParsedCrl = parseCrl(readFileSync(path.join(PKITS_CRLS, 'GoodCACRL.crl')));
    const ca: ParsedCertificate = parseCertificate(pkitsCert('GoodCACert.crt'));
    expect(crl).toMatchObject({
      version: 2,
      issuer: 'CN=Good CA,O=Test Certificates 2011,C=US',
      thisUpdate: new Date('2010-01-01T08:30:00Z'),
      nextUpdate: new Date('2030-12-31T08:30:00Z'),
      crlNumber: '01',
    });
    expect(crl.entries.map((e) => [e.serialHex, e.reasonCode])).toEqual([
      ['0e', 1],
      ['0f', 1],
    ]);
    expect(crl.authorityKeyIdentifier?.keyIdentifier).toEqual(ca.subjectKeyIdentifier);
    expect(verifyCrlSignature(crl, ca.publicKeySpki)).toBe(true);
    expect(verifyCrlSignature(parseCrl(readFileSync(path.join(PKITS_CRLS, 'BadCRLSignatureCACRL.crl'))), parseCertificate(pkitsCert('BadCRLSignatureCACert.crt')).publicKeySpki)).toBe(false);
    expect(parseCrl(readFileSync(path.join(PKITS_CRLS, 'deltaCRLCA1deltaCRL.crl'))).deltaCrlIndicator).toBeDefined();
  });
});
