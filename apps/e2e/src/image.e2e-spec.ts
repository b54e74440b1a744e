import { ListCertificateAuthoritiesCommand } from '@aws-sdk/client-acm-pca';
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { APPS, ROOT, type Launch } from './app-process';
import { parseDockerfile, type Stage } from './dockerfile';
import { acmpca } from '@pki/grpc-api';
import { waitFor } from '@pki/testing';
import { activeRootCa, bytes, issueCertificate, pcaClient, template } from './fixtures/acm-pca';
import { freePort, grpcClients } from './fixtures/grpc';
import { OpensslDir } from './fixtures/openssl';
import { renderKustomization } from './k8s/kustomize';
import { ACCOUNT_A, softwareKeysEnv, startStack, type RunningStack } from './stack';

/**
 * The container image without a Docker engine: deploy/Dockerfile is read, its runtime stage's
 * files are assembled in a temporary directory exactly as its COPY lines say -- the deps stage's
 * `npm ci --omit=dev` run for real from package.json and package-lock.json, the build stage being
 * this checkout after `npm run build` -- and every app is started from there with the image's
 * ENV and CMD (NODE_ENV=production), each on this suite's own database and NATS prefix. Then the
 * real SDK talks to it, the gateway serves gRPC from the image's proto/ files with certificates
 * the platform issued, and every process stops cleanly on SIGTERM.
 */
const exec = promisify(execFile);
const stages = parseDockerfile(readFileSync(path.join(ROOT, 'deploy', 'Dockerfile'), 'utf8'));
const stage = (name: string) => stages.find((s) => s.name === name)!;
const runtime = stages[stages.length - 1]!;
const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string }; dependencies: Record<string, string> };
const lock = JSON.parse(readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean }> };

/** Where a stage's WORKDIR (/app) lives: the build stage is this checkout, built; others are made here. */
function stageRoot(name: string, scratch: string): string {
  return name === 'build' ? ROOT : path.join(scratch, 'stages', name);
}

function inApp(stageName: string, absolute: string): string {
  const relative = path.posix.relative('/app', absolute);
  if (relative.startsWith('..')) throw new Error(`COPY --from=${stageName} ${absolute}: outside the stage's WORKDIR /app`);
  return relative;
}

/** Carries out a stage's COPY and RUN steps into `target` (its /app). System packages (apt-get) are the base image's business. */
async function materialize(s: Stage, target: string, scratch: string): Promise<void> {
  if (s.workdir !== '/app') throw new Error(`stage ${s.name}: WORKDIR must be /app, is ${s.workdir}`);
  mkdirSync(target, { recursive: true });
  for (const step of s.steps) {
    if ('run' in step) {
      if (step.run.startsWith('apt-get ')) continue;
      if (!step.run.startsWith('npm ')) throw new Error(`stage ${s.name}: RUN ${step.run} is neither apt-get nor npm; mirror it in this suite`);
      await exec('sh', ['-c', step.run], { cwd: target, env: { ...process.env, ...s.env }, maxBuffer: 64 * 1024 * 1024 });
      continue;
    }
    const { from, sources, destination } = step.copy;
    for (const source of sources) {
      const origin = from ? path.join(stageRoot(from, scratch), inApp(from, source)) : path.join(ROOT, source);
      if (!existsSync(origin)) throw new Error(`stage ${s.name}: COPY ${from ? `--from=${from} ` : ''}${source}: ${origin} does not exist (run \`npm run build\` first)`);
      const into = destination.endsWith('/') || sources.length > 1 ? path.join(target, destination, path.basename(source)) : path.join(target, destination);
      mkdirSync(path.dirname(into), { recursive: true });
      cpSync(origin, into, { recursive: true, verbatimSymlinks: true });
    }
  }
}

