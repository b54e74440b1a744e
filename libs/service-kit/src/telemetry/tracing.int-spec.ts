/**
 * Trace context and request id across NATS commands, with the OpenTelemetry SDK's in-memory
 * exporter over real NATS: a caller's span -> ServiceClient -> CommandServer (issuance) ->
 * ServiceClient -> CommandServer (ca) is one trace, each span the child of the one that called
 * it; the NATS headers carry `Pki-Request-Id` and `traceparent`; log lines written inside carry
 * requestId, trace_id and span_id. (The same chain through the real gateway, issuance-service and
 * ca-service processes, exported over OTLP: apps/e2e/src/logs-and-traces.e2e-spec.ts.)
 */
import { Writable } from 'node:stream';
import { connect, type Msg, type NatsConnection } from 'nats';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { commandSubject, type CommandMessage } from '@pki/contracts';
import { assertNatsReachable, testNatsUrl, uniquePrefix } from '@pki/testing';
import { CommandServer } from '../command-server';
import { ServiceClient } from '../service-client';
import { REQUEST_ID_HEADER } from './command-telemetry';
import { createPinoLogger } from './logger';
import { activeTraceIds, currentTraceParent, inSpan, SpanKind, startTracing, type Tracing } from './tracing';

const message = (requestId: string): CommandMessage => ({ caller: { accountId: '111111111111', accessKeyId: 'AKID' }, requestId, input: {} });

describe('tracing across NATS commands (in-memory exporter, real NATS)', () => {
  const exporter = new InMemorySpanExporter();
  let tracing: Tracing | undefined;
  let nc: NatsConnection;
  let prefix: string;
  const servers: CommandServer[] = [];
  const logged: string[] = [];
  const log = createPinoLogger('test', {
    env: { PKI_LOG_LEVEL: 'info' },
    destination: new Writable({
      write(chunk: Buffer, _encoding, done) {
        logged.push(...chunk.toString().split('\n').filter(Boolean));
        done();
      },
    }),
  });

  beforeAll(async () => {
    await assertNatsReachable();
    tracing = await startTracing('test', { env: {}, spanProcessors: [new SimpleSpanProcessor(exporter)] });
    nc = await connect({ servers: testNatsUrl() });
    prefix = uniquePrefix();
  });
  afterAll(async () => {
    for (const server of servers.splice(0)) await server.stop();
    await nc?.close();
    await tracing?.shutdown();
  });

  it('one trace from the caller through issuance to ca, the request id and traceparent in the NATS headers, the ids on log lines', async () => {
    const client = new ServiceClient(nc, prefix, 5000);
    const seenByCa: Array<{ headers: Record<string, string> }> = [];
    // A plain subscriber beside the queue group sees the command message as sent.
    nc.subscribe(commandSubject(prefix, 'ca', 'SignData'), {
      callback: (_error, msg: Msg) => seenByCa.push({ headers: Object.fromEntries((msg.headers?.keys() ?? []).map((k) => [k, msg.headers!.get(k)])) }),
    });
    const ca = new CommandServer({
      nc,
      prefix,
      service: 'ca',
      handlers: {
        SignData: async () => {
          log.info('signing');
          return { ids: activeTraceIds(), traceParent: currentTraceParent() };
        },
      },
    });
    const issuance = new CommandServer({
      nc,
      prefix,
      service: 'issuance',
      handlers: { IssueCertificate: async (m) => client.request('ca', 'SignData', message(m.requestId)) },
    });
    servers.push(ca, issuance);
    await ca.start();
    await issuance.start();

    const reply = await inSpan('caller', SpanKind.SERVER, {}, () => client.request<{ ok: true; result: { ids: { trace_id: string; span_id: string }; traceParent: string } }>('issuance', 'IssueCertificate', message('req-1')));
    expect(reply.ok).toBe(true);

    const spans = exporter.getFinishedSpans();
    const named = (name: string): ReadableSpan => {
      const found = spans.filter((span) => span.name === name);
      expect({ name, count: found.length }).toEqual({ name, count: 1 });
      return found[0]!;
    };
    const caller = named('caller');
    const chain = [caller, named('issuance.IssueCertificate request'), named('issuance.IssueCertificate'), named('ca.SignData request'), named('ca.SignData')];
    const traceId = caller.spanContext().traceId;
    expect(caller.parentSpanContext).toBeUndefined();
    for (let i = 1; i < chain.length; i++) {
      expect({ span: chain[i]!.name, traceId: chain[i]!.spanContext().traceId, parent: chain[i]!.parentSpanContext?.spanId }).toEqual({ span: chain[i]!.name, traceId, parent: chain[i - 1]!.spanContext().spanId });
    }
    expect(chain.map((span) => span.kind)).toEqual([SpanKind.SERVER, SpanKind.CLIENT, SpanKind.SERVER, SpanKind.CLIENT, SpanKind.SERVER]);

    // Inside ca's handler: the active span is ca's server span, whose traceparent events would store.
    const caSpan = chain[4]!.spanContext();
    const result = (reply as { ok: true; result: { ok: true; result: { ids: { trace_id: string; span_id: string }; traceParent: string } } }).result.result;
    expect(result.ids).toEqual({ trace_id: traceId, span_id: caSpan.spanId });
    expect(result.traceParent).toBe(`00-${traceId}-${caSpan.spanId}-01`);

    // The NATS headers: the request id and the caller's (ca.SignData request span's) traceparent.
    expect(seenByCa).toEqual([{ headers: { [REQUEST_ID_HEADER]: 'req-1', traceparent: `00-${traceId}-${chain[3]!.spanContext().spanId}-01` } }]);

    // The log line written in ca's handler names the request and the span.
    expect(logged.map((line) => JSON.parse(line) as Record<string, unknown>)).toEqual([expect.objectContaining({ msg: 'signing', requestId: 'req-1', trace_id: traceId, span_id: caSpan.spanId, level: 'info', app: 'test' })]);
  });
});
