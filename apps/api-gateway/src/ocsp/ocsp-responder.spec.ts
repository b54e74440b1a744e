/**
 * The gateway's OCSP responder on its own, with revocation-service played by a stub: pre-signed
 * responses (kept only when marked reusable, served only while the lease runs and under the CA
 * version the lease knows, until half their validity), invalidation (also of fills in flight),
 * coalescing of forwarded requests, and the lease (its length counted from the renewal's send,
 * revocations and resets it brings, announcements acknowledged).
 */
import type { CommandMessage, OcspPresigned, OcspRequestsInput, OcspResponderLeaseOutput, OcspResponseItem, Reply } from '@pki/contracts';
import { OcspResponder } from './ocsp-responder';
import { ocspCacheEntriesFromEnv, PresignedResponses } from './presigned-responses';
import { ResponderLease } from './responder-lease';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 10, 22, 10, 0, 0);
const der = (name: string) => Buffer.from(`0${name}`);

/** What the stub revocation-service says of a request: reusable for (ca, serial), or not. */
interface Stubbed {
  readonly presigned: Pick<OcspPresigned, 'certificateAuthorityId' | 'serial'> | null;
}

function stack(options: { entries?: number } = {}) {
  let now = T0;
  let leaseHolds = true;
  const versions = new Map([['ca-1', 3]]);
  const answers = new Map<string, Stubbed>();
  const messages: string[][] = [];
  let signed = 0;
  /** While set, OcspRequests replies wait for it: forwards in flight. */
  let gate: Promise<void> | undefined;
  const services = {
    request: async <T>(_service: string, operation: string, message: CommandMessage): Promise<Reply<T>> => {
      if (operation !== 'OcspRequests') throw new Error(`unexpected ${operation}`);
      const { requests } = message.input as OcspRequestsInput;
      messages.push(requests.map((r) => Buffer.from(r.requestBase64, 'base64').toString()));
      const producedAt = now;
      if (gate) await gate;
      const responses: OcspResponseItem[] = requests.map((r) => {
        const stubbed = answers.get(Buffer.from(r.requestBase64, 'base64').toString().slice(1)) ?? { presigned: null };
        const body = Buffer.from(`response-${++signed}`).toString('base64');
        const presigned = stubbed.presigned && { ...stubbed.presigned, status: 'good' as const, caVersion: versions.get(stubbed.presigned.certificateAuthorityId)!, producedAt, nextUpdate: producedAt + HOUR };
        return { responseBase64: body, presigned };
      });
      return { ok: true, result: { responses } as T };
    },
  };
  const responses = new PresignedResponses(options.entries ?? 100);
  const lease = { holds: () => leaseHolds, caVersion: (caId: string) => versions.get(caId) };
  const responder = new OcspResponder(services, responses, lease, () => now);
  const ask = async (name: string) => {
    const outcome = await responder.answer(der(name), `request-${name}`);
    if (outcome.kind !== 'response') throw new Error(outcome.kind);
    return outcome.body.toString();
  };
  return {
    responder,
    responses,
    ask,
    answers,
    messages,
    versions,
    advance: (ms: number) => (now += ms),
    setLease: (holds: boolean) => (leaseHolds = holds),
    hold: () => {
      let release!: () => void;
      gate = new Promise<void>((resolve) => (release = resolve));
      return () => {
        gate = undefined;
        release();
      };
    },
  };
}

