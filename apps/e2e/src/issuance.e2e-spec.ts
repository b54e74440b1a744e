/**
 * IssueCertificate / GetCertificate end to end, with the real SDK, the real ca-service key
 * custody and SignData path: a root CA signs its own certificate (RootCACertificate/V1 from its
 * own CSR), is imported and ACTIVE, issues end-entity certificates under several templates and
 * a subordinate RSA CA, which issues in turn; everything verifies with `openssl verify -x509_strict`.
 */
import {
  ACMPCAClient,
  GetCertificateCommand,
  ImportCertificateAuthorityCertificateCommand,
  IssueCertificateCommand,
  waitUntilCertificateIssued,
  type IssueCertificateCommandInput,
  type KeyAlgorithm,
} from '@aws-sdk/client-acm-pca';
import { waitFor } from '@pki/testing';
import { bytes, caStatus, createCaWithCsr, issueCertificate, pcaClient, template } from './fixtures/acm-pca';
import { countRows } from './fixtures/db';
import { errorOf } from './fixtures/errors';
import { OpensslDir } from './fixtures/openssl';
import { ACCOUNT_A, ACCOUNT_B, softwareKeysEnv, startStack, type RunningStack } from './stack';

describe('IssueCertificate and GetCertificate through the AWS SDK', () => {
  let stack: RunningStack;
  let pki: OpensslDir;
  const client = (credentials = ACCOUNT_A) => pcaClient(stack.endpoint, credentials);
  let rootArn: string;
  let rootPem: string;

  const countCertificates = () => countRows(stack.db, 'issuance', 'certificates');
  const createCa = (pca: ACMPCAClient, type: 'ROOT' | 'SUBORDINATE', keyAlgorithm: KeyAlgorithm, CommonName: string) =>
    createCaWithCsr(pca, { type, keyAlgorithm, subject: { Country: 'US', Organization: 'Example Corp', CommonName } });

  beforeAll(async () => {
    stack = await startStack(softwareKeysEnv());
    pki = new OpensslDir('issuance-e2e');
  }, 180_000);
  afterAll(async () => {
    pki?.remove();
    await stack?.stop();
  });

  it('a ROOT CA (EC P-256) signs its own certificate from its own CSR, is imported and becomes ACTIVE', async () => {
    const pca = client();
    const root = await createCa(pca, 'ROOT', 'EC_prime256v1', 'E2E Root CA');
    rootArn = root.arn;
    // Before it has a certificate, a root issues nothing else.
    pki.csr('early', '/CN=early.example.com');
    const early = await errorOf(pca.send(new IssueCertificateCommand({ CertificateAuthorityArn: rootArn, Csr: bytes(pki.read('early.csr')), SigningAlgorithm: 'SHA256WITHECDSA', Validity: { Type: 'DAYS', Value: 1 } })));
    expect(early.name).toBe('InvalidStateException');

    const own = await issueCertificate(pca, { CertificateAuthorityArn: rootArn, Csr: bytes(root.csr), SigningAlgorithm: 'SHA256WITHECDSA', TemplateArn: template('RootCACertificate'), Validity: { Type: 'YEARS', Value: 10 } });
    expect(own.arn).toMatch(new RegExp(`^${rootArn}/certificate/[0-9a-f]+$`));
    expect(own.chain).toBeUndefined();
    rootPem = own.certificate;
    pki.write('root.pem', rootPem);
    const text = pki.text('root.pem');
    expect(text).toMatch(/Basic Constraints: critical\s*\n\s*CA:TRUE/);
    expect(text).toMatch(/Key Usage: critical\s*\n\s*Digital Signature, Certificate Sign, CRL Sign/);
    expect(pki.run('verify', '-x509_strict', '-CAfile', 'root.pem', 'root.pem')).toMatch(/root.pem: OK/);

    await pca.send(new ImportCertificateAuthorityCertificateCommand({ CertificateAuthorityArn: rootArn, Certificate: bytes(rootPem) }));
    expect(await caStatus(pca, rootArn)).toBe('ACTIVE');
  }, 180_000);

  it('issues end-entity certificates under several templates; each verifies -x509_strict against the root', async () => {
    const pca = client();
    const csr = bytes(pki.csr('leaf', '/O=Example Corp/CN=www.example.com', { args: ['-addext', 'subjectAltName=DNS:www.example.com'] }));
    const cases: Array<{ name: string; extra?: Partial<IssueCertificateCommandInput>; expect: RegExp[]; purpose?: string }> = [
      { name: 'EndEntityCertificate', expect: [/TLS Web Server Authentication, TLS Web Client Authentication/, /DNS:www.example.com/], purpose: 'sslserver' },
      { name: 'EndEntityServerAuthCertificate', expect: [/Extended Key Usage: \s*\n\s*TLS Web Server Authentication\s*\n/], purpose: 'sslserver' },
      { name: 'EndEntityClientAuthCertificate', expect: [/TLS Web Client Authentication/], purpose: 'sslclient' },
      { name: 'CodeSigningCertificate', expect: [/Extended Key Usage: critical\s*\n\s*Code Signing/] },
      {
        name: 'EndEntityCertificate_APIPassthrough',
        extra: { ApiPassthrough: { Extensions: { SubjectAlternativeNames: [{ DnsName: 'api.example.com' }, { IpAddress: '10.0.0.1' }] }, Subject: { CommonName: 'api.example.com' } } },
        expect: [/DNS:api.example.com, IP Address:10.0.0.1/, /Subject: CN\s*=\s*api.example.com/],
      },
    ];
    for (const c of cases) {
      const got = await issueCertificate(pca, { CertificateAuthorityArn: rootArn, Csr: csr, SigningAlgorithm: 'SHA256WITHECDSA', TemplateArn: template(c.name), Validity: { Type: 'DAYS', Value: 30 }, ...c.extra });
      expect(got.chain).toBe(rootPem);
      pki.write(`${c.name}.pem`, got.certificate);
      const text = pki.text(`${c.name}.pem`);
      for (const pattern of c.expect) expect({ template: c.name, text }).toEqual({ template: c.name, text: expect.stringMatching(pattern) });
      const args = ['verify', '-x509_strict', '-CAfile', 'root.pem', ...(c.purpose ? ['-purpose', c.purpose] : []), `${c.name}.pem`];
      expect(pki.run(...args)).toContain(`${c.name}.pem: OK`);
      // GetCertificate also takes the serial in decimal (the seed's rendering).
      const serialHex = got.arn.split('/').pop()!;
      const byDecimal = await pca.send(new GetCertificateCommand({ CertificateAuthorityArn: rootArn, CertificateArn: `${rootArn}/certificate/${BigInt(`0x${serialHex}`).toString(10)}` }));
      expect(byDecimal.Certificate).toBe(got.certificate);
      expect(pki.run('x509', '-in', `${c.name}.pem`, '-noout', '-serial').trim().toLowerCase()).toBe(`serial=${serialHex.padStart(serialHex.length + (serialHex.length % 2), '0')}`);
    }
  }, 180_000);

  it('refuses malformed and forged CSRs with MalformedCSRException and persists nothing', async () => {
    const pca = client();
    pki.csr('weak', '/CN=weak.example.com', { newKey: ['-newkey', 'rsa:1024'] });
    pki.csr('sha1', '/CN=sha1.example.com', { args: ['-sha1'] });
    pki.csr('empty', '/');
    const good = pki.read('leaf.csr');
    const der = Buffer.from(good.replace(/-----[A-Z ]+-----|\s/g, ''), 'base64');
    const forged = Buffer.from(der);
    forged[forged.length - 3] ^= 0x5a;
    const pem = (d: Buffer) => `-----BEGIN CERTIFICATE REQUEST-----\n${d.toString('base64').replace(/(.{64})/g, '$1\n')}\n-----END CERTIFICATE REQUEST-----\n`;
    const before = await countCertificates();
    const bad: Array<[string, string, RegExp]> = [
      ['garbage', 'not a CSR at all', /PEM/],
      ['forged signature', pem(forged), /signature/],
      ['truncated', pem(der.subarray(0, der.length - 20)), /./],
      ['RSA-1024', pki.read('weak.csr'), /1024/],
      ['SHA-1', pki.read('sha1.csr'), /SHA-1/],
      ['no subject and no SAN', pki.read('empty.csr'), /subject/],
    ];
    for (const [what, csr, reason] of bad) {
      const error = await errorOf(pca.send(new IssueCertificateCommand({ CertificateAuthorityArn: rootArn, Csr: bytes(csr), SigningAlgorithm: 'SHA256WITHECDSA', Validity: { Type: 'DAYS', Value: 1 } })));
      expect({ what, name: error.name, message: error.message }).toEqual({ what, name: 'MalformedCSRException', message: expect.stringMatching(reason) });
    }
    expect(await countCertificates()).toBe(before);
  }, 120_000);

  it('a subordinate RSA-2048 CA signed with SubordinateCACertificate_PathLen0/V1, imported with its chain, issues a leaf that verifies', async () => {
    const pca = client();
    const sub = await createCa(pca, 'SUBORDINATE', 'RSA_2048', 'E2E Issuing CA');
    const subCert = await issueCertificate(pca, { CertificateAuthorityArn: rootArn, Csr: bytes(sub.csr), SigningAlgorithm: 'SHA256WITHECDSA', TemplateArn: template('SubordinateCACertificate_PathLen0'), Validity: { Type: 'YEARS', Value: 5 } });
    expect(subCert.chain).toBe(rootPem);
    pki.write('sub.pem', subCert.certificate);
    expect(pki.text('sub.pem')).toMatch(/CA:TRUE, pathlen:0/);
    await pca.send(new ImportCertificateAuthorityCertificateCommand({ CertificateAuthorityArn: sub.arn, Certificate: bytes(subCert.certificate), CertificateChain: bytes(rootPem) }));
    expect(await caStatus(pca, sub.arn)).toBe('ACTIVE');

    // ECDSA is not this CA's key family.
    const wrongFamily = await errorOf(pca.send(new IssueCertificateCommand({ CertificateAuthorityArn: sub.arn, Csr: bytes(pki.read('leaf.csr')), SigningAlgorithm: 'SHA256WITHECDSA', Validity: { Type: 'DAYS', Value: 1 } })));
    expect(wrongFamily.name).toBe('InvalidArgsException');
    // A CA below a pathlen:0 CA does not fit.
    const tooDeep = await errorOf(pca.send(new IssueCertificateCommand({ CertificateAuthorityArn: sub.arn, Csr: bytes(pki.read('leaf.csr')), SigningAlgorithm: 'SHA256WITHRSA', TemplateArn: template('SubordinateCACertificate_PathLen0'), Validity: { Type: 'DAYS', Value: 1 } })));
    expect(tooDeep.name).toBe('InvalidArgsException');

    const leaf = await issueCertificate(pca, { CertificateAuthorityArn: sub.arn, Csr: bytes(pki.read('leaf.csr')), SigningAlgorithm: 'SHA256WITHRSA', TemplateArn: template('EndEntityServerAuthCertificate'), Validity: { Type: 'DAYS', Value: 30 } });
    expect(leaf.chain!.replace(/\s+/g, '')).toBe((subCert.certificate + rootPem).replace(/\s+/g, ''));
    pki.write('sub-leaf.pem', leaf.certificate);
    pki.write('sub-chain.pem', leaf.chain!);
    expect(pki.text('sub-leaf.pem')).toMatch(/Signature Algorithm: sha256WithRSAEncryption/);
    expect(pki.run('verify', '-x509_strict', '-purpose', 'sslserver', '-CAfile', 'root.pem', '-untrusted', 'sub.pem', 'sub-leaf.pem')).toContain('sub-leaf.pem: OK');
    // Another CA's valid-looking certificate ARN is not found under this CA.
    const other = await errorOf(pca.send(new GetCertificateCommand({ CertificateAuthorityArn: rootArn, CertificateArn: leaf.arn.replace(sub.arn, rootArn) })));
    expect(other.name).toBe('ResourceNotFoundException');
  }, 240_000);

  it('gives 200 concurrent IssueCertificate calls with one IdempotencyToken one certificate', async () => {
    const pca = client();
    const before = await countCertificates();
    const input = { CertificateAuthorityArn: rootArn, Csr: bytes(pki.read('leaf.csr')), SigningAlgorithm: 'SHA256WITHECDSA' as const, Validity: { Type: 'DAYS' as const, Value: 7 }, IdempotencyToken: 'e2e-token' };
    const arns = await Promise.all(Array.from({ length: 200 }, () => pca.send(new IssueCertificateCommand(input)).then((r) => r.CertificateArn!)));
    expect(new Set(arns).size).toBe(1);
    expect(await countCertificates()).toBe(before + 1);
    await waitUntilCertificateIssued({ client: pca, maxWaitTime: 60, minDelay: 1, maxDelay: 2 }, { CertificateAuthorityArn: rootArn, CertificateArn: arns[0] });
  }, 120_000);

  it('lets another account neither issue from nor read this CA', async () => {
    const pca = client(ACCOUNT_B);
    const issue = await errorOf(pca.send(new IssueCertificateCommand({ CertificateAuthorityArn: rootArn, Csr: bytes(pki.read('leaf.csr')), SigningAlgorithm: 'SHA256WITHECDSA', Validity: { Type: 'DAYS', Value: 1 } })));
    expect(issue.name).toBe('AccessDeniedException');
  });

  it('publishes every issuance event through the outbox', async () => {
    await waitFor(async () => {
      const pending = await stack.db.withSchema('issuance').selectFrom('outbox').select((eb) => eb.fn.countAll().as('n')).where('published_at', 'is', null).executeTakeFirstOrThrow();
      return Number(pending.n) === 0;
    }, { timeoutMs: 30_000 });
    const types = await stack.db.withSchema('issuance').selectFrom('events').select('type').distinct().execute();
    expect(types.map((t) => t.type).sort()).toEqual(['CertificateIssued', 'CertificateRequested']);
  });
});
