/**
 * Events keep the W3C trace context of the request that appended them (issue #13): the active
 * span's traceparent, or the one stamped on the metadata when the append was queued for a group
 * commit that another request's turn runs. Without a span, nothing is stored.
 */
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { currentTraceParent, inSpan, SpanKind, startTracing, type Tracing } from '@pki/service-kit';
import type { EventMetadata } from '@pki/contracts';
import { meta, openHarness, SCHEMA, type Harness } from '../test-support/harness';
import { withActiveTrace } from './envelope.mapping';
import { EventStore } from './event-store';

const event = (n: number) => ({ type: 'Touched', schemaVersion: 1, data: { n } });

describe('EventStore: trace context on events (Postgres, in-memory span exporter)', () => {
  let h: Harness;
  let tracing: Tracing | undefined;
  beforeAll(async () => {
    h = await openHarness();
    tracing = await startTracing('test', { env: {}, spanProcessors: [new SimpleSpanProcessor(new InMemorySpanExporter())] });
  });
  afterAll(async () => {
    await tracing?.shutdown();
    await h?.close();
  });

  const storedTraceParents = async (stream: string) =>
    (await h.db.withSchema(SCHEMA).selectFrom('events').select(['version', 'trace_parent']).where('stream', '=', stream).orderBy('version').execute()).map((r) => r.trace_parent as string | null);

  it("an append in a span stores that span's traceparent; the envelope and load() carry it", async () => {
    const store = new EventStore(h.db, { schema: SCHEMA });
    const [traceParent, appended] = await inSpan('request', SpanKind.SERVER, {}, async () => [currentTraceParent()!, await store.append('ca-traced', 0, [event(1), event(2)], meta)] as const);
    expect(traceParent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    expect(appended.map((e) => e.traceParent)).toEqual([traceParent, traceParent]);
    expect((await store.load('ca-traced')).map((e) => e.traceParent)).toEqual([traceParent, traceParent]);
    expect(await storedTraceParents('ca-traced')).toEqual([traceParent, traceParent]);
  });

  it('a group commit run in one request keeps each queued append its own trace', async () => {
    const store = new EventStore(h.db, { schema: SCHEMA });
    // Two requests queue their appends (stamping their metadata); a third context commits them.
    const queued = await Promise.all([1, 2].map((n) => inSpan(`request ${n}`, SpanKind.SERVER, {}, async () => ({ meta: withActiveTrace(meta), traceParent: currentTraceParent()! }))));
    expect(queued[0]!.traceParent).not.toBe(queued[1]!.traceParent);
    await inSpan('committer', SpanKind.INTERNAL, {}, () =>
      store.appendBatch(queued.map((q, i) => ({ stream: 'ca-batched', expectedVersion: i, events: [event(i)], meta: q.meta }))),
    );
    expect(await storedTraceParents('ca-batched')).toEqual(queued.map((q) => q.traceParent));
  });

  it('outside any span nothing is stored, and the envelope has no traceParent', async () => {
    const store = new EventStore(h.db, { schema: SCHEMA });
    const untraced: EventMetadata = { ...meta };
    const [stored] = await store.append('ca-untraced', 0, [event(1)], untraced);
    expect(stored).not.toHaveProperty('traceParent');
    expect(await store.load('ca-untraced')).toEqual([stored]);
    expect(await storedTraceParents('ca-untraced')).toEqual([null]);
  });
});
