/**
 * Every certificate template of issuance-service/src/domain/templates.ts, end to end through the
 * real SDK: an ACTIVE EC P-256 root issues one certificate per template (CA-issued ones; the
 * RootCACertificate* templates only certify the CA's own key and are covered by
 * issuance.e2e-spec.ts), and openssl checks the extensions the template fixes and the chain.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ACMPCAClient, ApiPassthrough } from '@aws-sdk/client-acm-pca';
import { activeRootCa, bytes, caStatus, issueCertificate, pcaClient, template } from './fixtures/acm-pca';
import { OpensslDir } from './fixtures/openssl';
import { softwareKeysEnv, startStack, type RunningStack } from './stack';

// The template names, read from the service's table (module boundaries forbid importing it).
const TEMPLATE_NAMES = [...readFileSync(join(__dirname, '../../issuance-service/src/domain/templates.ts'), 'utf8').matchAll(/\{ name: '([A-Za-z0-9_]+)'/g)].map((m) => m[1]);
// RootCACertificate* / BlankRootCACertificate* certify only the CA's own key: not issuable here.
const ISSUABLE = TEMPLATE_NAMES.filter((n) => !/^(Blank)?RootCACertificate/.test(n));

const CA_KU = 'Digital Signature, Certificate Sign, CRL Sign';

/** What the template row fixes, derived from the AWS naming scheme the rows are validated against. */
function expectationsOf(name: string) {
  const isCa = name.includes('SubordinateCACertificate');
  const blank = name.startsWith('Blank');
  const api = /_(APIPassthrough|APICSRPassthrough)$/.test(name);
  const pathLen = /_PathLen(\d)/.exec(name)?.[1];
  const basic = isCa ? { critical: true, value: `CA:TRUE, pathlen:${pathLen}` } : { critical: name.includes('_CriticalBasicConstraints'), value: 'CA:FALSE' };
  let keyUsage: { critical?: boolean; value: string };
  if (blank) keyUsage = api ? { value: isCa ? CA_KU : 'Digital Signature' } : { critical: true, value: 'Digital Signature' }; // from API / from the CSR
  else if (isCa) keyUsage = { critical: true, value: CA_KU };
  else if (name.startsWith('CodeSigning') || name.startsWith('OCSPSigning')) keyUsage = { critical: true, value: 'Digital Signature' };
  // EndEntity*: AWS's tables add keyEncipherment, which RFC 5480 §3 forbids for this suite's EC key (key-usage.ts).
  else keyUsage = { critical: true, value: 'Digital Signature' };
  const eku = blank || isCa ? undefined
    : name.startsWith('CodeSigning') ? { critical: true, value: 'Code Signing' }
    : name.startsWith('OCSPSigning') ? { critical: true, value: 'OCSP Signing' }
    : name.startsWith('EndEntityClientAuth') ? { critical: false, value: 'TLS Web Client Authentication' }
    : name.startsWith('EndEntityServerAuth') ? { critical: false, value: 'TLS Web Server Authentication' }
    : { critical: false, value: 'TLS Web Server Authentication, TLS Web Client Authentication' };
  const passthrough: ApiPassthrough | undefined = api
    ? { Subject: { CommonName: 'api.example.com' }, Extensions: blank ? { KeyUsage: isCa ? { DigitalSignature: true, KeyCertSign: true, CRLSign: true } : { DigitalSignature: true } } : undefined }
    : undefined;
  return { isCa, api, basic, keyUsage, eku, passthrough };
}

/** `X509v3 <name>: [critical]` and the value line under it, from `openssl x509 -text`. */
function extension(text: string, name: string): { critical: boolean; value: string } | undefined {
  const m = new RegExp(`X509v3 ${name}:( critical)?\\s*\\n\\s*([^\\n]*)`).exec(text);
  return m ? { critical: Boolean(m[1]), value: m[2].trim() } : undefined;
}

