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

  describe("a caller's deadline and cancellation (gRPC deadlines, issue #16)", () => {
    const DEADLINE_EXCEEDED = (operation: string) => ({ ok: false, error: { kind: 'Unavailable', code: 'DeadlineExceeded', message: `The caller's deadline passed before ${operation} started; nothing was done.` } });

    it('a command whose deadline has passed is answered DeadlineExceeded without running the handler; a future or malformed deadline runs it', async () => {
      const ran: string[] = [];
      await serve({ Write: async (m) => (ran.push(m.requestId), { written: true }) });
      const send = async (requestId: string, deadline: unknown) =>
        (await nc.request(commandSubject(prefix, 'ca', 'Write'), JSON.stringify({ ...message(), requestId, deadline }), { timeout: 5000 })).json();
      expect(await send('past', Date.now() - 1)).toEqual(DEADLINE_EXCEEDED('Write'));
      expect(await send('now', Date.now())).toEqual(DEADLINE_EXCEEDED('Write'));
      expect(await send('long-past', 0)).toEqual(DEADLINE_EXCEEDED('Write'));
      expect(ran).toEqual([]);
      expect(await send('future', Date.now() + 60_000)).toEqual({ ok: true, result: { written: true } });
      // Only a number is a deadline: anything else is no deadline at all, as before deadlines existed.
      expect(await send('text', String(Date.now() - 1))).toEqual({ ok: true, result: { written: true } });
      expect(await send('none', undefined)).toEqual({ ok: true, result: { written: true } });
      expect(ran).toEqual(['future', 'text', 'none']);
    });

    it('request({timeoutMs}) sends the deadline with the command and answers DeadlineExceeded after about that time when the service is slow', async () => {
      const deadlines: Array<number | undefined> = [];
      await serve({ Slow: (m) => (deadlines.push(m.deadline), new Promise((resolve) => setTimeout(() => resolve({ slow: true }), 1500))) });
      const client = new ServiceClient(nc, prefix, 10_000);
      const started = Date.now();
      const reply = await client.request('ca', 'Slow', message(), { timeoutMs: 300 });
      const took = Date.now() - started;
      expect(reply).toEqual({ ok: false, error: { kind: 'Unavailable', code: 'DeadlineExceeded', message: 'The deadline passed before the ca service answered Slow.' } });
      expect(took).toBeGreaterThanOrEqual(290);
      expect(took).toBeLessThan(1200);
      expect(deadlines).toHaveLength(1);
      expect(deadlines[0]).toBeGreaterThanOrEqual(started + 300);
      expect(deadlines[0]).toBeLessThanOrEqual(started + 400);
      // Without a deadline of its own the command carries none, and the client's timeout governs.
      expect(await client.request('ca', 'Slow', message())).toEqual({ ok: true, result: { slow: true } });
      expect(deadlines[1]).toBeUndefined();
    });

    it('a deadline later than the client timeout changes nothing: the timeout answers, without DeadlineExceeded', async () => {
      await serve({ Slow: () => new Promise((resolve) => setTimeout(() => resolve({}), 1500)) });
      const client = new ServiceClient(nc, prefix, 300);
      expect(await client.request('ca', 'Slow', message(), { timeoutMs: 60_000 })).toEqual({ ok: false, error: { kind: 'Unavailable', message: 'The ca service did not answer in time; try again later.' } });
    });

    it('every short deadline that expires is reported as DeadlineExceeded, never as the generic timeout', async () => {
      await serve({ Slow: () => new Promise((resolve) => setTimeout(() => resolve({}), 2000)) });
      const client = new ServiceClient(nc, prefix, 10_000);
      const codes = new Map<string, number>();
      for (let round = 0; round < 10; round++) {
        const replies = await Promise.all(Array.from({ length: 20 }, (_, i) => client.request('ca', 'Slow', message(), { timeoutMs: 5 + ((round * 20 + i) % 40) })));
        for (const reply of replies) {
          const code = reply.ok ? 'ok' : (reply.error.code ?? `no code: ${reply.error.message}`);
          codes.set(code, (codes.get(code) ?? 0) + 1);
        }
      }
      expect(Object.fromEntries(codes)).toEqual({ DeadlineExceeded: 200 });
    });

    it('a deadline of 0 ms answers DeadlineExceeded and the service does not run the command', async () => {
      const ran: string[] = [];
      await serve({ Write: async (m) => (ran.push(m.requestId), {}) });
      const client = new ServiceClient(nc, prefix, 10_000);
      expect(await client.request('ca', 'Write', message(), { timeoutMs: 0 })).toMatchObject({ ok: false, error: { code: 'DeadlineExceeded' } });
      // The command was published all the same: the server saw it too late, and refused it.
      await nc.flush();
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(ran).toEqual([]);
    });

    it('an aborted signal answers Cancelled at once; aborting while waiting answers Cancelled promptly', async () => {
      const ran: string[] = [];
      await serve({ Slow: (m) => (ran.push(m.requestId), new Promise((resolve) => setTimeout(() => resolve({}), 3000))) });
      const client = new ServiceClient(nc, prefix, 10_000);
      const cancelled = { ok: false, error: { kind: 'Unavailable', code: 'Cancelled', message: 'Slow was cancelled by the caller.' } };

      const before = Date.now();
      expect(await client.request('ca', 'Slow', { ...message(), requestId: 'already-aborted' }, { signal: AbortSignal.abort() })).toEqual(cancelled);
      expect(Date.now() - before).toBeLessThan(100);

      const abort = new AbortController();
      const pending = client.request('ca', 'Slow', { ...message(), requestId: 'aborted-later' }, { signal: abort.signal, timeoutMs: 8000 });
      await new Promise((resolve) => setTimeout(resolve, 200));
      const abortedAt = Date.now();
      abort.abort();
      expect(await pending).toEqual(cancelled);
      expect(Date.now() - abortedAt).toBeLessThan(100);
      // Nothing was sent for the request aborted before it started.
      expect(ran).toEqual(['aborted-later']);
    });
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

