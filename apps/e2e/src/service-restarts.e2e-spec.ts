/**
 * Restarts of the back-end services under load, through the real SDKs and the gateway (issue
 * #12, sections 3): a graceful SIGTERM of a service answers every request that reached it
 * (CommandServer drains its subscriptions and finishes its handlers before NATS drains), so
 * with a second replica running no request fails and none waits for the request timeout. A
 * SIGKILLed replica's requests fail fast: the gateway's ServiceClient stops hearing the
 * replica's "working" messages, sends a read once more (it lands on the live replica) and
 * answers a write with a retryable ServiceUnavailableException (HTTP 503) long before
 * PKI_REQUEST_TIMEOUT_MS.
 */
import { GetCertificateCommand, IssueCertificateCommand, ListCertificateAuthoritiesCommand } from '@aws-sdk/client-acm-pca';
import { DescribeDirectoriesCommand, DirectoryServiceClient } from '@aws-sdk/client-directory-service';
import { ListCertificatesCommand } from '@aws-sdk/client-iot';
import type { AppName, AppProcess } from './app-process';
import { activeRootCa, bytes, issueCertificate, pcaClient } from './fixtures/acm-pca';
import { errorOf } from './fixtures/errors';
import { iotClient } from './fixtures/iot';
import { ACCOUNT_A, softwareKeysEnv, startStack, type RunningStack } from './stack';

/** The gateway's wait for a service's answer: a lost request would cost this much. */
const REQUEST_TIMEOUT_MS = 20_000;
/**
 * A request dropped by a stopping replica costs at least the gateway's lost-replica detection
 * (ServiceClient, 3 s) before it is sent again or fails, so no request may take that long.
 */
const SLOWEST_ALLOWED_MS = 2500;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Outcome {
  readonly ok: boolean;
  readonly ms: number;
  readonly error?: string;
}

/** `workers` loops calling `call` back to back until `during` is over; every call's outcome. */
async function underLoad(call: () => Promise<unknown>, during: () => Promise<void>, workers = 3): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  let running = true;
  const loops = Array.from({ length: workers }, async () => {
    while (running) {
      const started = Date.now();
      try {
        await call();
        outcomes.push({ ok: true, ms: Date.now() - started });
      } catch (error) {
        outcomes.push({ ok: false, ms: Date.now() - started, error: `${(error as Error).name}: ${(error as Error).message}` });
      }
    }
  });
  try {
    await during();
  } finally {
    running = false;
    await Promise.all(loops);
  }
  return outcomes;
}

