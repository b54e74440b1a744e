/**
 * Anchors measured in the same run as the figure they frame, on the same machine and load:
 *  - the HTTP ceiling: a bare node:http server (own process) answering a fixed body, driven by the
 *    same lean client loop (signing included) at the same concurrency; no parsing, no verifying;
 *  - raw signing: signatures per second of one thread of this process with the key algorithm;
 *  - `cfssl serve` (a stateless Go signer, Debian's golang-cfssl) signing the same CSRs at the same
 *    concurrency, with its CPU per certificate from /proc. When cfssl is missing or fails, the
 *    anchor says so and why; there is never a figure that was not measured.
 */
import { spawn, spawnSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ml_dsa65 } from '@noble/post-quantum/ml-dsa.js';
import { AwsJsonClient } from './aws-json-client';
import { ascending, closedLoop, freePort, percentile, sleep } from './load';
import { processCpuMs } from './proc-cpu';
import type { Credentials } from './sigv4';

/** The CA key algorithms the benches measure: the classical pair and ML-DSA-65 (issue 17). */
export type KeyAlgorithm = 'EC_prime256v1' | 'RSA_2048' | 'ML_DSA_65';

export interface ThroughputAnchor {
  readonly count: number;
  readonly seconds: number;
  readonly rate: number;
  readonly p50: number;
  readonly p99: number;
  /** CPU of the server process per request (or certificate), ms */
  readonly serverCpuMs: number;
  /** CPU of this client per request, ms */
  readonly clientCpuMs: number;
}

async function timed<T>(op: () => Promise<T>): Promise<number> {
  const t0 = performance.now();
  await op();
  return performance.now() - t0;
}

function throughput(count: number, seconds: number, latencies: number[], serverCpuMs: number, clientCpuMs: number): ThroughputAnchor {
  const sorted = ascending(latencies);
  return { count, seconds, rate: count / seconds, p50: percentile(sorted, 50), p99: percentile(sorted, 99), serverCpuMs: serverCpuMs / count, clientCpuMs: clientCpuMs / count };
}

const BARE_SERVER = `
const body = Buffer.from(process.argv[1]);
const server = require('node:http').createServer((req, res) => {
  req.resume();
  req.on('end', () => res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1', 'content-length': body.length }).end(body));
});
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
process.on('SIGTERM', () => process.exit(0));
`;

/**
 * The bare node:http server in its own process, driven by an AwsJsonClient sending `input` as
 * `operation` (the same signed request the stack gets): the most requests/s this machine serves
 * over HTTP with this client, and what one costs each side.
 */
export async function httpCeiling(count: number, concurrency: number, credentials: Credentials, operation: string, input: object): Promise<ThroughputAnchor> {
  const fixed = JSON.stringify({ CertificateArn: 'arn:aws:acm-pca:us-east-1:111111111111:certificate-authority/00000000-0000-4000-8000-000000000000/certificate/0123456789abcdef0123456789abcdef' });
  const child = spawn(process.execPath, ['-e', BARE_SERVER, fixed], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      child.stdout.once('data', (d: Buffer) => resolve(Number(d.toString().trim())));
      child.once('exit', (code) => reject(new Error(`the bare HTTP server exited (${code}) before listening`)));
    });
    const client = new AwsJsonClient(`http://127.0.0.1:${port}`, { credentials, sockets: concurrency });
    try {
      for (let i = 0; i < Math.min(concurrency, 64); i++) await client.call(operation, input); // connections, JIT
      const cpu0 = processCpuMs(child.pid!)!;
      const loop = await closedLoop(count, concurrency, () => timed(() => client.call(operation, input)));
      const serverMs = processCpuMs(child.pid!)! - cpu0;
      return throughput(count, loop.seconds, loop.results, serverMs, loop.clientCpuMs);
    } finally {
      client.close();
    }
  } finally {
    child.kill('SIGTERM');
  }
}

/** Signatures per second of one thread of this process over a TBS-sized input (~1 s). */
export function rawSigningRate(keyAlgorithm: KeyAlgorithm): number {
  const data = randomBytes(600);
  let signOnce: () => void;
  if (keyAlgorithm === 'ML_DSA_65') {
    // The software backend's implementation (@noble/post-quantum), pure ML-DSA as it signs certificates.
    const { secretKey } = ml_dsa65.keygen(randomBytes(32));
    signOnce = () => ml_dsa65.sign(data, secretKey);
  } else {
    const { privateKey }: { privateKey: KeyObject } =
      keyAlgorithm === 'RSA_2048' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    signOnce = () => sign('sha256', data, privateKey);
  }
  for (let i = 0; i < 50; i++) signOnce();
  const start = performance.now();
  let n = 0;
  while (performance.now() - start < 1000) {
    signOnce();
    n++;
  }
  return n / ((performance.now() - start) / 1000);
}

