import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  ACMPCAClient,
  CreateCertificateAuthorityCommand,
  GetCertificateAuthorityCsrCommand,
  waitUntilCertificateAuthorityCSRCreated,
  type KeyAlgorithm,
  type SigningAlgorithm,
} from '@aws-sdk/client-acm-pca';
import { createSoftHsmToken, type SoftHsmToken } from '@pki/testing';
import { ACCOUNT_A, startStack, type RunningStack } from './stack';

/**
 * ca-service with PKI_KEY_BACKEND=pkcs11 on a throwaway SoftHSM2 token: CA keys are made and
 * used on the token, and the CSRs they sign verify with OpenSSL.
 */
describe('a SoftHSM2-backed certificate authority', () => {
  let stack: RunningStack;
  let token: SoftHsmToken;
  let dir: string;

  beforeAll(async () => {
    token = createSoftHsmToken('pki-e2e');
    dir = mkdtempSync(path.join(tmpdir(), 'pki-hsm-e2e-'));
    stack = await startStack({
      PKI_KEY_BACKEND: 'pkcs11',
      PKI_PKCS11_LIBRARY: token.library,
      PKI_PKCS11_TOKEN_LABEL: token.tokenLabel,
      PKI_PKCS11_PIN: token.pin,
      SOFTHSM2_CONF: path.join(token.dir, 'softhsm2.conf'),
    });
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
    token?.remove();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    ['EC_prime256v1', 'SHA256WITHECDSA'],
    ['RSA_2048', 'SHA256WITHRSA'],
  ] as Array<[KeyAlgorithm, SigningAlgorithm]>)('creates a %s CA whose CSR (%s) OpenSSL verifies, with no key material in the database', async (KeyAlgorithm, SigningAlgorithm) => {
    const client = new ACMPCAClient({ endpoint: stack.endpoint, region: 'us-east-1', credentials: ACCOUNT_A, maxAttempts: 1 });
    const { CertificateAuthorityArn } = await client.send(
      new CreateCertificateAuthorityCommand({
        CertificateAuthorityType: 'ROOT',
        CertificateAuthorityConfiguration: { KeyAlgorithm, SigningAlgorithm, Subject: { CommonName: `HSM ${KeyAlgorithm}`, Organization: 'Example Corp' } },
      }),
    );
    await waitUntilCertificateAuthorityCSRCreated({ client, maxWaitTime: 60, minDelay: 1, maxDelay: 2 }, { CertificateAuthorityArn });
    const { Csr } = await client.send(new GetCertificateAuthorityCsrCommand({ CertificateAuthorityArn }));
    const file = path.join(dir, `${KeyAlgorithm}.csr`);
    writeFileSync(file, Csr!);
    // `openssl req -verify` exits 0 even when the signature is bad: read what it says.
    const verified = spawnSync('openssl', ['req', '-in', file, '-noout', '-verify'], { encoding: 'utf8' });
    const said = `${verified.stdout}${verified.stderr}`;
    expect(said).toMatch(/verify OK/i);
    expect(said).not.toMatch(/fail/i);

    const id = CertificateAuthorityArn!.split('/').pop()!;
    const key = (await stack.db.withSchema('ca').selectFrom('ca_keys').selectAll().where('ca_id', '=', id).executeTakeFirstOrThrow()) as Record<string, unknown>;
    expect(key.backend).toBe('pkcs11');
    expect(key.ciphertext ?? null).toBeNull();
  });
});
