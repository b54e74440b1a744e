/**
 * One case per AWS template: a representative CSR (asking for extensions of its own) and a full
 * ApiPassthrough go through buildProfile; the certificate is built and signed, then
 * `openssl x509 -text` must show exactly the extensions the template's definition table in the
 * User Guide lists (values decoded by OpenSSL, not by this code), and
 * `openssl verify -x509_strict` must accept it against the test root.
 *
 * The expected sets below are written from the guide, independently of templates.ts. The
 * inputs are the same for every template so the differences come from the template alone:
 * - CSR: SAN DNS:csr.example.com, basicConstraints CA:TRUE pathlen:5, a keyUsage and (end
 *   entities) extendedKeyUsage of its own, a bogus subjectKeyIdentifier, custom 1.3.6.1.4.1.99999.1.
 * - ApiPassthrough: Subject CN=api.example.com, four SANs, KeyUsage, (end entities)
 *   ExtendedKeyUsage by type and by OID, CertificatePolicies with a CPS, custom 1.3.6.1.4.1.99999.2.
 * - The CA has CRLs and OCSP enabled.
 */
import { basicConstraintsExtension, customExtension, der, extendedKeyUsageExtension, keyIdentifierFromSpki, keyUsageExtension, subjectAltNameExtension, subjectKeyIdentifierExtension, type Extension } from '@pki/pki';
import type { ApiPassthrough } from './api-passthrough';
import { buildProfile } from './certificate-profile';
import type { KeyUsageProfile } from './key-usage';
import { CRL_URL, OCSP_URL, baseInput, csrFor, ecKey, makeRootCa, opensslExtensions, opensslText, opensslVerify, rsaKey, sign, template as templateNamed, TempDir, unwrap, type TestCa, type TestKey } from './profile-test-kit.spec-helper';
import { TEMPLATES } from './templates';

const CSR_SUBJECT = { Country: 'US', Organization: 'Example Corp', CommonName: 'csr.example.com' };

const csrExtensions = (ca: boolean): Extension[] => [
  subjectAltNameExtension([{ DnsName: 'csr.example.com' }]),
  basicConstraintsExtension({ ca: true, pathLength: 5 }),
  ca ? keyUsageExtension({ DigitalSignature: true, NonRepudiation: true, KeyCertSign: true, CRLSign: true }) : keyUsageExtension({ DigitalSignature: true, KeyAgreement: true }),
  ...(ca ? [] : [extendedKeyUsageExtension([{ ExtendedKeyUsageType: 'EMAIL_PROTECTION' as const }])]),
  subjectKeyIdentifierExtension(Buffer.alloc(20, 7)),
  customExtension({ oid: '1.3.6.1.4.1.99999.1', valueDer: der.utf8String('csr') }),
];

const apiPassthrough = (ca: boolean): ApiPassthrough => ({
  Subject: { Country: 'US', Organization: 'Api Org', CommonName: 'api.example.com' },
  Extensions: {
    SubjectAlternativeNames: [{ DnsName: 'api.example.com' }, { IpAddress: '10.0.0.1' }, { Rfc822Name: 'ops@example.com' }, { UniformResourceIdentifier: 'https://api.example.com/id' }],
    KeyUsage: ca ? { KeyCertSign: true, CRLSign: true } : { DigitalSignature: true, NonRepudiation: true },
    ...(ca ? {} : { ExtendedKeyUsage: [{ ExtendedKeyUsageType: 'CLIENT_AUTH' as const }, { ExtendedKeyUsageObjectIdentifier: '1.3.6.1.4.1.311.20.2.2' }] }),
    CertificatePolicies: [{ CertPolicyId: '2.23.140.1.2.1' }, { CertPolicyId: '1.3.6.1.4.1.99999.2.1', PolicyQualifiers: [{ PolicyQualifierId: 'CPS', Qualifier: { CpsUri: 'https://example.com/cps' } }] }],
    CustomExtensions: [{ ObjectIdentifier: '1.3.6.1.4.1.99999.2', Value: der.utf8String('api').toString('base64') }],
  },
});

