/**
 * ensureDevGrpcCredentials against the real services it commands: ca-service and
 * issuance-service from dist/ (`npm run build` first) as their own processes, on a database and
 * NATS namespace of this suite's own. The openssl CLI is the relying party (chains, names, key
 * usages, key pairs) and node:tls proves the files make a mutual TLS connection.
 * Run alone: npm run build && npx jest apps/api-gateway/src/grpc/dev-credentials.e2e-spec.ts
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { connect as tlsConnect, createServer as createTlsServer, type TLSSocket } from 'node:tls';
import { Logger } from '@nestjs/common';
import { connect, type NatsConnection } from 'nats';
import { ServiceClient } from '@pki/service-kit';
import { cleanupNatsPrefix, createTestDatabase, freePort, testNatsUrl, uniquePrefix, waitFor, type TestDatabase } from '@pki/testing';
import { DEV_GRPC_CA_TAG, ensureDevGrpcCredentials } from './dev-credentials';

const ROOT = resolve(__dirname, '..', '..', '..', '..');
const ACCOUNT = '000000000000';
const OTHER_ACCOUNT = '222222222222';
const TRUST_DOMAIN = 'pki.test';
const SERVER_NAMES = ['localhost', '127.0.0.1'];
const FILES = ['ca.pem', 'server.pem', 'server.key', 'client.pem', 'client.key', 'dev.json'];

interface Service {
  readonly child: ChildProcess;
  readonly output: () => string;
}

/** One built service as its own process, as `npm start` runs it; ready once /health/ready answers 200. */
async function startService(app: 'ca-service' | 'issuance-service', env: Record<string, string>): Promise<Service> {
  const main = join(ROOT, 'dist', 'apps', app, 'src', 'main.js');
  if (!existsSync(main)) throw new Error(`${main} is missing: run \`npm run build\` first`);
  const port = await freePort();
  const child = spawn(process.execPath, ['-r', join(ROOT, 'tools', 'dist-paths.js'), main], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: 'test', PKI_LOG_LEVEL: 'warn', ...env, PKI_HEALTH_PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-50_000));
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const ready = await waitFor(
    async () => {
      if (child.exitCode !== null) return 'exited';
      const status = await fetch(`http://127.0.0.1:${port}/health/ready`).then((r) => r.status, () => undefined);
      return status === 200 ? 'ready' : undefined;
    },
    { timeoutMs: 60_000, intervalMs: 200, what: `${app} to report ready` },
  );
  if (ready === 'exited') throw new Error(`${app} exited with ${child.exitCode}:\n${output}`);
  return { child, output: () => output };
}

async function stopService(service: Service | undefined): Promise<void> {
  if (!service || service.child.exitCode !== null || service.child.signalCode !== null) return;
  const exited = new Promise((resolve) => service.child.once('exit', resolve));
  service.child.kill('SIGTERM');
  await exited;
}

/** The openssl CLI in `dir`; throws with its output when it fails. */
function openssl(dir: string, ...args: string[]): string {
  const run = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8', timeout: 60_000 });
  const output = `${run.stdout}\n${run.stderr}`;
  if (run.status !== 0) throw new Error(`openssl ${args.join(' ')} failed (${run.status}): ${output}`);
  return output;
}

const read = (dir: string, name: string) => readFileSync(join(dir, name), 'utf8');
/** Content and modification time of every file: what "the same files" means. */
const snapshot = (dir: string) => Object.fromEntries(FILES.map((name) => [name, { content: read(dir, name), mtimeMs: statSync(join(dir, name)).mtimeMs }]));

