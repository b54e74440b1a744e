/**
 * The OCSP part of `npm run bench:revocation` (issue #14): against the running stack, with
 * anchors measured in the same run by the same client loop (64 keep-alive clients, every response
 * parsed and checked):
 *  - nonce-less `POST /ocsp` over BENCH_OCSP_CERTS certificates (round robin): what the gateway
 *    answers from its pre-signed responses;
 *  - with a fresh nonce per request (RFC 8954): each response signed through ca-service;
 *  - server CPU per response of each process of the stack (utime + stime from /proc, sampled
 *    before and after each run: gateway, revocation-service, ca-service, Postgres backends of the
 *    stack's database, nats-server) and of this client;
 *  - anchors: `openssl ocsp` as a responder (`-index` of as many certificates, `-rsigner`,
 *    `-rkey`, `-CA`, `-multi` 2; it signs every response), a bare `node:http` server answering a
 *    fixed body (the HTTP ceiling of this machine with this client), raw P-256 signing;
 *  - RevokeCertificate returned -> OCSP answers revoked, for certificates whose `good` the
 *    gateway held pre-signed.
 * Figures are printed beside the gates and goals; a shared machine makes rates noisy, so
 * compare with the anchors of the same run.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { connect, createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { rawSigningRate } from '../kit';

export const GATES = {
  nonceless: { gate: 5000, goal: 10_000 },
  nonce: { gate: 1500, goal: 3000 },
  revokeToOcspMs: 1000,
};

const f = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;

// ---------------------------------------------------------------- minimal DER for OCSP

function tlv(tag: number, content: Buffer): Buffer {
  const n = content.length;
  const length = n < 0x80 ? Buffer.from([n]) : n < 0x100 ? Buffer.from([0x81, n]) : Buffer.from([0x82, n >> 8, n & 0xff]);
  return Buffer.concat([Buffer.from([tag]), length, content]);
}

interface Node {
  tag: number;
  content: Buffer;
}
function children(content: Buffer): Node[] {
  const out: Node[] = [];
  let i = 0;
  while (i < content.length) {
    const tag = content[i]!;
    let length = content[i + 1]!;
    let header = 2;
    if (length & 0x80) {
      const octets = length & 0x7f;
      length = 0;
      for (let k = 0; k < octets; k++) length = length * 256 + content[i + 2 + k]!;
      header += octets;
    }
    out.push({ tag, content: content.subarray(i + header, i + header + length) });
    i += header + length;
  }
  return out;
}
const only = (der: Buffer): Node => children(der)[0]!;

export interface Issuer {
  nameHash: Buffer;
  keyHash: Buffer;
}

/** CertID issuer hashes (SHA-1) from the issuer's DER subject and SubjectPublicKeyInfo. */
export function issuerFrom(subjectDer: Uint8Array, spkiDer: Uint8Array): Issuer {
  // issuerKeyHash: SHA-1 of the subjectPublicKey BIT STRING value (without its unused-bits octet).
  const [, bitString] = children(only(Buffer.from(spkiDer)).content);
  return { nameHash: createHash('sha1').update(subjectDer).digest(), keyHash: createHash('sha1').update(bitString!.content.subarray(1)).digest() };
}

/** id-pkix-ocsp-nonce (RFC 8954), DER content octets. */
const OCSP_NONCE_OID = Buffer.from([0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x01, 0x02]);

/** OCSPRequest for one certificate (SHA-1 CertID, unsigned): RFC 6960 §4.1.1; with `nonce`, the RFC 8954 nonce extension. */
export function ocspRequest(issuer: Issuer, serialNumber: Uint8Array, nonce?: Buffer): Buffer {
  const sha1 = tlv(0x30, Buffer.concat([tlv(0x06, Buffer.from([0x2b, 0x0e, 0x03, 0x02, 0x1a])), Buffer.from([0x05, 0x00])]));
  const certId = tlv(0x30, Buffer.concat([sha1, tlv(0x04, issuer.nameHash), tlv(0x04, issuer.keyHash), tlv(0x02, Buffer.from(serialNumber))]));
  const requestList = tlv(0x30, tlv(0x30, certId));
  // requestExtensions [2] EXPLICIT Extensions { Extension { id-pkix-ocsp-nonce, extnValue OCTET STRING { OCTET STRING nonce } } }
  const extensions = nonce ? tlv(0xa2, tlv(0x30, tlv(0x30, Buffer.concat([tlv(0x06, OCSP_NONCE_OID), tlv(0x04, tlv(0x04, nonce))])))) : Buffer.alloc(0);
  return tlv(0x30, tlv(0x30, Buffer.concat([requestList, extensions])));
}