describe('IssueCertificate under every CA-issued certificate template', () => {
  let stack: RunningStack;
  let pca: ACMPCAClient;
  let rootArn: string;
  let rootPem: string;
  let pki: OpensslDir;

  beforeAll(async () => {
    stack = await startStack(softwareKeysEnv());
    pca = pcaClient(stack.endpoint);
    pki = new OpensslDir('templates-e2e');
    const root = await activeRootCa(pca, { subject: { Country: 'US', Organization: 'Example Corp', CommonName: 'Templates Root CA' }, validity: { Type: 'YEARS', Value: 10 } });
    rootArn = root.arn;
    rootPem = root.certificate;
    pki.write('root.pem', rootPem);
    expect(await caStatus(pca, rootArn)).toBe('ACTIVE');
    pki.csr('leaf', '/O=Example Corp/CN=www.example.com', { args: ['-addext', 'subjectAltName=DNS:www.example.com', '-addext', 'keyUsage=critical,digitalSignature'] });
  }, 180_000);
  afterAll(async () => {
    pki?.remove();
    await stack?.stop();
  });

  it('reads the template table', () => {
    expect(TEMPLATE_NAMES.length).toBeGreaterThan(50);
    expect(ISSUABLE).toContain('EndEntityCertificate');
    expect(ISSUABLE).not.toContain('RootCACertificate');
  });

  it.each(ISSUABLE)('%s', async (name) => {
    const want = expectationsOf(name);
    // Bounds that fit this test's 30 s.
    const { certificate: pem } = await issueCertificate(
      pca,
      {
        CertificateAuthorityArn: rootArn, Csr: bytes(pki.read('leaf.csr')), SigningAlgorithm: 'SHA256WITHECDSA', TemplateArn: template(name),
        Validity: { Type: 'DAYS', Value: want.isCa ? 365 : 30 }, ...(want.passthrough ? { ApiPassthrough: want.passthrough } : {}),
      },
      { maxWaitTime: 30, maxDelay: 1 },
    );
    pki.write(`${name}.pem`, pem);
    const text = pki.text(`${name}.pem`);
    expect({ name, basic: extension(text, 'Basic Constraints') }).toEqual({ name, basic: want.basic });
    // Key usage from ApiPassthrough (Blank API varieties): only its bits are asserted, not its criticality.
    expect({ name, ku: extension(text, 'Key Usage') }).toEqual({ name, ku: { critical: want.keyUsage.critical ?? expect.any(Boolean), value: want.keyUsage.value } });
    expect({ name, eku: extension(text, 'Extended Key Usage') }).toEqual({ name, eku: want.eku });
    expect(text).toMatch(/DNS:www\.example\.com/);
    expect(text).toMatch(want.api ? /Subject: CN\s*=\s*api\.example\.com/ : /Subject: O\s*=\s*Example Corp, CN\s*=\s*www\.example\.com/);
    if (!want.isCa) expect(pki.run('verify', '-x509_strict', '-CAfile', 'root.pem', `${name}.pem`)).toContain(`${name}.pem: OK`);
  }, 30_000);

  it('keyUsage follows the subject key (RFC 5480): keyEncipherment for RSA keys only; PKI_KEY_USAGE_PROFILE=aws restores AWS\'s bits', async () => {
    const issue = async (csr: string, out: string) => {
      const { certificate } = await issueCertificate(pca, { CertificateAuthorityArn: rootArn, Csr: bytes(pki.read(csr)), SigningAlgorithm: 'SHA256WITHECDSA', TemplateArn: template('EndEntityCertificate'), Validity: { Type: 'DAYS', Value: 30 } }, { maxWaitTime: 30, maxDelay: 1 });
      pki.write(out, certificate);
      expect(pki.run('verify', '-x509_strict', '-CAfile', 'root.pem', out)).toContain(`${out}: OK`);
      return extension(pki.text(out), 'Key Usage');
    };
    pki.csr('rsa-leaf', '/CN=rsa.example.com', { newKey: ['-newkey', 'rsa:2048'] });
    expect(await issue('rsa-leaf.csr', 'rsa-leaf.pem')).toEqual({ critical: true, value: 'Digital Signature, Key Encipherment' });
    expect(await issue('leaf.csr', 'ec-leaf.pem')).toEqual({ critical: true, value: 'Digital Signature' });

    await stack.restart('issuance-service', { PKI_KEY_USAGE_PROFILE: 'aws' });
    try {
      expect(await issue('leaf.csr', 'ec-leaf-aws.pem')).toEqual({ critical: true, value: 'Digital Signature, Key Encipherment' });
    } finally {
      await stack.restart('issuance-service', {});
    }
  }, 120_000);
});
