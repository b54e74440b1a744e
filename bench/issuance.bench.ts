/**
 * `npm run bench:issuance`: IssueCertificate then GetCertificate (polled while it answers
 * RequestInProgressException) per certificate through the gateway of a running stack (the
 * README's `PKI_THROTTLE_ENABLED=false npm start`), at BENCH_CONCURRENCY clients. Printed as the
 * issue #14 table (bench/kit/report.ts): figure | measured | gate | goal | same-run anchors.
 *
 * Primary figures come from the lean SigV4 client (bench/kit: a keep-alive agent, the signing key
 * cached), so they are the server's and not an SDK's CPU on the same cores: certificates/s, p99
 * issue-to-retrievable, and the server CPU per certificate of every process of the stack (the six
 * apps, Postgres, NATS; from /proc) in total and per process group. The same run also drives a
 * smaller count through the AWS SDK v3, reports each client's own CPU per request, and measures
 * the anchors: a bare node:http server answering a fixed body through the same client loop (the
 * HTTP ceiling), the raw signing rate of the key algorithm, and `cfssl serve` signing the same CSRs
 * at the same concurrency (or why it is unavailable).
 * Not part of the test suite; CI runs it once with the tiny defaults so it cannot rot.
 *
 * Environment:
 *   PKI_ENDPOINT          gateway URL (default http://127.0.0.1:4566); its port finds the stack's
 *                         processes (their PKI_HTTP_PORT) for the CPU figures
 *   BENCH_ACCESS_KEY      accessKeyId:secretKey (default test:test, the development key)
 *   BENCH_COUNT           certificates per key algorithm with the lean client (default 20)
 *   BENCH_CONCURRENCY     clients in flight (default 4; the gates are stated for 64)
 *   BENCH_SDK_COUNT       certificates with the AWS SDK in the same run (default BENCH_COUNT / 4)
 *   BENCH_ANCHOR_COUNT    requests to the bare HTTP server (default 2 x BENCH_COUNT, at least 200);
 *                         cfssl signs BENCH_COUNT certificates
 *   BENCH_POLL_MS         pause between GetCertificate polls while in progress (default 10)
 *   BENCH_KEYS            comma-separated CA key algorithms: EC_prime256v1,RSA_2048,ML_DSA_65
 *                         (default EC_prime256v1,ML_DSA_65: the post-quantum figure beside P-256, issue 17;
 *                         issue #14's gates are for the classical keys, ML-DSA-65 is reported without them)
 *   BENCH_FEED_COST       1 (default): also measure what the public event feed (issue #15) costs, on
 *                         stacks the bench starts itself from dist/ with the feed on and off
 *                         (bench/kit/feed-cost.ts); 0: not
 *   BENCH_FEED_PAIRS      on/off pairs of that measurement (default 2; the medians are compared)
 *   BENCH_JSON_OUT        (internal) measure only the lean run and write its figures to this file
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Agent } from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  ACMPCAClient,
  CreateCertificateAuthorityCommand,
  GetCertificateAuthorityCsrCommand,
  GetCertificateCommand,
  ImportCertificateAuthorityCertificateCommand,
  IssueCertificateCommand,
  waitUntilCertificateAuthorityCSRCreated,
  waitUntilCertificateIssued,
} from '@aws-sdk/client-acm-pca';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { writeFileSync } from 'node:fs';
import {
  AwsJsonClient,
  feedCost,
  ascending,
  cfsslAnchor,
  closedLoop,
  cpuBetween,
  GROUPS,
  httpCeiling,
  percentile,
  positiveInt,
  rawSigningRate,
  renderReport,
  sampleStack,
  sleep,
  type CpuUsage,
  type KeyAlgorithm,
  type Row,
  type StackSelector,
} from './kit';

/** A CA key's signing algorithm; an ML-DSA key signs with its own parameter set (AWS, CertificateAuthorityConfiguration). */
const SIGNING: Record<KeyAlgorithm, 'SHA256WITHECDSA' | 'SHA256WITHRSA' | 'ML_DSA_65'> = { EC_prime256v1: 'SHA256WITHECDSA', RSA_2048: 'SHA256WITHRSA', ML_DSA_65: 'ML_DSA_65' };
/** Issue #14's gates and goals are for the classical keys; ML-DSA (about 10 ms per pure-TypeScript signature) is reported beside them. */
const GATED: ReadonlySet<KeyAlgorithm> = new Set<KeyAlgorithm>(['EC_prime256v1', 'RSA_2048']);
// Issue #14's table: gates and goals at 64 clients.
const GATE = { cpuMs: 4, rate: 400, p99Ms: 250 };
const GOAL = { cpuMs: 2, rate: 1000, p99Ms: 100 };
const CSR_POOL = 4;