export type CertStatus = 'good' | 'revoked' | 'unknown' | `error ${number}`;
/** responseStatus, then the first SingleResponse's certStatus of a BasicOCSPResponse. */
export function certStatusOf(response: Buffer): CertStatus {
  const [status, bytes] = children(only(response).content);
  if (status!.content[0] !== 0 || !bytes) return `error ${status!.content[0]!}`;
  const [, octets] = children(only(bytes.content).content);
  const [tbsResponseData] = children(only(octets!.content).content);
  const responses = children(tbsResponseData!.content).find((n) => n.tag === 0x30)!;
  const [, certStatus] = children(only(responses.content).content);
  return certStatus!.tag === 0x80 ? 'good' : certStatus!.tag === 0xa1 ? 'revoked' : certStatus!.tag === 0x82 ? 'unknown' : `error ${certStatus!.tag}`;
}

// ---------------------------------------------------------------- the client loop

/** POST application/ocsp-request over keep-alive connections (one per client). */
export class OcspClient {
  private readonly url: URL;
  private readonly agent: Agent;
  constructor(url: string, sockets: number) {
    this.url = new URL(url);
    this.agent = new Agent({ keepAlive: true, maxSockets: sockets });
  }
  post(body: Buffer): Promise<Buffer> {
    return new Promise((resolveBody, reject) => {
      const req = httpRequest(this.url, { method: 'POST', agent: this.agent, headers: { 'Content-Type': 'application/ocsp-request', 'Content-Length': body.length } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => (res.statusCode === 200 ? resolveBody(Buffer.concat(chunks)) : reject(new Error(`POST ${this.url.pathname} answered HTTP ${res.statusCode}`))));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });
  }
  close(): void {
    this.agent.destroy();
  }
}

export interface RunResult {
  n: number;
  seconds: number;
  rate: number;
  p50: number;
  p99: number;
}

/** `count` OCSP requests from `concurrency` clients, each response checked to say `expect`: rate and latency percentiles. */
export async function ocspThroughput(ocsp: OcspClient, count: number, concurrency: number, request: (i: number) => Buffer, expect: CertStatus = 'good'): Promise<RunResult> {
  const latencies: number[] = [];
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const body = request(next++);
        const t0 = performance.now();
        const status = certStatusOf(await ocsp.post(body));
        latencies.push(performance.now() - t0);
        if (status !== expect) throw new Error(`OCSP answered ${status}, expected ${expect}`);
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  return { n: latencies.length, seconds, rate: latencies.length / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

// ---------------------------------------------------------------- CPU from /proc

const TICKS_PER_SECOND = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

const ticksOf = (pid: number): number | undefined => {
  try {
    const line = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = line.slice(line.lastIndexOf(')') + 2).split(' ');
    return Number(f[11]) + Number(f[12]); // utime + stime (fields 14, 15)
  } catch {
    return undefined;
  }
};
const argvOf = (pid: number): string[] => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter((a) => a !== '');
  } catch {
    return [];
  }
};
const envOf = (pid: number, name: string): string | undefined => {
  try {
    for (const entry of readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0')) if (entry.startsWith(`${name}=`)) return entry.slice(name.length + 1);
  } catch {
    return undefined;
  }
  return undefined;
};

/** The processes whose CPU is reported, by group: given pids (anchors), or the stack's (found by argv and PKI_HTTP_PORT). */
export type ProcessGroups = Map<string, number[]>;

/**
 * The stack's processes: its node apps (argv `dist/apps/<app>/src/main.js`, environment with the
 * gateway's PKI_HTTP_PORT), Postgres backends of its database, nats-server (shared with whatever
 * else uses it). Found again before each run (Postgres backends come and go).
 */
export function stackProcesses(httpPort: string, database: string): ProcessGroups {
  const groups: ProcessGroups = new Map();
  const add = (group: string, pid: number) => groups.set(group, [...(groups.get(group) ?? []), pid]);
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    const argv = argvOf(pid);
    const title = argv.join(' ');
    const app = argv.map((a) => /(^|\/)dist\/apps\/([^/]+)\/src\/main\.js$/.exec(a)?.[2]).find((a) => a);
    if (app && (envOf(pid, 'PKI_HTTP_PORT') ?? '4566') === httpPort) add(app === 'api-gateway' ? 'gateway' : app, pid);
    else if (/^postgres: (?:\S+: )?\S+ (\S+) /.exec(title)?.[1] === database) add('postgres', pid);
    else if (/(^|\/)nats-server$/.test(argv[0] ?? '')) add('nats', pid);
  }
  return groups;
}

export interface CpuReading {
  /** Milliseconds of CPU per group over the run. */
  readonly ms: Map<string, number>;
}

/** CPU of `groups` (and of this process, as `client`) while `run` runs. */
export async function withCpu<T>(groups: ProcessGroups, run: () => Promise<T>): Promise<{ result: T; cpu: CpuReading }> {
  const before = new Map<number, number>();
  for (const pids of groups.values()) for (const pid of pids) before.set(pid, ticksOf(pid) ?? 0);
  const client0 = process.cpuUsage();
  const result = await run();
  const client = process.cpuUsage(client0);
  const ms = new Map<string, number>();
  for (const [group, pids] of groups) {
    let ticks = 0;
    for (const pid of pids) ticks += Math.max(0, (ticksOf(pid) ?? before.get(pid)!) - before.get(pid)!);
    ms.set(group, (ticks * 1000) / TICKS_PER_SECOND);
  }
  ms.set('client', (client.user + client.system) / 1000);
  return { result, cpu: { ms } };
}

/** `gateway 41 µs, revocation-service 3 µs, ... (server 52 µs; client 60 µs)` per response. */
export function cpuPerResponse(cpu: CpuReading, responses: number): string {
  const parts: string[] = [];
  let server = 0;
  for (const [group, ms] of cpu.ms) {
    if (group === 'client') continue;
    server += ms;
    if (ms > 0) parts.push(`${group} ${f((ms * 1000) / responses, 0)}`);
  }
  return `${parts.join(', ')} (server ${f((server * 1000) / responses, 0)}; client ${f(((cpu.ms.get('client') ?? 0) * 1000) / responses, 0)}) µs CPU per response`;
}

export function serverCpuMsPerResponse(cpu: CpuReading, responses: number): number {
  let server = 0;
  for (const [group, ms] of cpu.ms) if (group !== 'client') server += ms;
  return server / responses;
}

// ---------------------------------------------------------------- anchors

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, child: ChildProcess, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode}`);
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.on('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (ok) return;
    await sleep(50);
  }
  throw new Error(`${what} did not listen on ${port}`);
}

/** A bare node:http server in its own process answering every request with `body` (the HTTP ceiling). */
export async function bareHttpServer(body: Buffer): Promise<{ url: string; pids: number[]; stop(): void }> {
  const port = await freePort();
  const code = `const body = Buffer.from(process.env.BODY, 'base64');
