/**
 * Logs and traces of the whole stack (issue #13), every app its own process exporting spans over
 * OTLP (http/json) to a receiver of the suite's own, as it would to an OpenTelemetry Collector:
 * - every line any app writes is one JSON object; each API request has one access line at the
 *   gateway, each command one command line in the service that ran it;
 * - one request id (the SDK's x-amzn-RequestId) finds the request's lines in the gateway,
 *   issuance-service and ca-service, and its events (correlationId) in their event stores;
 * - the W3C trace context the client sent continues through the gateway, NATS, issuance-service
 *   and ca-service: one trace, each span the child of the one that called it, its ids on the log
 *   lines and its traceparent on the events;
 * - no key, secret or PEM private key appears in any line.
 */
import { randomBytes } from 'node:crypto';
import { DescribeCertificateAuthorityCommand, IssueCertificateCommand, RevokeCertificateCommand, waitUntilCertificateIssued, type ACMPCAClient } from '@aws-sdk/client-acm-pca';
import { CreateKeysAndCertificateCommand } from '@aws-sdk/client-iot';
import { sql } from 'kysely';
import { waitFor } from '@pki/testing';
import { activeRootCa, bytes, pcaClient, template } from './fixtures/acm-pca';
import { errorOf } from './fixtures/errors';
import { iotClient } from './fixtures/iot';
import { OpensslDir } from './fixtures/openssl';
import { OtlpReceiver, type ReceivedSpan } from './fixtures/otlp-receiver';
import { ACCOUNT_A, ACCOUNT_B, softwareKeysEnv, startStack, type RunningStack } from './stack';

type Line = Record<string, unknown>;
interface AppLog {
  readonly app: string;
  readonly stdout: string;
  readonly stderr: string;
}

/** A line as JSON, or what could not be parsed (then no field matches). */
function parse(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return { unparsable: line };
  }
}

const SERVER = 2; // OTLP SpanKind SPAN_KIND_SERVER
const CLIENT = 3; // SPAN_KIND_CLIENT

/** An SDK client whose requests carry `traceparent`, as a traced caller's would. */
function withTraceParent(client: ACMPCAClient, traceparent: string): ACMPCAClient {
  client.middlewareStack.add(
    (next) => async (args) => {
      (args.request as { headers: Record<string, string> }).headers.traceparent = traceparent;
      return next(args);
    },
    { step: 'build', name: 'traceparent' },
  );
  return client;
}

