import path from 'node:path';
import type { KeyAlgorithm, SigningAlgorithm } from '@aws-sdk/client-acm-pca';
import { createSoftHsmToken, type SoftHsmToken } from '@pki/testing';
import { createCaWithCsr, pcaClient } from './fixtures/acm-pca';
import { OpensslDir } from './fixtures/openssl';
import { startStack, type RunningStack } from './stack';

/**
 * ca-service with PKI_KEY_BACKEND=pkcs11 on a throwaway SoftHSM2 token: CA keys are made and
 * used on the token, and the CSRs they sign verify with OpenSSL.
 */
describe('a SoftHSM2-backed certificate authority', () => {
  let stack: RunningStack;
  let token: SoftHsmToken;
  let pki: OpensslDir;

  beforeAll(async () => {
    token = createSoftHsmToken('pki-e2e');
    pki = new OpensslDir('pki-hsm-e2e');
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
    pki?.remove();
  });

  it.each([
    ['EC_prime256v1', 'SHA256WITHECDSA'],
    ['RSA_2048', 'SHA256WITHRSA'],
  ] as Array<[KeyAlgorithm, SigningAlgorithm]>)('creates a %s CA whose CSR (%s) OpenSSL verifies, with no key material in the database', async (KeyAlgorithm, SigningAlgorithm) => {
    const { arn: CertificateAuthorityArn, csr } = await createCaWithCsr(pcaClient(stack.endpoint), {
      keyAlgorithm: KeyAlgorithm,
      signingAlgorithm: SigningAlgorithm,
      subject: { CommonName: `HSM ${KeyAlgorithm}`, Organization: 'Example Corp' },
    });
    pki.write(`${KeyAlgorithm}.csr`, csr);
    // `openssl req -verify` exits 0 even when the signature is bad: read what it says.
    const said = pki.exec('req', '-in', `${KeyAlgorithm}.csr`, '-noout', '-verify').output;
    expect(said).toMatch(/verify OK/i);
    expect(said).not.toMatch(/fail/i);

    const id = CertificateAuthorityArn.split('/').pop()!;
    const key = (await stack.db.withSchema('ca').selectFrom('ca_keys').selectAll().where('ca_id', '=', id).executeTakeFirstOrThrow()) as Record<string, unknown>;
    expect(key.backend).toBe('pkcs11');
    expect(key.ciphertext ?? null).toBeNull();
  });
});
