import * as nats from 'nats';
import type { INestApplication } from '@nestjs/common';
import { DomainError, type CommandMessage, type EventEnvelope } from '@pki/contracts';
import { loadConfig, periodicWorker, ServiceClient, startService } from '@pki/service-kit';
import { assertNatsReachable, cleanupNatsPrefix, createTestDatabase, testNatsUrl, uniquePrefix, waitFor, type TestDatabase } from '@pki/testing';
import { eventSourcedServiceModule } from './service-module';
import { meta } from './test-support/harness';

// Every connection any code in this process opens goes through here, so a second one is counted.
jest.mock('nats', () => {
  const actual = jest.requireActual<typeof import('nats')>('nats');
  return { ...actual, connect: jest.fn((options?: nats.ConnectionOptions) => actual.connect(options)) };
});
const actualConnect = jest.requireActual<typeof import('nats')>('nats').connect;
const connectCalls = () => jest.mocked(nats.connect).mock.calls;

const message = (input: unknown = {}): CommandMessage => ({ caller: { accountId: '111111111111', accessKeyId: 'AKID' }, requestId: 'r-1', input });

/**
 * A whole event-sourced service started as a process starts it (startService): command server,
 * runtime (relay, a projection), a background worker and a service-to-service client must all
 * run on ONE NATS connection, and close in the SIGTERM order.
 */
describe('an event-sourced service: one NATS connection per process, ordered shutdown', () => {
  let database: TestDatabase;
  let prefix: string;
  let app: INestApplication | undefined;
  let nc: nats.NatsConnection;

  beforeAll(async () => {
    await assertNatsReachable();
    database = await createTestDatabase();
    prefix = uniquePrefix();
    nc = await actualConnect({ servers: testNatsUrl() });
  });
  afterAll(async () => {
    await app?.close();
    await cleanupNatsPrefix(nc, prefix).catch(() => undefined);
    await nc.close();
    await database.destroy();
  });

  it('opens one connection for commands, JetStream, projections and service-to-service requests; stops commands, workers, projections, NATS, then the pool', async () => {
    const order: string[] = [];
    const projected: string[] = [];
    let releaseHold!: () => void;
    let holding!: () => void;
    const held = new Promise<void>((resolve) => (holding = resolve));
    const config = loadConfig({ DATABASE_URL: database.url, NATS_URL: testNatsUrl(), PKI_NATS_PREFIX: prefix });
    const definition = {
      service: 'ca' as const,
      createModule: () =>
        eventSourcedServiceModule({
          config,
          service: 'ca',
          schema: 'ca',
          migrations: {},
          projections: () => [{ source: 'ca', projection: { name: 'seen', apply: async (_trx: unknown, event: EventEnvelope) => void projected.push(event.id) } }],
          wire: (runtime, services) => ({
            handlers: {
              Append: async () => {
                const [event] = await runtime.store.append('s-1', 0, [{ type: 'Numbered', schemaVersion: 1, data: { n: 1 } }], meta);
                return { id: event!.id };
              },
              Ping: async (m) => ({ pong: m.requestId }),
              AskSelf: async (m) => {
                const reply = await services.request<{ pong: string }>('ca', 'Ping', m);
                if (!reply.ok) throw new DomainError(reply.error.kind, reply.error.message);
                return reply.result;
              },
              Hold: async () => {
                holding();
                await new Promise<void>((resolve) => (releaseHold = resolve));
                order.push('in-flight command finished');
                return { held: true };
              },
            },
            workers: [periodicWorker(async () => undefined, 50, { name: 'noop' }), { start: async () => undefined, stop: async () => void order.push('workers stopped') }],
            close: async () => void order.push('wiring closed'),
          }),
        }),
    };

    app = await startService(definition, { config, healthPort: 0, signalHandlers: false });
    expect(connectCalls()).toHaveLength(1);
    expect(connectCalls()[0]![0]).toMatchObject({ servers: [testNatsUrl()], name: 'pki-ca' });
    const serviceConnection = (await jest.mocked(nats.connect).mock.results[0]!.value) as nats.NatsConnection;

    const client = new ServiceClient(nc, prefix, 5000);
    const appended = await client.request<{ id: string }>('ca', 'Append', message());
    expect(appended.ok).toBe(true);
    // Relay -> JetStream -> projection, all on the service's one connection.
    await waitFor(async () => appended.ok && projected.includes(appended.result.id), { what: 'the event projected' });
    expect(await client.request('ca', 'AskSelf', message())).toEqual({ ok: true, result: { pong: 'r-1' } });
    const ready = await fetch(`${await app.getUrl()}/health/ready`);
    expect(await ready.json()).toMatchObject({ status: 'ok', checks: { postgres: 'ok', nats: 'ok' } });
    expect(connectCalls()).toHaveLength(1);

    // SIGTERM with one command in flight.
    const inFlight = client.request('ca', 'Hold', message());
    await held;
    const closing = app.close().then(() => order.push('closed'));
    await waitFor(async () => (await client.request('ca', 'Ping', message())).ok === false, { what: 'commands to stop' });
    expect(order).toEqual([]);
    expect(serviceConnection.isClosed()).toBe(false);
    releaseHold();
    expect(await inFlight).toEqual({ ok: true, result: { held: true } });
    await closing;
    app = undefined;
    expect(order).toEqual(['in-flight command finished', 'workers stopped', 'wiring closed', 'closed']);
    expect(serviceConnection.isClosed()).toBe(true);
    expect(connectCalls()).toHaveLength(1);
  });
});
