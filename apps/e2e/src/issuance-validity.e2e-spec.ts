/**
 * IssueCertificate Validity and ValidityNotBefore end to end (AWS API reference, API_Validity and
 * IssueCertificate), with the real SDK against the running stack: every Validity type, the
 * UTCTime year-50 rule, the documented minimums, the issuing CA's notAfter and the 7-day cap of
 * SHORT_LIVED_CERTIFICATE CAs; each issued certificate's dates are read with node:crypto's
 * X509Certificate AND `openssl x509 -noout -dates`. Also: a ROOT CA in PENDING_CERTIFICATE
 * issuing its own certificate with RootCACertificate_APIPassthrough/V1, the CA states in which
 * the root templates are refused, and CSR keys beyond the CA key algorithms (RSA-3072, P-521).
 */
import { X509Certificate } from 'node:crypto';
import {
  ACMPCAClient,
  GetCertificateCommand,
  ImportCertificateAuthorityCertificateCommand,
  IssueCertificateCommand,
  waitUntilCertificateIssued,
  type ASN1Subject,
  type CertificateAuthorityUsageMode,
  type IssueCertificateCommandInput,
  type Validity,
} from '@aws-sdk/client-acm-pca';
import { activeRootCa, bytes, caStatus, createCaWithCsr, issueCertificate, pcaClient, template } from './fixtures/acm-pca';
import { countRows } from './fixtures/db';
import { errorOf } from './fixtures/errors';
import { OpensslDir } from './fixtures/openssl';
import { softwareKeysEnv, startStack, type RunningStack } from './stack';
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const DAY = 24 * 3600 * SECOND;
/** Whole seconds, as certificates hold them (RFC 5280 §4.1.2.5). */
const floorSecond = (ms: number) => Math.floor(ms / SECOND) * SECOND;
const pad = (n: number, width = 2) => String(n).padStart(width, '0');
/** END_DATE in UTCTime form YYMMDDHHMMSS, as a number (API_Validity). */
const utcTime = (d: Date) => Number(`${pad(d.getUTCFullYear() % 100)}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}`);
/** END_DATE in GeneralizedTime form YYYYMMDDHHMMSS, as a number. */
const generalizedTime = (d: Date) => Number(`${pad(d.getUTCFullYear(), 4)}${String(utcTime(d)).padStart(12, '0').slice(2)}`);
/** Calendar months added in UTC, the day clamped to the target month's end (as java.time plusMonths). */
function plusMonths(from: Date, months: number): Date {
  const month = from.getUTCMonth() + months;
  const lastDay = new Date(Date.UTC(from.getUTCFullYear(), month + 1, 0)).getUTCDate();
  return new Date(Date.UTC(from.getUTCFullYear(), month, Math.min(from.getUTCDate(), lastDay), from.getUTCHours(), from.getUTCMinutes(), from.getUTCSeconds()));
}
/** `openssl x509 -dates` renders "Dec 31 23:59:59 2049 GMT". */
const opensslDate = (d: Date) => {
  const month = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][d.getUTCMonth()];
  return `${month} ${String(d.getUTCDate()).padStart(2, ' ')} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${d.getUTCFullYear()} GMT`;
};

