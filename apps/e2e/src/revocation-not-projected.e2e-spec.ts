/**
 * Issue #12 §2: a certificate issuance-service issued is never reported as not issued by
 * revocation-service, whose copy of CertificateIssued arrives later (outbox relay, JetStream
 * consumer; after a SIGKILL of revocation-service, only when JetStream redelivers what the dead
 * process held). RevokeCertificate right after IssueCertificate, OCSP right after issuance, and
 * RevokeCertificate across a revocation-service SIGKILL + restart, through the real SDK.
 *
 * PKI_REVOCATION_CATCH_UP_MS=0: revocation-service never waits for its projection, as when the
 * projection lags longer than any bounded wait; the answers must come from issuance-service.
 */
import { GetCertificateCommand, IssueCertificateCommand, RevokeCertificateCommand } from '@aws-sdk/client-acm-pca';
import { waitFor } from '@pki/testing';
import { bytes, pcaClient } from './fixtures/acm-pca';
import { errorOf, type AwsError } from './fixtures/errors';
import { OpensslDir } from './fixtures/openssl';
import { rootWithLeaves } from './fixtures/revocation';
import { softwareKeysEnv, startStack, type RunningStack } from './stack';

/** Errors a client is told to retry: never one that says the certificate does not exist. */
const RETRYABLE = new Set(['ServiceUnavailableException', 'ServiceUnavailable', 'RequestInProgressException', 'ThrottlingException']);

describe('RevokeCertificate and OCSP for certificates revocation-service has not projected yet', () => {
  let stack: RunningStack;
  let pki: OpensslDir;
  let rootArn: string;
  let csr: Uint8Array;
  const client = () => pcaClient(stack.endpoint);
  const revoke = (serial: string) => client().send(new RevokeCertificateCommand({ CertificateAuthorityArn: rootArn, CertificateSerial: serial, RevocationReason: 'KEY_COMPROMISE' }));
  /** IssueCertificate, then GetCertificate at once (no waiter delay): the certificate and its serial. */
  const issueNow = async (name: string) => {
    const pca = client();
    const { CertificateArn } = await pca.send(new IssueCertificateCommand({ CertificateAuthorityArn: rootArn, Csr: csr, SigningAlgorithm: 'SHA256WITHECDSA', Validity: { Type: 'DAYS', Value: 30 } }));
    const got = await waitFor(
      async () => pca.send(new GetCertificateCommand({ CertificateAuthorityArn: rootArn, CertificateArn })).catch((error: AwsError) => {
        if (error.name === 'RequestInProgressException') return undefined;
        throw error;
      }),
      { timeoutMs: 30_000, intervalMs: 10, what: `${name} issued` },
    );
    pki.write(`${name}.pem`, got!.Certificate!);
    return CertificateArn!.split('/').pop()!;
  };

  beforeAll(async () => {
    stack = await startStack({ ...softwareKeysEnv(), PKI_PUBLIC_URL: 'http://pki.not-projected.test', PKI_REVOCATION_CATCH_UP_MS: '0' });
    pki = new OpensslDir('not-projected-e2e');
    rootArn = await rootWithLeaves(client(), pki, { subject: { CommonName: 'Not Projected Root' }, revocation: { OcspConfiguration: { Enabled: true } } }, []);
    csr = bytes(await pki.csr('leaf', '/CN=leaf.example.com'));
  }, 240_000);
  afterAll(async () => {
    pki?.remove();
    await stack?.stop();
  });

  it('revokes immediately after issuance, every time', async () => {
    for (let i = 0; i < 5; i++) {
      const serial = await issueNow(`now-${i}`);
      await expect(revoke(serial)).resolves.toBeDefined();
    }
  }, 120_000);

  it('OCSP right after issuance answers good, never unknown', async () => {
    for (let i = 0; i < 5; i++) {
      await issueNow(`ocsp-${i}`);
      const out = pki.run('ocsp', '-issuer', 'root.pem', '-CAfile', 'root.pem', '-url', `${stack.endpoint}/ocsp`, '-cert', `ocsp-${i}.pem`);
      expect(out).toMatch(new RegExp(`ocsp-${i}.pem: good`));
    }
  }, 120_000);

  it('right after a SIGKILL and restart of revocation-service: every attempt succeeds or is retryable, until revoked', async () => {
    const serial = await issueNow('killed');
    const bystander = await issueNow('bystander'); // never looked up: shows when the projection itself caught up
    const revocation = stack.apps.find((app) => app.app === 'revocation-service')!;
    revocation.child.kill('SIGKILL');
    await revocation.exited;
    const killedAt = Date.now();
    const restarted = stack.restart('revocation-service', {});
    const outcomes: string[] = [];
    let revokedAt: number | undefined;
    while (revokedAt === undefined && Date.now() - killedAt < 90_000) {
      try {
        await revoke(serial);
        outcomes.push('ok');
        revokedAt = Date.now();
      } catch (error) {
        const e = error as AwsError;
        outcomes.push(e.name);
        if (!RETRYABLE.has(e.name) && e.$metadata?.httpStatusCode !== 503) throw new Error(`attempt ${outcomes.length} answered ${e.name} (${e.message}): not retryable`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    await restarted;
    expect(revokedAt).toBeDefined();
    expect(outcomes.filter((o) => o !== 'ok').every((o) => RETRYABLE.has(o))).toBe(true);
    const projected = await waitFor(
      async () => (await stack.db.withSchema('revocation').selectFrom('issued_certificates').select('serial').where('serial', '=', bystander).executeTakeFirst()) && Date.now(),
      { timeoutMs: 60_000, intervalMs: 100, what: 'the bystander certificate projected' },
    );
    console.log(
      `revocation-service SIGKILL -> revocable after ${revokedAt! - killedAt} ms (${outcomes.length} attempts: ${[...new Set(outcomes)].join(', ')}); ` +
        `the projection had the other certificate after ${projected - killedAt} ms`,
    );
    expect((await errorOf(revoke(serial))).name).toBe('RequestAlreadyProcessedException');
  }, 180_000);
});
