/**
 * The OCSP responder's pre-signed responses end to end (RFC 5019 style; revocation-service's
 * OcspResponseCache): through the gateway's public `/ocsp` route, the real ca-service Signer and
 * `openssl ocsp -url` as the relying party.
 * - Two requests without nonce for a good certificate get the very same response: identical
 *   octets (an ECDSA signature is randomized, so a second signing could not produce them) and
 *   the same producedAt although the second request comes more than a second later.
 * - A request with a nonce is signed fresh and echoes its nonce.
 * - Immediately after RevokeCertificate returns, a request without nonce answers revoked: the
 *   cached "good" was dropped before the revocation was acknowledged (no polling here).
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
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
import { ACCOUNT_A, startStack, type RunningStack } from './stack';

class OpensslDir {
  readonly path = mkdtempSync(join(tmpdir(), 'ocsp-cache-e2e-'));
  write(name: string, content: string | Uint8Array): void {
    writeFileSync(join(this.path, name), content);
  }
  read(name: string): Buffer {
    return readFileSync(join(this.path, name));
  }
  run(...args: string[]): string {
    const r = spawnSync('openssl', args, { cwd: this.path, encoding: 'utf8', timeout: 60_000 });
    if (r.status !== 0) throw new Error(`openssl ${args.join(' ')} failed: ${r.stdout}\n${r.stderr}`);
    return `${r.stdout}\n${r.stderr}`;
  }
  remove(): void {
    rmSync(this.path, { recursive: true, force: true });
  }
}

const bytes = (text: string) => new TextEncoder().encode(text);

describe('OCSP pre-signed responses: cached until a revocation, which shows at once', () => {
  let stack: RunningStack;
  let pki: OpensslDir;
  let caArn: string;
  const client = () => new ACMPCAClient({ endpoint: stack.endpoint, region: 'us-east-1', credentials: ACCOUNT_A, maxAttempts: 1 });
  const issue = async (input: IssueCertificateCommandInput) => {
    const pca = client();
    const { CertificateArn } = await pca.send(new IssueCertificateCommand(input));
    await waitUntilCertificateIssued({ client: pca, maxWaitTime: 60, minDelay: 1, maxDelay: 2 }, { CertificateAuthorityArn: input.CertificateAuthorityArn, CertificateArn });
    return (await pca.send(new GetCertificateCommand({ CertificateAuthorityArn: input.CertificateAuthorityArn, CertificateArn }))).Certificate!;
  };
  /** `openssl ocsp -url` (verifying the signature against the root and the CertID / nonce against its request); the response is kept in `<name>.der`. */
  const ocsp = (name: string, ...args: string[]) => pki.run('ocsp', '-issuer', 'root.pem', '-CAfile', 'root.pem', '-url', `${stack.endpoint}/ocsp`, '-cert', 'leaf.pem', '-respout', `${name}.der`, ...args);
  /** openssl's output says the signature verified and the certificate has `status`. */
  const says = (output: string, status: 'good' | 'revoked') => /Response verify OK/.test(output) && new RegExp(`leaf.pem: ${status}\\b`).test(output);
  const producedAt = (name: string) => /Produced At: (.*)/.exec(pki.run('ocsp', '-respin', `${name}.der`, '-resp_text', '-noverify'))![1]!;

  beforeAll(async () => {
    stack = await startStack({ PKI_KEY_BACKEND: 'software', PKI_KEK: randomBytes(32).toString('base64'), PKI_CA_WORKER_INTERVAL_MS: '500', PKI_PUBLIC_URL: 'http://pki.ocsp-cache-e2e.test' });
    pki = new OpensslDir();
    const pca = client();
    const { CertificateAuthorityArn } = await pca.send(
      new CreateCertificateAuthorityCommand({
        CertificateAuthorityType: 'ROOT',
        CertificateAuthorityConfiguration: { KeyAlgorithm: 'EC_prime256v1', SigningAlgorithm: 'SHA256WITHECDSA', Subject: { Organization: 'Example Corp', CommonName: 'OCSP Cache E2E Root' } },
        RevocationConfiguration: { OcspConfiguration: { Enabled: true } },
      }),
    );
    caArn = CertificateAuthorityArn!;
    await waitUntilCertificateAuthorityCSRCreated({ client: pca, maxWaitTime: 120, minDelay: 1, maxDelay: 3 }, { CertificateAuthorityArn: caArn });
    const { Csr } = await pca.send(new GetCertificateAuthorityCsrCommand({ CertificateAuthorityArn: caArn }));
    const rootPem = await issue({ CertificateAuthorityArn: caArn, Csr: bytes(Csr!), SigningAlgorithm: 'SHA256WITHECDSA', TemplateArn: 'arn:aws:acm-pca:::template/RootCACertificate/V1', Validity: { Type: 'YEARS', Value: 5 } });
    pki.write('root.pem', rootPem);
    await pca.send(new ImportCertificateAuthorityCertificateCommand({ CertificateAuthorityArn: caArn, Certificate: bytes(rootPem) }));
    pki.run('req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'leaf.key', '-out', 'leaf.csr', '-subj', '/CN=cached.example.com');
    pki.write('leaf.pem', await issue({ CertificateAuthorityArn: caArn, Csr: pki.read('leaf.csr'), SigningAlgorithm: 'SHA256WITHECDSA', Validity: { Type: 'DAYS', Value: 30 } }));
  }, 240_000);
  afterAll(async () => {
    pki?.remove();
    await stack?.stop();
  });

  it('good twice from one signature, a nonce signed fresh, then revoked right after RevokeCertificate returns', async () => {
    // The certificate reaches revocation-service through CertificateIssued (and the CA through ca-service's events).
    await waitFor(async () => /leaf.pem: good/.test(ocsp('good1', '-no_nonce')), { timeoutMs: 30_000, what: 'OCSP to answer good for the new certificate' });
    expect(says(pki.run('ocsp', '-respin', 'good1.der', '-issuer', 'root.pem', '-CAfile', 'root.pem', '-cert', 'leaf.pem', '-no_nonce'), 'good')).toBe(true);
    // Over a second later: a fresh signing would carry a later producedAt (and, ECDSA being randomized, other octets).
    await sleep(1_100);
    expect(says(ocsp('good2', '-no_nonce'), 'good')).toBe(true);
    expect(pki.read('good2.der').equals(pki.read('good1.der'))).toBe(true);
    expect(producedAt('good2')).toBe(producedAt('good1'));

    const withNonce = ocsp('nonce', '-resp_text');
    expect(says(withNonce, 'good')).toBe(true);
    expect(withNonce).toMatch(/OCSP Nonce/);
    expect(withNonce).not.toMatch(/WARNING: no nonce in response|Nonce Verify error/);
    expect(pki.read('nonce.der').equals(pki.read('good1.der'))).toBe(false);
    expect(producedAt('nonce')).not.toBe(producedAt('good1'));

    const serial = /serial=([0-9A-F]+)/.exec(pki.run('x509', '-in', 'leaf.pem', '-noout', '-serial'))![1]!;
    await client().send(new RevokeCertificateCommand({ CertificateAuthorityArn: caArn, CertificateSerial: serial, RevocationReason: 'KEY_COMPROMISE' }));
    // Immediately, without nonce (the request the cache would answer), and with no retry.
    const revoked = ocsp('revoked', '-no_nonce');
    expect(says(revoked, 'revoked')).toBe(true);
    expect(revoked).toMatch(/Reason: keyCompromise/);
    expect(says(ocsp('revoked2', '-no_nonce'), 'revoked')).toBe(true);
  }, 120_000);
});
