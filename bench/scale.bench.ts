/**
 * `npm run bench:scale`: cost growth. One CA of the running stack is measured empty, then seeded
 * with BENCH_SCALE_CERTS issued certificates (BENCH_SCALE_REVOKED of them revoked) in bulk
 * through the services' event stores with every projection caught up (bench/scale/seed.ts says
 * exactly what is written and how), then measured again; the figures are printed side by side
 * with their gates (issue #14):
 *  - IssueCertificate + GetCertificate server CPU per certificate, every process of the stack
 *    (its apps and its database's Postgres backends; nats-server, shared, apart): seeded within 20 %;
 *  - GetCertificate latency (p50, p99) of certificates of the CA;
 *  - IoT ListCertificatesByCA: every page walked (250 per page), the last page timed again;
 *  - CreateCertificateAuthorityAuditReport over all the CA's certificates: time to SUCCESS and
 *    ca-service's peak resident memory meanwhile: <= 60 s, < 512 MB;
 *  - CRL generation (revocation-service's generateCrl in its own process): time and peak RSS;
 *  - start-up time of each app (one more replica, until ready): < 10 s, and no projection
 *    replayed or outbox requeued from zero;
 *  - bytes on disk per seeded certificate, every service schema and the JetStream streams: goal <= 4 KB;
 *  - EXPLAIN ANALYZE of the hot queries at the seeded size (sequential scans of big tables flagged).
 * Not part of the test suite; CI runs it once with tiny counts so it cannot rot.
 *
 * Run it with the stack's environment (DATABASE_URL, NATS_URL, PKI_NATS_PREFIX, PKI_OBJECT_STORE_DIR,
 * PKI_HTTP_PORT / PKI_ENDPOINT), against a stack started with PKI_THROTTLE_ENABLED=false:
 *   BENCH_SCALE_CERTS     certificates seeded (default 1000000)
 *   BENCH_SCALE_REVOKED   of which revoked (default 100000)
 *   BENCH_SCALE_BATCH     certificates per seeding transaction (default 500)
 *   BENCH_SCALE_WORKERS   seeding batches in flight (default 2)
 *   BENCH_SCALE_IOT       1 (default): the CA is registered in IoT and every certificate under it; 0: not
 *   BENCH_SCALE_STARTUP   1 (default): time each app's start-up; 0: skip
 *   BENCH_SCALE_SPARE_PORT  port of the replicas started for start-up times (default: the gateway's + 9)
 *   BENCH_SCALE_AUDIT_FORMAT  JSON (default) or CSV
 *   BENCH_COUNT           certificates issued per phase (default 200); BENCH_CONCURRENCY clients (default 16)
 *   PKI_ENDPOINT, BENCH_ACCESS_KEY (accessKeyId:secretKey, default test:test)
 * IssueCertificate, GetCertificate and the audit report go through bench/kit's lean SigV4 client
 * (set-up too: every ACM PCA call); the stack's CPU is read from /proc by bench/kit/proc-cpu.ts
 * (the processes whose PKI_HTTP_PORT is the gateway's), so neither the client's cost nor another
 * stack's is in the figures. IoT (REST JSON, which the lean client does not speak) goes through the
 * AWS SDK. The figures are printed by bench/kit/report.ts: figure | empty | seeded | gate | goal.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { IoTClient, ListCertificatesByCACommand, RegisterCACertificateCommand } from '@aws-sdk/client-iot';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { sql, type Kysely } from 'kysely';
import { connect, type JetStreamManager, type NatsConnection } from 'nats';
import {
  ascending,
  AwsJsonClient,
  closedLoop,
  cpuBetween,
  dist,
  generateCrlInChild,
  GROUPS,
  percentile,
  pidsOf,
  positiveInt,
  processMemoryMb,
  renderComparison,
  sampleStack,
  sleep,
  STACK_APPS,
  type ComparedRow,
  type CpuUsage,
  type CrlChildResult,
  type Measured,
  type StackSelector,
} from './kit';
import { backlog, diskBytes, explain, type ExplainedQuery } from './scale/probe';
import { seedCertificates } from './scale/seed';
import { timeStartup, type StartupFigure } from './scale/startup';

const { createDb } = dist<any>('libs/eventstore/src/index.js');
const { loadConfig } = dist<any>('libs/service-kit/src/index.js');

const endpoint = process.env.PKI_ENDPOINT ?? `http://127.0.0.1:${process.env.PKI_HTTP_PORT || 4566}`;
const [accessKeyId, secretAccessKey] = (process.env.BENCH_ACCESS_KEY ?? 'test:test').split(':') as [string, string];
const CERTS = positiveInt('BENCH_SCALE_CERTS', 1_000_000);
const REVOKED = Math.min(CERTS, positiveInt('BENCH_SCALE_REVOKED', 100_000, 0));
const BATCH = positiveInt('BENCH_SCALE_BATCH', 500);
const WORKERS = positiveInt('BENCH_SCALE_WORKERS', 2);
const WITH_IOT = process.env.BENCH_SCALE_IOT !== '0';
const WITH_STARTUP = process.env.BENCH_SCALE_STARTUP !== '0';
const SPARE_PORT = positiveInt('BENCH_SCALE_SPARE_PORT', Number(new URL(endpoint).port || 80) + 9);
const AUDIT_FORMAT = (process.env.BENCH_SCALE_AUDIT_FORMAT ?? 'JSON') as 'JSON' | 'CSV';
const COUNT = positiveInt('BENCH_COUNT', 200);
const CONCURRENCY = positiveInt('BENCH_CONCURRENCY', 16);
const AUDIT_BUCKET = 'bench-scale-audit';
const CRL_BUCKET = 'bench-scale-crl';

// Issue #14, "Cost growth".
const GATE_CPU_GROWTH_PERCENT = 20;
const GATE_AUDIT_SECONDS = 60;
const GATE_AUDIT_RSS_MB = 512;
const GATE_STARTUP_SECONDS = 10;
const GOAL_BYTES_PER_CERTIFICATE = 4096;

const f = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '-');
const sum = (values: Iterable<number>) => [...values].reduce((a, b) => a + b, 0);

const config = loadConfig(process.env);
const selector: StackSelector = { httpPort: new URL(endpoint).port || '80' };
const pca = new AwsJsonClient(endpoint, { credentials: { accessKeyId, secretAccessKey }, region: config.region, sockets: CONCURRENCY + 4 });
const iot = new IoTClient({
  endpoint,
  region: config.region,
  credentials: { accessKeyId, secretAccessKey },
  maxAttempts: 1,
  requestHandler: new NodeHttpHandler({ httpAgent: new Agent({ keepAlive: true, maxSockets: 4 }) }),
});

interface Ca {
  readonly arn: string;
  readonly id: string;
  readonly pem: string;
  readonly iotCaCertificateId: string | null;
}

interface PhaseFigures {
  readonly certificates: number;
  readonly crl: CrlChildResult;
  readonly issue: { n: number; seconds: number; cpu: CpuUsage };
  readonly get: { n: number; p50: number; p99: number };
  readonly iot: { pages: number; certificates: number; p50: number; p99: number; lastPageMs: number } | null;
  readonly audit: { seconds: number; status: string; baselineRssMb: number; peakRssMb: number; bytes: number | undefined };
  readonly startup: StartupFigure[];
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(200);
  }
}

/** `call` again every `pollMs` while it answers RequestInProgressException (as AWS's waiters do), up to `timeoutMs`. */
async function whenReady<T>(call: () => Promise<T>, pollMs: number, timeoutMs = 120_000): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    try {
      return await call();
    } catch (error) {
      if ((error as Error).name !== 'RequestInProgressException' || performance.now() > deadline) throw error;
      await sleep(pollMs);
    }
  }
}

