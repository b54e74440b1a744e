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
 * The lean SigV4 client of bench/kit is not used yet (the AWS SDK drives the API): the CPU
 * figures are the stack's, read from /proc, so the client's own cost is not in them.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  ACMPCAClient,
  CreateCertificateAuthorityAuditReportCommand,
  CreateCertificateAuthorityCommand,
  DescribeCertificateAuthorityAuditReportCommand,
  GetCertificateAuthorityCertificateCommand,
  GetCertificateAuthorityCsrCommand,
  GetCertificateCommand,
  ImportCertificateAuthorityCertificateCommand,
  IssueCertificateCommand,
  waitUntilCertificateAuthorityCSRCreated,
  waitUntilCertificateIssued,
} from '@aws-sdk/client-acm-pca';
import { IoTClient, ListCertificatesByCACommand, RegisterCACertificateCommand } from '@aws-sdk/client-iot';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { sql, type Kysely } from 'kysely';
import { connect, type JetStreamManager, type NatsConnection } from 'nats';
import { dist } from './scale/dist';
import { generateCrlInChild, type CrlChildResult } from './scale/crl';
import { APPS, backlog, cpuSnapshot, cpuSpent, diskBytes, explain, memoryMb, stackApps, type ExplainedQuery } from './scale/probe';
import { seedCertificates } from './scale/seed';
import { timeStartup, type StartupFigure } from './scale/startup';

const { createDb } = dist<any>('libs/eventstore/src/index.js');
const { loadConfig } = dist<any>('libs/service-kit/src/index.js');