// What `openssl x509 -text` prints for each extension (key identifiers replaced by role).
const BC_EE = 'Basic Constraints: CA:FALSE';
const BC_EE_CRITICAL = 'Basic Constraints: critical: CA:FALSE';
const BC_ROOT = 'Basic Constraints: critical: CA:TRUE';
const BC_PATH = (n: number) => `Basic Constraints: critical: CA:TRUE, pathlen:${n}`;
const AKI = 'Authority Key Identifier: <issuing CA key id>';
const SKI = 'Subject Key Identifier: <subject key id>';
const CDP = `CRL Distribution Points: Full Name: | URI:${CRL_URL}`;
const AIA = `Authority Information Access: OCSP - URI:${OCSP_URL}`;
const KU_TLS = 'Key Usage: critical: Digital Signature, Key Encipherment';
const KU_SIGN = 'Key Usage: critical: Digital Signature';
const KU_CA = 'Key Usage: critical: Digital Signature, Certificate Sign, CRL Sign';
const EKU_TLS = 'Extended Key Usage: TLS Web Server Authentication, TLS Web Client Authentication';
const EKU_CLIENT = 'Extended Key Usage: TLS Web Client Authentication';
const EKU_SERVER = 'Extended Key Usage: TLS Web Server Authentication';
const EKU_CODE = 'Extended Key Usage: critical: Code Signing';
const EKU_OCSP = 'Extended Key Usage: critical: OCSP Signing';
const SAN_CSR = 'Subject Alternative Name: DNS:csr.example.com';
const SAN_API = 'Subject Alternative Name: DNS:api.example.com, IP Address:10.0.0.1, email:ops@example.com, URI:https://api.example.com/id';
const POLICIES_API = 'Certificate Policies: Policy: 2.23.140.1.2.1 | Policy: 1.3.6.1.4.1.99999.2.1 | CPS: https://example.com/cps';
const CUSTOM_API = '1.3.6.1.4.1.99999.2: ..api';
const CUSTOM_CSR = '1.3.6.1.4.1.99999.1: ..csr';
const KU_API_EE = 'Key Usage: critical: Digital Signature, Non Repudiation';
const KU_CSR_EE = 'Key Usage: critical: Digital Signature, Key Agreement';
const EKU_API_EE = 'Extended Key Usage: TLS Web Client Authentication, Microsoft Smartcard Login';
const EKU_CSR_EE = 'Extended Key Usage: E-mail Protection';
const KU_API_CA = 'Key Usage: critical: Certificate Sign, CRL Sign';
const KU_CSR_CA = 'Key Usage: critical: Digital Signature, Non Repudiation, Certificate Sign, CRL Sign';

const FROM_CA = [AKI, CDP, AIA];
const ONLY_CSR_SAN = [SAN_CSR];
const CSR_EXTRAS = [SAN_CSR, CUSTOM_CSR];
const API_EXTRAS = [SAN_API, POLICIES_API, CUSTOM_API];
const API_CSR_EXTRAS = [...API_EXTRAS, CUSTOM_CSR];

const subordinate = (n: number): Record<string, string[]> => ({
  [`SubordinateCACertificate_PathLen${n}`]: [BC_PATH(n), ...FROM_CA, SKI, KU_CA, ...ONLY_CSR_SAN],
  [`SubordinateCACertificate_PathLen${n}_CSRPassthrough`]: [BC_PATH(n), ...FROM_CA, SKI, KU_CA, ...CSR_EXTRAS],
  [`SubordinateCACertificate_PathLen${n}_APIPassthrough`]: [BC_PATH(n), ...FROM_CA, SKI, KU_CA, ...API_EXTRAS],
  [`SubordinateCACertificate_PathLen${n}_APICSRPassthrough`]: [BC_PATH(n), ...FROM_CA, SKI, KU_CA, ...API_CSR_EXTRAS],
  [`BlankSubordinateCACertificate_PathLen${n}_CSRPassthrough`]: [BC_PATH(n), ...FROM_CA, SKI, KU_CSR_CA, ...CSR_EXTRAS],
  [`BlankSubordinateCACertificate_PathLen${n}_APIPassthrough`]: [BC_PATH(n), ...FROM_CA, SKI, KU_API_CA, ...API_EXTRAS],
  [`BlankSubordinateCACertificate_PathLen${n}_APICSRPassthrough`]: [BC_PATH(n), ...FROM_CA, SKI, KU_API_CA, ...API_CSR_EXTRAS],
});