require('node:http').createServer((req, res) => { req.resume(); req.on('end', () => { res.writeHead(200, { 'Content-Type': 'application/ocsp-response', 'Content-Length': body.length }); res.end(body); }); })
  .listen(Number(process.env.PORT), '127.0.0.1');`;
  const child = spawn(process.execPath, ['-e', code], { env: { ...process.env, BODY: body.toString('base64'), PORT: String(port) }, stdio: 'ignore' });
  await waitForPort(port, child, 'the bare node:http server');
  return { url: `http://127.0.0.1:${port}/`, pids: [child.pid!], stop: () => child.kill('SIGKILL') };
}

/**
 * `openssl ocsp` as a responder for a CA of its own (EC P-256, made here) whose index lists
 * `serials` as valid: `-multi 2` worker processes (one per core), each signing every response.
 */
export async function opensslResponder(dir: string, serials: readonly Buffer[]): Promise<{ url: string; issuer: Issuer; pids: () => number[]; stop(): void }> {
  const run = (...args: string[]) => {
    const r = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`openssl ${args[0]} failed: ${r.stderr}`);
    return r.stdout;
  };
  run('req', '-x509', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'anchor-ca.key', '-out', 'anchor-ca.pem', '-subj', '/CN=Bench OCSP anchor CA', '-days', '30');
  // index.txt (openssl ca's format): status, expiry (YYMMDDHHMMSSZ), revocation, serial (hex), file, subject.
  const expiry = `${new Date(Date.now() + 365 * 86_400_000).toISOString().replace(/[-:T]/g, '').slice(2, 14)}Z`;
  writeFileSync(join(dir, 'anchor-index.txt'), serials.map((s) => `V\t${expiry}\t\t${s.toString('hex').toUpperCase()}\tunknown\t/CN=leaf\n`).join(''));
  writeFileSync(join(dir, 'anchor-index.txt.attr'), 'unique_subject = no\n');
  const cert = parseTbs(spawnSync('openssl', ['x509', '-in', 'anchor-ca.pem', '-outform', 'DER'], { cwd: dir }).stdout);
  const port = await freePort();
  const child = spawn('openssl', ['ocsp', '-index', 'anchor-index.txt', '-port', String(port), '-rsigner', 'anchor-ca.pem', '-rkey', 'anchor-ca.key', '-CA', 'anchor-ca.pem', '-multi', '2', '-ignore_err'], {
    cwd: dir,
    // Not detached: in a session of its own the -multi parent exits at once (OpenSSL 3.0).
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  await waitForPort(port, child, 'openssl ocsp').catch((error: Error) => {
    throw new Error(`${error.message}: ${stderr.trim()}`);
  });
  // The parent and its -multi workers (children of the parent).
  const pids = () => [child.pid!, ...childrenOf(child.pid!)];
  return {
    url: `http://127.0.0.1:${port}/`,
    issuer: issuerFrom(cert.subject, cert.spki),
    pids,
    stop: () => {
      for (const pid of pids().reverse()) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // gone
        }
      }
    },
  };
}