describe('OcspResponder with pre-signed responses', () => {
  it('forwards a miss, keeps a reusable answer and serves the same request octets from it', async () => {
    const s = stack();
    s.answers.set('a', { presigned: { certificateAuthorityId: 'ca-1', serial: 'a1' } });
    expect(await s.ask('a')).toBe('response-1');
    expect(await s.ask('a')).toBe('response-1');
    expect(s.messages).toEqual([['0a']]);
    expect(s.responses.stats).toMatchObject({ hits: 1, stored: 1 });
  });

  it('never keeps what is not marked reusable (a nonce, several CertIDs, unknown, status-only answers)', async () => {
    const s = stack();
    expect(await s.ask('nonce')).toBe('response-1');
    expect(await s.ask('nonce')).toBe('response-2');
    expect(s.responses.size).toBe(0);
  });

  it('answers from its responses only while the lease runs', async () => {
    const s = stack();
    s.answers.set('a', { presigned: { certificateAuthorityId: 'ca-1', serial: 'a1' } });
    await s.ask('a');
    s.setLease(false);
    expect(await s.ask('a')).toBe('response-2');
    s.setLease(true);
    expect(await s.ask('a')).toBe('response-2');
  });

  it('serves an entry only under the CA version the lease knows, and until half its validity is gone', async () => {
    const s = stack();
    s.answers.set('a', { presigned: { certificateAuthorityId: 'ca-1', serial: 'a1' } });
    await s.ask('a');
    s.versions.set('ca-1', 4);
    expect(await s.ask('a')).toBe('response-2');
    expect(await s.ask('a')).toBe('response-2');
    s.advance(HOUR / 2 - 1);
    expect(await s.ask('a')).toBe('response-2');
    s.advance(1);
    expect(await s.ask('a')).toBe('response-3');
  });

  it('invalidate drops every request form of the serial, and only that serial', async () => {
    const s = stack();
    s.answers.set('a-sha1', { presigned: { certificateAuthorityId: 'ca-1', serial: 'a1' } });
    s.answers.set('a-sha256', { presigned: { certificateAuthorityId: 'ca-1', serial: 'a1' } });
    s.answers.set('b', { presigned: { certificateAuthorityId: 'ca-1', serial: 'b2' } });
    for (const name of ['a-sha1', 'a-sha256', 'b']) await s.ask(name);
    s.responses.invalidate('ca-1', 'a1');
    expect(s.responses.size).toBe(1);
    expect(await s.ask('b')).toBe('response-3');
    expect(await s.ask('a-sha1')).toBe('response-4');
  });

  it('a fill in flight when a revocation is announced answers its waiters but is never kept', async () => {
    const s = stack();
    s.answers.set('a', { presigned: { certificateAuthorityId: 'ca-1', serial: 'a1' } });
    const release = s.hold();
    const inFlight = s.ask('a');
    await new Promise((resolve) => setImmediate(resolve));
    s.responses.invalidate('ca-1', 'zz'); // any revocation: the store cannot tell which serial a fill is for
    release();
    expect(await inFlight).toBe('response-1');
    expect(s.responses.size).toBe(0);
    expect(await s.ask('a')).toBe('response-2');
    expect(await s.ask('a')).toBe('response-2');
  });

  it('coalesces: requests arriving while four messages are in flight leave together in the next one; identical ones share a forward', async () => {
    const s = stack();
    const release = s.hold();
    const first = ['1', '2', '3', '4'].map((n) => s.ask(n));
    await new Promise((resolve) => setImmediate(resolve));
    const queued = ['5', '6', '7', '7'].map((n) => s.ask(n));
    release();
    await Promise.all([...first, ...queued]);
    expect(s.messages).toEqual([['01'], ['02'], ['03'], ['04'], ['05', '06', '07']]);
  });

  it('holds at most maxEntries, evicting the least recently used', async () => {
    const s = stack({ entries: 2 });
    for (const name of ['a', 'b', 'c']) s.answers.set(name, { presigned: { certificateAuthorityId: 'ca-1', serial: name } });
    await s.ask('a');
    await s.ask('b');
    await s.ask('a'); // a is now the most recently used
    await s.ask('c');
    expect(s.responses.size).toBe(2);
    expect(s.responses.stats.evictions).toBe(1);
    expect(await s.ask('a')).toBe('response-1');
    expect(await s.ask('b')).toBe('response-4');
  });

  it('PKI_OCSP_CACHE_ENTRIES: default 50000, 0 turns the responses off, garbage is refused', () => {
    expect(ocspCacheEntriesFromEnv({})).toBe(50_000);
    expect(ocspCacheEntriesFromEnv({ PKI_OCSP_CACHE_ENTRIES: '0' })).toBe(0);
    expect(ocspCacheEntriesFromEnv({ PKI_OCSP_CACHE_ENTRIES: '10' })).toBe(10);
    expect(() => ocspCacheEntriesFromEnv({ PKI_OCSP_CACHE_ENTRIES: '-1' })).toThrow(/PKI_OCSP_CACHE_ENTRIES/);
    expect(() => ocspCacheEntriesFromEnv({ PKI_OCSP_CACHE_ENTRIES: 'many' })).toThrow(/PKI_OCSP_CACHE_ENTRIES/);
  });
});

