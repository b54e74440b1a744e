/**
 * The pre-signed OCSP response cache on its own: hits and misses, freshness (refresh once half
 * the validity is gone), invalidation of a serial (also of a signing in flight when it lands),
 * CA version changes, one signing for concurrent misses, LRU bounds, and the CA lookup cache.
 */
import { revokedSerialOf } from './ocsp-cache-invalidation';
import { ocspCacheEntriesFromEnv, OcspResponseCache, type OcspCacheScope, type ProducedOcspAnswer } from './ocsp-response-cache';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 10, 22, 10, 0, 0);
const scope = (serialHex = 'a1', caVersion = 3, caId = 'ca-1'): OcspCacheScope => ({ caId, serialHex, caVersion });

/** A producer that counts its calls and signs "responses" named after the call number. */
function producer(options: { cacheable?: boolean; validityMs?: number } = {}) {
  let calls = 0;
  const produce = async (at = T0): Promise<ProducedOcspAnswer> => {
    calls++;
    return { responseBase64: `response-${calls}`, status: 'good', validity: { producedAt: at, nextUpdate: at + (options.validityMs ?? HOUR) }, cacheable: options.cacheable ?? true };
  };
  return { produce, calls: () => calls };
}

/** A producer whose results are released by hand (call `n`, from 0), to act while a signing is in flight. */
function gatedProducer() {
  const resolvers: Array<(answer: ProducedOcspAnswer) => void> = [];
  const produce = () => new Promise<ProducedOcspAnswer>((resolve) => resolvers.push(resolve));
  return {
    produce,
    release: (n: number, name: string) => resolvers[n]!({ responseBase64: name, status: 'good', validity: { producedAt: T0, nextUpdate: T0 + HOUR }, cacheable: true }),
    calls: () => resolvers.length,
  };
}