describe('IssueCertificate Validity, ValidityNotBefore and root CA issuance (real SDK, running stack)', () => {
  let stack: RunningStack;
  let pca: ACMPCAClient;
  const pki = new OpensslDir('validity-e2e');
  const persisted = async () => ({ certificates: await countRows(stack.db, 'issuance', 'certificates'), events: await countRows(stack.db, 'issuance', 'events') });

  const issued = async (input: IssueCertificateCommandInput) => (await issueCertificate(pca, input)).certificate;
  const createCa = (type: 'ROOT' | 'SUBORDINATE', subject: ASN1Subject) => createCaWithCsr(pca, { type, subject });
  const status = (arn: string) => caStatus(pca, arn);
  /** A root CA that signed its own certificate (RootCACertificate/V1, `validity`) and imported it. */
  const activeRoot = async (commonName: string, validity: Validity, usageMode?: CertificateAuthorityUsageMode) => {
    const ca = await activeRootCa(pca, { subject: { Country: 'US', Organization: 'Example Corp', CommonName: commonName }, usageMode, validity });
    expect(await status(ca.arn)).toBe('ACTIVE');
    return { arn: ca.arn, csr: ca.csr, pem: ca.certificate };
  };

  /** notBefore/notAfter read by node:crypto and by the openssl CLI; both must agree. */
  const datesOf = (pem: string, name: string) => {
    pki.write(`${name}.pem`, pem);
    const x509 = new X509Certificate(pem);
    const notBefore = new Date(x509.validFrom);
    const notAfter = new Date(x509.validTo);
    const text = pki.run('x509', '-in', `${name}.pem`, '-noout', '-dates');
    expect(text).toContain(`notBefore=${opensslDate(notBefore)}`);
    expect(text).toContain(`notAfter=${opensslDate(notAfter)}`);
    return { notBefore, notAfter };
  };
  /** The DER time types of the validity (RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050). */
  const timeEncodings = (name: string) => [...pki.run('asn1parse', '-in', `${name}.pem`).matchAll(/(UTCTIME|GENERALIZEDTIME)\s*:(\d+Z)/g)].map((m) => `${m[1]}:${m[2]}`);

  let root: { arn: string; csr: string; pem: string };
  let leafCsr: Uint8Array;
  const leaf = (extra: Partial<IssueCertificateCommandInput> & { Validity: Validity }): IssueCertificateCommandInput => ({
    CertificateAuthorityArn: root.arn,
    Csr: leafCsr,
    SigningAlgorithm: 'SHA256WITHECDSA',
    TemplateArn: template('EndEntityCertificate'),
    ...extra,
  });
  /** Issues, and returns the dates with the wall-clock bounds of the call (the issuance time lies between them). */
  const issuedDates = async (name: string, extra: Partial<IssueCertificateCommandInput> & { Validity: Validity }) => {
    const before = floorSecond(Date.now());
    const pem = await pca.send(new IssueCertificateCommand(leaf(extra))).then(async ({ CertificateArn }) => {
      const after = Date.now();
      await waitUntilCertificateIssued({ client: pca, maxWaitTime: 60, minDelay: 1, maxDelay: 2 }, { CertificateAuthorityArn: root.arn, CertificateArn });
      const { Certificate } = await pca.send(new GetCertificateCommand({ CertificateAuthorityArn: root.arn, CertificateArn }));
      return { pem: Certificate!, after };
    });
    return { ...datesOf(pem.pem, name), before, after: pem.after, pem: pem.pem };
  };
  const refused = async (extra: Partial<IssueCertificateCommandInput> & { Validity: Validity }) => errorOf(pca.send(new IssueCertificateCommand(leaf(extra))));

  // The root's own certificate ends on 2060-12-31 23:59:59 (GeneralizedTime END_DATE; no cap applies to a root's own certificate).
  const ROOT_NOT_AFTER = new Date('2060-12-31T23:59:59Z');

  beforeAll(async () => {
    stack = await startStack(softwareKeysEnv());
    pca = pcaClient(stack.endpoint);
    root = await activeRoot('Validity Root CA', { Type: 'END_DATE', Value: generalizedTime(ROOT_NOT_AFTER) });
    pki.write('root.pem', root.pem);
    leafCsr = bytes(pki.csr('leaf', '/O=Example Corp/CN=validity.example.com', { args: ['-addext', 'subjectAltName=DNS:validity.example.com'] }));
  }, 240_000);
  afterAll(async () => {
    pki.remove();
    await stack?.stop();
  });

  it('the root signed its own certificate until the GeneralizedTime END_DATE, encoded as GeneralizedTime', () => {
    expect(datesOf(root.pem, 'root').notAfter).toEqual(ROOT_NOT_AFTER);
    expect(timeEncodings('root')[1]).toBe('GENERALIZEDTIME:20601231235959Z');
  });

  describe('END_DATE', () => {
    it('UTCTime YYMMDDHHMMSS with YY < 50 is 20YY: 491231235959 -> 2049-12-31T23:59:59Z (the API reference sample), encoded as UTCTime', async () => {
      const got = await issuedDates('end-utc-49', { Validity: { Type: 'END_DATE', Value: 491231235959 } });
      expect(got.notAfter).toEqual(new Date('2049-12-31T23:59:59Z'));
      expect(timeEncodings('end-utc-49')[1]).toBe('UTCTIME:491231235959Z');
      expect(pki.run('verify', '-x509_strict', '-CAfile', 'root.pem', 'end-utc-49.pem')).toContain('end-utc-49.pem: OK');
    }, 120_000);

    it('UTCTime of a near date (one year ahead, to the second)', async () => {
      const target = new Date(floorSecond(Date.now() + 365 * DAY));
      const got = await issuedDates('end-utc-near', { Validity: { Type: 'END_DATE', Value: utcTime(target) } });
      expect(got.notAfter).toEqual(target);
    }, 120_000);

    it('GeneralizedTime YYYYMMDDHHMMSS: before 2050 encoded as UTCTime, from 2050 as GeneralizedTime (RFC 5280 §4.1.2.5)', async () => {
      const early = await issuedDates('end-gen-2035', { Validity: { Type: 'END_DATE', Value: 20350615083000 } });
      expect(early.notAfter).toEqual(new Date('2035-06-15T08:30:00Z'));
      expect(timeEncodings('end-gen-2035')[1]).toBe('UTCTIME:350615083000Z');
      const late = await issuedDates('end-gen-2055', { Validity: { Type: 'END_DATE', Value: 20551231235959 } });
      expect(late.notAfter).toEqual(new Date('2055-12-31T23:59:59Z'));
      expect(timeEncodings('end-gen-2055')[1]).toBe('GENERALIZEDTIME:20551231235959Z');
      expect(pki.run('verify', '-x509_strict', '-CAfile', 'root.pem', 'end-gen-2055.pem')).toContain('end-gen-2055.pem: OK');
    }, 120_000);

    it('UTCTime with YY >= 50 is 19YY, which lies in the past: InvalidArgsException (under the one-second minimum), nothing persisted', async () => {
      const before = await persisted();
      for (const Value of [500101000000, 991231235959, 751231235959]) {
        const error = await refused({ Validity: { Type: 'END_DATE', Value } });
        expect({ Value, name: error.name, message: error.message }).toEqual({ Value, name: 'InvalidArgsException', message: expect.stringMatching(/19\d\d-.*less than one second after issuance/) });
      }
      expect(await persisted()).toEqual(before);
    }, 60_000);

    it('malformed END_DATE values: InvalidArgsException naming the value, nothing persisted', async () => {
      const before = await persisted();
      const cases: Array<[number, RegExp]> = [
        [301301000000, /END_DATE 301301000000 is not a valid date/], // month 13
        [300230000000, /END_DATE 300230000000 is not a valid date/], // February 30
        [301231246000, /not a valid date/], // hour 24
        [2030123123595, /neither YYMMDDHHMMSS nor YYYYMMDDHHMMSS/], // 13 digits
        [203012312359590, /neither YYMMDDHHMMSS nor YYYYMMDDHHMMSS/], // 15 digits
        [19491231235959, /not a valid date/], // GeneralizedTime before 1950
      ];
      for (const [Value, reason] of cases) {
        const error = await refused({ Validity: { Type: 'END_DATE', Value } });
        expect({ Value, name: error.name, message: error.message }).toEqual({ Value, name: 'InvalidArgsException', message: expect.stringMatching(reason) });
      }
      expect(await persisted()).toEqual(before);
    }, 60_000);
  });

  describe('ABSOLUTE, DAYS, MONTHS, YEARS', () => {
    it('ABSOLUTE is seconds since the Unix epoch (2524608000 -> 2050-01-01T00:00:00Z, the API reference sample)', async () => {
      const sample = await issuedDates('abs-sample', { Validity: { Type: 'ABSOLUTE', Value: 2524608000 } });
      expect(sample.notAfter).toEqual(new Date('2050-01-01T00:00:00Z'));
      expect(timeEncodings('abs-sample')[1]).toBe('GENERALIZEDTIME:20500101000000Z');
      const seconds = Math.floor(Date.now() / SECOND) + 10 * 86400 + 17;
      const near = await issuedDates('abs-near', { Validity: { Type: 'ABSOLUTE', Value: seconds } });
      expect(near.notAfter).toEqual(new Date(seconds * SECOND));
    }, 120_000);

    it('DAYS counts from issuance; the default notBefore is the issuance time minus 60 minutes', async () => {
      const got = await issuedDates('days', { Validity: { Type: 'DAYS', Value: 30 } });
      // Both come from one issuance time, so their distance is exact.
      expect(got.notAfter.getTime() - got.notBefore.getTime()).toBe(30 * DAY + 60 * MINUTE);
      const issuedAt = got.notBefore.getTime() + 60 * MINUTE;
      expect(issuedAt).toBeGreaterThanOrEqual(got.before);
      expect(issuedAt).toBeLessThanOrEqual(got.after);
    }, 120_000);

    it('MONTHS and YEARS are calendar months and years from issuance', async () => {
      const months = await issuedDates('months', { Validity: { Type: 'MONTHS', Value: 18 } });
      const monthsIssuedAt = new Date(months.notBefore.getTime() + 60 * MINUTE);
      expect(monthsIssuedAt.getTime()).toBeGreaterThanOrEqual(months.before);
      expect(monthsIssuedAt.getTime()).toBeLessThanOrEqual(months.after);
      expect(months.notAfter).toEqual(plusMonths(monthsIssuedAt, 18));

      const years = await issuedDates('years', { Validity: { Type: 'YEARS', Value: 5 } });
      const yearsIssuedAt = new Date(years.notBefore.getTime() + 60 * MINUTE);
      expect(years.notAfter).toEqual(plusMonths(yearsIssuedAt, 60));
      expect(years.notAfter.getUTCFullYear()).toBe(yearsIssuedAt.getUTCFullYear() + 5);
      expect(pki.run('verify', '-x509_strict', '-CAfile', 'root.pem', 'years.pem')).toContain('years.pem: OK');
    }, 120_000);

    it('Value below the minimum of 1 is refused by the API constraint (ValidationException), nothing persisted', async () => {
      const before = await persisted();
      for (const validity of [{ Type: 'DAYS', Value: 0 }, { Type: 'MONTHS', Value: -1 }, { Type: 'ABSOLUTE', Value: 0 }] as Validity[]) {
        const error = await refused({ Validity: validity });
        expect({ validity, name: error.name, message: error.message }).toEqual({ validity, name: 'ValidationException', message: expect.stringMatching(/validity\.value.*greater than or equal to 1/) });
      }
      const notBefore = await refused({ Validity: { Type: 'DAYS', Value: 1 }, ValidityNotBefore: { Type: 'ABSOLUTE', Value: -5 } });
      expect(notBefore.name).toBe('ValidationException');
      expect(await persisted()).toEqual(before);
    }, 60_000);

    it('an ABSOLUTE end at or before issuance is under the one-second minimum (InvalidArgsException), nothing persisted', async () => {
      const before = await persisted();
      const error = await refused({ Validity: { Type: 'ABSOLUTE', Value: Math.floor(Date.now() / SECOND) - 3600 } });
      expect({ name: error.name, message: error.message }).toEqual({ name: 'InvalidArgsException', message: expect.stringMatching(/less than one second after issuance/) });
      expect(await persisted()).toEqual(before);
    }, 60_000);
  });

  describe('ValidityNotBefore', () => {
    it('default: the issuance time minus 60 minutes (within the bounds of the call)', async () => {
      const got = await issuedDates('default-not-before', { Validity: { Type: 'DAYS', Value: 3 } });
      expect(got.notBefore.getTime()).toBeGreaterThanOrEqual(got.before - 60 * MINUTE);
      expect(got.notBefore.getTime()).toBeLessThanOrEqual(got.after - 60 * MINUTE);
    }, 120_000);

    it('ABSOLUTE in the past or the future sets notBefore exactly and leaves notAfter counted from issuance', async () => {
      const past = Math.floor(Date.now() / SECOND) - 2 * 86400;
      const early = await issuedDates('not-before-past', { Validity: { Type: 'DAYS', Value: 20 }, ValidityNotBefore: { Type: 'ABSOLUTE', Value: past } });
      expect(early.notBefore).toEqual(new Date(past * SECOND));
      expect(early.notAfter.getTime()).toBeGreaterThanOrEqual(early.before + 20 * DAY);
      expect(early.notAfter.getTime()).toBeLessThanOrEqual(early.after + 20 * DAY);

      const future = Math.floor(Date.now() / SECOND) + 86400;
      const late = await issuedDates('not-before-future', { Validity: { Type: 'DAYS', Value: 20 }, ValidityNotBefore: { Type: 'ABSOLUTE', Value: future } });
      expect(late.notBefore).toEqual(new Date(future * SECOND));
      expect(late.notAfter.getTime()).toBeGreaterThanOrEqual(late.before + 20 * DAY);
      expect(late.notAfter.getTime()).toBeLessThanOrEqual(late.after + 20 * DAY);
    }, 120_000);

    it('is ABSOLUTE only and must precede notAfter: InvalidArgsException, nothing persisted', async () => {
      const before = await persisted();
      const relative = await refused({ Validity: { Type: 'DAYS', Value: 5 }, ValidityNotBefore: { Type: 'DAYS', Value: 1 } });
      expect({ name: relative.name, message: relative.message }).toEqual({ name: 'InvalidArgsException', message: expect.stringMatching(/ValidityNotBefore.Type must be ABSOLUTE/) });
      const afterEnd = await refused({ Validity: { Type: 'DAYS', Value: 1 }, ValidityNotBefore: { Type: 'ABSOLUTE', Value: Math.floor(Date.now() / SECOND) + 3 * 86400 } });
      expect({ name: afterEnd.name, message: afterEnd.message }).toEqual({ name: 'InvalidArgsException', message: expect.stringMatching(/is not before the end of validity/) });
      expect(await persisted()).toEqual(before);
    }, 60_000);
  });

  describe("the issuing CA's limits", () => {
    it("a validity past the CA certificate's notAfter: ValidationException (AWS's exception table), nothing persisted; ending with it is fine", async () => {
      const before = await persisted();
      const cases: Validity[] = [
        { Type: 'END_DATE', Value: 20610101000000 },
        { Type: 'ABSOLUTE', Value: ROOT_NOT_AFTER.getTime() / SECOND + 1 },
        { Type: 'YEARS', Value: 100 },
        { Type: 'DAYS', Value: 36500 },
      ];
      for (const validity of cases) {
        const error = await refused({ Validity: validity });
        expect({ validity, name: error.name, message: error.message }).toEqual({ validity, name: 'ValidationException', message: expect.stringMatching(/validity period of the CA certificate.* ends \(2060-12-31T23:59:59.000Z\)/) });
      }
      expect(await persisted()).toEqual(before);
      const exact = await issuedDates('ends-with-ca', { Validity: { Type: 'ABSOLUTE', Value: ROOT_NOT_AFTER.getTime() / SECOND } });
      expect(exact.notAfter).toEqual(ROOT_NOT_AFTER);
    }, 120_000);

    it('a subordinate CA whose externally signed certificate outlives its root is capped by the root ("the limit set on its parents")', async () => {
      // An external root valid two years signs this platform's subordinate CA for ten (openssl does not nest validity).
      pki.selfSigned('ext-root', '/O=Example Corp/CN=External Root', { days: 730 });
      const sub = await createCa('SUBORDINATE', { Organization: 'Example Corp', CommonName: 'Externally Signed Sub CA' });
      pki.write('ext-sub.csr', sub.csr);
      pki.write('ext-sub.cnf', 'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,digitalSignature,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n');
      pki.run('x509', '-req', '-in', 'ext-sub.csr', '-CA', 'ext-root.pem', '-CAkey', 'ext-root.key', '-set_serial', '0x5a17', '-days', '3650', '-extfile', 'ext-sub.cnf', '-out', 'ext-sub.pem');
      const subNotAfter = datesOf(pki.read('ext-sub.pem'), 'ext-sub').notAfter;
      const rootNotAfter = datesOf(pki.read('ext-root.pem'), 'ext-root').notAfter;
      expect(subNotAfter.getTime()).toBeGreaterThan(rootNotAfter.getTime());
      await pca.send(new ImportCertificateAuthorityCertificateCommand({ CertificateAuthorityArn: sub.arn, Certificate: bytes(pki.read('ext-sub.pem')), CertificateChain: bytes(pki.read('ext-root.pem')) }));
      expect(await status(sub.arn)).toBe('ACTIVE');

      const input = (validity: Validity): IssueCertificateCommandInput => ({ CertificateAuthorityArn: sub.arn, Csr: leafCsr, SigningAlgorithm: 'SHA256WITHECDSA', Validity: validity });
      const before = await persisted();
      const beyondRoot = await errorOf(pca.send(new IssueCertificateCommand(input({ Type: 'YEARS', Value: 5 }))));
      expect({ name: beyondRoot.name, message: beyondRoot.message }).toEqual({ name: 'ValidationException', message: expect.stringContaining(`ends (${rootNotAfter.toISOString()})`) });
      expect(await persisted()).toEqual(before);
      const pem = await issued(input({ Type: 'ABSOLUTE', Value: rootNotAfter.getTime() / SECOND }));
      expect(datesOf(pem, 'ext-leaf').notAfter).toEqual(rootNotAfter);
      expect(pki.run('verify', '-x509_strict', '-CAfile', 'ext-root.pem', '-untrusted', 'ext-sub.pem', 'ext-leaf.pem')).toContain('ext-leaf.pem: OK');
    }, 240_000);

    it('a SHORT_LIVED_CERTIFICATE CA issues 7 days at most: 8 days is a ValidationException, nothing persisted', async () => {
      const shortLived = await activeRoot('Short-Lived Root CA', { Type: 'YEARS', Value: 5 }, 'SHORT_LIVED_CERTIFICATE');
      pki.write('short-root.pem', shortLived.pem);
      const input = (validity: Validity): IssueCertificateCommandInput => ({ CertificateAuthorityArn: shortLived.arn, Csr: leafCsr, SigningAlgorithm: 'SHA256WITHECDSA', Validity: validity });
      const before = await persisted();
      for (const validity of [{ Type: 'DAYS', Value: 8 }, { Type: 'MONTHS', Value: 1 }, { Type: 'ABSOLUTE', Value: Math.floor(Date.now() / SECOND) + 7 * 86400 + 3600 }] as Validity[]) {
        const error = await errorOf(pca.send(new IssueCertificateCommand(input(validity))));
        expect({ validity, name: error.name, message: error.message }).toEqual({ validity, name: 'ValidationException', message: expect.stringMatching(/at most 7 days/) });
      }
      expect(await persisted()).toEqual(before);
      const pem = await issued(input({ Type: 'DAYS', Value: 7 }));
      const got = datesOf(pem, 'short-7d');
      expect(got.notAfter.getTime() - got.notBefore.getTime()).toBe(7 * DAY + 60 * MINUTE);
      expect(pki.run('verify', '-x509_strict', '-CAfile', 'short-root.pem', 'short-7d.pem')).toContain('short-7d.pem: OK');
    }, 240_000);
  });

  describe('root CA certificates', () => {
    const SUBJECT = { Country: 'US', Organization: 'Example Corp', CommonName: 'Passthrough Root CA' };
    const passthrough = {
      Extensions: {
        CertificatePolicies: [{ CertPolicyId: '1.3.6.1.4.1.55555.1.2', PolicyQualifiers: [{ PolicyQualifierId: 'CPS' as const, Qualifier: { CpsUri: 'https://pki.example.com/cps' } }] }],
        // UTF8String "e2e" (DER 0c 03 65 32 65).
        CustomExtensions: [{ ObjectIdentifier: '1.3.6.1.4.1.55555.9', Value: Buffer.from('0c03653265', 'hex').toString('base64') }],
      },
    };

    it('a ROOT CA in PENDING_CERTIFICATE issues its own certificate with RootCACertificate_APIPassthrough/V1: passthrough values, no CA-notAfter cap; imported, it becomes ACTIVE', async () => {
      const ca = await createCa('ROOT', SUBJECT);
      expect(await status(ca.arn)).toBe('PENDING_CERTIFICATE');
      const own = (extra: Partial<IssueCertificateCommandInput>) =>
        issued({ CertificateAuthorityArn: ca.arn, Csr: bytes(ca.csr), SigningAlgorithm: 'SHA256WITHECDSA', TemplateArn: template('RootCACertificate_APIPassthrough'), Validity: { Type: 'END_DATE', Value: 99991231235959 }, ...extra });

      // Another template, even over the CA's own CSR, is refused while PENDING_CERTIFICATE.
      for (const name of ['EndEntityCertificate', 'SubordinateCACertificate_PathLen0']) {
        const error = await errorOf(pca.send(new IssueCertificateCommand({ CertificateAuthorityArn: ca.arn, Csr: bytes(ca.csr), SigningAlgorithm: 'SHA256WITHECDSA', TemplateArn: template(name), Validity: { Type: 'DAYS', Value: 1 } })));
        expect({ name, error: error.name, message: error.message }).toEqual({ name, error: 'InvalidStateException', message: expect.stringMatching(/PENDING_CERTIFICATE.*RootCACertificate/) });
      }

      // A Subject override: the certificate carries it (this platform's import then requires the CSR's subject).
      const renamed = await own({ ApiPassthrough: { ...passthrough, Subject: { Country: 'DE', Organization: 'Override GmbH', CommonName: 'Override Root' } } });
      pki.write('renamed-root.pem', renamed);
      const renamedText = pki.text('renamed-root.pem');
      expect(renamedText).toMatch(/Subject: C\s*=\s*DE, O\s*=\s*Override GmbH, CN\s*=\s*Override Root/);
      expect(renamedText).toMatch(/Issuer: C\s*=\s*DE, O\s*=\s*Override GmbH, CN\s*=\s*Override Root/);
      expect(pki.run('verify', '-x509_strict', '-CAfile', 'renamed-root.pem', 'renamed-root.pem')).toContain('renamed-root.pem: OK');
      const mismatch = await errorOf(pca.send(new ImportCertificateAuthorityCertificateCommand({ CertificateAuthorityArn: ca.arn, Certificate: bytes(renamed) })));
      expect(mismatch.name).toBe('CertificateMismatchException');
      expect(await status(ca.arn)).toBe('PENDING_CERTIFICATE');

      // The subject passed through as the CA's own, with policies and a custom extension: imported, ACTIVE.
      const pem = await own({ ApiPassthrough: { ...passthrough, Subject: SUBJECT } });
      pki.write('passthrough-root.pem', pem);
      const text = pki.text('passthrough-root.pem');
      expect(text).toMatch(/Subject: C\s*=\s*US, O\s*=\s*Example Corp, CN\s*=\s*Passthrough Root CA/);
      expect(text).toMatch(/X509v3 Certificate Policies:\s*\n\s*Policy: 1\.3\.6\.1\.4\.1\.55555\.1\.2\s*\n\s*CPS: https:\/\/pki\.example\.com\/cps/);
      expect(text).toMatch(/1\.3\.6\.1\.4\.1\.55555\.9:\s*\n\s*\.\.e2e/);
      expect(text).toMatch(/Basic Constraints: critical\s*\n\s*CA:TRUE/);
      // END_DATE 9999-12-31: a root's own certificate has no CA certificate above it to cap it.
      expect(datesOf(pem, 'passthrough-root').notAfter).toEqual(new Date('9999-12-31T23:59:59Z'));
      expect(pki.run('verify', '-x509_strict', '-CAfile', 'passthrough-root.pem', 'passthrough-root.pem')).toContain('passthrough-root.pem: OK');
      await pca.send(new ImportCertificateAuthorityCertificateCommand({ CertificateAuthorityArn: ca.arn, Certificate: bytes(pem) }));
      expect(await status(ca.arn)).toBe('ACTIVE');

      // ACTIVE, it issues below the imported certificate (a 100-year leaf fits under 9999-12-31).
      const issuedLeaf = await issued({ CertificateAuthorityArn: ca.arn, Csr: leafCsr, SigningAlgorithm: 'SHA256WITHECDSA', Validity: { Type: 'YEARS', Value: 100 } });
      pki.write('passthrough-leaf.pem', issuedLeaf);
      expect(pki.run('verify', '-x509_strict', '-CAfile', 'passthrough-root.pem', 'passthrough-leaf.pem')).toContain('passthrough-leaf.pem: OK');
    }, 240_000);

    it('an ACTIVE root re-issues its own certificate with RootCACertificate/V1 (renewal over the same key, no cap by the current certificate); a SUBORDINATE CA cannot use it', async () => {
      const renewed = await issued({ CertificateAuthorityArn: root.arn, Csr: bytes(root.csr), SigningAlgorithm: 'SHA256WITHECDSA', TemplateArn: template('RootCACertificate'), Validity: { Type: 'END_DATE', Value: 20701231235959 } });
      expect(datesOf(renewed, 'renewed-root').notAfter).toEqual(new Date('2070-12-31T23:59:59Z'));
      expect(new X509Certificate(renewed).publicKey.export({ type: 'spki', format: 'der' })).toEqual(new X509Certificate(root.pem).publicKey.export({ type: 'spki', format: 'der' }));
      expect(pki.run('verify', '-x509_strict', '-CAfile', 'renewed-root.pem', 'renewed-root.pem')).toContain('renewed-root.pem: OK');
      // Another key under a root template: the template certifies only the CA's own key.
      const otherKey = await errorOf(pca.send(new IssueCertificateCommand({ CertificateAuthorityArn: root.arn, Csr: leafCsr, SigningAlgorithm: 'SHA256WITHECDSA', TemplateArn: template('RootCACertificate'), Validity: { Type: 'YEARS', Value: 1 } })));
      expect(otherKey.name).toBe('InvalidArgsException');

      const sub = await createCa('SUBORDINATE', { Organization: 'Example Corp', CommonName: 'Validity Sub CA' });
      const before = await persisted();
      const error = await errorOf(pca.send(new IssueCertificateCommand({ CertificateAuthorityArn: sub.arn, Csr: bytes(sub.csr), SigningAlgorithm: 'SHA256WITHECDSA', TemplateArn: template('RootCACertificate'), Validity: { Type: 'YEARS', Value: 1 } })));
      expect({ name: error.name, message: error.message }).toEqual({ name: 'InvalidArgsException', message: expect.stringMatching(/SUBORDINATE CA/) });
      expect(await persisted()).toEqual(before);
    }, 240_000);
  });

  describe('CSR keys beyond the CA key algorithms', () => {
    it.each([
      ['RSA-3072', ['-newkey', 'rsa:3072'], /Public-Key: \(3072 bit\)/],
      ['P-521', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-521'], /ASN1 OID: secp521r1/],
    ])('a %s CSR is issued with its own key and verifies -x509_strict against the chain', async (name, keyArgs, keyLine) => {
      pki.csr(name, `/CN=${name.toLowerCase()}.example.com`, { newKey: keyArgs, args: ['-addext', `subjectAltName=DNS:${name.toLowerCase()}.example.com`] });
      const pem = await issued(leaf({ Csr: bytes(pki.read(`${name}.csr`)), TemplateArn: template('EndEntityServerAuthCertificate'), Validity: { Type: 'DAYS', Value: 30 } }));
      pki.write(`${name}.pem`, pem);
      expect(pki.text(`${name}.pem`)).toMatch(keyLine);
      expect(pki.run('x509', '-in', `${name}.pem`, '-noout', '-pubkey')).toBe(pki.run('req', '-in', `${name}.csr`, '-noout', '-pubkey'));
      expect(pki.run('verify', '-x509_strict', '-purpose', 'sslserver', '-CAfile', 'root.pem', `${name}.pem`)).toContain(`${name}.pem: OK`);
    }, 120_000);

    it('an RSA size AWS does not list (2560 bits) is a MalformedCSRException naming what is accepted; nothing persisted', async () => {
      pki.csr('rsa2560', '/CN=rsa2560.example.com', { newKey: ['-newkey', 'rsa:2560'] });
      const before = await persisted();
      const error = await errorOf(pca.send(new IssueCertificateCommand(leaf({ Csr: bytes(pki.read('rsa2560.csr')), Validity: { Type: 'DAYS', Value: 1 } }))));
      expect({ name: error.name, message: error.message }).toEqual({ name: 'MalformedCSRException', message: expect.stringMatching(/RSA 2560 bits.*RSA 2048, 3072 or 4096 bits, ECDSA on P-256.*P-384.*P-521.*ML-DSA-44, -65 or -87/) });
      expect(await persisted()).toEqual(before);
    }, 60_000);
  });
});
