import * as nats from 'nats';
import type { INestApplication } from '@nestjs/common';
import { loadConfig } from '@pki/service-kit';
import { assertNatsReachable, testNatsUrl, uniquePrefix } from '@pki/testing';
import type { Server } from 'node:http';
import { KEEP_ALIVE_TIMEOUT_MS, startGateway } from './gateway';

// Every connection any code in this process opens goes through here, so a second one is counted.
jest.mock('nats', () => {
  const actual = jest.requireActual<typeof import('nats')>('nats');
  return { ...actual, connect: jest.fn((options?: nats.ConnectionOptions) => actual.connect(options)) };
});

describe('api-gateway process', () => {
  let app: INestApplication | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('opens one NATS connection, reports it in readiness, and drains it on close', async () => {
    await assertNatsReachable();
    const config = loadConfig({ NATS_URL: `${testNatsUrl()},${testNatsUrl()}`, PKI_NATS_PREFIX: uniquePrefix() });
    app = await startGateway({ config, port: 0, signalHandlers: false });
    const connect = jest.mocked(nats.connect);
    expect(connect.mock.calls).toHaveLength(1);
    expect(connect.mock.calls[0]![0]).toMatchObject({ servers: [testNatsUrl(), testNatsUrl()], name: 'pki-api-gateway' });
    const nc = (await connect.mock.results[0]!.value) as nats.NatsConnection;

    const ready = await fetch(`${await app.getUrl()}/health/ready`);
    expect(await ready.json()).toEqual({ status: 'ok', checks: { nats: 'ok' } });
    // Idle connections outlive a load balancer's 60 s idle timeout (else resets on reuse).
    const server = app.getHttpServer() as Server;
    expect(server.keepAliveTimeout).toBe(KEEP_ALIVE_TIMEOUT_MS);
    expect(KEEP_ALIVE_TIMEOUT_MS).toBeGreaterThan(60_000);
    expect(server.headersTimeout).toBeGreaterThan(server.keepAliveTimeout);

    await app.close();
    app = undefined;
    expect(nc.isClosed()).toBe(true);
    expect(connect.mock.calls).toHaveLength(1);
  });

  it('answers the AWS routes itself and leaves health and GET /metrics to Nest, each with a Date header and no X-Powered-By', async () => {
    await assertNatsReachable();
    app = await startGateway({ config: loadConfig({ NATS_URL: testNatsUrl(), PKI_NATS_PREFIX: uniquePrefix() }), port: 0, signalHandlers: false });
    const base = await app.getUrl();
    const unsigned = await fetch(base, { method: 'POST', headers: { 'x-amz-target': 'ACMPrivateCA.ListCertificateAuthorities', 'content-type': 'application/x-amz-json-1.1' }, body: '{}' });
    expect(unsigned.status).toBe(403);
    expect(unsigned.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationTokenException');
    expect(unsigned.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
    const live = await fetch(`${base}/health/live`);
    expect(live.status).toBe(200);
    const metrics = await fetch(`${base}/metrics`);
    expect(await metrics.text()).toMatch(/^pki_api_requests_total\{api="acm-pca",operation="ListCertificateAuthorities",outcome="client_error"\} 1$/m);
    for (const response of [unsigned, live, metrics]) {
      expect(Date.parse(response.headers.get('date') ?? '')).not.toBeNaN();
      expect(response.headers.get('x-powered-by')).toBeNull();
    }
  });
});
