import { connect, type NatsConnection } from 'nats';
import { commandSubject, DomainError, queueGroup, type CommandMessage, type ServiceName } from '@pki/contracts';
import { assertNatsReachable, testNatsUrl, uniquePrefix } from '@pki/testing';
import { CommandServer, type CommandHandlers } from './command-server';
import { ServiceClient } from './service-client';

const message = (input: unknown = {}): CommandMessage => ({ caller: { accountId: '111111111111', accessKeyId: 'AKID' }, requestId: 'r-1', input });

describe('CommandServer and ServiceClient (real NATS)', () => {
  let nc: NatsConnection;
  let prefix: string;
  const servers: CommandServer[] = [];
  const serve = async (handlers: CommandHandlers, drainTimeoutMs?: number, more: { service?: ServiceName; isUnavailable?: (error: unknown) => boolean; workingIntervalMs?: number } = {}) => {
    const server = new CommandServer({ nc, prefix, service: more.service ?? 'ca', handlers, drainTimeoutMs, isUnavailable: more.isUnavailable, workingIntervalMs: more.workingIntervalMs });
    servers.push(server);
    await server.start();
    return server;
  };

  beforeEach(async () => {
    await assertNatsReachable();
    nc = await connect({ servers: testNatsUrl() });
    prefix = uniquePrefix();
  });
  afterEach(async () => {
    for (const server of servers.splice(0)) await server.stop();
    await nc.close();
  });

  it('answers results, typed domain errors, internal errors and malformed envelopes as Reply JSON', async () => {
    await serve({
      Echo: async (m) => ({ echoed: m.input, by: m.caller.accountId }),
      Nothing: async () => undefined,
      Refuse: async () => {
        throw new DomainError('NotFound', 'no such CA', 'ResourceNotFoundException');
      },
      Crash: async () => {
        throw new TypeError('x is undefined');
      },
    });
    const client = new ServiceClient(nc, prefix, 5000);
    expect(await client.request('ca', 'Echo', message({ a: 1 }))).toEqual({ ok: true, result: { echoed: { a: 1 }, by: '111111111111' } });
    expect(await client.request('ca', 'Nothing', message())).toEqual({ ok: true, result: {} });
    expect(await client.request('ca', 'Refuse', message())).toEqual({ ok: false, error: { kind: 'NotFound', code: 'ResourceNotFoundException', message: 'no such CA' } });
    expect(await client.request('ca', 'Crash', message())).toEqual({ ok: false, error: { kind: 'Internal', message: 'The service failed to process the request (request id r-1).' } });

    // The wire format: a plain CommandMessage in, a plain Reply out.
    const raw = await nc.request(commandSubject(prefix, 'ca', 'Echo'), JSON.stringify(message('x')), { timeout: 5000 });
    expect(raw.json()).toEqual({ ok: true, result: { echoed: 'x', by: '111111111111' } });
    const malformed = await nc.request(commandSubject(prefix, 'ca', 'Echo'), JSON.stringify({ pattern: 'x', data: message() }), { timeout: 5000 });
    expect(malformed.json()).toEqual({ ok: false, error: { kind: 'Malformed', message: 'malformed Echo command envelope' } });
  });

  it('maps transport failures: no responders, timeout, payload too large', async () => {
    await serve({ Slow: () => new Promise((resolve) => setTimeout(() => resolve({}), 1500)) });
    const client = new ServiceClient(nc, prefix, 300);
    expect(await client.request('ca', 'Unknown', message())).toEqual({ ok: false, error: { kind: 'Unavailable', message: 'The ca service is not available; try again later.' } });
    expect(await client.request('issuance', 'IssueCertificate', message())).toEqual({
      ok: false,
      error: { kind: 'Unavailable', message: 'The issuance service is not available; try again later.' },
    });
    expect(await client.request('ca', 'Slow', message())).toEqual({ ok: false, error: { kind: 'Unavailable', message: 'The ca service did not answer in time; try again later.' } });
    const huge = 'x'.repeat(nc.info!.max_payload + 1);
    expect(await client.request('ca', 'Slow', message(huge))).toEqual({ ok: false, error: { kind: 'Malformed', code: 'RequestEntityTooLarge', message: 'The request is too large.' } });
  });

  it('shares requests among the replicas of a service (one queue group): each request is answered once', async () => {
    const served: string[] = [];
    await serve({ Who: async () => (served.push('a'), { by: 'a' }) });
    await serve({ Who: async () => (served.push('b'), { by: 'b' }) });
    const client = new ServiceClient(nc, prefix, 5000);
    const replies = await Promise.all(Array.from({ length: 40 }, () => client.request<{ by: string }>('ca', 'Who', message())));
    expect(replies.every((r) => r.ok)).toBe(true);
    expect(served).toHaveLength(40);
    expect(new Set(served)).toEqual(new Set(['a', 'b']));
  });

  it('stop takes no new request, lets the in-flight one finish and reply, and gives up after the drain timeout', async () => {
    let release!: () => void;
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    const server = await serve({
      Hold: async () => {
        started();
        await new Promise<void>((resolve) => (release = resolve));
        return { done: true };
      },
    });
    const client = new ServiceClient(nc, prefix, 5000);
    const inFlight = client.request('ca', 'Hold', message());
    await running;
    let stopped = false;
    const stopping = server.stop().then(() => (stopped = true));
    expect(await client.request('ca', 'Hold', message())).toMatchObject({ ok: false, error: { kind: 'Unavailable' } });
    expect(stopped).toBe(false);
    release();
    expect(await inFlight).toEqual({ ok: true, result: { done: true } });
    await stopping;

    const stuck = await serve({ Hang: () => new Promise(() => undefined) }, 200);
    void client.request('ca', 'Hang', message()).catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const before = Date.now();
    await stuck.stop();
    expect(Date.now() - before).toBeLessThan(2000);
  });

  it('answers Unavailable, not Internal, when a dependency is unreachable (the error or its cause)', async () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    await serve(
      {
        Store: async () => {
          throw new Error('loading the CA failed', { cause: refused });
        },
        Bug: async () => {
          throw new TypeError('x is undefined');
        },
      },
      undefined,
      { isUnavailable: (error) => (error as { code?: string }).code === 'ECONNREFUSED' },
    );
    const client = new ServiceClient(nc, prefix, 5000);
    expect(await client.request('ca', 'Store', message())).toEqual({
      ok: false,
      error: { kind: 'Unavailable', message: 'The service cannot reach its database or message bus now; try again later (request id r-1).' },
    });
    expect(await client.request('ca', 'Bug', message())).toMatchObject({ ok: false, error: { kind: 'Internal' } });
  });

  it('keeps a slow request alive with "working" messages, and sends none for a quick one', async () => {
    // Lost after 1.5 s of silence, said "working" every 100 ms, answered after 4 s: alive only thanks to
    // the "working" messages, with room for a loaded machine's stalls (a 400 ms bound failed in CI).
    await serve({ Slow: () => new Promise((resolve) => setTimeout(() => resolve({ slow: true }), 4000)), Quick: async () => ({ quick: true }) }, undefined, { workingIntervalMs: 100 });
    const client = new ServiceClient(nc, prefix, 10_000, { lostAfterMs: 1500 });
    expect(await client.request('ca', 'Slow', message())).toEqual({ ok: true, result: { slow: true } });
    // What goes on the wire: a quick request's first message is its reply.
    const first = await nc.request(commandSubject(prefix, 'ca', 'Quick'), JSON.stringify(message()), { timeout: 5000 });
    expect(first.json()).toEqual({ ok: true, result: { quick: true } });
  });

  describe('a replica that dies holding a request', () => {
    /**
     * A replica that takes the request and dies without a word (as a SIGKILLed process does):
     * it subscribes in the service's queue group on its own connection and closes that
     * connection when the request arrives; `swallowed` resolves then.
     */
    const dyingReplica = async (service: ServiceName, operation: string) => {
      const doomed = await connect({ servers: testNatsUrl() });
      const swallowed = new Promise<void>((resolve) => {
        doomed.subscribe(commandSubject(prefix, service, operation), {
          queue: queueGroup(service),
          callback: () => {
            void doomed.close();
            resolve();
          },
        });
      });
      await doomed.flush();
      return { swallowed };
    };

    it('fails a write fast with Unavailable instead of waiting for the timeout', async () => {
      const { swallowed } = await dyingReplica('issuance', 'IssueCertificate');
      const client = new ServiceClient(nc, prefix, 20_000, { lostAfterMs: 500 });
      const started = Date.now();
      const reply = client.request('issuance', 'IssueCertificate', message());
      await swallowed;
      // A live replica now: the write is still not repeated behind the caller's back.
      const issued: string[] = [];
      await serve({ IssueCertificate: async (m) => (issued.push(m.requestId), {}) }, undefined, { service: 'issuance' });
      expect(await reply).toEqual({ ok: false, error: { kind: 'Unavailable', message: 'The issuance service went silent while handling IssueCertificate; try again later.' } });
      expect(Date.now() - started).toBeLessThan(3000);
      expect(issued).toEqual([]);
    });

    it('sends a read once more, to another replica', async () => {
      const { swallowed } = await dyingReplica('issuance', 'GetCertificate');
      const client = new ServiceClient(nc, prefix, 20_000, { lostAfterMs: 500 });
      const started = Date.now();
      const reply = client.request('issuance', 'GetCertificate', message());
      await swallowed;
      await serve({ GetCertificate: async () => ({ Certificate: 'pem' }) }, undefined, { service: 'issuance' });
      expect(await reply).toEqual({ ok: true, result: { Certificate: 'pem' } });
      expect(Date.now() - started).toBeLessThan(3000);
    });
  });
});

