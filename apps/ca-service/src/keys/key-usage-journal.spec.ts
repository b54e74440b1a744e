import type { CaKeyUsedV1, EventEnvelope, EventMetadata, NewEvent } from '@pki/contracts';
import { ConcurrencyError, type EventStore } from '@pki/eventstore';
import { KeyUsageJournal } from './key-usage-journal';
import { SigningService } from './signing.service';
import type { KeyCustody } from './key-custody.port';

/** An in-memory stand-in for the event store's optimistic concurrency on one stream. */
function fakeStore(options: { foreignWrites?: number; fail?: Error } = {}) {
  const streams = new Map<string, EventEnvelope[]>();
  let foreign = options.foreignWrites ?? 0;
  const calls: number[] = [];
  const metas: string[] = [];
  const append = async (stream: string, expected: number, events: readonly NewEvent[]) => {
    calls.push(expected);
    if (options.fail) throw options.fail;
    const list = streams.get(stream) ?? [];
    if (foreign > 0) {
      foreign--;
      list.push({ version: list.length + 1 } as EventEnvelope); // another replica got there first
      streams.set(stream, list);
    }
    if (expected !== list.length) throw new ConcurrencyError(stream, expected, list.length);
    const stored = events.map((e, i) => ({ ...e, version: expected + i + 1 }) as unknown as EventEnvelope);
    streams.set(stream, [...list, ...stored]);
    return stored;
  };
  const store = {
    append,
    /** One transaction: consecutive appends to one stream, all or nothing. */
    async appendBatch(appends: ReadonlyArray<{ stream: string; expectedVersion: number; events: readonly NewEvent[]; meta: EventMetadata }>) {
      const { stream, expectedVersion } = appends[0]!;
      const events = appends.flatMap((a) => a.events);
      const stored = await append(stream, expectedVersion, events);
      metas.push(...appends.map((a) => a.meta.correlationId));
      return appends.map((_, i) => [stored[i]!]);
    },
  };
  return { store: store as unknown as EventStore, streams, calls, metas };
}

const usage = (n: number): CaKeyUsedV1 => ({
  certificateAuthorityId: 'ca-1',
  purpose: 'OCSP',
  signingAlgorithm: 'SHA256WITHECDSA',
  input: 'DATA',
  sha256: String(n),
  digest: String(n),
  signatureSha256: String(n),
  requestedBy: 'test',
  requestedForAccount: '111122223333',
  keyBackend: 'software',
  at: '2026-01-01T00:00:00.000Z',
});
const meta = { correlationId: 'r', causationId: null, accountId: '111122223333' };

describe('KeyUsageJournal', () => {
  it('queues concurrent records of one stream: no conflicts within a process, one version each', async () => {
    const { store, streams, calls } = fakeStore();
    const journal = new KeyUsageJournal(store);
    await Promise.all(Array.from({ length: 20 }, (_, i) => journal.record(usage(i), meta)));
    expect(streams.get('ca-key-usage-ca-1')!.map((e) => e.version)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(streams.get('ca-key-usage-ca-1')!.map((e) => (e.data as CaKeyUsedV1).sha256)).toEqual(Array.from({ length: 20 }, (_, i) => String(i)));
    // Group commit, never a retry: the first record alone, the 19 that queued behind it in one transaction.
    expect(calls).toEqual([0, 1]);
  });

  it('commits queued records together, each with its own metadata, at most maxBatch per transaction', async () => {
    const { store, streams, calls, metas } = fakeStore();
    const journal = new KeyUsageJournal(store, { maxBatch: 8 });
    await Promise.all(Array.from({ length: 21 }, (_, i) => journal.record(usage(i), { ...meta, correlationId: `r${i}` })));
    expect(streams.get('ca-key-usage-ca-1')).toHaveLength(21);
    expect(calls).toEqual([0, 1, 9, 17]);
    expect(metas).toEqual(Array.from({ length: 21 }, (_, i) => `r${i}`));
  });

  it('resolves a record only after its transaction committed, and rejects every record of a failed one', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let entered!: () => void;
    const firstInFlight = new Promise<void>((resolve) => (entered = resolve));
    let failNext = false;
    const inner = fakeStore();
    const store = {
      async appendBatch(appends: Parameters<EventStore['appendBatch']>[0]) {
        entered();
        await gate;
        if (failNext) throw new Error('disk full');
        failNext = true;
        return (inner.store as unknown as EventStore).appendBatch(appends);
      },
    } as unknown as EventStore;
    const journal = new KeyUsageJournal(store);
    const settled: string[] = [];
    const first = journal.record(usage(0), meta).then(() => settled.push('0'));
    const rest = [1, 2, 3].map((i) => journal.record(usage(i), meta).then(() => settled.push(String(i)), (e: Error) => settled.push(`${i}:${e.message}`)));
    // Checkpoint: the first transaction is in flight, held at the gate, the others queued behind it.
    // Then one event-loop turn: every promise that does not wait on the gate has settled by now.
    await firstInFlight;
    await new Promise(setImmediate);
    expect(settled).toEqual([]); // nothing released before its commit
    release();
    await Promise.all([first, ...rest]);
    expect(settled).toEqual(['0', '1:disk full', '2:disk full', '3:disk full']);
    expect(inner.streams.get('ca-key-usage-ca-1')).toHaveLength(1);
  });

  it('retries with the version a ConcurrencyError reports when another replica appended', async () => {
    const { store, streams } = fakeStore({ foreignWrites: 3 });
    const journal = new KeyUsageJournal(store);
    for (let i = 0; i < 3; i++) await journal.record(usage(i), meta);
    expect(streams.get('ca-key-usage-ca-1')).toHaveLength(6);
  });

  it('gives up with Unavailable after too many conflicts', async () => {
    const { store } = fakeStore({ foreignWrites: 100 });
    await expect(new KeyUsageJournal(store, { maxAttempts: 3 }).record(usage(1), meta)).rejects.toMatchObject({ kind: 'Unavailable' });
  });
});

describe('SigningService', () => {
  const keys: KeyCustody = {
    backend: 'software',
    generate: async () => ({ publicKeySpki: new Uint8Array() }),
    sign: async () => new Uint8Array([1, 2, 3]),
    signDigest: async () => new Uint8Array([4, 5, 6]),
    publicKey: async () => undefined,
    destroy: async () => undefined,
  };
  const request = {
    certificateAuthorityId: 'ca-1',
    signingAlgorithm: 'SHA256WITHECDSA' as const,
    purpose: 'CSR' as const,
    requestedBy: 'ca-service',
    ownerAccountId: '111122223333',
    requestedForAccount: '111122223333',
    correlationId: 'r',
  };

  it('never returns a signature whose audit record could not be written', async () => {
    const { store } = fakeStore({ fail: new Error('database is down') });
    const service = new SigningService(keys, store, () => new Date(0));
    await expect(service.sign(request, Buffer.from('x'))).rejects.toThrow('database is down');
    await expect(service.signDigest(request, Buffer.alloc(32))).rejects.toThrow('database is down');
  });

  it('returns the signature once its record is stored', async () => {
    const { store, streams } = fakeStore();
    const service = new SigningService(keys, store, () => new Date(0));
    expect(await service.sign(request, Buffer.from('x'))).toEqual(new Uint8Array([1, 2, 3]));
    expect(streams.get('ca-key-usage-ca-1')).toHaveLength(1);
  });
});
