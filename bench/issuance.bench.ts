/**
 * `npm run bench:issuance`: IssueCertificate throughput and latency against the running stack
 * (the README's `npm start`), with the real AWS SDK, for an EC P-256 and an RSA-2048 CA, next to
 * the raw signing rate of the same key algorithm measured in this process (the physical limit).
 * Not part of the test suite; CI runs it once with the tiny defaults so it cannot rot.
 *
 * Environment:
 *   PKI_ENDPOINT          gateway URL (default http://127.0.0.1:4566)
 *   BENCH_ACCESS_KEY      accessKeyId:secretKey (default test:test, the development key)
 *   BENCH_COUNT           certificates per CA (default 20)
 *   BENCH_CONCURRENCY     clients in flight (default 4; the target is stated for 64)
 *   BENCH_KEYS            comma-separated: EC_prime256v1,RSA_2048 (default both)
 */
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
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

type KeyAlgorithm = 'EC_prime256v1' | 'RSA_2048';
const SIGNING: Record<KeyAlgorithm, 'SHA256WITHECDSA' | 'SHA256WITHRSA'> = { EC_prime256v1: 'SHA256WITHECDSA', RSA_2048: 'SHA256WITHRSA' };
const TARGET_PER_SECOND = 1000;
const TARGET_P99_MS = 100;

function positiveInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, not "${raw}"`);
  return value;
}

const endpoint = process.env.PKI_ENDPOINT ?? 'http://127.0.0.1:4566';
const [accessKeyId, secretAccessKey] = (process.env.BENCH_ACCESS_KEY ?? 'test:test').split(':') as [string, string];
const count = positiveInt('BENCH_COUNT', 20);
const concurrency = positiveInt('BENCH_CONCURRENCY', 4);
const keys = (process.env.BENCH_KEYS ?? 'EC_prime256v1,RSA_2048').split(',').map((k) => k.trim()) as KeyAlgorithm[];
for (const k of keys) if (!(k in SIGNING)) throw new Error(`BENCH_KEYS: unknown key algorithm ${k}`);

const client = new ACMPCAClient({
  endpoint,
  region: 'us-east-1',
  credentials: { accessKeyId, secretAccessKey },
  maxAttempts: 1,
  requestHandler: new NodeHttpHandler({ httpAgent: new Agent({ keepAlive: true, maxSockets: concurrency + 4 }) }),
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;

/** A leaf CSR from the openssl CLI (the bench measures the service, not CSR making). */
function leafCsr(): Uint8Array {
  const dir = mkdtempSync(join(tmpdir(), 'bench-issuance-'));
  try {
    const r = spawnSync('openssl', ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(dir, 'k'), '-out', join(dir, 'csr'), '-subj', '/CN=bench.example.com'], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`openssl req failed: ${r.stderr}`);
    return readFileSync(join(dir, 'csr'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A ROOT CA of `keyAlgorithm`, self-signed through IssueCertificate and imported: ACTIVE. */
async function activeRootCa(keyAlgorithm: KeyAlgorithm): Promise<string> {
  const SigningAlgorithm = SIGNING[keyAlgorithm];
  const { CertificateAuthorityArn } = await client.send(
    new CreateCertificateAuthorityCommand({
      CertificateAuthorityType: 'ROOT',
      CertificateAuthorityConfiguration: { KeyAlgorithm: keyAlgorithm, SigningAlgorithm, Subject: { CommonName: `Bench ${keyAlgorithm} ${randomBytes(3).toString('hex')}` } },
    }),
  );
  await waitUntilCertificateAuthorityCSRCreated({ client, maxWaitTime: 120, minDelay: 1, maxDelay: 2 }, { CertificateAuthorityArn });
  const { Csr } = await client.send(new GetCertificateAuthorityCsrCommand({ CertificateAuthorityArn }));
  const { CertificateArn } = await client.send(
    new IssueCertificateCommand({ CertificateAuthorityArn, Csr: new TextEncoder().encode(Csr!), SigningAlgorithm, TemplateArn: 'arn:aws:acm-pca:::template/RootCACertificate/V1', Validity: { Type: 'YEARS', Value: 5 } }),
  );
  await waitUntilCertificateIssued({ client, maxWaitTime: 60, minDelay: 1, maxDelay: 2 }, { CertificateAuthorityArn, CertificateArn });
  const { Certificate } = await client.send(new GetCertificateCommand({ CertificateAuthorityArn, CertificateArn }));
  await client.send(new ImportCertificateAuthorityCertificateCommand({ CertificateAuthorityArn, Certificate: new TextEncoder().encode(Certificate!) }));
  return CertificateAuthorityArn!;
}

/** Raw signatures per second of one thread over a TBS-sized input: the physical limit. */
function rawSigningRate(keyAlgorithm: KeyAlgorithm): number {
  const { privateKey }: { privateKey: KeyObject } = keyAlgorithm === 'RSA_2048' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const data = randomBytes(600);
  const start = performance.now();
  let n = 0;
  while (performance.now() - start < 1000) {
    sign('sha256', data, privateKey);
    n++;
  }
  return n / ((performance.now() - start) / 1000);
}

interface Sample {
  issueMs: number;
  retrievableMs: number;
}

/** IssueCertificate, then GetCertificate until it answers (RequestInProgressException: poll again). */
async function issueOne(caArn: string, csr: Uint8Array, signingAlgorithm: string): Promise<Sample> {
  const t0 = performance.now();
  const { CertificateArn } = await client.send(
    new IssueCertificateCommand({ CertificateAuthorityArn: caArn, Csr: csr, SigningAlgorithm: signingAlgorithm as 'SHA256WITHECDSA', Validity: { Type: 'DAYS', Value: 7 } }),
  );
  const t1 = performance.now();
  for (;;) {
    try {
      await client.send(new GetCertificateCommand({ CertificateAuthorityArn: caArn, CertificateArn }));
      return { issueMs: t1 - t0, retrievableMs: performance.now() - t0 };
    } catch (error) {
      if ((error as Error).name !== 'RequestInProgressException') throw error;
      await sleep(5);
    }
  }
}

async function run(keyAlgorithm: KeyAlgorithm): Promise<string> {
  const caArn = await activeRootCa(keyAlgorithm);
  const csr = leafCsr();
  const signingAlgorithm = SIGNING[keyAlgorithm];
  await issueOne(caArn, csr, signingAlgorithm); // warm-up: connections, key caches
  const samples: Sample[] = [];
  let next = 0;
  const cpuBefore = process.cpuUsage();
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        next++;
        samples.push(await issueOne(caArn, csr, signingAlgorithm));
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const rate = samples.length / seconds;
  const issue = samples.map((s) => s.issueMs).sort((a, b) => a - b);
  const retrievable = samples.map((s) => s.retrievableMs).sort((a, b) => a - b);
  const raw = rawSigningRate(keyAlgorithm);
  const f = (n: number) => n.toFixed(1);
  return [
    `${keyAlgorithm} (${signingAlgorithm}), ${samples.length} certificates, ${concurrency} concurrent clients, ${f(seconds)} s`,
    `  certificates/s (issue until retrievable): ${f(rate)}   target ${TARGET_PER_SECOND}/s (${f((100 * rate) / TARGET_PER_SECOND)}% of target)`,
    `  IssueCertificate latency            p50 ${f(percentile(issue, 50))} ms   p99 ${f(percentile(issue, 99))} ms`,
    `  issue-to-retrievable latency        p50 ${f(percentile(retrievable, 50))} ms   p99 ${f(percentile(retrievable, 99))} ms   target p99 < ${TARGET_P99_MS} ms`,
    `  raw ${signingAlgorithm} signing, one thread of this process: ${f(raw)}/s   end-to-end = ${f((100 * rate) / raw)}% of it`,
    // The SDK client runs on the same machine as the stack: its CPU per certificate is not available to the stack.
    `  this client's CPU (SDK, SigV4, HTTP): ${f((cpu.user + cpu.system) / 1000 / samples.length)} ms per certificate`,
  ].join('\n');
}

async function main(): Promise<void> {
  console.log(`bench:issuance against ${endpoint} (BENCH_COUNT=${count}, BENCH_CONCURRENCY=${concurrency})`);
  for (const keyAlgorithm of keys) console.log(await run(keyAlgorithm));
  client.destroy();
}

main().catch((error: unknown) => {
  console.error('bench:issuance failed:', error instanceof Error ? `${error.name}: ${error.message}` : error);
  process.exit(1);
});
