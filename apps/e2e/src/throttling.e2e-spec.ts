import { ListCertificateAuthoritiesCommand } from '@aws-sdk/client-acm-pca';
import { DescribeDirectoriesCommand, DirectoryServiceClient } from '@aws-sdk/client-directory-service';
import { IoTClient, ListCACertificatesCommand, ListCertificatesCommand, ThrottlingException } from '@aws-sdk/client-iot';
import { waitFor } from '@pki/testing';
import { spawnApp } from './app-process';
import { pcaClient, type AccessKey } from './fixtures/acm-pca';
import { errorOf, type AwsError } from './fixtures/errors';
import { iotClient } from './fixtures/iot';
import { ACCOUNT_A, ACCOUNT_B, startStack, type RunningStack } from './stack';

/**
 * The gateway's per account and operation throttle, through the real SDKs against the running
 * stack: over the limit each protocol's SDK gets AWS's ThrottlingException as it models it (HTTP
 * 400, the code its retry logic classifies as throttling); with the SDK's default retry it backs
 * off (Retry-After) and succeeds; and an account hammering an operation does not starve another.
 *
 * Limits are tiny so that "over the limit" is certain, not a race: one request per 5 s
 * (burst 1) for the operations that are refused, 1/s with a burst of 5 for the noisy-neighbour one.
 */

const ACCOUNT_C = { accessKeyId: 'AKIDACCOUNTC', secretAccessKey: 'secret-c', accountId: '333333333333' };
const ACCOUNT_D = { accessKeyId: 'AKIDACCOUNTD', secretAccessKey: 'secret-d', accountId: '444444444444' };

type SdkError = AwsError & { $fault?: string; $response?: { headers: Record<string, string> } };