export type CfsslAnchor = ({ readonly available: true; readonly version: string } & ThroughputAnchor) | { readonly available: false; readonly reason: string };

function postJson(agent: Agent, port: number, path: string, body: string): Promise<{ status: number; json: any }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, method: 'POST', path, agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          try {
            resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
          } catch (error) {
            reject(error);
          }
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * `cfssl serve` with a fresh CA of `keyAlgorithm` (made with openssl), signing `csrPems` round
 * robin, `count` certificates at `concurrency`: its rate, latency and CPU per certificate.
 */
export async function cfsslAnchor(csrPems: readonly string[], count: number, concurrency: number, keyAlgorithm: KeyAlgorithm): Promise<CfsslAnchor> {
  const version = spawnSync('cfssl', ['version'], { encoding: 'utf8' });
  if (version.error) {
    const missing = (version.error as NodeJS.ErrnoException).code === 'ENOENT';
    return { available: false, reason: missing ? 'cfssl is not installed (Debian package golang-cfssl; `bash scripts/ensure-services.sh` installs it)' : `cfssl version failed: ${version.error.message}` };
  }
  if (keyAlgorithm === 'ML_DSA_65') return { available: false, reason: 'cfssl (and the openssl that would make its CA) have no ML-DSA' };
  const dir = mkdtempSync(join(tmpdir(), 'bench-cfssl-'));
  const logFd = openSync(join(dir, 'cfssl.log'), 'w');
  let child: ReturnType<typeof spawn> | undefined;
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  try {
    const newkey = keyAlgorithm === 'RSA_2048' ? ['-newkey', 'rsa:2048'] : ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'];
    const ca = spawnSync('openssl', ['req', '-x509', ...newkey, '-nodes', '-keyout', join(dir, 'ca-key.pem'), '-out', join(dir, 'ca.pem'), '-subj', '/CN=cfssl anchor CA', '-days', '30'], { encoding: 'utf8' });
    if (ca.status !== 0) return { available: false, reason: `openssl could not make the cfssl CA: ${ca.stderr.trim()}` };
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ signing: { default: { expiry: '168h', usages: ['digital signature', 'key encipherment', 'server auth'] } } }));
    const port = await freePort();
    child = spawn('cfssl', ['serve', '-address', '127.0.0.1', '-port', String(port), '-ca', join(dir, 'ca.pem'), '-ca-key', join(dir, 'ca-key.pem'), '-config', join(dir, 'config.json')], {
      stdio: ['ignore', logFd, logFd],
    });
    const state: { exited?: string } = {};
    child.once('exit', (code, signal) => (state.exited = `cfssl serve exited (${signal ?? code})`));
    const sign1 = (i: number) => postJson(agent, port, '/api/v1/cfssl/sign', JSON.stringify({ certificate_request: csrPems[i % csrPems.length] }));
    const deadline = Date.now() + 20_000;
    for (;;) {
      if (state.exited) return { available: false, reason: `${state.exited}: ${readFileSync(join(dir, 'cfssl.log'), 'utf8').trim().split('\n').slice(-3).join(' / ')}` };
      try {
        const first = await sign1(0);
        if (first.status === 200 && first.json?.success === true) break;
        return { available: false, reason: `cfssl serve answered ${first.status}: ${JSON.stringify(first.json?.errors ?? first.json)}` };
      } catch (error) {
        if (Date.now() > deadline) return { available: false, reason: `cfssl serve did not answer within 20 s: ${(error as Error).message}` };
        await sleep(100);
      }
    }
    for (let i = 0; i < Math.min(concurrency, 64); i++) await sign1(i); // connections
    const cpu0 = processCpuMs(child.pid!)!;
    const loop = await closedLoop(count, concurrency, (i) =>
      timed(async () => {
        const r = await sign1(i);
        if (r.status !== 200 || r.json?.success !== true || typeof r.json.result?.certificate !== 'string') throw new Error(`cfssl sign answered ${r.status}: ${JSON.stringify(r.json?.errors)}`);
      }),
    );
    const serverMs = processCpuMs(child.pid!)! - cpu0;
    return { available: true, version: `cfssl ${version.stdout.split('\n')[0]!.replace(/^Version:\s*/, '').trim()}`, ...throughput(count, loop.seconds, loop.results, serverMs, loop.clientCpuMs) };
  } catch (error) {
    return { available: false, reason: `cfssl anchor failed: ${(error as Error).message}` };
  } finally {
    agent.destroy();
    child?.kill('SIGTERM');
    closeSync(logFd);
    rmSync(dir, { recursive: true, force: true });
  }
}