const base64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

/** GetCertificate once it is issued: the certificate's PEM. */
async function retrievable(caArn: string, certificateArn: string, pollMs: number): Promise<string> {
  const { Certificate } = await whenReady(() => pca.call<{ Certificate?: string }>('GetCertificate', { CertificateAuthorityArn: caArn, CertificateArn: certificateArn }), pollMs);
  if (!Certificate?.startsWith('-----BEGIN CERTIFICATE-----')) throw new Error(`GetCertificate answered without a certificate for ${certificateArn}`);
  return Certificate;
}

function leafCsr(): string {
  const dir = mkdtempSync(join(tmpdir(), 'bench-scale-'));
  try {
    const r = spawnSync('openssl', ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(dir, 'k'), '-out', join(dir, 'csr'), '-subj', '/CN=device.bench.example.com'], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`openssl req failed: ${r.stderr}`);
    return readFileSync(join(dir, 'csr'), 'utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** An ACTIVE EC P-256 ROOT CA with CRL and OCSP, registered in IoT (SNI_ONLY, no auto-registration) when asked. */
async function createCa(db: Kysely<any>): Promise<Ca> {
  const { CertificateAuthorityArn: arn } = await pca.call<{ CertificateAuthorityArn: string }>('CreateCertificateAuthority', {
    CertificateAuthorityType: 'ROOT',
    CertificateAuthorityConfiguration: { KeyAlgorithm: 'EC_prime256v1', SigningAlgorithm: 'SHA256WITHECDSA', Subject: { CommonName: `Bench scale ${Date.now().toString(36)}` } },
    RevocationConfiguration: { CrlConfiguration: { Enabled: true, S3BucketName: CRL_BUCKET, ExpirationInDays: 7 }, OcspConfiguration: { Enabled: true } },
  });
  const { Csr } = await whenReady(() => pca.call<{ Csr: string }>('GetCertificateAuthorityCsr', { CertificateAuthorityArn: arn }), 1000);
  const { CertificateArn } = await pca.call<{ CertificateArn: string }>('IssueCertificate', {
    CertificateAuthorityArn: arn,
    Csr: base64(Csr),
    SigningAlgorithm: 'SHA256WITHECDSA',
    TemplateArn: 'arn:aws:acm-pca:::template/RootCACertificate/V1',
    Validity: { Type: 'YEARS', Value: 5 },
  });
  const certificate = await retrievable(arn, CertificateArn, 200);
  await pca.call('ImportCertificateAuthorityCertificate', { CertificateAuthorityArn: arn, Certificate: base64(certificate) });
  const { Certificate: pem } = await pca.call<{ Certificate: string }>('GetCertificateAuthorityCertificate', { CertificateAuthorityArn: arn });
  const id = arn.split('/').pop()!;
  // issuance-service and revocation-service learn the CA from ca-service's events.
  await waitFor(async () => (await sql<{ status: string }>`select status from issuance.issuing_cas where id = ${id}::uuid`.execute(db)).rows[0]?.status === 'ACTIVE', 60_000, 'issuance-service to see the CA ACTIVE');
  await waitFor(async () => (await sql<{ status: string }>`select status from revocation.cas where id = ${id}::uuid`.execute(db)).rows[0]?.status === 'ACTIVE', 60_000, 'revocation-service to see the CA ACTIVE');
  let iotCaCertificateId: string | null = null;
  if (WITH_IOT) {
    const registered = await iot.send(new RegisterCACertificateCommand({ caCertificate: pem, certificateMode: 'SNI_ONLY', setAsActive: true, allowAutoRegistration: false }));
    iotCaCertificateId = registered.certificateId!;
  }
  return { arn, id, pem, iotCaCertificateId };
}

/** IssueCertificate then GetCertificate until retrievable, `COUNT` times from CONCURRENCY clients, with the stack's CPU meanwhile. */
async function issueRun(ca: Ca, csrPem: string): Promise<{ figure: PhaseFigures['issue']; serials: string[] }> {
  const input = { CertificateAuthorityArn: ca.arn, Csr: base64(csrPem), SigningAlgorithm: 'SHA256WITHECDSA', Validity: { Type: 'DAYS', Value: 7 } };
  const issueOne = async (): Promise<string> => {
    const { CertificateArn } = await pca.call<{ CertificateArn: string }>('IssueCertificate', input);
    await retrievable(ca.arn, CertificateArn, 5);
    return CertificateArn.split('/').pop()!;
  };
  await closedLoop(Math.min(COUNT, CONCURRENCY), CONCURRENCY, issueOne); // warm-up: connections, JIT
  const before = sampleStack(selector);
  const loop = await closedLoop(COUNT, CONCURRENCY, issueOne);
  const cpu = cpuBetween(before, sampleStack(selector));
  return { figure: { n: loop.results.length, seconds: loop.seconds, cpu }, serials: loop.results };
}

/** GetCertificate of `COUNT` certificates drawn from `serials`, from CONCURRENCY clients. */
async function getRun(ca: Ca, serials: readonly string[]): Promise<PhaseFigures['get']> {
  const loop = await closedLoop(COUNT, CONCURRENCY, async () => {
    const serial = serials[Math.floor(Math.random() * serials.length)]!;
    const t0 = performance.now();
    await pca.call('GetCertificate', { CertificateAuthorityArn: ca.arn, CertificateArn: `${ca.arn}/certificate/${serial}` });
    return performance.now() - t0;
  });
  const latencies = ascending(loop.results);
  return { n: latencies.length, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

/** Every page of ListCertificatesByCA (250 each), then the last page five more times (its median). */
async function iotWalk(ca: Ca): Promise<PhaseFigures['iot']> {
  if (!ca.iotCaCertificateId) return null;
  const list = (marker?: string) => iot.send(new ListCertificatesByCACommand({ caCertificateId: ca.iotCaCertificateId!, pageSize: 250, marker }));
  const latencies: number[] = [];
  let certificates = 0;
  let marker: string | undefined;
  let lastMarker: string | undefined;
  do {
    const t0 = performance.now();
    const page = await list(marker);
    latencies.push(performance.now() - t0);
    certificates += page.certificates?.length ?? 0;
    lastMarker = marker;
    marker = page.nextMarker;
  } while (marker);
  const again: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    await list(lastMarker);
    again.push(performance.now() - t0);
  }
  const sorted = ascending(latencies);
  return { pages: sorted.length, certificates, p50: percentile(sorted, 50), p99: percentile(sorted, 99), lastPageMs: ascending(again)[2]! };
}

/** The audit report's object size, when the stack writes to the filesystem store (its sidecar names it). */
function auditObjectBytes(bucket: string, key: string): number | undefined {
  if ((process.env.PKI_OBJECT_STORE ?? 'filesystem') !== 'filesystem') return undefined;
  const root = resolve(process.env.PKI_OBJECT_STORE_DIR || './.data/objects');
  const hash = createHash('sha256').update(key, 'utf8').digest('hex');
  try {
    return (JSON.parse(readFileSync(join(root, bucket, hash.slice(0, 2), `${hash}.meta.json`), 'utf8')) as { contentLength: number }).contentLength;
  } catch {
    return undefined;
  }
}

/** CreateCertificateAuthorityAuditReport until SUCCESS (or FAILED), with ca-service's resident memory sampled every 100 ms. */
async function auditRun(ca: Ca, caServicePid: number | undefined): Promise<PhaseFigures['audit']> {
  const baselineRssMb = caServicePid ? (processMemoryMb(caServicePid)?.rss ?? NaN) : NaN;
  let peakRssMb = baselineRssMb;
  const sampler = setInterval(() => {
    const rss = caServicePid ? processMemoryMb(caServicePid)?.rss : undefined;
    if (rss !== undefined && !(rss <= peakRssMb)) peakRssMb = rss;
  }, 100);
  const start = performance.now();
  try {
    const { AuditReportId, S3Key } = await pca.call<{ AuditReportId: string; S3Key: string }>('CreateCertificateAuthorityAuditReport', {
      CertificateAuthorityArn: ca.arn,
      S3BucketName: AUDIT_BUCKET,
      AuditReportResponseFormat: AUDIT_FORMAT,
    });
    let status = 'CREATING';
    while (status === 'CREATING') {
      if (performance.now() - start > 30 * 60_000) throw new Error('the audit report was still CREATING after 30 minutes');
      await sleep(250);
      status = (await pca.call<{ AuditReportStatus: string }>('DescribeCertificateAuthorityAuditReport', { CertificateAuthorityArn: ca.arn, AuditReportId })).AuditReportStatus;
    }
    return { seconds: (performance.now() - start) / 1000, status, baselineRssMb, peakRssMb, bytes: auditObjectBytes(AUDIT_BUCKET, S3Key) };
  } finally {
    clearInterval(sampler);
  }
}

async function measure(label: string, db: Kysely<any>, ca: Ca, csrPem: string, knownSerials: readonly string[]): Promise<PhaseFigures> {
  const stack = sampleStack(selector);
  const missing = GROUPS.slice(0, STACK_APPS.length).filter((g) => pidsOf(stack, g).length === 0);
  if (missing.length) console.log(`  (no process with PKI_HTTP_PORT=${selector.httpPort} found for ${missing.join(', ')}: their CPU is not counted)`);
  const { rows } = await sql<{ n: string }>`select count(*) as n from issuance.certificates where ca_id = ${ca.id}::uuid`.execute(db);
  const certificates = Number(rows[0]!.n);
  console.log(`${label}: the CA holds ${certificates} certificates`);
  const crl = await generateCrlInChild(ca.id, { name: 'bench-scale' });
  console.log(`  CRL: ${crl.entryCount} entries in ${f(crl.ms / 1000, 2)} s, peak RSS ${f(crl.peakRssMb, 0)} MB`);
  const issued = await issueRun(ca, csrPem);
  console.log(`  IssueCertificate + GetCertificate: ${issued.figure.n} in ${f(issued.figure.seconds, 1)} s`);
  const get = await getRun(ca, knownSerials.length ? knownSerials : issued.serials);
  console.log(`  GetCertificate: p50 ${f(get.p50)} ms, p99 ${f(get.p99)} ms`);
  const iotFigure = await iotWalk(ca);
  if (iotFigure) console.log(`  IoT ListCertificatesByCA: ${iotFigure.certificates} certificates in ${iotFigure.pages} pages, last page ${f(iotFigure.lastPageMs)} ms`);
  const audit = await auditRun(ca, pidsOf(stack, 'ca-service')[0]);
  console.log(`  audit report (${AUDIT_FORMAT}): ${audit.status} in ${f(audit.seconds, 1)} s, ca-service peak RSS ${f(audit.peakRssMb, 0)} MB`);
  const startup: StartupFigure[] = [];
  if (WITH_STARTUP) {
    for (const app of STACK_APPS) {
      startup.push(await timeStartup(app, SPARE_PORT));
      console.log(`  start-up ${app}: ${f(startup[startup.length - 1]!.seconds, 2)} s`);
    }
  }
  return { certificates, crl, issue: issued.figure, get, iot: iotFigure, audit, startup };
}

async function waitCaughtUp(db: Kysely<any>, jsm: JetStreamManager): Promise<number> {
  const start = performance.now();
  let quiet = 0;
  let lastReport = 0;
  for (;;) {
    const b = await backlog(db, jsm, config.natsPrefix);
    const seconds = (performance.now() - start) / 1000;
    if (b.total === 0) {
      if (++quiet >= 3) return seconds;
    } else quiet = 0;
    if (seconds - lastReport >= 30) {
      lastReport = seconds;
      console.log(`  catching up: ${b.outbox} outbox rows to relay, ${b.consumers} messages to project, ${b.effects} IoT effects (${f(seconds, 0)} s)`);
    }
    await sleep(1000);
  }
}

async function hotQueries(db: Kysely<any>, ca: Ca, serial: string): Promise<ExplainedQuery[]> {
  const { rows } = await sql<{ id: string; der: Buffer }>`select id, certificate_der as der from issuance.certificates where ca_id = ${ca.id} and serial = ${serial}`.execute(db);
  const certificateId = rows[0]!.id;
  const fingerprint = createHash('sha256').update(rows[0]!.der).digest('hex');
  const cursorAt = (await sql<{ at: string }>`select issued_at::text as at from ca.audit_records where certificate_arn = ${`${ca.arn}/certificate/${serial}`}`.execute(db)).rows[0]?.at ?? '-infinity';
  const q = (name: string, query: ReturnType<typeof sql>) =>
    explain(db, name, query).catch((error: unknown): ExplainedQuery => ({ name, ms: NaN, nodes: [`EXPLAIN failed: ${(error as Error).message}`], seqScans: [] }));
  const out = [
    await q('GetCertificate: issuance.certificates by (ca_id, serial)', sql`select * from issuance.certificates where ca_id = ${ca.id} and serial = ${serial}`),
    await q('append: current version of a certificate stream', sql`select max(version) from issuance.events where stream = ${`certificate-${certificateId}`}`),
    await q('append: current version of the CA key-usage stream', sql`select max(version) from ca.events where stream = ${`ca-key-usage-${ca.id}`}`),
    await q('issuance recovery: stale REQUESTED', sql`select * from issuance.certificates where status = 'REQUESTED' and requested_at < now() order by requested_at limit 20`),
    await q('SignData: certificate_signatures by id', sql`select * from ca.certificate_signatures where certificate_id = ${certificateId}`),
    await q('audit report: a page of records after a cursor (auditRecordPages)', sql`select *, issued_at::text as cursor_issued_at from ca.audit_records where certificate_authority_id = ${ca.id} and issued_at is not null and issued_at <= now() and (issued_at, serial) > (${cursorAt}::timestamptz, ${serial}) order by issued_at, serial limit 5000`),
    await q('OCSP / RevokeCertificate: issued_certificates by (ca_id, serial)', sql`select * from revocation.issued_certificates where ca_id = ${ca.id} and serial = ${serial}`),
    await q('OCSP: revocations by (ca_id, serial)', sql`select * from revocation.revocations where ca_id = ${ca.id} and serial = ${serial}`),
    await q('relay: claim pending outbox rows', sql`select e.*, o.public_done from issuance.outbox o join issuance.events e on e.position = o.position where (o.published_at is null or not o.public_done) order by o.position limit 100`),
    await q('relay: rows beyond the stream (reconcile)', sql`select position from issuance.outbox where js_seq > 9223372036854775000`),
    await q('relay: prune published rows', sql`select position from issuance.outbox where published_at < now() - interval '24 hours' and js_seq <= 9223372036854775000`),
    await q('projection: processed marker', sql`select 1 from revocation.projection_processed where projection = 'revocation-issued-certificates' and event_id = ${certificateId}`),
  ];
  if (ca.iotCaCertificateId) {
    const account = ca.arn.split(':')[4]!;
    out.push(
      await q('IoT ListCertificatesByCA: first page', sql`select * from iot.certificates where owned_by = ${account} and ca_certificate_id = ${ca.iotCaCertificateId} order by creation_date desc, certificate_id desc limit 251`),
      await q('IoT ListCertificatesByCA: a page after a marker', sql`select * from iot.certificates where owned_by = ${account} and ca_certificate_id = ${ca.iotCaCertificateId} and (creation_date, certificate_id) < (now() - interval '1 second', '') order by creation_date desc, certificate_id desc limit 251`),
      await q('IoT issuer revocation: certificates by id', sql`select certificate_id from iot.certificates where certificate_id = ${fingerprint}`),
    );
  }
  return out;
}

/** The figures side by side, gates and goals from issue #14's "Cost growth". */
function report(empty: PhaseFigures, seeded: PhaseFigures, seedSeconds: number, catchUpSeconds: number, disk: { before: Map<string, number>; after: Map<string, number> }): string {
  const phases = [empty, seeded];
  const both = (value: (p: PhaseFigures) => number, detail?: (p: PhaseFigures) => string): Measured[] => phases.map((p) => ({ value: value(p), detail: detail?.(p) }));
  const found = (p: PhaseFigures) => p.issue.cpu.counts.has('gateway');
  const cpuPerCertificate = (p: PhaseFigures) => (found(p) ? p.issue.cpu.stackMs / p.issue.n : NaN);
  const growth = 100 * (cpuPerCertificate(seeded) / cpuPerCertificate(empty) - 1);
  const rows: ComparedRow[] = [
    { figure: 'server CPU per certificate, Issue + Get (every stack process)', unit: 'ms', digits: 2, measured: both(cpuPerCertificate) },
    { figure: '  growth, seeded vs empty', unit: '%', measured: [{ detail: '' }, { value: growth }], gate: { op: '<=', value: GATE_CPU_GROWTH_PERCENT } },
    ...GROUPS.filter((g) => phases.some((p) => p.issue.cpu.groups.has(g))).map(
      (g): ComparedRow => ({ figure: `  ${g}`, unit: 'ms', digits: 2, measured: both((p) => (found(p) ? (p.issue.cpu.groups.get(g) ?? 0) / p.issue.n : NaN)) }),
    ),
    { figure: `certificates/s, Issue + Get, ${CONCURRENCY} clients`, unit: '/s', measured: both((p) => p.issue.n / p.issue.seconds) },
    { figure: 'GetCertificate p99', unit: 'ms', measured: both((p) => p.get.p99, (p) => `p50 ${f(p.get.p50)} ms`) },
  ];
  if (empty.iot && seeded.iot) {
    rows.push({ figure: 'IoT ListCertificatesByCA last page (median of 5)', unit: 'ms', measured: both((p) => p.iot!.lastPageMs, (p) => `${p.iot!.pages} pages, p99 ${f(p.iot!.p99)} ms`) });
  }
  rows.push(
    {
      figure: `audit report (${AUDIT_FORMAT}) until SUCCESS`,
      unit: 's',
      measured: both((p) => p.audit.seconds, (p) => p.audit.status),
      judged: seeded.audit.status === 'SUCCESS' ? seeded.audit.seconds : Infinity,
      gate: { op: '<=', value: GATE_AUDIT_SECONDS },
    },
    {
      figure: '  ca-service peak resident memory meanwhile',
      unit: 'MB',
      digits: 0,
      measured: both((p) => p.audit.peakRssMb, (p) => `${f(p.audit.baselineRssMb, 0)} MB before`),
      gate: { op: '<', value: GATE_AUDIT_RSS_MB },
    },
    { figure: '  report size', unit: 'MB', measured: both((p) => (p.audit.bytes ?? NaN) / 1048576) },
    { figure: "CRL generation (revocation-service's generateCrl, own process)", unit: 's', digits: 2, measured: both((p) => p.crl.ms / 1000, (p) => `${p.crl.entryCount} entries`) },
    { figure: '  its peak resident memory', unit: 'MB', digits: 0, measured: both((p) => p.crl.peakRssMb) },
  );
  const rebuilds: string[] = [];
  for (const app of STACK_APPS) {
    const a = empty.startup.find((s) => s.app === app);
    const b = seeded.startup.find((s) => s.app === app);
    if (!a || !b) continue;
    rows.push({
      figure: `start-up ${app}, until ready`,
      unit: 's',
      digits: 2,
      measured: [a, b].map((s) => ({ value: s.seconds, detail: `CPU ${f(s.cpuMs, 0)} ms${s.rebuilds.length ? `, ${s.rebuilds.length} rebuild lines` : ''}` })),
      judged: b.rebuilds.length ? Infinity : b.seconds,
      gate: { op: '<', value: GATE_STARTUP_SECONDS },
    });
    rebuilds.push(...b.rebuilds.map((line) => `${app} at start: ${line}`));
  }
  const delta = (key: string) => (disk.after.get(key) ?? 0) - (disk.before.get(key) ?? 0);
  const keys = [...new Set([...disk.before.keys(), ...disk.after.keys()])];
  rows.push(
    { figure: 'bytes on disk per seeded certificate (all schemas + JetStream)', unit: 'B', digits: 0, measured: [{ detail: '' }, { value: sum(keys.map(delta)) / CERTS }], goal: { op: '<=', value: GOAL_BYTES_PER_CERTIFICATE } },
    ...keys.filter((key) => delta(key) !== 0).map((key): ComparedRow => ({ figure: `  ${key}`, unit: 'B', digits: 0, measured: [{ detail: '' }, { value: delta(key) / CERTS }] })),
  );
  const cpu = seeded.issue.cpu;
  const notes = [
    `${CERTS} certificates seeded (${REVOKED} revoked) in ${f(seedSeconds, 0)} s (${f(CERTS / seedSeconds, 0)}/s), projections caught up ${f(catchUpSeconds, 0)} s later; ${empty.issue.n} and ${seeded.issue.n} certificates issued with the lean SigV4 client at ${CONCURRENCY} clients`,
    `server CPU from /proc before and after each issue run (bench/kit/proc-cpu.ts): run-stack's node processes with PKI_HTTP_PORT=${selector.httpPort}, Postgres backends of database ${selector.database ?? '?'}, the shared Postgres processes and nats-server (which also serve whatever else runs on this machine); seeded run: backends of other databases ${f(cpu.otherDatabasesMs, 0)} ms and backends that ended ${f(cpu.postgresEndedMs, 0)} ms, not counted${cpu.exited ? `; ${cpu.exited} stack process(es) exited during the run` : ''}`,
    `start-up: one more replica of each app (port ${SPARE_PORT}) until /health/ready, its CPU until then; the gate also asks that no projection is rebuilt from zero (log lines that say so count as NOT met)`,
    `the CRL gate is bench:revocation's (1,000,000 entries); here the seeded CA's ${seeded.crl.entryCount} revocations`,
    ...rebuilds,
  ];
  return renderComparison(`bench:scale: an empty CA and one seeded with ${CERTS} certificates`, [`empty (${empty.certificates})`, `seeded (${seeded.certificates})`], rows, notes);
}

function printPlans(certificates: number, plans: ExplainedQuery[]): void {
  const lines: string[] = [];
  lines.push(`\nEXPLAIN ANALYZE at ${certificates} certificates (sequential scans of tables over 10,000 rows flagged):`);
  for (const p of plans) {
    lines.push(`  ${p.seqScans.length ? 'SEQ SCAN' : 'ok      '} ${f(p.ms, 2).padStart(8)} ms  ${p.name}: ${p.nodes.join(' <- ')}${p.seqScans.length ? `   [${p.seqScans.join(', ')}]` : ''}`);
  }
  console.log(lines.join('\n'));
}

async function main(): Promise<void> {
  console.log(`bench:scale against ${endpoint} (BENCH_SCALE_CERTS=${CERTS}, BENCH_SCALE_REVOKED=${REVOKED}, BENCH_COUNT=${COUNT}, BENCH_CONCURRENCY=${CONCURRENCY}, IoT ${WITH_IOT ? 'on' : 'off'})`);
  const db = createDb(config.databaseUrl, { max: WORKERS * 2 + 2 }) as Kysely<any>;
  const nc: NatsConnection = await connect({ servers: [...config.natsServers], name: 'pki-bench-scale' });
  try {
    const jsm = await nc.jetstreamManager();
    const csrPem = leafCsr();
    // Two CAs alike: one stays empty (an audit report may be asked once per 30 minutes per CA), the other is seeded.
    const emptyCa = await createCa(db);
    const ca = await createCa(db);
    console.log(`CAs ${emptyCa.arn} (empty) and ${ca.arn} (to seed) are ACTIVE${ca.iotCaCertificateId ? ', registered in IoT' : ''}`);

    const empty = await measure('empty CA', db, emptyCa, csrPem, []);
    await waitCaughtUp(db, jsm);
    const before = await diskBytes(db, jsm, config.natsPrefix);

    console.log(`seeding ${CERTS} certificates (${REVOKED} revoked), ${BATCH} per transaction, ${WORKERS} in flight`);
    const seed = await seedCertificates({
      db, caArn: ca.arn, accountId: ca.arn.split(':')[4]!, region: config.region, publicUrl: config.publicUrl, iotCaCertificateId: ca.iotCaCertificateId,
      csrPem, count: CERTS, revoked: REVOKED, batch: BATCH, workers: WORKERS,
      onProgress: (n, s, where) => console.log(`  seeded ${n} in ${f(s, 0)} s (${f(n / s, 0)}/s; ${where})`),
    });
    const catchUpSeconds = await waitCaughtUp(db, jsm);
    // What autovacuum does after a bulk load (the local test cluster runs with autovacuum off):
    // without statistics the planner guesses a handful of rows and, e.g., sorts a CA's whole audit
    // trail for every report page instead of reading the index in order.
    await sql`analyze`.execute(db);
    const after = await diskBytes(db, jsm, config.natsPrefix);

    const seeded = await measure('seeded CA', db, ca, csrPem, seed.sample);
    console.log(`\n${report(empty, seeded, seed.seconds, catchUpSeconds, { before, after })}`);
    printPlans(seeded.certificates, await hotQueries(db, ca, seed.sample[0]!));
  } finally {
    await nc.close();
    await db.destroy();
    pca.close();
    iot.destroy();
  }
}

main().catch((error: unknown) => {
  console.error('bench:scale failed:', error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