const endEntity = (name: string, ku: string, eku: string): Record<string, string[]> => ({
  [name]: [BC_EE, ...FROM_CA, SKI, ku, eku, ...ONLY_CSR_SAN],
  [`${name}_CSRPassthrough`]: [BC_EE, ...FROM_CA, SKI, ku, eku, ...CSR_EXTRAS],
  [`${name}_APIPassthrough`]: [BC_EE, ...FROM_CA, SKI, ku, eku, ...API_EXTRAS],
  [`${name}_APICSRPassthrough`]: [BC_EE, ...FROM_CA, SKI, ku, eku, ...API_CSR_EXTRAS],
});

const EXPECTED: Record<string, string[]> = {
  BlankEndEntityCertificate_APIPassthrough: [BC_EE, ...FROM_CA, SKI, KU_API_EE, EKU_API_EE, ...API_EXTRAS],
  BlankEndEntityCertificate_APICSRPassthrough: [BC_EE, ...FROM_CA, SKI, KU_API_EE, EKU_API_EE, ...API_CSR_EXTRAS],
  BlankEndEntityCertificate_CSRPassthrough: [BC_EE, ...FROM_CA, SKI, KU_CSR_EE, EKU_CSR_EE, ...CSR_EXTRAS],
  BlankEndEntityCertificate_CriticalBasicConstraints_APIPassthrough: [BC_EE_CRITICAL, ...FROM_CA, SKI, KU_API_EE, EKU_API_EE, ...API_EXTRAS],
  BlankEndEntityCertificate_CriticalBasicConstraints_APICSRPassthrough: [BC_EE_CRITICAL, ...FROM_CA, SKI, KU_API_EE, EKU_API_EE, ...API_CSR_EXTRAS],
  BlankEndEntityCertificate_CriticalBasicConstraints_CSRPassthrough: [BC_EE_CRITICAL, ...FROM_CA, SKI, KU_CSR_EE, EKU_CSR_EE, ...CSR_EXTRAS],
  ...endEntity('EndEntityCertificate', KU_TLS, EKU_TLS),
  ...endEntity('EndEntityClientAuthCertificate', KU_TLS, EKU_CLIENT),
  ...endEntity('EndEntityServerAuthCertificate', KU_TLS, EKU_SERVER),
  ...endEntity('CodeSigningCertificate', KU_SIGN, EKU_CODE),
  ...endEntity('OCSPSigningCertificate', KU_SIGN, EKU_OCSP),
  RootCACertificate: [BC_ROOT, SKI, KU_CA, ...ONLY_CSR_SAN],
  RootCACertificate_APIPassthrough: [BC_ROOT, SKI, KU_CA, ...API_EXTRAS],
  ...subordinate(0),
  ...subordinate(1),
  ...subordinate(2),
  ...subordinate(3),
};

const OIDS: Record<string, string> = {
  'Basic Constraints': '2.5.29.19',
  'Authority Key Identifier': '2.5.29.35',
  'Subject Key Identifier': '2.5.29.14',
  'CRL Distribution Points': '2.5.29.31',
  'Authority Information Access': '1.3.6.1.5.5.7.1.1',
  'Key Usage': '2.5.29.15',
  'Extended Key Usage': '2.5.29.37',
  'Subject Alternative Name': '2.5.29.17',
  'Certificate Policies': '2.5.29.32',
};
/** "<oid>[!]" of an expected openssl line: the OID and criticality the profile must carry. */
const oidOf = (line: string): string => {
  const [name] = line.split(':');
  return `${OIDS[name] ?? name}${line.includes(': critical:') ? '!' : ''}`;
};
const colonHex = (b: Uint8Array) => Buffer.from(b).toString('hex').toUpperCase().match(/../g)!.join(':');