describe('ensureDevGrpcCredentials (development mTLS credentials of the gRPC listener)', () => {
  let database: TestDatabase;
  let prefix: string;
  let nc: NatsConnection;
  let services: ServiceClient;
  let ca: Service | undefined;
  let issuance: Service | undefined;
  let serviceEnv: Record<string, string>;
  let work: string;
  let dir: string;

  const options = (overrides: Partial<Parameters<typeof ensureDevGrpcCredentials>[1]> = {}) => ({ dir, accountId: ACCOUNT, trustDomain: TRUST_DOMAIN, serverNames: SERVER_NAMES, ...overrides });
  const countCertificates = async () =>
    Number((await database.db.withSchema('issuance').selectFrom('certificates').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  const caArnsOf = async (accountId: string): Promise<string[]> => {
    const reply = await services.request<{ CertificateAuthorities: Array<{ Arn: string }> }>('ca', 'ListCertificateAuthorities', { caller: { accountId, accessKeyId: 'test' }, requestId: 'test-list', input: {} });
    if (!reply.ok) throw new Error(reply.error.message);
    return reply.result.CertificateAuthorities.map((c) => c.Arn);
  };

  /** What the function logs (kept out of the test output). */
  let logged: jest.SpiedFunction<Logger['log']>;

  beforeAll(async () => {
    logged = jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    database = await createTestDatabase();
    prefix = uniquePrefix();
    work = mkdtempSync(join(tmpdir(), 'grpc-dev-credentials-'));
    serviceEnv = {
      DATABASE_URL: database.url,
      NATS_URL: testNatsUrl(),
      PKI_NATS_PREFIX: prefix,
      PKI_KEY_BACKEND: 'software',
      PKI_KEK: randomBytes(32).toString('base64'),
      PKI_CA_WORKER_INTERVAL_MS: '500',
      PKI_OBJECT_STORE_DIR: join(work, 'objects'),
    };
    // Started together, as `npm start` does: the function waits out ServiceUnavailableException meanwhile.
    [ca, issuance] = await Promise.all([startService('ca-service', serviceEnv), startService('issuance-service', serviceEnv)]);
    nc = await connect({ servers: testNatsUrl() });
    services = new ServiceClient(nc, prefix, 20_000);
  }, 180_000);

  afterAll(async () => {
    logged?.mockRestore();
    await Promise.all([stopService(ca), stopService(issuance)]);
    if (nc) {
      await cleanupNatsPrefix(nc, prefix);
      await nc.close();
    }
    await database?.destroy();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  beforeEach(() => {
    dir = join(work, `grpc-${randomBytes(4).toString('hex')}`);
  });

  it('issues a tagged trust CA, a server and a client certificate once; openssl accepts every file; no private key is logged', async () => {
    logged.mockClear();
    const credentials = await ensureDevGrpcCredentials(services, options());
    const messages = logged.mock.calls.map((call) => String(call[0]));

    expect(credentials.clientCaArn).toMatch(new RegExp(`^arn:aws:acm-pca:[a-z0-9-]+:${ACCOUNT}:certificate-authority/`));
    expect(credentials.serverCertPem).toBe(read(dir, 'server.pem'));
    expect(credentials.serverKeyPem).toBe(read(dir, 'server.key'));
    const record = JSON.parse(read(dir, 'dev.json'));
    expect(record).toEqual({ clientCaArn: credentials.clientCaArn, clientSpiffeId: `spiffe://${TRUST_DOMAIN}/account/${ACCOUNT}/dev-client`, createdAt: expect.any(String) });
    expect(Date.parse(record.createdAt)).not.toBeNaN();
    for (const key of ['server.key', 'client.key']) expect({ key, mode: statSync(join(dir, key)).mode & 0o777 }).toEqual({ key, mode: 0o600 });
    expect(messages.some((m) => m.includes(credentials.clientCaArn))).toBe(true);
    expect(messages.filter((m) => /PRIVATE KEY|BEGIN/.test(m))).toEqual([]);

    // The CA: the platform's own, ACTIVE, a self-signed root with the tag; ca.pem is its certificate.
    const described = await services.request<{ CertificateAuthority: { Status: string; Type: string } }>('ca', 'DescribeCertificateAuthority', {
      caller: { accountId: ACCOUNT, accessKeyId: 'test' }, requestId: 'test-describe', input: { CertificateAuthorityArn: credentials.clientCaArn },
    });
    expect(described.ok && described.result.CertificateAuthority).toMatchObject({ Status: 'ACTIVE', Type: 'ROOT' });
    const tags = await services.request<{ Tags: unknown[] }>('ca', 'ListTags', { caller: { accountId: ACCOUNT, accessKeyId: 'test' }, requestId: 'test-tags', input: { CertificateAuthorityArn: credentials.clientCaArn } });
    expect(tags.ok && tags.result.Tags).toEqual([DEV_GRPC_CA_TAG]);
    const caText = openssl(dir, 'x509', '-in', 'ca.pem', '-noout', '-text');
    expect(caText).toMatch(/Subject: CN\s*=\s*PKI development gRPC trust CA/);
    expect(caText).toMatch(/Basic Constraints: critical\s*\n\s*CA:TRUE/);
    expect(openssl(dir, 'verify', '-x509_strict', '-CAfile', 'ca.pem', 'ca.pem')).toContain('ca.pem: OK');

    // Both leaves chain to ca.pem for their purpose, with the names and key usages the listener needs.
    expect(openssl(dir, 'verify', '-x509_strict', '-CAfile', 'ca.pem', '-purpose', 'sslserver', 'server.pem')).toContain('server.pem: OK');
    expect(openssl(dir, 'verify', '-x509_strict', '-CAfile', 'ca.pem', '-purpose', 'sslclient', 'client.pem')).toContain('client.pem: OK');
    const serverText = openssl(dir, 'x509', '-in', 'server.pem', '-noout', '-text');
    expect(serverText).toMatch(/X509v3 Subject Alternative Name: *\n\s*DNS:localhost, IP Address:127\.0\.0\.1\s*\n/);
    expect(serverText).toMatch(/X509v3 Extended Key Usage: *\n\s*TLS Web Server Authentication\s*\n/);
    const clientText = openssl(dir, 'x509', '-in', 'client.pem', '-noout', '-text');
    expect(clientText).toMatch(new RegExp(`X509v3 Subject Alternative Name: *\\n\\s*URI:spiffe://${TRUST_DOMAIN}/account/${ACCOUNT}/dev-client\\s*\\n`));
    expect(clientText).toMatch(/X509v3 Extended Key Usage: *\n\s*TLS Web Client Authentication\s*\n/);
    expect(clientText).toMatch(/Public Key Algorithm: id-ecPublicKey[\s\S]*NIST CURVE: P-256/);
    // Each key is its certificate's.
    for (const name of ['client', 'server']) {
      const certificateKey = openssl(dir, 'x509', '-in', `${name}.pem`, '-noout', '-pubkey').trim();
      expect(openssl(dir, 'pkey', '-in', `${name}.key`, '-pubout').trim()).toBe(certificateKey);
    }
  }, 180_000);

  it('a second start reuses everything: the same CA and files, and no certificate is issued', async () => {
    const first = await ensureDevGrpcCredentials(services, options());
    const before = snapshot(dir);
    const certificates = await countCertificates();
    const second = await ensureDevGrpcCredentials(services, options());
    expect(second).toEqual(first);
    expect(snapshot(dir)).toEqual(before);
    expect(await countCertificates()).toBe(certificates);
    expect(existsSync(join(dir, '.dev-credentials.lock'))).toBe(false);
  }, 180_000);

  it('the files make a mutual TLS connection, by name and by address', async () => {
    const credentials = await ensureDevGrpcCredentials(services, options());
    const server = createTlsServer({ cert: credentials.serverCertPem, key: credentials.serverKeyPem, ca: read(dir, 'ca.pem'), requestCert: true, rejectUnauthorized: true }, (socket) => {
      socket.end(String((socket.getPeerCertificate() as { subjectaltname?: string }).subjectaltname));
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const port = (server.address() as { port: number }).port;
    try {
      for (const servername of ['localhost', undefined]) {
        const socket: TLSSocket = tlsConnect({ host: '127.0.0.1', port, servername, ca: read(dir, 'ca.pem'), cert: read(dir, 'client.pem'), key: read(dir, 'client.key') });
        let answer = '';
        socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
        await new Promise<void>((done, fail) => socket.on('end', done).on('error', fail));
        expect({ servername, authorized: socket.authorized, answer }).toEqual({ servername, authorized: true, answer: `URI:spiffe://${TRUST_DOMAIN}/account/${ACCOUNT}/dev-client` });
      }
    } finally {
      await new Promise((done) => server.close(done));
    }
  }, 180_000);

  it('issues again only what is missing or no longer fits, from the same CA', async () => {
    const first = await ensureDevGrpcCredentials(services, options());
    const before = snapshot(dir);
    rmSync(join(dir, 'client.key'));
    const second = await ensureDevGrpcCredentials(services, options());
    expect(second).toEqual(first);
    const afterClient = snapshot(dir);
    expect(afterClient['server.pem']).toEqual(before['server.pem']);
    expect(afterClient['client.pem']!.content).not.toBe(before['client.pem']!.content);
    expect(openssl(dir, 'x509', '-in', 'client.pem', '-noout', '-pubkey').trim()).toBe(openssl(dir, 'pkey', '-in', 'client.key', '-pubout').trim());

    // A name the server certificate does not cover: a new server certificate, the client one kept.
    const third = await ensureDevGrpcCredentials(services, options({ serverNames: [...SERVER_NAMES, 'grpc.dev.internal', '::1'] }));
    expect(third.clientCaArn).toBe(first.clientCaArn);
    expect(third.serverCertPem).not.toBe(first.serverCertPem);
    expect(snapshot(dir)['client.pem']).toEqual(afterClient['client.pem']);
    expect(openssl(dir, 'x509', '-in', 'server.pem', '-noout', '-ext', 'subjectAltName')).toMatch(/DNS:localhost, IP Address:127\.0\.0\.1, DNS:grpc\.dev\.internal, IP Address:0:0:0:0:0:0:0:1/);
    expect(openssl(dir, 'verify', '-CAfile', 'ca.pem', 'server.pem')).toContain('server.pem: OK');
  }, 180_000);

  it('finds its tagged CA again when the directory is gone, and issues new leaves from it', async () => {
    const first = await ensureDevGrpcCredentials(services, options());
    const firstClient = read(dir, 'client.pem');
    rmSync(dir, { recursive: true });
    const again = await ensureDevGrpcCredentials(services, options());
    expect(again.clientCaArn).toBe(first.clientCaArn);
    expect(read(dir, 'client.pem')).not.toBe(firstClient);
    expect(openssl(dir, 'verify', '-CAfile', 'ca.pem', 'client.pem')).toContain('client.pem: OK');
  }, 180_000);

  it('two starts at once take turns through the lock: one CA, the same files for both', async () => {
    const [a, b] = await Promise.all([
      ensureDevGrpcCredentials(services, options({ accountId: OTHER_ACCOUNT })),
      ensureDevGrpcCredentials(services, options({ accountId: OTHER_ACCOUNT })),
    ]);
    expect(b).toEqual(a);
    expect(await caArnsOf(OTHER_ACCOUNT)).toEqual([a.clientCaArn]);
    expect(openssl(dir, 'x509', '-in', 'client.pem', '-noout', '-ext', 'subjectAltName')).toContain(`URI:spiffe://${TRUST_DOMAIN}/account/${OTHER_ACCOUNT}/dev-client`);
  }, 180_000);

  it('a trust CA that is no longer ACTIVE is replaced by a new one, and every file with it', async () => {
    const accountId = '444444444444';
    const first = await ensureDevGrpcCredentials(services, options({ accountId }));
    const before = snapshot(dir);
    const disabled = await services.request('ca', 'UpdateCertificateAuthority', {
      caller: { accountId, accessKeyId: 'test' }, requestId: 'test-disable', input: { CertificateAuthorityArn: first.clientCaArn, Status: 'DISABLED' },
    });
    expect(disabled).toEqual({ ok: true, result: expect.anything() });
    const second = await ensureDevGrpcCredentials(services, options({ accountId }));
    expect(second.clientCaArn).not.toBe(first.clientCaArn);
    const after = snapshot(dir);
    for (const name of FILES) expect({ name, changed: after[name]!.content !== before[name]!.content }).toEqual({ name, changed: true });
    expect(JSON.parse(read(dir, 'dev.json')).clientCaArn).toBe(second.clientCaArn);
    expect(openssl(dir, 'verify', '-CAfile', 'ca.pem', 'server.pem', 'client.pem')).toMatch(/server\.pem: OK\s+client\.pem: OK/);
  }, 180_000);

  it('waits out a service that is not answering yet, as when npm start starts everything at once', async () => {
    await stopService(issuance);
    const credentials = ensureDevGrpcCredentials(services, options({ accountId: '555555555555' }));
    await new Promise((done) => setTimeout(done, 2000));
    issuance = await startService('issuance-service', serviceEnv);
    const { clientCaArn } = await credentials;
    expect(openssl(dir, 'verify', '-CAfile', 'ca.pem', 'server.pem', 'client.pem')).toMatch(/server\.pem: OK\s+client\.pem: OK/);
    expect(JSON.parse(read(dir, 'dev.json')).clientCaArn).toBe(clientCaArn);
  }, 180_000);

  it('takes over a lock left by a process that died', async () => {
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, '.dev-credentials.lock'), JSON.stringify({ host: hostname(), pid: Number(dead.stdout), at: new Date().toISOString() }));
    const started = Date.now();
    const credentials = await ensureDevGrpcCredentials(services, options());
    expect(credentials.clientCaArn).toMatch(/certificate-authority/);
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(existsSync(join(dir, '.dev-credentials.lock'))).toBe(false);
  }, 180_000);

  it('is refused when NODE_ENV=production, before anything is written', async () => {
    const saved = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    try {
      await expect(ensureDevGrpcCredentials(services, options())).rejects.toThrow(/refused when NODE_ENV=production/);
    } finally {
      process.env.NODE_ENV = saved;
    }
    expect(existsSync(dir)).toBe(false);
  });
});
