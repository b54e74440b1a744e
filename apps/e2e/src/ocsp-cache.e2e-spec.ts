/**
 * The OCSP responder's pre-signed responses end to end (RFC 5019 style; kept by the gateway that
 * receives the request, apps/api-gateway/src/ocsp): through the gateway's public `/ocsp` route,
 * the real ca-service Signer and `openssl ocsp -url` as the relying party.
 * - Two requests without nonce for a good certificate get the very same response: identical
 *   octets (an ECDSA signature is randomized, so a second signing could not produce them) and
 *   the same producedAt although the second request comes in a later second than the first
 *   response was produced (waited for on the clock, not slept).
 * - A request with a nonce is signed fresh and echoes its nonce.
 * - Immediately after RevokeCertificate returns, a request without nonce answers revoked: the
 *   gateway acknowledged dropping its pre-signed "good" before RevokeCertificate replied (no polling here).
 */
import { RevokeCertificateCommand } from '@aws-sdk/client-acm-pca';
import { waitFor } from '@pki/testing';
import { activeRootCa, bytes, issueCertificate, pcaClient } from './fixtures/acm-pca';
import { OpensslDir } from './fixtures/openssl';
import { ocspArgs } from './fixtures/revocation';
import { softwareKeysEnv, startStack, type RunningStack } from './stack';

describe('OCSP pre-signed responses: cached until a revocation, which shows at once', () => {
  let stack: RunningStack;
  let pki: OpensslDir;
  let caArn: string;
  const client = () => pcaClient(stack.endpoint);
  /** `openssl ocsp -url` (verifying the signature against the root and the CertID / nonce against its request); the response is kept in `<name>.der`. */
  const ocsp = (name: string, ...args: string[]) => pki.run(...ocspArgs(`${stack.endpoint}/ocsp`, '-cert', 'leaf.pem', '-respout', `${name}.der`, ...args));
  /** openssl's output says the signature verified and the certificate has `status`. */
  const says = (output: string, status: 'good' | 'revoked') => /Response verify OK/.test(output) && new RegExp(`leaf.pem: ${status}\\b`).test(output);
  const producedAt = (name: string) => /Produced At: (.*)/.exec(pki.run('ocsp', '-respin', `${name}.der`, '-resp_text', '-noverify'))![1]!;

  beforeAll(async () => {
    stack = await startStack({ ...softwareKeysEnv(), PKI_PUBLIC_URL: 'http://pki.ocsp-cache-e2e.test' });
    pki = new OpensslDir('ocsp-cache-e2e');
    const pca = client();
    const root = await activeRootCa(pca, {
      subject: { Organization: 'Example Corp', CommonName: 'OCSP Cache E2E Root' },
      revocation: { OcspConfiguration: { Enabled: true } },
      validity: { Type: 'YEARS', Value: 5 },
    });
    caArn = root.arn;
    pki.write('root.pem', root.certificate);
    const csr = bytes(pki.csr('leaf', '/CN=cached.example.com'));
    pki.write('leaf.pem', (await issueCertificate(pca, { CertificateAuthorityArn: caArn, Csr: csr, SigningAlgorithm: 'SHA256WITHECDSA', Validity: { Type: 'DAYS', Value: 30 } })).certificate);
  }, 240_000);
  afterAll(async () => {
    pki?.remove();
    await stack?.stop();
  });

  it('good twice from one signature, a nonce signed fresh, then revoked right after RevokeCertificate returns', async () => {
    // The certificate reaches revocation-service through CertificateIssued (and the CA through ca-service's events).
    await waitFor(async () => /leaf.pem: good/.test(ocsp('good1', '-no_nonce')), { timeoutMs: 30_000, what: 'OCSP to answer good for the new certificate' });
    expect(says(pki.run('ocsp', '-respin', 'good1.der', '-issuer', 'root.pem', '-CAfile', 'root.pem', '-cert', 'leaf.pem', '-no_nonce'), 'good')).toBe(true);
    // From the second after good1's producedAt (GeneralizedTime counts whole seconds), a fresh signing would carry a
    // later producedAt (and, ECDSA being randomized, other octets): wait for that second rather than sleep a fixed time.
    const nextSecond = Date.parse(producedAt('good1')) + 1000;
    expect(Number.isNaN(nextSecond)).toBe(false);
    await waitFor(async () => Date.now() >= nextSecond, { timeoutMs: 5_000, intervalMs: 20, what: `the clock to pass ${new Date(nextSecond).toISOString()}` });
    expect(says(ocsp('good2', '-no_nonce'), 'good')).toBe(true);
    expect(pki.bytes('good2.der').equals(pki.bytes('good1.der'))).toBe(true);
    expect(producedAt('good2')).toBe(producedAt('good1'));

    const withNonce = ocsp('nonce', '-resp_text');
    expect(says(withNonce, 'good')).toBe(true);
    expect(withNonce).toMatch(/OCSP Nonce/);
    expect(withNonce).not.toMatch(/WARNING: no nonce in response|Nonce Verify error/);
    expect(pki.bytes('nonce.der').equals(pki.bytes('good1.der'))).toBe(false);
    expect(producedAt('nonce')).not.toBe(producedAt('good1'));

    const serial = pki.serial('leaf.pem');
    await client().send(new RevokeCertificateCommand({ CertificateAuthorityArn: caArn, CertificateSerial: serial, RevocationReason: 'KEY_COMPROMISE' }));
    // Immediately, without nonce (the request the cache would answer), and with no retry.
    const revoked = ocsp('revoked', '-no_nonce');
    expect(says(revoked, 'revoked')).toBe(true);
    expect(revoked).toMatch(/Reason: keyCompromise/);
    expect(says(ocsp('revoked2', '-no_nonce'), 'revoked')).toBe(true);
  }, 120_000);
});