function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const line = readFileSync(`/proc/${name}/stat`, 'utf8');
      if (Number(line.slice(line.lastIndexOf(')') + 2).split(' ')[1]) === pid) out.push(Number(name));
    } catch {
      // gone
    }
  }
  return out;
}

/** Subject and SubjectPublicKeyInfo of a DER certificate (TBSCertificate: [0] version, serial, signature, issuer, validity, subject, spki). */
function parseTbs(der: Buffer): { subject: Buffer; spki: Buffer } {
  const tbs = children(only(der).content)[0]!;
  const fields = children(tbs.content);
  const offset = fields[0]!.tag === 0xa0 ? 1 : 0;
  const encode = (n: Node) => tlv(n.tag, n.content);
  return { subject: encode(fields[offset + 4]!), spki: encode(fields[offset + 5]!) };
}

// ---------------------------------------------------------------- report

export function reportLine(figure: string, measured: string, gate: string, goal: string, anchors: string): string {
  return `  ${figure.padEnd(44)} | ${measured.padEnd(34)} | ${gate.padEnd(10)} | ${goal.padEnd(10)} | ${anchors}`;
}

export interface OcspBenchInput {
  /** The gateway's OCSP URL, e.g. http://127.0.0.1:4566/ocsp. */
  readonly url: string;
  /** The gateway's PKI_HTTP_PORT and the stack's database name (to find its processes). */
  readonly httpPort: string;
  readonly database: string;
  readonly issuer: Issuer;
  /** Serial numbers (DER INTEGER content octets) of good certificates of the CA. */
  readonly serials: readonly Buffer[];
  /** Certificates to revoke (not among `serials`), and how. */
  readonly toRevoke: readonly Buffer[];
  readonly revoke: (serial: Buffer) => Promise<void>;
  readonly count: number;
  readonly nonceCount: number;
  readonly concurrency: number;
  /** A directory for openssl's files. */
  readonly work: string;
}