function positiveInt(name: string, fallback: number, min = 1): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be an integer >= ${min}, not "${raw}"`);
  return value;
}

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

const GATE_CPU_GROWTH = 1.2;
const GATE_AUDIT_SECONDS = 60;
const GATE_AUDIT_RSS_MB = 512;
const GATE_STARTUP_SECONDS = 10;
const GOAL_BYTES_PER_CERTIFICATE = 4096;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
const f = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '-');
const sum = (values: Iterable<number>) => [...values].reduce((a, b) => a + b, 0);

const config = loadConfig(process.env);
const http = () => new NodeHttpHandler({ httpAgent: new Agent({ keepAlive: true, maxSockets: CONCURRENCY + 4 }) });
const pca = new ACMPCAClient({ endpoint, region: config.region, credentials: { accessKeyId, secretAccessKey }, maxAttempts: 1, requestHandler: http() });
const iot = new IoTClient({ endpoint, region: config.region, credentials: { accessKeyId, secretAccessKey }, maxAttempts: 1, requestHandler: http() });

interface Ca {
  readonly arn: string;
  readonly id: string;
  readonly pem: string;
  readonly iotCaCertificateId: string | null;
}

interface PhaseFigures {
  readonly certificates: number;
  readonly crl: CrlChildResult;
  readonly issue: { n: number; seconds: number; cpu: Map<string, number> };
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
  const { CertificateAuthorityArn: arn } = await pca.send(
    new CreateCertificateAuthorityCommand({
      CertificateAuthorityType: 'ROOT',
      CertificateAuthorityConfiguration: { KeyAlgorithm: 'EC_prime256v1', SigningAlgorithm: 'SHA256WITHECDSA', Subject: { CommonName: `Bench scale ${Date.now().toString(36)}` } },
      RevocationConfiguration: { CrlConfiguration: { Enabled: true, S3BucketName: CRL_BUCKET, ExpirationInDays: 7 }, OcspConfiguration: { Enabled: true } },
    }),
  );
  await waitUntilCertificateAuthorityCSRCreated({ client: pca, maxWaitTime: 120, minDelay: 1, maxDelay: 2 }, { CertificateAuthorityArn: arn });
  const { Csr } = await pca.send(new GetCertificateAuthorityCsrCommand({ CertificateAuthorityArn: arn }));
  const { CertificateArn } = await pca.send(
    new IssueCertificateCommand({ CertificateAuthorityArn: arn, Csr: new TextEncoder().encode(Csr!), SigningAlgorithm: 'SHA256WITHECDSA', TemplateArn: 'arn:aws:acm-pca:::template/RootCACertificate/V1', Validity: { Type: 'YEARS', Value: 5 } }),
  );
  await waitUntilCertificateIssued({ client: pca, maxWaitTime: 60, minDelay: 1, maxDelay: 2 }, { CertificateAuthorityArn: arn, CertificateArn });
  const { Certificate } = await pca.send(new GetCertificateCommand({ CertificateAuthorityArn: arn, CertificateArn }));
  await pca.send(new ImportCertificateAuthorityCertificateCommand({ CertificateAuthorityArn: arn, Certificate: new TextEncoder().encode(Certificate!) }));
  const pem = (await pca.send(new GetCertificateAuthorityCertificateCommand({ CertificateAuthorityArn: arn }))).Certificate!;
  const id = arn!.split('/').pop()!;
  // issuance-service and revocation-service learn the CA from ca-service's events.
  await waitFor(async () => (await sql<{ status: string }>`select status from issuance.issuing_cas where id = ${id}::uuid`.execute(db)).rows[0]?.status === 'ACTIVE', 60_000, 'issuance-service to see the CA ACTIVE');
  await waitFor(async () => (await sql<{ status: string }>`select status from revocation.cas where id = ${id}::uuid`.execute(db)).rows[0]?.status === 'ACTIVE', 60_000, 'revocation-service to see the CA ACTIVE');
  let iotCaCertificateId: string | null = null;
  if (WITH_IOT) {
    const registered = await iot.send(new RegisterCACertificateCommand({ caCertificate: pem, certificateMode: 'SNI_ONLY', setAsActive: true, allowAutoRegistration: false }));
    iotCaCertificateId = registered.certificateId!;
  }
  return { arn: arn!, id, pem, iotCaCertificateId };
}

/** IssueCertificate then GetCertificate until retrievable, `COUNT` times from CONCURRENCY clients, with the stack's CPU meanwhile. */
async function issueRun(db: Kysely<any>, apps: Map<string, number>, ca: Ca, csrPem: string): Promise<{ figure: PhaseFigures['issue']; serials: string[] }> {
  const csr = new TextEncoder().encode(csrPem);
  const issueOne = async (): Promise<string> => {
    const { CertificateArn } = await pca.send(new IssueCertificateCommand({ CertificateAuthorityArn: ca.arn, Csr: csr, SigningAlgorithm: 'SHA256WITHECDSA', Validity: { Type: 'DAYS', Value: 7 } }));
    for (;;) {
      try {
        await pca.send(new GetCertificateCommand({ CertificateAuthorityArn: ca.arn, CertificateArn }));
        return CertificateArn!.split('/').pop()!;
      } catch (error) {
        if ((error as Error).name !== 'RequestInProgressException') throw error;
        await sleep(5);
      }
    }
  };
  await issueOne(); // warm-up
  const serials: string[] = [];
  let next = 0;
  const before = await cpuSnapshot(db, apps);
  const start = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < COUNT) {
        next++;
        serials.push(await issueOne());
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  const cpu = cpuSpent(before, await cpuSnapshot(db, apps));
  return { figure: { n: serials.length, seconds, cpu }, serials };
}

/** GetCertificate of `COUNT` certificates drawn from `serials`, from CONCURRENCY clients. */
async function getRun(ca: Ca, serials: readonly string[]): Promise<PhaseFigures['get']> {
  const latencies: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < COUNT) {
        next++;
        const serial = serials[Math.floor(Math.random() * serials.length)]!;
        const t0 = performance.now();
        await pca.send(new GetCertificateCommand({ CertificateAuthorityArn: ca.arn, CertificateArn: `${ca.arn}/certificate/${serial}` }));
        latencies.push(performance.now() - t0);
      }
    }),
  );
  latencies.sort((a, b) => a - b);
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
  const pages = latencies.length;
  latencies.sort((a, b) => a - b);
  again.sort((a, b) => a - b);
  return { pages, certificates, p50: percentile(latencies, 50), p99: percentile(latencies, 99), lastPageMs: again[2]! };
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
  const baselineRssMb = caServicePid ? (memoryMb(caServicePid)?.rss ?? NaN) : NaN;
  let peakRssMb = baselineRssMb;
  const sampler = setInterval(() => {
    const rss = caServicePid ? memoryMb(caServicePid)?.rss : undefined;
    if (rss !== undefined && !(rss <= peakRssMb)) peakRssMb = rss;
  }, 100);
  const start = performance.now();
  try {
    const { AuditReportId, S3Key } = await pca.send(new CreateCertificateAuthorityAuditReportCommand({ CertificateAuthorityArn: ca.arn, S3BucketName: AUDIT_BUCKET, AuditReportResponseFormat: AUDIT_FORMAT }));
    let status = 'CREATING';
    while (status === 'CREATING') {
      if (performance.now() - start > 30 * 60_000) throw new Error('the audit report was still CREATING after 30 minutes');
      await sleep(250);
      status = (await pca.send(new DescribeCertificateAuthorityAuditReportCommand({ CertificateAuthorityArn: ca.arn, AuditReportId }))).AuditReportStatus!;
    }
    return { seconds: (performance.now() - start) / 1000, status, baselineRssMb, peakRssMb, bytes: auditObjectBytes(AUDIT_BUCKET, S3Key!) };
  } finally {
    clearInterval(sampler);
  }
}

async function measure(label: string, db: Kysely<any>, ca: Ca, csrPem: string, knownSerials: readonly string[]): Promise<PhaseFigures> {
  const apps = stackApps(config.natsPrefix, config.databaseUrl);
  const missing = APPS.filter((a) => !apps.has(a));
  if (missing.length) console.log(`  (no process found for ${missing.join(', ')}: their CPU is not counted)`);
  const { rows } = await sql<{ n: string }>`select count(*) as n from issuance.certificates where ca_id = ${ca.id}::uuid`.execute(db);
  const certificates = Number(rows[0]!.n);
  console.log(`${label}: the CA holds ${certificates} certificates`);
  const crl = await generateCrlInChild(ca.id);
  console.log(`  CRL: ${crl.entryCount} entries in ${f(crl.ms / 1000, 2)} s, peak RSS ${f(crl.peakRssMb, 0)} MB`);
  const issued = await issueRun(db, apps, ca, csrPem);
  console.log(`  IssueCertificate + GetCertificate: ${issued.figure.n} in ${f(issued.figure.seconds, 1)} s`);
  const get = await getRun(ca, knownSerials.length ? knownSerials : issued.serials);
  console.log(`  GetCertificate: p50 ${f(get.p50)} ms, p99 ${f(get.p99)} ms`);
  const iotFigure = await iotWalk(ca);
  if (iotFigure) console.log(`  IoT ListCertificatesByCA: ${iotFigure.certificates} certificates in ${iotFigure.pages} pages, last page ${f(iotFigure.lastPageMs)} ms`);
  const audit = await auditRun(ca, apps.get('ca-service'));
  console.log(`  audit report (${AUDIT_FORMAT}): ${audit.status} in ${f(audit.seconds, 1)} s, ca-service peak RSS ${f(audit.peakRssMb, 0)} MB`);
  const startup: StartupFigure[] = [];
  if (WITH_STARTUP) {
    for (const app of APPS) {
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
    await q('relay: claim pending outbox rows', sql`select e.* from issuance.outbox o join issuance.events e on e.position = o.position where o.published_at is null order by o.position limit 100`),
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

function report(empty: PhaseFigures, seeded: PhaseFigures, seedSeconds: number, catchUpSeconds: number, disk: { before: Map<string, number>; after: Map<string, number> }): void {
  const lines: string[] = [];
  const row = (figure: string, a: string, b: string, gate: string) => lines.push(`  ${figure.padEnd(58)} ${a.padStart(14)} ${b.padStart(14)}   ${gate}`);
  const stackCpu = (p: PhaseFigures) => sum([...p.issue.cpu].filter(([k]) => k !== 'nats-server (shared)').map(([, v]) => v)) / p.issue.n;
  const verdict = (ok: boolean) => (ok ? 'reached' : 'NOT reached');
  lines.push(`\nbench:scale: ${CERTS} certificates seeded (${REVOKED} revoked) in ${f(seedSeconds, 0)} s (${f(CERTS / seedSeconds, 0)}/s), projections caught up ${f(catchUpSeconds, 0)} s later`);
  row('figure', `empty (${empty.certificates})`, `seeded (${seeded.certificates})`, 'gate / goal');
  const cpuRatio = stackCpu(seeded) / stackCpu(empty);
  row('server CPU per certificate, Issue + Get (ms, stack w/o NATS)', f(stackCpu(empty), 2), f(stackCpu(seeded), 2), `seeded within 20 %: x${f(cpuRatio, 2)} ${verdict(cpuRatio <= GATE_CPU_GROWTH)}`);
  for (const key of [...APPS, 'postgres', 'nats-server (shared)']) {
    const a = empty.issue.cpu.get(key);
    const b = seeded.issue.cpu.get(key);
    if (a === undefined && b === undefined) continue;
    row(`  ${key}`, f((a ?? NaN) / empty.issue.n, 2), f((b ?? NaN) / seeded.issue.n, 2), '');
  }
  row('GetCertificate p50 / p99 (ms)', `${f(empty.get.p50)} / ${f(empty.get.p99)}`, `${f(seeded.get.p50)} / ${f(seeded.get.p99)}`, 'report');
  if (empty.iot && seeded.iot) {
    row('IoT ListCertificatesByCA last page (ms, median of 5)', f(empty.iot.lastPageMs), f(seeded.iot.lastPageMs), `flat (${seeded.iot.pages} pages walked, p99 ${f(seeded.iot.p99)} ms)`);
  }
  const auditOk = seeded.audit.status === 'SUCCESS' && seeded.audit.seconds <= GATE_AUDIT_SECONDS && seeded.audit.peakRssMb < GATE_AUDIT_RSS_MB;
  row(`audit report ${AUDIT_FORMAT} (s)`, `${f(empty.audit.seconds, 1)} ${empty.audit.status}`, `${f(seeded.audit.seconds, 1)} ${seeded.audit.status}`, `<= ${GATE_AUDIT_SECONDS} s, < ${GATE_AUDIT_RSS_MB} MB: ${verdict(auditOk)}`);
  row('  ca-service resident memory, before / peak (MB)', `${f(empty.audit.baselineRssMb, 0)} / ${f(empty.audit.peakRssMb, 0)}`, `${f(seeded.audit.baselineRssMb, 0)} / ${f(seeded.audit.peakRssMb, 0)}`, '');
  row('  report size (MB)', f((empty.audit.bytes ?? NaN) / 1048576, 1), f((seeded.audit.bytes ?? NaN) / 1048576, 1), '');
  row('CRL generation (s) / peak RSS (MB)', `${f(empty.crl.ms / 1000, 2)} / ${f(empty.crl.peakRssMb, 0)}`, `${f(seeded.crl.ms / 1000, 2)} / ${f(seeded.crl.peakRssMb, 0)}`, `${seeded.crl.entryCount} entries (crl engineer's gate)`);
  for (const app of APPS) {
    const a = empty.startup.find((s) => s.app === app);
    const b = seeded.startup.find((s) => s.app === app);
    if (!a || !b) continue;
    const ok = b.seconds < GATE_STARTUP_SECONDS && b.rebuilds.length === 0;
    row(`start-up ${app} (s; CPU ms)`, `${f(a.seconds, 2)}; ${f(a.cpuMs, 0)}`, `${f(b.seconds, 2)}; ${f(b.cpuMs, 0)}`, `< ${GATE_STARTUP_SECONDS} s, no rebuild: ${verdict(ok)}`);
    for (const line of b.rebuilds) lines.push(`      rebuild at start: ${line}`);
  }
  const delta = (key: string) => (disk.after.get(key) ?? 0) - (disk.before.get(key) ?? 0);
  const keys = [...new Set([...disk.before.keys(), ...disk.after.keys()])];
  const total = sum(keys.map(delta));
  row('bytes on disk per seeded certificate (all schemas + JetStream)', '', f(total / CERTS, 0), `goal <= ${GOAL_BYTES_PER_CERTIFICATE}: ${verdict(total / CERTS <= GOAL_BYTES_PER_CERTIFICATE)}`);
  for (const key of keys) if (delta(key) !== 0) row(`  ${key}`, '', f(delta(key) / CERTS, 0), '');
  console.log(lines.join('\n'));
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
    report(empty, seeded, seed.seconds, catchUpSeconds, { before, after });
    printPlans(seeded.certificates, await hotQueries(db, ca, seed.sample[0]!));
  } finally {
    await nc.close();
    await db.destroy();
    pca.destroy();
    iot.destroy();
  }
}

main().catch((error: unknown) => {
  console.error('bench:scale failed:', error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