describe('throttling per account and operation, through the AWS SDKs', () => {
  let stack: RunningStack;
  const ds = (credentials: AccessKey, extra: { maxAttempts?: number } = { maxAttempts: 1 }) =>
    new DirectoryServiceClient({ endpoint: stack.endpoint, region: 'us-east-1', credentials, ...extra });

  beforeAll(async () => {
    stack = await startStack({
      PKI_THROTTLE_ENABLED: 'true',
      PKI_ACCESS_KEYS: [ACCOUNT_A, ACCOUNT_B, ACCOUNT_C, ACCOUNT_D].map((k) => `${k.accessKeyId}:${k.secretAccessKey}:${k.accountId}`).join(','),
      PKI_THROTTLE: [
        'acm-pca:ListCertificateAuthorities=0.2/1',
        'iot:ListCACertificates=0.2/1',
        'ds:DescribeDirectories=0.2/1',
        'iot:ListCertificates=1/5',
      ].join(','),
    });
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
  });

  /** What every protocol's refusal has in common: AWS's code and status, a client fault, a message a person can act on, Retry-After. */
  function expectThrottled(error: SdkError, api: string, operation: string, accountId: string): void {
    expect(error.name).toBe('ThrottlingException');
    expect(error.$metadata?.httpStatusCode).toBe(400);
    expect(error.$fault).toBe('client');
    expect(error.message).toBe(
      `Rate exceeded for ${operation} by account ${accountId}: the limit is 0.2 requests per second with a burst of 1 ` +
        `(per gateway replica). Retry with backoff, or ask the operator to raise ${api}:${operation} in PKI_THROTTLE.`,
    );
    // When the bucket has a token again, as an HTTP-date (which every SDK version reads).
    expect(error.$response?.headers['retry-after']).toMatch(/^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
    expect(Date.parse(error.$response!.headers['retry-after']!)).toBeGreaterThan(Date.now());
  }

  it('over the limit, one attempt: ACM PCA, IoT and Directory Service each get ThrottlingException, HTTP 400', async () => {
    // Authentication comes first: requests with a wrong secret are refused as such and take no token.
    const forged = pcaClient(stack.endpoint, { accessKeyId: ACCOUNT_A.accessKeyId, secretAccessKey: 'not-the-secret' });
    for (let i = 0; i < 3; i++) expect((await errorOf(forged.send(new ListCertificateAuthoritiesCommand({})))).name).not.toBe('ThrottlingException');

    const pca = pcaClient(stack.endpoint, ACCOUNT_A);
    await pca.send(new ListCertificateAuthoritiesCommand({}));
    expectThrottled(await errorOf(pca.send(new ListCertificateAuthoritiesCommand({}))), 'acm-pca', 'ListCertificateAuthorities', ACCOUNT_A.accountId);

    const iot = iotClient(stack.endpoint, ACCOUNT_A);
    await iot.send(new ListCACertificatesCommand({}));
    const iotError = await errorOf(iot.send(new ListCACertificatesCommand({})));
    expect(iotError).toBeInstanceOf(ThrottlingException); // IoT's modelled exception class, not a generic one
    expectThrottled(iotError, 'iot', 'ListCACertificates', ACCOUNT_A.accountId);

    const directory = ds(ACCOUNT_A);
    await directory.send(new DescribeDirectoriesCommand({}));
    const dsError = await errorOf(directory.send(new DescribeDirectoriesCommand({})));
    expectThrottled(dsError, 'ds', 'DescribeDirectories', ACCOUNT_A.accountId);
    expect(dsError.RequestId).toBe(dsError.$metadata?.requestId); // DS exceptions' RequestId member, as for every DS error
  });

  it('with the default retry settings each SDK backs off and succeeds: the throttled call returns after 2+ attempts', async () => {
    const calls: Array<[string, () => Promise<{ $metadata: { attempts?: number; totalRetryDelay?: number } }>]> = [
      ['acm-pca', () => pcaClient(stack.endpoint, ACCOUNT_C, { maxAttempts: undefined }).send(new ListCertificateAuthoritiesCommand({}))],
      ['iot', () => new IoTClient({ endpoint: stack.endpoint, region: 'us-east-1', credentials: ACCOUNT_C }).send(new ListCACertificatesCommand({}))],
      ['ds', () => ds(ACCOUNT_C, {}).send(new DescribeDirectoriesCommand({}))],
    ];
    const results = await Promise.all(
      calls.map(async ([api, call]) => {
        const first = await call();
        const second = await call(); // the bucket (one request per 5 s) is empty: refused, retried after Retry-After, admitted
        return { api, first: first.$metadata.attempts, second: second.$metadata.attempts, delay: second.$metadata.totalRetryDelay ?? 0 };
      }),
    );
    for (const result of results) {
      expect(result).toMatchObject({ first: 1 });
      expect(result.second).toBeGreaterThanOrEqual(2);
      expect(result.delay).toBeGreaterThanOrEqual(1000); // waited for Retry-After (seconds), not only the jittered backoff (< 0.5 s)
    }
  });

  it('a noisy account does not starve another: D hammers ListCertificates and is throttled, all of B\'s requests succeed', async () => {
    const noisy = iotClient(stack.endpoint, ACCOUNT_D);
    const outcomes = { ok: 0, throttled: 0, other: [] as string[] };
    let stop = false;
    const hammer = (async () => {
      while (!stop) {
        await Promise.all(
          Array.from({ length: 8 }, () =>
            noisy.send(new ListCertificatesCommand({})).then(
              () => void outcomes.ok++,
              (error: Error) => void (error.name === 'ThrottlingException' ? outcomes.throttled++ : outcomes.other.push(error.name)),
            ),
          ),
        );
      }
    })();
    try {
      await waitFor(async () => outcomes.throttled >= 20, { timeoutMs: 30_000, what: 'account D throttled' });
      // While D is still hammering (its bucket empty), B sends its burst's worth at once: every one passes.
      const quiet = iotClient(stack.endpoint, ACCOUNT_B);
      const answers = await Promise.allSettled(Array.from({ length: 5 }, () => quiet.send(new ListCertificatesCommand({}))));
      expect(answers.map((answer) => answer.status)).toEqual(Array(5).fill('fulfilled'));
    } finally {
      stop = true;
      await hammer;
    }
    expect(outcomes.other).toEqual([]);
    expect(outcomes.throttled).toBeGreaterThan(outcomes.ok);
  });

  it('a bad setting stops the gateway at start-up, before it connects to anything, naming the entry and what is wrong', async () => {
    const gateway = await spawnApp('api-gateway', { NATS_URL: 'nats://127.0.0.1:1', PKI_THROTTLE: 'acm-pca:IssueCertificate=250/500,acm-pca:IssueCertficate=250/500' });
    expect(await gateway.exited).toEqual({ code: 1, signal: null });
    // The start failure is one fatal JSON line (the apps log JSON only).
    const fatal = gateway
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { level?: string; msg?: string })
      .filter((line) => line.level === 'fatal');
    expect(fatal.map((line) => line.msg)).toEqual([
      'api-gateway failed to start: PKI_THROTTLE entry 2 ("acm-pca:IssueCertficate=250/500"): acm-pca has no operation IssueCertficate that this gateway serves',
    ]);
  });
});