describe('OcspResponseCache', () => {
  it('signs on a miss, answers the same CertID from the cache afterwards', async () => {
    const cache = new OcspResponseCache(10);
    const p = producer();
    const first = await cache.answer('certid-sha1', scope(), T0, () => p.produce());
    const second = await cache.answer('certid-sha1', scope(), T0 + 60_000, () => p.produce());
    expect(first).toEqual({ responseBase64: 'response-1', status: 'good', validity: { producedAt: T0, nextUpdate: T0 + HOUR }, cacheable: true });
    expect(second).toEqual(first);
    expect(p.calls()).toBe(1);
    expect(cache.stats).toMatchObject({ hits: 1, misses: 1 });
  });

  it('keeps CertIDs of the same certificate under different hash algorithms apart (each response echoes its own CertID)', async () => {
    const cache = new OcspResponseCache(10);
    const p = producer();
    const sha1 = await cache.answer('certid-sha1', scope(), T0, () => p.produce());
    const sha256 = await cache.answer('certid-sha256', scope(), T0, () => p.produce());
    expect(sha1.responseBase64).toBe('response-1');
    expect(sha256.responseBase64).toBe('response-2');
    expect((await cache.answer('certid-sha1', scope(), T0, () => p.produce())).responseBase64).toBe('response-1');
    expect((await cache.answer('certid-sha256', scope(), T0, () => p.produce())).responseBase64).toBe('response-2');
    expect(p.calls()).toBe(2);
    // A revocation of the serial drops both.
    cache.invalidate('ca-1', 'a1');
    expect(cache.size).toBe(0);
  });

  it('signs again once less than half of the validity remains, and serves the fresh response from then on', async () => {
    const cache = new OcspResponseCache(10);
    const p = producer();
    await cache.answer('k', scope(), T0, () => p.produce(T0));
    expect((await cache.answer('k', scope(), T0 + HOUR / 2 - 1, () => p.produce(T0 + HOUR / 2 - 1))).responseBase64).toBe('response-1');
    const refreshed = await cache.answer('k', scope(), T0 + HOUR / 2, () => p.produce(T0 + HOUR / 2));
    expect(refreshed).toEqual({ responseBase64: 'response-2', status: 'good', validity: { producedAt: T0 + HOUR / 2, nextUpdate: T0 + HOUR / 2 + HOUR }, cacheable: true });
    expect((await cache.answer('k', scope(), T0 + HOUR / 2 + 1000, () => p.produce())).responseBase64).toBe('response-2');
    expect(p.calls()).toBe(2);
  });

  it('invalidate drops only the named serial of the named CA', async () => {
    const cache = new OcspResponseCache(10);
    const p = producer();
    await cache.answer('a1', scope('a1'), T0, () => p.produce());
    await cache.answer('b2', scope('b2'), T0, () => p.produce());
    await cache.answer('other-ca-a1', scope('a1', 3, 'ca-2'), T0, () => p.produce());
    cache.invalidate('ca-1', 'a1');
    expect(cache.size).toBe(2);
    expect((await cache.answer('a1', scope('a1'), T0, () => p.produce())).responseBase64).toBe('response-4');
    expect((await cache.answer('b2', scope('b2'), T0, () => p.produce())).responseBase64).toBe('response-2');
    expect((await cache.answer('other-ca-a1', scope('a1', 3, 'ca-2'), T0, () => p.produce())).responseBase64).toBe('response-3');
  });

  it('a signing in flight when the serial is revoked answers its waiters but is never stored; later requests sign again', async () => {
    const cache = new OcspResponseCache(10);
    const gate = gatedProducer();
    const early = cache.answer('k', scope(), T0, gate.produce);
    const joined = cache.answer('k', scope(), T0, gate.produce);
    cache.invalidate('ca-1', 'a1');
    // After the invalidation a request does not join the old signing: it starts its own.
    const late = cache.answer('k', scope(), T0, gate.produce);
    expect(gate.calls()).toBe(2);
    gate.release(1, 'revoked');
    expect((await late).responseBase64).toBe('revoked');
    gate.release(0, 'good-read-before-the-revocation');
    expect((await early).responseBase64).toBe('good-read-before-the-revocation');
    expect((await joined).responseBase64).toBe('good-read-before-the-revocation');
    // The old signing finished last, yet the cache holds the one started after the revocation.
    expect((await cache.answer('k', scope(), T0, gate.produce)).responseBase64).toBe('revoked');
    expect(gate.calls()).toBe(2);
  });

  it('never stores the result of a signing that was in flight when the serial was invalidated', async () => {
    const cache = new OcspResponseCache(10);
    const gate = gatedProducer();
    const stale = cache.answer('k', scope(), T0, gate.produce);
    cache.invalidate('ca-1', 'a1');
    gate.release(0, 'good-read-before-the-revocation');
    expect((await stale).responseBase64).toBe('good-read-before-the-revocation');
    expect(cache.size).toBe(0);
    const p = producer();
    expect((await cache.answer('k', scope(), T0, () => p.produce())).responseBase64).toBe('response-1');
    expect(p.calls()).toBe(1);
  });

  it('clear() drops everything, signings in flight included', async () => {
    const cache = new OcspResponseCache(10);
    const p = producer();
    await cache.answer('x', scope('x'), T0, () => p.produce());
    const gate = gatedProducer();
    const inFlight = cache.answer('k', scope(), T0, gate.produce);
    cache.clear();
    gate.release(0, 'late');
    await inFlight;
    expect(cache.size).toBe(0);
  });

  it('concurrent misses of one CertID share one signing', async () => {
    const cache = new OcspResponseCache(10);
    const gate = gatedProducer();
    const answers = Array.from({ length: 20 }, () => cache.answer('k', scope(), T0, gate.produce));
    gate.release(0, 'one');
    expect((await Promise.all(answers)).map((a) => a.responseBase64)).toEqual(Array(20).fill('one'));
    expect(gate.calls()).toBe(1);
    expect(cache.stats.joined).toBe(19);
  });

  it('a changed CA (its read-model version) is answered fresh, never from responses signed before', async () => {
    const cache = new OcspResponseCache(10);
    const p = producer();
    await cache.answer('k', scope('a1', 3), T0, () => p.produce());
    expect((await cache.answer('k', scope('a1', 4), T0, () => p.produce())).responseBase64).toBe('response-2');
    expect((await cache.answer('k', scope('a1', 4), T0, () => p.produce())).responseBase64).toBe('response-2');
    expect(p.calls()).toBe(2);
  });

  it('does not keep uncacheable answers (unknown statuses, tryLater) or failures', async () => {
    const cache = new OcspResponseCache(10);
    const unknown = producer({ cacheable: false });
    await cache.answer('k', scope(), T0, () => unknown.produce());
    await cache.answer('k', scope(), T0, () => unknown.produce());
    expect(unknown.calls()).toBe(2);
    await cache.answer('t', scope('t'), T0, async () => ({ responseBase64: 'MAMKAQM=', status: 'tryLater', validity: null, cacheable: true }));
    await expect(cache.answer('e', scope('e'), T0, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(cache.size).toBe(0);
    // A failed signing leaves nothing in flight behind it.
    const p = producer();
    expect((await cache.answer('e', scope('e'), T0, () => p.produce())).responseBase64).toBe('response-1');
  });

  it('holds at most maxEntries, evicting the least recently used', async () => {
    const cache = new OcspResponseCache(3);
    const p = producer();
    for (const k of ['a', 'b', 'c']) await cache.answer(k, scope(k), T0, () => p.produce());
    await cache.answer('a', scope('a'), T0, () => p.produce()); // a is now the most recently used
    await cache.answer('d', scope('d'), T0, () => p.produce()); // evicts b
    expect(cache.size).toBe(3);
    expect(cache.stats.evictions).toBe(1);
    expect(p.calls()).toBe(4);
    await cache.answer('a', scope('a'), T0, () => p.produce());
    await cache.answer('c', scope('c'), T0, () => p.produce());
    expect(p.calls()).toBe(4);
    await cache.answer('b', scope('b'), T0, () => p.produce());
    expect(p.calls()).toBe(5);
    // Evicted entries leave no bookkeeping behind: invalidating them is harmless.
    cache.invalidate('ca-1', 'b');
    cache.invalidate('ca-1', 'zz');
    expect(cache.size).toBe(2);
  });

  it('stays within its bound under many distinct certificates', async () => {
    const cache = new OcspResponseCache(1000);
    const p = producer();
    for (let i = 0; i < 5000; i++) await cache.answer(`k${i}`, scope(i.toString(16)), T0, () => p.produce());
    expect(cache.size).toBe(1000);
    expect(cache.stats.evictions).toBe(4000);
    expect(() => new OcspResponseCache(0)).toThrow(/at least one entry/);
  });
});

describe('OCSP cache settings and events', () => {
  it('PKI_OCSP_CACHE_ENTRIES: default 50000, 0 turns the cache off, garbage is refused', () => {
    expect(ocspCacheEntriesFromEnv({})).toBe(50_000);
    expect(ocspCacheEntriesFromEnv({ PKI_OCSP_CACHE_ENTRIES: '0' })).toBe(0);
    expect(ocspCacheEntriesFromEnv({ PKI_OCSP_CACHE_ENTRIES: '1234' })).toBe(1234);
    for (const bad of ['-1', '1.5', 'many']) expect(() => ocspCacheEntriesFromEnv({ PKI_OCSP_CACHE_ENTRIES: bad })).toThrow(/PKI_OCSP_CACHE_ENTRIES/);
  });

  it('reads the CA and the canonical serial from a CertificateRevoked envelope, nothing from anything else', () => {
    const envelope = (type: string, data: unknown) => Buffer.from(JSON.stringify({ id: 'e', type, data }));
    expect(revokedSerialOf(envelope('CertificateRevoked', { certificateAuthorityId: 'ca-1', serial: '00A1B2' }))).toEqual({ caId: 'ca-1', serialHex: 'a1b2' });
    expect(revokedSerialOf(envelope('CrlGenerated', { certificateAuthorityId: 'ca-1', serial: 'a1' }))).toBeNull();
    expect(revokedSerialOf(envelope('CertificateRevoked', { certificateAuthorityId: 'ca-1' }))).toBeNull();
    expect(revokedSerialOf(Buffer.from('not json'))).toBeNull();
    expect(revokedSerialOf(Buffer.from('null'))).toBeNull();
  });
});