describe('service restarts under load', () => {
  let stack: RunningStack;
  let caArn: string;
  let csr: string;
  let certificateArn: string;
  const pca = () => pcaClient(stack.endpoint);
  /** The process of `app` that serves now (the stack's, or the replica that replaced it). */
  const serving = new Map<AppName, AppProcess>();

  beforeAll(async () => {
    stack = await startStack({ ...softwareKeysEnv(), PKI_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS) });
    for (const app of stack.apps) serving.set(app.app, app);
    const root = await activeRootCa(pca(), { subject: { CommonName: 'Restarts Root' }, validity: { Type: 'YEARS', Value: 5 } });
    caArn = root.arn;
    csr = root.csr;
    certificateArn = (await issueCertificate(pca(), { CertificateAuthorityArn: caArn, Csr: bytes(csr), SigningAlgorithm: 'SHA256WITHECDSA', Validity: { Type: 'DAYS', Value: 1 } })).arn;
  }, 180_000);
  afterAll(async () => {
    await stack?.stop();
  }, 120_000);

  const calls: ReadonlyArray<readonly [AppName, () => Promise<unknown>]> = [
    ['ca-service', () => pca().send(new ListCertificateAuthoritiesCommand({ MaxResults: 5 }))],
    ['issuance-service', () => pca().send(new GetCertificateCommand({ CertificateAuthorityArn: caArn, CertificateArn: certificateArn }))],
    [
      'revocation-service',
      // An OCSP request the responder answers malformedRequest (RFC 6960 §4.2.1: OCSPResponseStatus 1), a
      // round trip to revocation-service; the gateway alone would answer tryLater (3) when the service is unavailable.
      async () => {
        const response = await fetch(`${stack.endpoint}/ocsp`, { method: 'POST', headers: { 'Content-Type': 'application/ocsp-request' }, body: Buffer.from([0x30, 0x03, 0x02, 0x01, 0x00]) });
        const body = Buffer.from(await response.arrayBuffer()).toString('hex');
        if (response.status !== 200 || body !== '30030a0101') throw new Error(`OCSP answered HTTP ${response.status} ${body}`);
      },
    ],
    ['iot-registry', () => iotClient(stack.endpoint).send(new ListCertificatesCommand({ pageSize: 5 }))],
    ['directory-certs', () => new DirectoryServiceClient({ endpoint: stack.endpoint, region: 'us-east-1', credentials: ACCOUNT_A, maxAttempts: 1 }).send(new DescribeDirectoriesCommand({}))],
  ];

  it.each(calls)('SIGTERM of %s with a second replica running loses no request and delays none', async (app, call) => {
    const replica = await stack.spawnReplica(app);
    const original = serving.get(app)!;
    let exit: Awaited<ReturnType<AppProcess['stop']>> | undefined;
    const outcomes = await underLoad(
      call,
      async () => {
        await sleep(800);
        exit = await original.stop();
        await sleep(500);
      },
      12,
    );
    serving.set(app, replica);
    const slowest = Math.max(...outcomes.map((o) => o.ms));
    console.log(`${app}: ${outcomes.length} requests across the SIGTERM, slowest ${slowest} ms`);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(outcomes.filter((o) => !o.ok)).toEqual([]);
    expect(outcomes.length).toBeGreaterThan(10);
    expect(slowest).toBeLessThan(SLOWEST_ALLOWED_MS);
  }, 120_000);

  it('SIGKILL of a replica holding requests: reads are answered by the other replica, a write fails fast with a retryable 503', async () => {
    // A replica whose GetCertificate and IssueCertificate take 15 s (the test seam), the only one running while the requests go out.
    const doomed = await stack.spawnReplica('issuance-service', { PKI_TEST_SLOW_OPERATIONS: 'GetCertificate:15000,IssueCertificate:15000' });
    expect(await serving.get('issuance-service')!.stop()).toEqual({ code: 0, signal: null });
    const started = Date.now();
    const reads = Array.from({ length: 3 }, () => pca().send(new GetCertificateCommand({ CertificateAuthorityArn: caArn, CertificateArn: certificateArn })));
    const write = errorOf(pca().send(new IssueCertificateCommand({ CertificateAuthorityArn: caArn, Csr: bytes(csr), SigningAlgorithm: 'SHA256WITHECDSA', Validity: { Type: 'DAYS', Value: 1 } })));
    const healthy = await stack.spawnReplica('issuance-service');
    serving.set('issuance-service', healthy);
    await sleep(Math.max(0, 1000 - (Date.now() - started)));
    doomed.child.kill('SIGKILL');
    const killedAt = Date.now();

    const answered = await Promise.all(reads.map((read) => read.then((output) => ({ certificate: output.Certificate, afterKillMs: Date.now() - killedAt }))));
    for (const { certificate, afterKillMs } of answered) {
      expect(certificate).toMatch(/^-----BEGIN CERTIFICATE-----/);
      expect(afterKillMs).toBeLessThan(8000);
    }
    const error = await write;
    const failedAfterKillMs = Date.now() - killedAt;
    console.log(`SIGKILL: reads answered ${answered.map((a) => a.afterKillMs).join(', ')} ms after the kill, the write failed ${failedAfterKillMs} ms after it`);
    expect({ name: error.name, status: error.$metadata?.httpStatusCode }).toEqual({ name: 'ServiceUnavailableException', status: 503 });
    expect(failedAfterKillMs).toBeLessThan(8000);
    expect(Date.now() - started).toBeLessThan(REQUEST_TIMEOUT_MS);
  }, 120_000);
});