describe('every AWS template issues exactly the extensions its definition lists', () => {
  let root: TestCa;
  const dir = new TempDir();
  beforeAll(async () => {
    root = await makeRootCa();
  });
  afterAll(() => dir.remove());

  it('the expectations cover every template in templates.ts', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual(TEMPLATES.map((t) => t.name).sort());
  });

  it.each(TEMPLATES.map((t) => [t.name, t] as const))('%s', async (name, template) => {
    const ca = template.basicConstraints.ca;
    // A root template certifies the CA's own key; everything else gets a fresh subject key.
    const key = template.selfSigned ? root.key : ecKey();
    const facts = template.selfSigned ? { ...root.facts, notAfter: undefined, pathLength: undefined } : root.facts;
    const csr = await csrFor(key, CSR_SUBJECT, csrExtensions(ca));
    // AWS's definition tables, bit for bit (PKI_KEY_USAGE_PROFILE=aws); the default RFC 5480 profile is checked below.
    const profile = unwrap(buildProfile(baseInput(template, csr, facts, { apiPassthrough: apiPassthrough(ca), keyUsageProfile: 'aws' })));
    const cert = await sign(profile, root.key);

    const text = opensslText(dir, cert);
    const shown = opensslExtensions(text).map((l) =>
      l.replace(colonHex(keyIdentifierFromSpki(root.key.spki)), template.selfSigned ? '<subject key id>' : '<issuing CA key id>').replace(colonHex(keyIdentifierFromSpki(key.spki)), '<subject key id>'),
    );
    expect(shown).toEqual([...EXPECTED[name]].sort());
    expect(profile.extensions.map((e) => `${e.oid}${e.critical ? '!' : ''}`).sort()).toEqual(EXPECTED[name].map(oidOf).sort());

    const apiSubject = template.passthrough === 'API' || template.passthrough === 'API_CSR';
    expect(text).toContain(apiSubject ? 'Subject: C = US, O = Api Org, CN = api.example.com' : 'Subject: C = US, O = Example Corp, CN = csr.example.com');
    if (template.selfSigned) expect(text).toContain(`Issuer: ${/Subject: (.*)/.exec(text)![1]}`);

    const verdict = template.selfSigned ? opensslVerify(dir, cert, cert) : opensslVerify(dir, root.der, cert);
    expect(verdict.output).toMatch(/leaf\.pem: OK/);
    expect(verdict.status).toBe(0);
  });
});

describe('keyUsage by subject key (RFC 5480 §3, the default profile)', () => {
  const dir = new TempDir();
  let root: TestCa;
  let rsa: TestKey;
  beforeAll(async () => {
    root = await makeRootCa();
    rsa = rsaKey();
  });
  afterAll(() => dir.remove());

  const keyUsageLine = async (templateName: string, key: TestKey, keyUsageProfile?: KeyUsageProfile) => {
    const csr = await csrFor(key, CSR_SUBJECT);
    const profile = unwrap(buildProfile(baseInput(templateNamed(templateName), csr, root.facts, keyUsageProfile ? { keyUsageProfile } : {})));
    return opensslExtensions(opensslText(dir, await sign(profile, root.key))).find((l) => l.startsWith('Key Usage'));
  };
  const endEntity = TEMPLATES.filter((t) => t.keyUsage?.bits.includes('KeyEncipherment')).map((t) => t.name);

  it('the templates whose AWS definition has keyEncipherment are the EndEntity ones', () => {
    expect(endEntity.length).toBe(12);
    expect(endEntity.every((name) => name.startsWith('EndEntity'))).toBe(true);
  });

  it.each(endEntity)('%s: EC keys get no keyEncipherment, RSA keys keep it; the aws profile keeps it for EC', async (name) => {
    expect(await keyUsageLine(name, ecKey())).toBe(KU_SIGN);
    expect(await keyUsageLine(name, rsa)).toBe(KU_TLS);
    expect(await keyUsageLine(name, ecKey(), 'aws')).toBe(KU_TLS);
  });
});