describe('ResponderLease', () => {
  const renewal = (over: Partial<OcspResponderLeaseOutput> = {}): OcspResponderLeaseOutput => ({ leaseMs: 1000, sequence: '7', revoked: [], reset: false, caEpoch: 'e1', cas: [['ca-1', 3]], ...over });
  const setUp = () => {
    let clock = 0;
    const responses = new PresignedResponses(10);
    const store = (key: string, caId: string, serial: string) => {
      const fill = responses.begin();
      responses.end(fill, key, { presigned: { certificateAuthorityId: caId, serial, status: 'good', caVersion: 3, producedAt: T0, nextUpdate: T0 + HOUR }, body: Buffer.from(key), etag: '"x"', lastModified: '', expires: '', refreshAt: T0 + HOUR / 2 });
    };
    const lease = new ResponderLease({} as never, 'p', { request: async () => ({ ok: false, error: { kind: 'Unavailable', message: 'down' } }) }, responses, { warn: () => undefined }, () => clock);
    return { lease, responses, store, tick: (ms: number) => (clock += ms) };
  };

  it('runs from the renewal SENT until leaseMs minus a margin; a late answer extends nothing past that', () => {
    const { lease, tick } = setUp();
    expect(lease.holds()).toBe(false);
    lease.apply(renewal(), 0);
    tick(949);
    expect(lease.holds()).toBe(true);
    tick(1);
    expect(lease.holds()).toBe(false);
    lease.apply(renewal(), 0); // sent at 0, answered at 950: still over
    expect(lease.holds()).toBe(false);
    expect(lease.caVersion('ca-1')).toBe(3);
  });

  it('a renewal drops the revocations it brings; reset drops everything; new CA versions replace the old', () => {
    const { lease, responses, store } = setUp();
    store('k1', 'ca-1', 'a1');
    store('k2', 'ca-1', 'b2');
    lease.apply(renewal({ revoked: [['ca-1', 'a1']] }), 0);
    expect(responses.size).toBe(1);
    lease.apply(renewal({ reset: true }), 0);
    expect(responses.size).toBe(0);
    lease.apply(renewal({ cas: [['ca-1', 4]], caEpoch: 'e2' }), 0);
    expect(lease.caVersion('ca-1')).toBe(4);
    lease.apply(renewal({ cas: null, caEpoch: 'e2' }), 0);
    expect(lease.caVersion('ca-1')).toBe(4);
  });

  it('an announcement drops the serial and is acknowledged with the responder id; an unreadable one drops everything', () => {
    const { lease, responses, store } = setUp();
    store('k1', 'ca-1', 'a1');
    store('k2', 'ca-1', 'b2');
    const acks: string[] = [];
    lease.onInvalidation(Buffer.from(JSON.stringify({ certificateAuthorityId: 'ca-1', serial: 'a1' })), 'inbox', (data) => acks.push(data));
    expect(responses.size).toBe(1);
    lease.onInvalidation(Buffer.from('not json'), 'inbox', (data) => acks.push(data));
    expect(responses.size).toBe(0);
    expect(acks.map((a) => JSON.parse(a))).toEqual([{ responderId: lease.responderId }, { responderId: lease.responderId }]);
  });
});