/** Runs the OCSP figures and anchors, printing the report; returns the headline rates. */
export async function runOcspBench(input: OcspBenchInput): Promise<{ nonceless: RunResult; nonce: RunResult }> {
  const { url, serials, issuer, count, nonceCount, concurrency } = input;
  const ocsp = new OcspClient(url, concurrency);
  const stack = () => stackProcesses(input.httpPort, input.database);
  const plain = serials.map((s) => ocspRequest(issuer, s));
  // Every certificate known to the responder (CertificateIssued projected), and a pre-signed `good` held for each.
  for (const request of plain) {
    const deadline = Date.now() + 60_000;
    while (certStatusOf(await ocsp.post(request).catch(() => Buffer.from('30030a0103', 'hex'))) !== 'good') {
      if (Date.now() > deadline) throw new Error('OCSP did not answer good for a new certificate within 60 s');
      await sleep(100);
    }
  }
  await ocspThroughput(ocsp, Math.min(2000, count), concurrency, (i) => plain[i % plain.length]!); // warm-up

  const nonceless = await withCpu(stack(), () => ocspThroughput(ocsp, count, concurrency, (i) => plain[i % plain.length]!));
  const nonce = await withCpu(stack(), () => ocspThroughput(ocsp, nonceCount, concurrency, (i) => ocspRequest(issuer, serials[i % serials.length]!, randomBytes(16))));

  // RevokeCertificate returned -> OCSP answers revoked, for certificates whose `good` the gateway held.
  const visible: number[] = [];
  for (const serial of input.toRevoke) {
    const request = ocspRequest(issuer, serial);
    for (let i = 0; i < 2; i++) if (certStatusOf(await ocsp.post(request)) !== 'good') i = -1; // twice good: held pre-signed
    await input.revoke(serial);
    const t0 = performance.now();
    while (certStatusOf(await ocsp.post(request)) !== 'revoked') {
      if (performance.now() - t0 > 60_000) throw new Error('OCSP did not answer revoked within 60 s');
      await sleep(2);
    }
    visible.push(performance.now() - t0);
  }
  visible.sort((a, b) => a - b);
  ocsp.close();

  // Anchors, by the same client loop.
  const raw = rawSigningRate('EC_prime256v1');
  const bare = await bareHttpServer(Buffer.from(await new OcspClient(url, 1).post(plain[0]!)));
  let bareRun: { result: RunResult; cpu: CpuReading };
  try {
    const client = new OcspClient(bare.url, concurrency);
    await ocspThroughput(client, Math.min(2000, count), concurrency, (i) => plain[i % plain.length]!);
    bareRun = await withCpu(new Map([['node:http', bare.pids]]), () => ocspThroughput(client, count, concurrency, (i) => plain[i % plain.length]!));
    client.close();
  } finally {
    bare.stop();
  }
  let opensslLine: string;
  let opensslRate = NaN;
  try {
    const responder = await opensslResponder(input.work, serials);
    try {
      const requests = serials.map((s) => ocspRequest(responder.issuer, s));
      const client = new OcspClient(responder.url, concurrency);
      const n = Math.min(count, 5000);
      const run = await withCpu(new Map([['openssl', responder.pids()]]), () => ocspThroughput(client, n, concurrency, (i) => requests[i % requests.length]!));
      client.close();
      opensslRate = run.result.rate;
      opensslLine = `${f(run.result.rate)}/s p99 ${f(run.result.p99)} ms, ${cpuPerResponse(run.cpu, run.result.n)}`;
    } finally {
      responder.stop();
    }
  } catch (error) {
    opensslLine = `unavailable (${(error as Error).message.split('\n')[0]})`;
  }

  const g = GATES;
  console.log(`OCSP (${serials.length} certificates, ${concurrency} clients; CPU from /proc, per response):`);
  console.log(reportLine('figure', 'measured', 'gate', 'goal', 'same-run anchors'));
  console.log(
    reportLine(
      `nonce-less POST /ocsp, ${nonceless.result.n} requests`,
      `${f(nonceless.result.rate)}/s, p99 ${f(nonceless.result.p99)} ms`,
      `>= ${g.nonceless.gate}/s`,
      `>= ${g.nonceless.goal}/s`,
      `bare node:http ${f(bareRun.result.rate)}/s (${f((100 * nonceless.result.rate) / bareRun.result.rate, 0)} % of it); openssl ocsp ${f(opensslRate)}/s`,
    ),
  );
  console.log(reportLine('', `  ${cpuPerResponse(nonceless.cpu, nonceless.result.n)}`, '', '', ''));
  console.log(
    reportLine(
      `with nonce (signed per request), ${nonce.result.n} requests`,
      `${f(nonce.result.rate)}/s, p99 ${f(nonce.result.p99)} ms`,
      `>= ${g.nonce.gate}/s`,
      `>= ${g.nonce.goal}/s`,
      `raw P-256 signing ${f(raw, 0)}/s (one thread); openssl ocsp (signs every response) ${f(opensslRate)}/s`,
    ),
  );
  console.log(reportLine('', `  ${cpuPerResponse(nonce.cpu, nonce.result.n)}`, '', '', ''));
  console.log(
    reportLine(
      `RevokeCertificate returned -> OCSP revoked, ${visible.length}`,
      `p50 ${f(percentile(visible, 50))} ms, max ${f(visible[visible.length - 1] ?? NaN)} ms`,
      `< ${g.revokeToOcspMs} ms`,
      '',
      '',
    ),
  );
  console.log(`  anchor openssl ocsp -index (${serials.length} certificates) -multi 2: ${opensslLine}`);
  console.log(`  anchor bare node:http (fixed body): ${f(bareRun.result.rate)}/s p99 ${f(bareRun.result.p99)} ms, ${cpuPerResponse(bareRun.cpu, bareRun.result.n)}`);
  return { nonceless: nonceless.result, nonce: nonce.result };
}


