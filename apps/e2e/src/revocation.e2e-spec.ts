/**
 * RevokeCertificate, CRLs and OCSP end to end: the real SDK, the real ca-service Signer
 * (SignDigest for CRLs, SignData for OCSP), the gateway's public CRL object route and OCSP
 * route, and OpenSSL as the relying party. Certificates are issued through IssueCertificate.
 *
 * The stack's PKI_PUBLIC_URL is a name (the gateway listens on a free port chosen at spawn), so
 * the CRL URL written in the certificate is checked for its form and fetched by its path from
 * the gateway.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ACMPCAClient,
  CreateCertificateAuthorityCommand,
  GetCertificateAuthorityCsrCommand,
  GetCertificateCommand,
  ImportCertificateAuthorityCertificateCommand,
  IssueCertificateCommand,
  RevokeCertificateCommand,
  waitUntilCertificateAuthorityCSRCreated,
  waitUntilCertificateIssued,
  type IssueCertificateCommandInput,
} from '@aws-sdk/client-acm-pca';
import { waitFor } from '@pki/testing';
import { ACCOUNT_A, ACCOUNT_B, startStack, type RunningStack } from './stack';

const PUBLIC_URL = 'http://pki.revocation-e2e.test';
const BUCKET = 'e2e-revocation-crls';

class OpensslDir {
  readonly path = mkdtempSync(join(tmpdir(), 'revocation-e2e-'));
  write(name: string, content: string | Uint8Array): void {
    writeFileSync(join(this.path, name), content);
  }
  read(name: string): Buffer {
    return readFileSync(join(this.path, name));
  }
  exec(...args: string[]): { status: number | null; output: string } {
    const r = spawnSync('openssl', args, { cwd: this.path, encoding: 'utf8', timeout: 60_000 });
    return { status: r.status, output: `${r.stdout}\n${r.stderr}` };
  }
  run(...args: string[]): string {
    const r = this.exec(...args);
    if (r.status !== 0) throw new Error(`openssl ${args.join(' ')} failed: ${r.output}`);
    return r.output;
  }
  remove(): void {
    rmSync(this.path, { recursive: true, force: true });
  }
}

async function errorOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to fail');
}

const template = (name: string) => `arn:aws:acm-pca:::template/${name}/V1`;
const bytes = (text: string) => new TextEncoder().encode(text);

describe('RevokeCertificate, CRLs and OCSP through the AWS SDK and OpenSSL', () => {
  let stack: RunningStack;
  let pki: OpensslDir;
  let rootArn: string;
  const client = (credentials = ACCOUNT_A) => new ACMPCAClient({ endpoint: stack.endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
  const issue = async (input: IssueCertificateCommandInput) => {
    const pca = client();
    const { CertificateArn } = await pca.send(new IssueCertificateCommand(input));
    await waitUntilCertificateIssued({ client: pca, maxWaitTime: 60, minDelay: 1, maxDelay: 2 }, { CertificateAuthorityArn: input.CertificateAuthorityArn, CertificateArn });
    return (await pca.send(new GetCertificateCommand({ CertificateAuthorityArn: input.CertificateAuthorityArn, CertificateArn }))).Certificate!;
  };
  const revocationRows = async () => Number((await stack.db.withSchema('revocation').selectFrom('revocations').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  const serialOf = (name: string) => /serial=([0-9A-F]+)/.exec(pki.run('x509', '-in', name, '-noout', '-serial'))![1]!;
  const ocspUrl = () => `${stack.endpoint}/ocsp`;

  beforeAll(async () => {
    stack = await startStack({ PKI_KEY_BACKEND: 'software', PKI_KEK: randomBytes(32).toString('base64'), PKI_CA_WORKER_INTERVAL_MS: '500', PKI_PUBLIC_URL: PUBLIC_URL, PKI_CRL_DELAY_MS: '1000', PKI_CRL_POLL_MS: '200' });
    pki = new OpensslDir();
    const pca = client();
    const { CertificateAuthorityArn } = await pca.send(
      new CreateCertificateAuthorityCommand({
        CertificateAuthorityType: 'ROOT',
        CertificateAuthorityConfiguration: { KeyAlgorithm: 'EC_prime256v1', SigningAlgorithm: 'SHA256WITHECDSA', Subject: { Country: 'US', Organization: 'Example Corp', CommonName: 'Revocation E2E Root' } },
        RevocationConfiguration: { CrlConfiguration: { Enabled: true, S3BucketName: BUCKET, ExpirationInDays: 7 }, OcspConfiguration: { Enabled: true } },
      }),
    );
    rootArn = CertificateAuthorityArn!;
    await waitUntilCertificateAuthorityCSRCreated({ client: pca, maxWaitTime: 120, minDelay: 1, maxDelay: 3 }, { CertificateAuthorityArn: rootArn });
    const { Csr } = await pca.send(new GetCertificateAuthorityCsrCommand({ CertificateAuthorityArn: rootArn }));
    const rootPem = await issue({ CertificateAuthorityArn: rootArn, Csr: bytes(Csr!), SigningAlgorithm: 'SHA256WITHECDSA', TemplateArn: template('RootCACertificate'), Validity: { Type: 'YEARS', Value: 5 } });
    pki.write('root.pem', rootPem);
    await pca.send(new ImportCertificateAuthorityCertificateCommand({ CertificateAuthorityArn: rootArn, Certificate: bytes(rootPem) }));
    pki.run('req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'leaf.key', '-out', 'leaf.csr', '-subj', '/CN=leaf.example.com');
    for (const name of ['revoked', 'sibling']) {
      // The CA's revocation configuration reaches issuance through events; retry until the URLs are in.
      await waitFor(
        async () => {
          pki.write(`${name}.pem`, await issue({ CertificateAuthorityArn: rootArn, Csr: bytes(pki.read('leaf.csr').toString()), SigningAlgorithm: 'SHA256WITHECDSA', Validity: { Type: 'DAYS', Value: 30 } }));
          return /CRL Distribution Points/.test(pki.run('x509', '-in', `${name}.pem`, '-noout', '-text'));
        },
        { timeoutMs: 30_000, what: `${name} certificate with revocation URLs` },
      );
    }
  }, 240_000);
  afterAll(async () => {
    pki?.remove();
    await stack?.stop();
  });

  it('the certificates name the CRL (<PKI_PUBLIC_URL>/<bucket>/crl/<CA id>.crl) and the OCSP responder', () => {
    const caId = rootArn.split('/').pop();
    const text = pki.run('x509', '-in', 'revoked.pem', '-noout', '-text');
    expect(text).toContain(`URI:${PUBLIC_URL}/${BUCKET}/crl/${caId}.crl`);
    expect(text).toContain(`OCSP - URI:${PUBLIC_URL}/ocsp`);
  });

  it('bad input writes nothing: non-hex serial, unknown serial, unknown reason, the CA certificate, another account', async () => {
    const pca = client();
    const revoke = (CertificateSerial: string, RevocationReason = 'KEY_COMPROMISE', c = pca) => c.send(new RevokeCertificateCommand({ CertificateAuthorityArn: rootArn, CertificateSerial, RevocationReason: RevocationReason as never }));
    expect((await errorOf(revoke('not-hex'))).name).toBe('InvalidRequestException');
    expect((await errorOf(revoke('12:34:56:78:9a'))).name).toBe('ResourceNotFoundException');
    expect((await errorOf(revoke(serialOf('revoked.pem'), 'LOST'))).name).toBe('ValidationException');
    expect((await errorOf(revoke(serialOf('root.pem')))).name).toBe('InvalidRequestException');
    expect((await errorOf(revoke(serialOf('revoked.pem'), 'KEY_COMPROMISE', client(ACCOUNT_B)))).name).toBe('AccessDeniedException');
    expect(await revocationRows()).toBe(0);
  }, 60_000);

  it('revoke -> RequestAlreadyProcessed on retry; the CRL at the certificate URL verifies and lists it with its reason; verify -crl_check', async () => {
    const pca = client();
    const serial = serialOf('revoked.pem');
    // Colons and lower case, as `openssl x509 -serial` users often write it.
    const colons = serial.toLowerCase().match(/../g)!.join(':');
    await pca.send(new RevokeCertificateCommand({ CertificateAuthorityArn: rootArn, CertificateSerial: colons, RevocationReason: 'KEY_COMPROMISE' }));
    expect((await errorOf(pca.send(new RevokeCertificateCommand({ CertificateAuthorityArn: rootArn, CertificateSerial: serial, RevocationReason: 'SUPERSEDED' })))).name).toBe('RequestAlreadyProcessedException');
    expect(await revocationRows()).toBe(1);

    const url = /URI:(http\S+\.crl)/.exec(pki.run('x509', '-in', 'revoked.pem', '-noout', '-text'))![1]!;
    const path = url.slice(PUBLIC_URL.length);
    let text = '';
    await waitFor(
      async () => {
        const res = await fetch(`${stack.endpoint}${path}`);
        if (res.status !== 200) return false;
        pki.write('root.crl', Buffer.from(await res.arrayBuffer()));
        text = pki.run('crl', '-inform', 'DER', '-in', 'root.crl', '-CAfile', 'root.pem', '-noout', '-text', '-verify');
        return text.includes(`Serial Number: ${serial}`);
      },
      { timeoutMs: 30_000, what: 'the CRL listing the revoked certificate' },
    );
    expect(text).toMatch(/verify OK/);
    expect(text).toMatch(new RegExp(`Serial Number: ${serial}\\s+Revocation Date: .*\\s+CRL entry extensions:\\s+X509v3 CRL Reason Code:\\s+Key Compromise`));
    pki.run('crl', '-inform', 'DER', '-in', 'root.crl', '-out', 'root.crl.pem');
    const revoked = pki.exec('verify', '-crl_check', '-CAfile', 'root.pem', '-CRLfile', 'root.crl.pem', 'revoked.pem');
    expect(revoked.status).not.toBe(0);
    expect(revoked.output).toMatch(/certificate revoked/);
    expect(pki.run('verify', '-crl_check', '-CAfile', 'root.pem', '-CRLfile', 'root.crl.pem', 'sibling.pem')).toMatch(/sibling.pem: OK/);
  }, 90_000);

  it('openssl ocsp: revoked, good, unknown for a serial never issued; GET with base64 in the path; malformed requests', async () => {
    const ocsp = (...args: string[]) => pki.run('ocsp', '-issuer', 'root.pem', '-CAfile', 'root.pem', '-url', ocspUrl(), ...args);
    await waitFor(async () => /revoked/.test(ocsp('-cert', 'revoked.pem')), { timeoutMs: 30_000, what: 'OCSP to answer revoked' });
    const revoked = ocsp('-cert', 'revoked.pem');
    expect(revoked).toMatch(/Response verify OK/);
    expect(revoked).toMatch(/revoked.pem: revoked[\s\S]*Reason: keyCompromise/);
    expect(ocsp('-cert', 'sibling.pem')).toMatch(/sibling.pem: good/);
    expect(ocsp('-serial', '0x1234567890abcdef')).toMatch(/0x1234567890abcdef: unknown/);

    pki.run('ocsp', '-issuer', 'root.pem', '-cert', 'sibling.pem', '-no_nonce', '-reqout', 'get.req');
    const b64 = pki.read('get.req').toString('base64');
    const res = await fetch(`${ocspUrl()}/${encodeURIComponent(b64)}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/ocsp-response');
    expect(res.headers.get('cache-control')).toMatch(/max-age=\d+/);
    pki.write('get.resp', Buffer.from(await res.arrayBuffer()));
    expect(pki.run('ocsp', '-respin', 'get.resp', '-issuer', 'root.pem', '-CAfile', 'root.pem', '-cert', 'sibling.pem', '-no_nonce')).toMatch(/sibling.pem: good/);

    for (const body of [Buffer.from('garbage'), Buffer.alloc(64 * 1024, 0x30)]) {
      const bad = await fetch(ocspUrl(), { method: 'POST', headers: { 'Content-Type': 'application/ocsp-request' }, body });
      expect(bad.status).toBe(200);
      expect(Buffer.from(await bad.arrayBuffer()).toString('hex')).toBe('30030a0101');
    }
    const badGet = await fetch(`${ocspUrl()}/${encodeURIComponent(Buffer.from('not an ocsp request').toString('base64'))}`);
    expect(Buffer.from(await badGet.arrayBuffer()).toString('hex')).toBe('30030a0101');
    expect(await revocationRows()).toBe(1);
  }, 90_000);
});