const endpoint = process.env.PKI_ENDPOINT ?? 'http://127.0.0.1:4566';
const [accessKeyId, secretAccessKey] = (process.env.BENCH_ACCESS_KEY ?? 'test:test').split(':') as [string, string];
const credentials = { accessKeyId, secretAccessKey };
const count = positiveInt('BENCH_COUNT', 20);
const concurrency = positiveInt('BENCH_CONCURRENCY', 4);
const sdkCount = positiveInt('BENCH_SDK_COUNT', Math.max(1, Math.ceil(count / 4)));
const anchorCount = positiveInt('BENCH_ANCHOR_COUNT', Math.max(200, 2 * count));
const pollMs = positiveInt('BENCH_POLL_MS', 10);
const jsonOut = process.env.BENCH_JSON_OUT;
const feedCostOn = !jsonOut && (process.env.BENCH_FEED_COST ?? '1') !== '0';
const feedPairs = positiveInt('BENCH_FEED_PAIRS', 2);
/** Issue #15: publishing the public feed adds at most this much server CPU per certificate. */
const FEED_GATE_PERCENT = 10;
const keys = (process.env.BENCH_KEYS || 'EC_prime256v1,ML_DSA_65').split(',').map((k) => k.trim()) as KeyAlgorithm[];
for (const k of keys) if (!(k in SIGNING)) throw new Error(`BENCH_KEYS: unknown key algorithm ${k}`);
const selector: StackSelector = { httpPort: new URL(endpoint).port || '80' };

const sdk = new ACMPCAClient({
  endpoint,
  region: 'us-east-1',
  credentials,
  maxAttempts: 1,
  requestHandler: new NodeHttpHandler({ httpAgent: new Agent({ keepAlive: true, maxSockets: concurrency + 4 }) }),
});
const lean = new AwsJsonClient(endpoint, { credentials, sockets: concurrency });