describe('the container image (deploy/Dockerfile) assembled without Docker', () => {
  let scratch: string;
  let app: string;
  let stack: RunningStack | undefined;
  let root: { arn: string; certificate: string } | undefined;

  beforeAll(async () => {
    scratch = mkdtempSync(path.join(tmpdir(), 'pki-image-'));
    app = path.join(scratch, 'image', 'app');
    const build = stage('build');
    if (!build.steps.some((s) => 'run' in s && s.run === 'npm run build') || !build.steps.some((s) => 'copy' in s && s.copy.sources.join() === '.')) {
      throw new Error('the build stage is expected to be the checkout (COPY . .) after `npm run build`; mirror its new steps here');
    }
    for (const s of stages.slice(0, -1)) if (s.name !== 'build') await materialize(s, stageRoot(s.name, scratch), scratch);
    await materialize(runtime, app, scratch);
  }, 600_000);

  afterAll(async () => {
    await stack?.stop();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('builds on a pinned Node release of the supported major, and runs as a non-root user', () => {
    const major = /^>=(\d+)/.exec(manifest.engines.node)![1];
    for (const s of stages) expect(s.image).toMatch(new RegExp(`^node:${major}\\.\\d+\\.\\d+-[a-z]+-slim$`));
    expect(runtime.user).toMatch(/^[1-9]\d*:[1-9]\d*$/);
    // The uid the Deployments declare is the image's.
    const uid = Number(runtime.user!.split(':')[0]);
    for (const d of renderKustomization(path.join(ROOT, 'deploy', 'base')).filter((o) => o.kind === 'Deployment')) {
      expect((d.spec as { template: { spec: { securityContext: { runAsUser: number } } } }).template.spec.securityContext.runAsUser).toBe(uid);
    }
    expect(runtime.env.NODE_ENV).toBe('production');
    expect(readFileSync(path.join(ROOT, '.dockerignore'), 'utf8')).toMatch(/^deploy$/m);
  });

  it('holds the compiled apps, their libraries and production dependencies only', () => {
    expect(readdirSync(app).sort()).toEqual(['dist', 'node_modules', 'package.json', 'proto', 'tools']);
    expect(readdirSync(path.join(app, 'dist', 'apps')).sort()).toEqual([...APPS].sort());
    expect(readdirSync(path.join(app, 'tools'))).toEqual(['dist-paths.js']);
    for (const name of Object.keys(manifest.dependencies)) expect(existsSync(path.join(app, 'node_modules', name, 'package.json'))).toBe(true);
    const devOnly = Object.entries(lock.packages).filter(([where, entry]) => where.startsWith('node_modules/') && entry.dev === true);
    expect(devOnly.length).toBeGreaterThan(100);
    expect(devOnly.filter(([where]) => existsSync(path.join(app, where))).map(([where]) => where)).toEqual([]);
    // The native PKCS #11 binding was built by the deps stage's npm ci.
    expect(existsSync(path.join(app, 'node_modules', 'pkcs11js', 'build', 'Release', 'pkcs11.node'))).toBe(true);
    // Nothing above the image's /app could lend it a package (module resolution walks up).
    for (let dir = path.dirname(app); dir !== path.dirname(dir); dir = path.dirname(dir)) expect(existsSync(path.join(dir, 'node_modules'))).toBe(false);
  });

  it('starts every app with the image CMD and serves the real SDK', async () => {
    const launch = (name: string): Launch => ({
      command: runtime.cmd!,
      cwd: app,
      // The container's environment: the image's ENV and what a Deployment adds; nothing of this machine's but PATH (for sh and node).
      env: { ...runtime.env, PKI_APP: name, PATH: `${path.dirname(process.execPath)}:/usr/bin:/bin`, HOME: scratch },
    });
    stack = await startStack({ ...softwareKeysEnv(), PKI_HTTP_HOST: '127.0.0.1', PKI_PUBLIC_URL: 'https://pki.example.com' }, { launch });
    for (const running of stack.apps) {
      // `exec` in the CMD: the process started is node itself, in the image's directory.
      expect(readlinkSync(`/proc/${running.child.pid}/cwd`)).toBe(app);
      expect(path.basename(readlinkSync(`/proc/${running.child.pid}/exe`))).toBe('node');
    }
    const pca = pcaClient(stack.endpoint);
    expect((await pca.send(new ListCertificateAuthoritiesCommand({}))).CertificateAuthorities).toEqual([]);
    root = await activeRootCa(pca, { subject: { CommonName: 'Image Root' }, validity: { Type: 'YEARS', Value: 1 } });
    const listed = await pca.send(new ListCertificateAuthoritiesCommand({}));
    expect(listed.CertificateAuthorities!.map((ca) => [ca.Arn, ca.Status])).toEqual([[root.arn, 'ACTIVE']]);
  }, 240_000);

  it('serves gRPC from the .proto files of its proto/, with a server and a client certificate the platform issued', async () => {
    expect(stack && root).toBeDefined();
    const pca = pcaClient(stack!.endpoint);
    const pki = new OpensslDir('image-grpc', scratch);
    const issue = async (name: string, san: string, templateName: string) => {
      const csr = pki.csr(name, `/CN=${name}`, { args: ['-addext', `subjectAltName=${san}`] });
      const issued = await issueCertificate(pca, { CertificateAuthorityArn: root!.arn, Csr: bytes(csr), SigningAlgorithm: 'SHA256WITHECDSA', TemplateArn: template(templateName), Validity: { Type: 'DAYS', Value: 1 } });
      return { cert: issued.certificate, key: pki.read(`${name}.key`) };
    };
    // As deploy/base mounts them: the server's certificate and key as files, the client CA by ARN.
    const server = await issue('server', 'DNS:localhost', 'EndEntityServerAuthCertificate');
    const client = await issue('client', `URI:spiffe://pki.local/account/${ACCOUNT_A.accountId}/image-suite`, 'EndEntityClientAuthCertificate');
    writeFileSync(path.join(scratch, 'grpc-server.pem'), server.cert);
    writeFileSync(path.join(scratch, 'grpc-server.key'), server.key, { mode: 0o600 });
    const port = await freePort();
    await stack!.restart('api-gateway', {
      PKI_GRPC_CLIENT_CA_ARN: root!.arn,
      PKI_GRPC_TLS_CERT: path.join(scratch, 'grpc-server.pem'),
      PKI_GRPC_TLS_KEY: path.join(scratch, 'grpc-server.key'),
      PKI_GRPC_PORT: String(port),
      PKI_GRPC_HEALTH_PORT: String(await freePort()),
    });
    const clients = grpcClients(port, root!.certificate, client);
    const listed = await waitFor(() => clients.pca.listCertificateAuthorities({}).catch(() => undefined), { what: "the image gateway's gRPC listener", timeoutMs: 60_000 });
    expect(listed.certificateAuthorities.map((ca) => [ca.arn, ca.status])).toEqual([[root!.arn, acmpca.CertificateAuthorityStatus.ACTIVE]]);
  }, 120_000);

  it('stops every app cleanly on SIGTERM (exit 0)', async () => {
    expect(stack).toBeDefined();
    for (const running of [...stack!.apps].reverse()) expect(await running.stop()).toEqual({ code: 0, signal: null });
  }, 120_000);
});
