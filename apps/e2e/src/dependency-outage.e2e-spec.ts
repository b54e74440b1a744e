/**
 * A dependency outage answers "unavailable, retry" (issue #12, "Also"): with Postgres stopped
 * (`pg_ctl stop -m immediate`) or nats-server killed, each API answers its retryable
 * ServiceUnavailableException with HTTP 503 -- AWS IoT models it (restJson1); for ACM PCA and
 * Directory Service (awsJson1_1) it is AWS's common 503 error -- never InternalFailure (500),
 * and never after waiting out PKI_REQUEST_TIMEOUT_MS. The servers are the test's own.
 */
import { connect } from 'nats';
import { ListCertificateAuthoritiesCommand } from '@aws-sdk/client-acm-pca';
import { DescribeDirectoriesCommand, DirectoryServiceClient } from '@aws-sdk/client-directory-service';
import { ListCertificatesCommand } from '@aws-sdk/client-iot';
import { cleanupNatsPrefix, startNatsServer, startPostgresInstance, uniquePrefix, type NatsServerProcess, type PostgresInstance } from '@pki/testing';
import { spawnApp, waitUntilReady, type AppName, type AppProcess } from './app-process';
import { pcaClient } from './fixtures/acm-pca';
import { errorOf } from './fixtures/errors';
import { iotClient } from './fixtures/iot';
import { ACCOUNT_A } from './stack';

const REQUEST_TIMEOUT_MS = 20_000;
const APPS_UNDER_TEST: readonly AppName[] = ['ca-service', 'iot-registry', 'directory-certs', 'api-gateway'];

describe('dependency outages answer ServiceUnavailableException (503)', () => {
  let postgres: PostgresInstance;
  let nats: NatsServerProcess;
  const prefix = uniquePrefix();
  const apps: AppProcess[] = [];
  let endpoint: string;

  /** One call per API; each failure's exception name, HTTP status and how long it took. */
  const callEachApi = async () => {
    const calls = {
      'acm-pca': () => pcaClient(endpoint).send(new ListCertificateAuthoritiesCommand({ MaxResults: 1 })),
      iot: () => iotClient(endpoint).send(new ListCertificatesCommand({ pageSize: 1 })),
      ds: () => new DirectoryServiceClient({ endpoint, region: 'us-east-1', credentials: ACCOUNT_A, maxAttempts: 1 }).send(new DescribeDirectoriesCommand({})),
    };
    const results: Record<string, { name: string; status?: number; fast: boolean }> = {};
    for (const [api, call] of Object.entries(calls)) {
      const started = Date.now();
      const error = await errorOf(call());
      results[api] = { name: error.name, status: error.$metadata?.httpStatusCode, fast: Date.now() - started < REQUEST_TIMEOUT_MS / 2 };
    }
    return results;
  };
  const unavailableEverywhere = {
    'acm-pca': { name: 'ServiceUnavailableException', status: 503, fast: true },
    iot: { name: 'ServiceUnavailableException', status: 503, fast: true },
    ds: { name: 'ServiceUnavailableException', status: 503, fast: true },
  };

  beforeAll(async () => {
    [postgres, nats] = await Promise.all([startPostgresInstance(), startNatsServer()]);
    const env = {
      DATABASE_URL: postgres.url.replace(/\/postgres$/, '/pki'),
      NATS_URL: nats.url,
      PKI_NATS_PREFIX: prefix,
      PKI_ACCESS_KEYS: `${ACCOUNT_A.accessKeyId}:${ACCOUNT_A.secretAccessKey}:${ACCOUNT_A.accountId}`,
      PKI_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
    };
    for (const app of APPS_UNDER_TEST) apps.push(await spawnApp(app, env));
    await Promise.all(apps.map((app) => waitUntilReady(app)));
    endpoint = apps.find((app) => app.app === 'api-gateway')!.url;
    // Everything answers while both servers run.
    await pcaClient(endpoint).send(new ListCertificateAuthoritiesCommand({ MaxResults: 1 }));
  }, 180_000);
  afterAll(async () => {
    await Promise.all(apps.map((app) => app.stop()));
    const nc = await connect({ servers: [nats.url] }).catch(() => undefined);
    if (nc) {
      await cleanupNatsPrefix(nc, prefix);
      await nc.close();
    }
    await Promise.all([nats?.stop(), postgres?.destroy()]);
  }, 120_000);

  it('Postgres stopped: every API answers ServiceUnavailableException (503) at once', async () => {
    await postgres.stopImmediate();
    try {
      expect(await callEachApi()).toEqual(unavailableEverywhere);
    } finally {
      await postgres.start();
    }
  }, 120_000);

  it('nats-server killed: every API answers ServiceUnavailableException (503) well before the request timeout', async () => {
    await nats.kill('SIGKILL');
    try {
      expect(await callEachApi()).toEqual(unavailableEverywhere);
    } finally {
      await nats.restart();
    }
  }, 120_000);
});