/** Leaf CSRs (EC P-256) from the openssl CLI: the bench measures the service, not CSR making. */
function leafCsrs(n: number): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'bench-issuance-'));
  try {
    return Array.from({ length: n }, (_, i) => {
      const r = spawnSync('openssl', ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(dir, 'k'), '-out', join(dir, 'csr'), '-subj', `/CN=bench${i}.example.com`], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`openssl req failed: ${r.stderr}`);
      return readFileSync(join(dir, 'csr'), 'utf8');
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A ROOT CA of `keyAlgorithm`, self-signed through IssueCertificate and imported: ACTIVE (through the SDK: set-up, not measured). */
async function activeRootCa(keyAlgorithm: KeyAlgorithm): Promise<string> {
  const SigningAlgorithm = SIGNING[keyAlgorithm];
  const { CertificateAuthorityArn } = await sdk.send(
    new CreateCertificateAuthorityCommand({
      CertificateAuthorityType: 'ROOT',
      // The pinned SDK's enums predate ML_DSA_*: cast; the SDK sends the strings as they are.
      CertificateAuthorityConfiguration: { KeyAlgorithm: keyAlgorithm as 'EC_prime256v1', SigningAlgorithm: SigningAlgorithm as 'SHA256WITHECDSA', Subject: { CommonName: `Bench ${keyAlgorithm} ${randomBytes(3).toString('hex')}` } },
    }),
  );
  await waitUntilCertificateAuthorityCSRCreated({ client: sdk, maxWaitTime: 120, minDelay: 1, maxDelay: 2 }, { CertificateAuthorityArn });
  const { Csr } = await sdk.send(new GetCertificateAuthorityCsrCommand({ CertificateAuthorityArn }));
  const { CertificateArn } = await sdk.send(
    new IssueCertificateCommand({ CertificateAuthorityArn, Csr: new TextEncoder().encode(Csr!), SigningAlgorithm: SigningAlgorithm as 'SHA256WITHECDSA', TemplateArn: 'arn:aws:acm-pca:::template/RootCACertificate/V1', Validity: { Type: 'YEARS', Value: 5 } }),
  );
  await waitUntilCertificateIssued({ client: sdk, maxWaitTime: 60, minDelay: 1, maxDelay: 2 }, { CertificateAuthorityArn, CertificateArn });
  const { Certificate } = await sdk.send(new GetCertificateCommand({ CertificateAuthorityArn, CertificateArn }));
  await sdk.send(new ImportCertificateAuthorityCertificateCommand({ CertificateAuthorityArn, Certificate: new TextEncoder().encode(Certificate!) }));
  return CertificateAuthorityArn!;
}

interface Sample {
  issueMs: number;
  retrievableMs: number;
  gets: number;
}

const PEM_CERTIFICATE = '-----BEGIN CERTIFICATE-----';

/** IssueCertificate, then GetCertificate until it answers with the certificate, with the lean client. */
async function issueLean(caArn: string, csrBase64: string, signingAlgorithm: string): Promise<Sample> {
  const t0 = performance.now();
  const { CertificateArn } = await lean.call<{ CertificateArn: string }>('IssueCertificate', {
    CertificateAuthorityArn: caArn,
    Csr: csrBase64,
    SigningAlgorithm: signingAlgorithm,
    Validity: { Type: 'DAYS', Value: 7 },
  });
  const t1 = performance.now();
  for (let gets = 1; ; gets++) {
    try {
      const { Certificate } = await lean.call<{ Certificate?: string }>('GetCertificate', { CertificateAuthorityArn: caArn, CertificateArn });
      if (!Certificate?.startsWith(PEM_CERTIFICATE)) throw new Error(`GetCertificate answered without a certificate for ${CertificateArn}`);
      return { issueMs: t1 - t0, retrievableMs: performance.now() - t0, gets };
    } catch (error) {
      if ((error as Error).name !== 'RequestInProgressException') throw error;
      await sleep(pollMs);
    }
  }
}

/** The same with the AWS SDK v3. */
async function issueSdk(caArn: string, csr: Uint8Array, signingAlgorithm: string): Promise<Sample> {
  const t0 = performance.now();
  const { CertificateArn } = await sdk.send(
    new IssueCertificateCommand({ CertificateAuthorityArn: caArn, Csr: csr, SigningAlgorithm: signingAlgorithm as 'SHA256WITHECDSA', Validity: { Type: 'DAYS', Value: 7 } }),
  );
  const t1 = performance.now();
  for (let gets = 1; ; gets++) {
    try {
      const { Certificate } = await sdk.send(new GetCertificateCommand({ CertificateAuthorityArn: caArn, CertificateArn }));
      if (!Certificate?.startsWith(PEM_CERTIFICATE)) throw new Error(`GetCertificate answered without a certificate for ${CertificateArn}`);
      return { issueMs: t1 - t0, retrievableMs: performance.now() - t0, gets };
    } catch (error) {
      if ((error as Error).name !== 'RequestInProgressException') throw error;
      await sleep(pollMs);
    }
  }
}

interface Measured {
  n: number;
  seconds: number;
  rate: number;
  issue: number[];
  retrievable: number[];
  requests: number;
  clientCpuMs: number;
  server: CpuUsage;
}

async function measure(n: number, op: (i: number) => Promise<Sample>): Promise<Measured> {
  const before = sampleStack(selector);
  const loop = await closedLoop(n, concurrency, op);
  const server = cpuBetween(before, sampleStack(selector));
  return {
    n,
    seconds: loop.seconds,
    rate: n / loop.seconds,
    issue: ascending(loop.results.map((s) => s.issueMs)),
    retrievable: ascending(loop.results.map((s) => s.retrievableMs)),
    requests: loop.results.reduce((sum, s) => sum + 1 + s.gets, 0),
    clientCpuMs: loop.clientCpuMs,
    server,
  };
}

const f = (n: number, digits = 1) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** Certificates/s of each key algorithm's lean run, for the closing comparison line. */
const ratesByKey = new Map<KeyAlgorithm, number>();

async function run(keyAlgorithm: KeyAlgorithm): Promise<string> {
  const signingAlgorithm = SIGNING[keyAlgorithm];
  const gated = GATED.has(keyAlgorithm);
  const caArn = await activeRootCa(keyAlgorithm);
  const csrs = leafCsrs(CSR_POOL);
  const csrBase64 = csrs.map((pem) => Buffer.from(pem).toString('base64'));
  const csrBytes = csrs.map((pem) => new TextEncoder().encode(pem));

  // Warm-up: connections, key caches, JIT; not measured.
  await closedLoop(Math.min(2 * concurrency, 128), concurrency, (i) => issueLean(caArn, csrBase64[i % CSR_POOL]!, signingAlgorithm));
  await closedLoop(Math.min(concurrency, 16), concurrency, (i) => issueSdk(caArn, csrBytes[i % CSR_POOL]!, signingAlgorithm));

  const leanRun = await measure(count, (i) => issueLean(caArn, csrBase64[i % CSR_POOL]!, signingAlgorithm));
  if (jsonOut) {
    // A child run of the feed-cost measurement: the lean figures only.
    writeFileSync(jsonOut, JSON.stringify({ cpuMsPerCertificate: leanRun.server.stackMs / leanRun.n, rate: leanRun.rate }));
    return '';
  }
  ratesByKey.set(keyAlgorithm, leanRun.rate);
  const sdkRun = await measure(sdkCount, (i) => issueSdk(caArn, csrBytes[i % CSR_POOL]!, signingAlgorithm));

  // Anchors, same run.
  const ceiling = await httpCeiling(anchorCount, concurrency, credentials, 'IssueCertificate', {
    CertificateAuthorityArn: caArn,
    Csr: csrBase64[0],
    SigningAlgorithm: signingAlgorithm,
    Validity: { Type: 'DAYS', Value: 7 },
  });
  const raw = rawSigningRate(keyAlgorithm);
  const cfssl = await cfsslAnchor(csrs, count, concurrency, keyAlgorithm);

  const found = leanRun.server.groups.size > 0 && [...leanRun.server.counts.keys()].some((g) => g === 'gateway');
  const perCert = (ms: number) => (found ? ms / leanRun.n : NaN);
  const cfsslText = (what: (c: Extract<typeof cfssl, { available: true }>) => string) => (cfssl.available ? `cfssl serve ${what(cfssl)}` : 'cfssl: unavailable');
  const ceilingCertsPerSecond = ceiling.rate / (leanRun.requests / leanRun.n);
  const groupRows: Row[] = GROUPS.filter((g) => leanRun.server.groups.has(g)).map((g) => ({
    figure: `  ${g} (${leanRun.server.counts.get(g)} process${leanRun.server.counts.get(g) === 1 ? '' : 'es'})`,
    value: perCert(leanRun.server.groups.get(g)!),
    unit: 'ms',
    digits: 2,
    detail: `${f((100 * leanRun.server.groups.get(g)!) / leanRun.server.stackMs, 0)} %`,
  }));
  const busyOthersCores = (leanRun.server.machineBusyMs - leanRun.server.stackMs - leanRun.clientCpuMs) / leanRun.server.wallMs;

  const rows: Row[] = [
    {
      figure: `certificates/s, ${concurrency} clients, lean SigV4 client`,
      value: leanRun.rate,
      unit: '/s',
      ...(gated ? { gate: { op: '>=', value: GATE.rate }, goal: { op: '>=', value: GOAL.rate } } : {}),
      anchors: `${cfsslText((c) => `${f(c.rate, 0)}/s`)}; HTTP ceiling ${f(ceiling.rate, 0)} requests/s (= ${f(ceilingCertsPerSecond, 0)} certificates/s at ${f(leanRun.requests / leanRun.n, 2)} requests each); raw ${signingAlgorithm} ${f(raw, 0)}/s`,
    },
    {
      figure: 'p99 issue-to-retrievable',
      value: percentile(leanRun.retrievable, 99),
      unit: 'ms',
      ...(gated ? { gate: { op: '<', value: GATE.p99Ms }, goal: { op: '<', value: GOAL.p99Ms } } : {}),
      anchors: `${cfsslText((c) => `p99 ${f(c.p99)} ms`)}; HTTP ceiling p99 ${f(ceiling.p99)} ms`,
    },
    { figure: 'p50 issue-to-retrievable', value: percentile(leanRun.retrievable, 50), unit: 'ms', anchors: `${cfsslText((c) => `p50 ${f(c.p50)} ms`)}; HTTP ceiling p50 ${f(ceiling.p50)} ms` },
    { figure: 'IssueCertificate latency p99', value: percentile(leanRun.issue, 99), unit: 'ms', detail: `p50 ${f(percentile(leanRun.issue, 50))} ms` },
    { figure: 'GetCertificate calls per certificate', value: (leanRun.requests - leanRun.n) / leanRun.n, digits: 2, detail: `polled every ${pollMs} ms while in progress` },
    {
      figure: 'server CPU per certificate (Issue + Get, every stack process)',
      value: perCert(leanRun.server.stackMs),
      unit: 'ms',
      digits: 2,
      detail: found ? undefined : `no process of the stack found with PKI_HTTP_PORT=${selector.httpPort}: not measured`,
      ...(gated ? { gate: { op: '<=', value: GATE.cpuMs }, goal: { op: '<=', value: GOAL.cpuMs } } : {}),
      anchors: `${cfsslText((c) => `${f(c.serverCpuMs, 2)} ms per certificate`)}; bare HTTP server ${f(ceiling.serverCpuMs, 3)} ms per request; raw signing ${f(1000 / raw, 3)} ms per signature`,
    },
    ...groupRows,
    {
      figure: 'lean client CPU per request',
      value: leanRun.clientCpuMs / leanRun.requests,
      unit: 'ms',
      digits: 3,
      anchors: `same client against the bare HTTP server ${f(ceiling.clientCpuMs, 3)} ms per request`,
    },
    {
      figure: `certificates/s, ${concurrency} clients, AWS SDK v3 (${sdkRun.n} certificates)`,
      value: sdkRun.rate,
      unit: '/s',
      detail: `p99 issue-to-retrievable ${f(percentile(sdkRun.retrievable, 99))} ms; server CPU ${found ? f(sdkRun.server.stackMs / sdkRun.n, 2) : '?'} ms per certificate`,
    },
    { figure: 'AWS SDK v3 client CPU per request', value: sdkRun.clientCpuMs / sdkRun.requests, unit: 'ms', digits: 3 },
    {
      figure: 'rest of the machine during the lean run',
      value: busyOthersCores,
      unit: 'cores',
      digits: 2,
      detail: `busy ${f(leanRun.server.machineBusyMs / leanRun.server.wallMs, 2)} cores of which the stack ${f(leanRun.server.stackMs / leanRun.server.wallMs, 2)}, this client ${f(leanRun.clientCpuMs / leanRun.server.wallMs, 2)}`,
    },
  ];
  const notes = [
    `${keyAlgorithm} CA (${signingAlgorithm}), EC P-256 leaf CSRs (${CSR_POOL}, round robin); lean run ${leanRun.n} certificates in ${f(leanRun.seconds, 2)} s, ${leanRun.requests} requests`,
    !gated
      ? `${keyAlgorithm}: no gates (issue #14's are for RSA and ECDSA); the CA signs with @noble/post-quantum (pure TypeScript) in ca-service's event loop`
      : concurrency === 64
        ? 'gates and goals are those of issue #14 (64 clients)'
        : `gates and goals are stated for 64 clients; this run used ${concurrency}`,
    `server CPU from /proc (utime+stime) before and after the lean run: run-stack's node processes with PKI_HTTP_PORT=${selector.httpPort}, Postgres backends of database ${selector.database ?? '?'}, the shared Postgres processes (postmaster, WAL writer, checkpointer, ...) and nats-server, which also serve whatever else runs on this machine`,
    `Postgres backends of other databases used ${f(leanRun.server.otherDatabasesMs, 0)} ms (not counted); backends that ended during the run used ${f(leanRun.server.postgresEndedMs, 0)} ms (all databases, not counted)${leanRun.server.exited ? `; ${leanRun.server.exited} stack process(es) exited during the run (their CPU is missing)` : ''}`,
    cfssl.available
      ? `${cfssl.version}: a fresh ${keyAlgorithm} CA made with openssl, the same CSRs, ${cfssl.count} certificates at ${concurrency} clients, its CPU from /proc`
      : `cfssl anchor unavailable: ${cfssl.reason}`,
    `HTTP ceiling: a bare node:http server (own process) answering a fixed body to the same signed IssueCertificate request, ${ceiling.count} requests at ${concurrency} clients; raw signing: one thread of this process`,
  ];
  return renderReport(`bench:issuance, ${keyAlgorithm}`, rows, notes);
}

async function main(): Promise<void> {
  console.log(
    `bench:issuance against ${endpoint} (BENCH_COUNT=${count}, BENCH_CONCURRENCY=${concurrency}, BENCH_SDK_COUNT=${sdkCount}, BENCH_ANCHOR_COUNT=${anchorCount}, BENCH_POLL_MS=${pollMs}, BENCH_KEYS=${keys.join(',')})`,
  );
  for (const keyAlgorithm of keys) {
    const report = await run(keyAlgorithm);
    if (report) console.log(`\n${report}`);
  }
  const pq = ratesByKey.get('ML_DSA_65');
  const ec = ratesByKey.get('EC_prime256v1');
  if (pq !== undefined && ec !== undefined) {
    console.log(`\nbench:issuance, ML-DSA-65 beside EC P-256 (issue 17): ${f(pq)} certificates/s with an ML_DSA_65 CA, ${f(ec)} certificates/s with an EC_prime256v1 CA (${f((100 * pq) / ec, 0)} %), ${concurrency} clients`);
  }
  if (feedCostOn) console.log(`\n${await feedCostReport()}`);
}

/** Issue #15's cost figure: the server CPU per certificate the public feed adds, same-run A/B. */
async function feedCostReport(): Promise<string> {
  console.log(`\nbench:issuance, the public event feed's cost: ${feedPairs} pair(s) of stacks (feed on / off) started from dist/, ${count} certificates each at ${concurrency} clients`);
  const cost = await feedCost({ pairs: feedPairs, count, concurrency, log: (line) => console.log(line) });
  const rows: Row[] = [
    {
      figure: 'server CPU per certificate the public feed adds (EC_prime256v1)',
      value: cost.addedPercent,
      unit: '%',
      digits: 1,
      detail: `${f(cost.onMs, 2)} ms with the feed, ${f(cost.offMs, 2)} ms without (medians of ${feedPairs})`,
      gate: { op: '<=', value: FEED_GATE_PERCENT },
    },
  ];
  const notes = [
    'each stack: tools/run-stack.js from dist/ on its own database, NATS prefix and port, PKI_PUBLIC_EVENTS_ENABLED=true or false; each run a warm-up then the lean loop of this bench in a child process',
    'pairs alternate which side runs first; on a shared machine a single pair can differ by more than the feed costs: read the medians, and repeat',
  ];
  return renderReport('bench:issuance, public event feed (issue #15)', rows, notes);
}

main()
  .catch((error: unknown) => {
    console.error('bench:issuance failed:', error instanceof Error ? `${error.name}: ${error.message}` : error);
    process.exitCode = 1;
  })
  .finally(() => {
    sdk.destroy();
    lean.close();
  });