describe('JSON logs and traces across the stack', () => {
  const keys = softwareKeysEnv();
  let receiver: OtlpReceiver;
  let stack: RunningStack | undefined;
  let pki: OpensslDir;
  /** Output of processes the suite replaced (iot-registry, restarted with its issuing CA). */
  const retired: AppLog[] = [];
  let logs: AppLog[] = [];

  // The traced IssueCertificate: the caller's trace and span, the gateway's request id.
  const traceId = randomBytes(16).toString('hex');
  const callerSpanId = randomBytes(8).toString('hex');
  let issueRequestId = '';
  let revokeRequestId = '';
  let failedRequestId = '';
  let iotRequestId = '';
  let iotPrivateKey = '';

  beforeAll(async () => {
    receiver = await OtlpReceiver.start();
    pki = new OpensslDir('logs-traces-e2e');
    stack = await startStack({ ...keys, PKI_LOG_PRETTY: '0', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_BSP_SCHEDULE_DELAY: '200' });
  }, 180_000);
  afterAll(async () => {
    await stack?.stop();
    await receiver?.stop();
    pki?.remove();
  });

  const linesOf = (app: string): Line[] =>
    logs
      .filter((log) => log.app === app)
      .flatMap((log) => log.stdout.split('\n'))
      .filter((line) => line.length > 0)
      .map((line) => JSON.parse(line) as Line);

  it('runs CA creation, a traced IssueCertificate, RevokeCertificate, IoT CreateKeysAndCertificate and a failing call', async () => {
    const pca = pcaClient(stack!.endpoint);
    const ca = await activeRootCa(pca, { subject: { CommonName: 'Logs and Traces Root' }, validity: { Type: 'YEARS', Value: 5 } });

    const traced = withTraceParent(pcaClient(stack!.endpoint), `00-${traceId}-${callerSpanId}-01`);
    const csr = pki.csr('leaf', '/CN=leaf.example.com');
    const issued = await traced.send(new IssueCertificateCommand({ CertificateAuthorityArn: ca.arn, Csr: bytes(csr), SigningAlgorithm: 'SHA256WITHECDSA', TemplateArn: template('EndEntityCertificate'), Validity: { Type: 'DAYS', Value: 7 } }));
    issueRequestId = issued.$metadata.requestId!;
    expect(issueRequestId).toMatch(/^[0-9a-f-]{36}$/);
    await waitUntilCertificateIssued({ client: pca, maxWaitTime: 60, minDelay: 1, maxDelay: 2 }, { CertificateAuthorityArn: ca.arn, CertificateArn: issued.CertificateArn });

    const revoked = await pca.send(new RevokeCertificateCommand({ CertificateAuthorityArn: ca.arn, CertificateSerial: issued.CertificateArn!.split('/').pop()!, RevocationReason: 'KEY_COMPROMISE' }));
    revokeRequestId = revoked.$metadata.requestId!;

    const missing = await errorOf(pca.send(new DescribeCertificateAuthorityCommand({ CertificateAuthorityArn: ca.arn.replace(/[0-9a-f]{12}$/, '000000000000') })));
    expect(missing.name).toBe('ResourceNotFoundException');
    failedRequestId = missing.$metadata!.requestId!;

    const iot = stack!.apps.find((app) => app.app === 'iot-registry')!;
    await stack!.restart('iot-registry', { PKI_IOT_ISSUING_CA_ARN: ca.arn });
    retired.push({ app: iot.app, stdout: iot.stdout(), stderr: iot.stderr() });
    const created = await iotClient(stack!.endpoint, ACCOUNT_B).send(new CreateKeysAndCertificateCommand({}));
    iotPrivateKey = created.keyPair!.PrivateKey!;
    iotRequestId = created.$metadata.requestId!;
    expect(iotPrivateKey).toMatch(/PRIVATE KEY/);
  }, 240_000);

  it("stores each request's events with its request id as correlationId and its trace context", async () => {
    const events = async (schema: string, correlationId: string) =>
      (await sql<{ type: string; trace_parent: string | null }>`select type, trace_parent from ${sql.table(`${schema}.events`)} where correlation_id = ${correlationId} order by position`.execute(stack!.db)).rows;
    const traceparent = new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`);
    const issuance = await events('issuance', issueRequestId);
    expect(issuance.map((e) => e.type)).toEqual(['CertificateRequested', 'CertificateIssued']);
    const signed = await events('ca', issueRequestId);
    expect(signed.map((e) => e.type)).toEqual(['CaKeyUsed']);
    for (const event of [...issuance, ...signed]) expect(event.trace_parent).toMatch(traceparent);
    // Untraced requests (the SDK sent no traceparent) get a trace of their own, rooted at the gateway.
    const revocation = await events('revocation', revokeRequestId);
    expect(revocation.length).toBeGreaterThan(0);
    for (const event of revocation) expect(event.trace_parent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    expect((await events('iot', iotRequestId)).length).toBeGreaterThan(0);
    expect((await events('issuance', iotRequestId)).map((e) => e.type)).toEqual(['CertificateRequested', 'CertificateIssued']);
  });

  it('every line every app wrote, to stdout or stderr, is one JSON object with level, time, app and msg', async () => {
    const apps = stack!.apps;
    await stack!.stop();
    logs = [...retired, ...apps.map((app) => ({ app: app.app, stdout: app.stdout(), stderr: app.stderr() }))];
    stack = undefined;
    expect(logs.map((log) => log.app).sort()).toEqual(['api-gateway', 'ca-service', 'directory-certs', 'iot-registry', 'iot-registry', 'issuance-service', 'revocation-service']);
    for (const log of logs) {
      expect({ app: log.app, stderr: log.stderr }).toEqual({ app: log.app, stderr: '' });
      const lines = log.stdout.split('\n').filter((line) => line.length > 0);
      expect(lines.length).toBeGreaterThan(3);
      for (const line of lines) {
        expect({ app: log.app, line: parse(line) }).toEqual({
          app: log.app,
          line: expect.objectContaining({ level: expect.stringMatching(/^(trace|debug|info|warn|error|fatal)$/), time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), app: expect.any(String), msg: expect.any(String) }),
        });
      }
    }
  });

  it('one access line per API request at the gateway: request id, account, API, operation, status, exception, latency', () => {
    const access = linesOf('api-gateway').filter((line) => line.kind === 'access');
    const byId = (id: string) => access.filter((line) => line.requestId === id);
    expect(byId(issueRequestId)).toEqual([
      expect.objectContaining({ account: ACCOUNT_A.accountId, api: 'acm-pca', operation: 'IssueCertificate', status: 200, latencyMs: expect.any(Number), trace_id: traceId, requestId: issueRequestId }),
    ]);
    expect(byId(revokeRequestId)).toEqual([expect.objectContaining({ account: ACCOUNT_A.accountId, api: 'acm-pca', operation: 'RevokeCertificate', status: 200 })]);
    expect(byId(failedRequestId)).toEqual([expect.objectContaining({ account: ACCOUNT_A.accountId, api: 'acm-pca', operation: 'DescribeCertificateAuthority', status: 400, exception: 'ResourceNotFoundException' })]);
    expect(byId(iotRequestId)).toEqual([expect.objectContaining({ account: ACCOUNT_B.accountId, api: 'iot', operation: 'CreateKeysAndCertificate', status: 200 })]);
    for (const line of access) {
      expect(line).toEqual(expect.objectContaining({ requestId: expect.stringMatching(/^[0-9a-f-]{36}$/), api: expect.any(String), operation: expect.any(String), status: expect.any(Number), latencyMs: expect.any(Number) }));
      expect(line.status as number >= 400).toBe(typeof line.exception === 'string');
    }
  });

  it("one grep of the request id follows IssueCertificate through the gateway, issuance-service and ca-service, each line with the request's trace", () => {
    for (const app of ['api-gateway', 'issuance-service', 'ca-service']) {
      const raw = logs.filter((log) => log.app === app).map((log) => log.stdout).join('');
      expect({ app, found: raw.includes(issueRequestId) }).toEqual({ app, found: true });
    }
    const commands = (app: string) => linesOf(app).filter((line) => line.kind === 'command' && line.requestId === issueRequestId);
    expect(commands('issuance-service')).toEqual([expect.objectContaining({ service: 'issuance', operation: 'IssueCertificate', outcome: 'ok', latencyMs: expect.any(Number), trace_id: traceId })]);
    expect(commands('ca-service')).toEqual(expect.arrayContaining([expect.objectContaining({ service: 'ca', operation: 'SignData', outcome: 'ok', trace_id: traceId })]));
    // Every line written while the request was in hand carries the trace.
    for (const app of ['api-gateway', 'issuance-service', 'ca-service']) {
      for (const line of linesOf(app).filter((l) => l.requestId === issueRequestId)) expect({ app, trace_id: line.trace_id }).toEqual({ app, trace_id: traceId });
    }
  });

  it('no key, secret or private key PEM in any line of any app', () => {
    const all = logs.map((log) => log.stdout + log.stderr).join('\n');
    expect(all.length).toBeGreaterThan(10_000);
    const leafKey = pki.read('leaf.key');
    const pemLines = (pem: string) => pem.split('\n').filter((line) => /^[A-Za-z0-9+/=]{40,}$/.test(line));
    const needles = [
      keys.PKI_KEK!,
      ACCOUNT_A.secretAccessKey,
      ACCOUNT_B.secretAccessKey,
      'PRIVATE KEY', // BEGIN PRIVATE KEY, BEGIN EC PRIVATE KEY, BEGIN RSA PRIVATE KEY, ENCRYPTED ...
      ...pemLines(iotPrivateKey),
      ...pemLines(leafKey),
    ];
    expect(pemLines(iotPrivateKey).length).toBeGreaterThan(10);
    for (const needle of needles) expect({ needle, found: all.includes(needle) }).toEqual({ needle, found: false });
  });

  it('exports one trace for IssueCertificate: the caller -> gateway -> issuance-service -> ca-service, each span the child of its caller', async () => {
    const spans = () => receiver.spans.filter((span) => span.traceId === traceId);
    const child = (parent: { spanId: string }, service: string, name: string, kind: number): ReceivedSpan | undefined =>
      spans().find((span) => span.parentSpanId === parent.spanId && span.service === service && span.name === name && span.kind === kind);
    // Exported in batches and at shutdown; the stack has stopped, so they have all been sent.
    await waitFor(async () => spans().some((span) => span.service === 'pki-ca'), { timeoutMs: 10_000, what: "ca-service's spans of the trace" });
    expect(receiver.rejected).toEqual([]);
    const gateway = child({ spanId: callerSpanId }, 'pki-api-gateway', 'acm-pca IssueCertificate', SERVER);
    expect(gateway?.attributes).toMatchObject({ 'http.response.status_code': 200, 'aws.request_id': issueRequestId });
    const toIssuance = child(gateway!, 'pki-api-gateway', 'issuance.IssueCertificate request', CLIENT);
    const issuance = child(toIssuance!, 'pki-issuance', 'issuance.IssueCertificate', SERVER);
    const toCa = child(issuance!, 'pki-issuance', 'ca.SignData request', CLIENT);
    const ca = child(toCa!, 'pki-ca', 'ca.SignData', SERVER);
    expect(ca?.attributes).toMatchObject({ 'pki.request_id': issueRequestId });
    expect(new Set(spans().map((span) => span.service))).toEqual(new Set(['pki-api-gateway', 'pki-issuance', 'pki-ca']));
  });
});
