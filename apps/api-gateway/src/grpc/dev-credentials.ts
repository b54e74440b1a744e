/**
 * Development credentials of the gRPC listener (issue #16): no unauthenticated mode exists, so
 * `npm start` needs a server certificate and a client certificate before anyone can call. They
 * come from the platform itself, through the same ACM Private CA commands an SDK caller's
 * requests become (OperationDispatcher: the same model check, the same NATS commands): a ROOT
 * "development trust CA" tagged {@link DEV_GRPC_CA_TAG} in the given account, which signs its own
 * certificate, then issues the server certificate (EndEntityServerAuthCertificate/V1) and a client
 * certificate for the account (EndEntityClientAuthCertificate/V1, URI SAN
 * `spiffe://<trust domain>/account/<account>/dev-client`). Both templates copy the CSR's subject
 * alternative names and fix the extended key usage, so no ApiPassthrough is needed.
 *
 * Files in `dir` (keys 0600): ca.pem (the CA certificate: the trust anchor clients verify the
 * server with, and the CA whose certificates the listener accepts), server.pem (certificate and
 * chain), server.key, client.pem (certificate and chain), client.key, dev.json
 * ({ clientCaArn, clientSpiffeId, createdAt }, written last). A later start reuses everything that
 * is still good and issues only what is missing, expiring within a day, or no longer matching.
 * Processes that start at once (two gateways in development) take turns through a lock file.
 * Refused when NODE_ENV=production. Private keys are never logged.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';
import { mkdir, open, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Logger } from '@nestjs/common';
import { parseCertificateAuthorityArn, type Caller } from '@pki/contracts';
import { buildCsr, formatIpAddress, parseCertificate, parseIpAddress, pemBlocks, subjectAltNameExtension, toPem, verifyChain, type GeneralName, type ParsedCertificate } from '@pki/pki';
import type { ServiceClient } from '@pki/service-kit';
import { OperationDispatcher } from '../routing/operation-dispatcher';
import { TRUST_DOMAIN } from './grpc-config';

export interface GrpcServerCredentials {
  /** ARN of the CA whose certificates are accepted as client certificates. */
  readonly clientCaArn: string;
  /** PEM: the server certificate followed by its chain (issuing CA up to the root). */
  readonly serverCertPem: string;
  readonly serverKeyPem: string;
}

export const DEV_GRPC_CA_TAG = { Key: 'pki:grpc-dev-trust', Value: 'true' } as const;

const CA_COMMON_NAME = 'PKI development gRPC trust CA';
const SERVER_COMMON_NAME = 'PKI development gRPC server';
const CLIENT_COMMON_NAME = 'PKI development gRPC client';
const TEMPLATE = (name: string) => `arn:aws:acm-pca:::template/${name}/V1`;
/** The CA's own certificate from its own CSR. */
const ROOT_TEMPLATE = TEMPLATE('RootCACertificate');
/** Subject and SANs from the CSR; EKU serverAuth only. */
const SERVER_TEMPLATE = TEMPLATE('EndEntityServerAuthCertificate');
/** Subject and SANs from the CSR; EKU clientAuth only. */
const CLIENT_TEMPLATE = TEMPLATE('EndEntityClientAuthCertificate');
const CA_VALIDITY = { Type: 'YEARS', Value: 10 } as const;
const LEAF_VALIDITY = { Type: 'YEARS', Value: 1 } as const;
const SIGNING_ALGORITHM = 'SHA256WITHECDSA';

/** A certificate (or CA) that expires sooner than this is replaced rather than reused. */
const RENEW_BEFORE_MS = 24 * 60 * 60 * 1000;
/**
 * Bound of one whole run: generous, because `npm start` starts every service at once and the
 * gateway may ask before ca-service and issuance-service answer (ServiceUnavailableException is
 * waited out), and a new CA's key pair and CSR are made by ca-service's worker in the background.
 */
const RUN_TIMEOUT_MS = 5 * 60 * 1000;
const POLL_MS = 250;
/** A lock older than this is left over from a process that died (a run is bounded well below it). */
const LOCK_STALE_MS = 2 * RUN_TIMEOUT_MS;
/** Longest wait for another process's run: its bound, and a margin. */
const LOCK_WAIT_MS = RUN_TIMEOUT_MS + 60 * 1000;
const LOCK_FILE = '.dev-credentials.lock';

const FILES = {
  ca: 'ca.pem',
  serverCert: 'server.pem',
  serverKey: 'server.key',
  clientCert: 'client.pem',
  clientKey: 'client.key',
  record: 'dev.json',
} as const;
type FileKey = keyof typeof FILES;
const KEY_FILES: ReadonlySet<FileKey> = new Set(['serverKey', 'clientKey']);

interface DevRecord {
  readonly clientCaArn: string;
  readonly clientSpiffeId: string;
  readonly createdAt: string;
}

interface Wanted {
  readonly dir: string;
  readonly accountId: string;
  readonly serverNames: readonly GeneralName[];
  readonly clientSpiffeId: string;
}

interface TrustCa {
  readonly arn: string;
  /** The CA certificate (and its chain, for a CA that is not a root), PEM. */
  readonly pem: string;
}

interface Leaf {
  /** The certificate followed by its chain, PEM. */
  readonly certPem: string;
  readonly keyPem: string;
}

/** Creates once (or reuses) the development trust CA, a server certificate and a client certificate for `accountId`, through the platform's own commands; writes ca.pem, client.pem, client.key, server.pem, server.key and dev.json to `dir`. */
export async function ensureDevGrpcCredentials(
  services: ServiceClient,
  options: { dir: string; accountId: string; trustDomain: string; serverNames: readonly string[] },
): Promise<GrpcServerCredentials> {
  if (process.env.NODE_ENV === 'production') {
    throw new Error('Development gRPC credentials are refused when NODE_ENV=production: give the gRPC listener a server certificate and PKI_GRPC_CLIENT_CA_ARN of its own.');
  }
  const wanted = checkedOptions(options);
  await mkdir(wanted.dir, { recursive: true, mode: 0o700 });
  return withLock(join(wanted.dir, LOCK_FILE), () => new DevCredentials(new OperationDispatcher(services), wanted, Date.now() + RUN_TIMEOUT_MS).ensure());
}

function checkedOptions(options: { dir: string; accountId: string; trustDomain: string; serverNames: readonly string[] }): Wanted {
  if (!/^\d{12}$/.test(options.accountId)) throw new Error(`accountId must be 12 digits, not ${JSON.stringify(options.accountId)}`);
  if (!TRUST_DOMAIN.test(options.trustDomain)) throw new Error(`trustDomain must be a SPIFFE trust domain (lowercase letters, digits, ".", "-", "_"), not ${JSON.stringify(options.trustDomain)}`);
  if (options.serverNames.length === 0) throw new Error('serverNames must name at least one DNS name or IP address of the gRPC listener');
  const serverNames = options.serverNames.map((name): GeneralName => (isIP(name) ? { IpAddress: name } : { DnsName: name.toLowerCase() }));
  return { dir: options.dir, accountId: options.accountId, serverNames, clientSpiffeId: `spiffe://${options.trustDomain}/account/${options.accountId}/dev-client` };
}

class DevCredentials {
  private readonly log = new Logger('api-gateway');
  private readonly caller: Caller;

  constructor(
    private readonly dispatcher: OperationDispatcher,
    private readonly wanted: Wanted,
    private readonly deadline: number,
  ) {
    this.caller = { accountId: wanted.accountId, accessKeyId: 'pki-grpc-dev-credentials' };
  }

  async ensure(): Promise<GrpcServerCredentials> {
    const { dir } = this.wanted;
    const found = await readFiles(dir);
    const record = parseRecord(found.record);
    const ca = (record && (await this.activeCa(record.clientCaArn))) ?? (await this.taggedCa()) ?? (await this.newCa());
    const now = new Date();
    const reusedServer = usableLeaf(found.serverCert, found.serverKey, ca, now, (cert) => this.wanted.serverNames.every((name) => hasName(cert, name)));
    const server = reusedServer ?? (await this.issueLeaf(ca, SERVER_TEMPLATE, SERVER_COMMON_NAME, this.wanted.serverNames));
    const reusedClient = usableLeaf(found.clientCert, found.clientKey, ca, now, (cert) => hasName(cert, { UniformResourceIdentifier: this.wanted.clientSpiffeId }));
    const client = reusedClient ?? (await this.issueLeaf(ca, CLIENT_TEMPLATE, CLIENT_COMMON_NAME, [{ UniformResourceIdentifier: this.wanted.clientSpiffeId }]));

    const unchanged = reusedServer && reusedClient && record?.clientCaArn === ca.arn && record.clientSpiffeId === this.wanted.clientSpiffeId && found.ca === ca.pem;
    const next: DevRecord = unchanged && record ? record : { clientCaArn: ca.arn, clientSpiffeId: this.wanted.clientSpiffeId, createdAt: now.toISOString() };
    // dev.json last: it names what the other files hold, so it is written once they are in place.
    const contents: Record<FileKey, string> = {
      serverKey: server.keyPem,
      serverCert: server.certPem,
      clientKey: client.keyPem,
      clientCert: client.certPem,
      ca: ca.pem,
      record: `${JSON.stringify(next, null, 2)}\n`,
    };
    const written: string[] = [];
    for (const key of Object.keys(contents) as FileKey[]) {
      if (found[key] === contents[key]) continue;
      await writeAtomically(join(dir, FILES[key]), contents[key], KEY_FILES.has(key) ? 0o600 : 0o644);
      written.push(FILES[key]);
    }
    if (written.length) this.log.log(`development gRPC credentials in ${dir}: wrote ${written.join(', ')} (trust CA ${ca.arn}, client ${this.wanted.clientSpiffeId})`);
    else this.log.log(`development gRPC credentials in ${dir} reused (trust CA ${ca.arn})`);
    return { clientCaArn: ca.arn, serverCertPem: server.certPem, serverKeyPem: server.keyPem };
  }

  /** The CA `arn` names when it is this account's, ACTIVE, and its certificate lasts more than a day; else undefined. */
  private async activeCa(arn: string): Promise<TrustCa | undefined> {
    if (parseCertificateAuthorityArn(arn)?.account !== this.wanted.accountId) return undefined;
    const described = await this.send<{ CertificateAuthority: CaDescription }>('DescribeCertificateAuthority', { CertificateAuthorityArn: arn }, {
      absentOn: ['ResourceNotFoundException', 'AccessDeniedException', 'InvalidArnException'],
    });
    const ca = described?.CertificateAuthority;
    if (ca?.Status !== 'ACTIVE' || !lastsMoreThanADay(ca.NotAfter)) return undefined;
    const got = await this.send<{ Certificate: string; CertificateChain?: string }>('GetCertificateAuthorityCertificate', { CertificateAuthorityArn: arn });
    return { arn, pem: joinPem(got!.Certificate, got!.CertificateChain) };
  }

  /**
   * A CA of the account tagged {@link DEV_GRPC_CA_TAG}, when dev.json does not name a usable one
   * (the directory was removed, or a run stopped before writing it): the newest ACTIVE one, else
   * the newest one still on its way (CREATING, PENDING_CERTIFICATE), which is activated.
   */
  private async taggedCa(): Promise<TrustCa | undefined> {
    const candidates: CaDescription[] = [];
    let NextToken: string | undefined;
    do {
      const page = await this.send<{ CertificateAuthorities?: CaDescription[]; NextToken?: string }>('ListCertificateAuthorities', NextToken ? { NextToken } : {});
      for (const ca of page!.CertificateAuthorities ?? []) if (['ACTIVE', 'PENDING_CERTIFICATE', 'CREATING'].includes(ca.Status)) candidates.push(ca);
      NextToken = page!.NextToken;
    } while (NextToken);
    candidates.sort((a, b) => Number(b.CreatedAt) - Number(a.CreatedAt));
    const tagged: CaDescription[] = [];
    for (const ca of candidates) if (await this.hasDevTag(ca.Arn)) tagged.push(ca);
    for (const ca of tagged) {
      if (ca.Status !== 'ACTIVE') continue;
      const active = await this.activeCa(ca.Arn);
      if (active) return active;
    }
    const pending = tagged.find((ca) => ca.Status !== 'ACTIVE');
    if (!pending) return undefined;
    this.log.log(`activating the development gRPC trust CA ${pending.Arn} (${pending.Status})`);
    return this.activate(pending.Arn);
  }

  private async hasDevTag(arn: string): Promise<boolean> {
    let NextToken: string | undefined;
    do {
      const page = await this.send<{ Tags?: Array<{ Key: string; Value?: string }>; NextToken?: string }>('ListTags', { CertificateAuthorityArn: arn, ...(NextToken ? { NextToken } : {}) }, {
        absentOn: ['ResourceNotFoundException'],
      });
      if (!page) return false;
      if ((page.Tags ?? []).some((tag) => tag.Key === DEV_GRPC_CA_TAG.Key && tag.Value === DEV_GRPC_CA_TAG.Value)) return true;
      NextToken = page.NextToken;
    } while (NextToken);
    return false;
  }

  private async newCa(): Promise<TrustCa> {
    const created = await this.send<{ CertificateAuthorityArn: string }>('CreateCertificateAuthority', {
      CertificateAuthorityType: 'ROOT',
      CertificateAuthorityConfiguration: { KeyAlgorithm: 'EC_prime256v1', SigningAlgorithm: SIGNING_ALGORITHM, Subject: { CommonName: CA_COMMON_NAME } },
      // One token for this run's every attempt: a retry after a lost answer gets the same CA.
      IdempotencyToken: randomUUID(),
      Tags: [DEV_GRPC_CA_TAG],
    });
    const arn = created!.CertificateAuthorityArn;
    this.log.log(`created the development gRPC trust CA ${arn}`);
    return this.activate(arn);
  }

  /** A ROOT CA waiting for its certificate signs its own (RootCACertificate/V1 from its own CSR) and imports it: ACTIVE. */
  private async activate(arn: string): Promise<TrustCa> {
    await this.untilPendingCertificate(arn);
    const { Csr } = (await this.send<{ Csr: string }>('GetCertificateAuthorityCsr', { CertificateAuthorityArn: arn }, { retryOn: ['RequestInProgressException'] }))!;
    const own = await this.issue(arn, Csr, ROOT_TEMPLATE, CA_VALIDITY);
    await this.send('ImportCertificateAuthorityCertificate', { CertificateAuthorityArn: arn, Certificate: base64(own.Certificate) });
    return { arn, pem: joinPem(own.Certificate, own.CertificateChain) };
  }

  private async untilPendingCertificate(arn: string): Promise<void> {
    for (;;) {
      const { CertificateAuthority: ca } = (await this.send<{ CertificateAuthority: CaDescription }>('DescribeCertificateAuthority', { CertificateAuthorityArn: arn }))!;
      if (ca.Status === 'PENDING_CERTIFICATE') return;
      if (ca.Status !== 'CREATING') throw new Error(`The development gRPC trust CA ${arn} is ${ca.Status}${ca.FailureReason ? ` (${ca.FailureReason})` : ''}, not PENDING_CERTIFICATE`);
      await this.pause(`the development gRPC trust CA ${arn} to get its key pair and CSR`);
    }
  }

  /** A new P-256 key and a certificate for it with `names` as its subject alternative names. */
  private async issueLeaf(ca: TrustCa, templateArn: string, commonName: string, names: readonly GeneralName[]): Promise<Leaf> {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const csr = await buildCsr({
      subject: { CommonName: commonName },
      publicKeySpki: publicKey.export({ type: 'spki', format: 'der' }),
      signingAlgorithm: SIGNING_ALGORITHM,
      extensions: [subjectAltNameExtension([...names])],
      sign: async (info) => sign('sha256', info, privateKey),
    });
    const issued = await this.issue(ca.arn, toPem(csr, 'CERTIFICATE REQUEST'), templateArn, LEAF_VALIDITY);
    this.log.log(`issued the development gRPC ${templateArn === SERVER_TEMPLATE ? 'server' : 'client'} certificate ${issued.arn}`);
    return { certPem: joinPem(issued.Certificate, issued.CertificateChain), keyPem: privateKeyPem(privateKey) };
  }

  /** IssueCertificate, then GetCertificate until it is issued. */
  private async issue(caArn: string, csrPem: string, templateArn: string, validity: { Type: string; Value: number }) {
    const { CertificateArn } = (await this.send<{ CertificateArn: string }>('IssueCertificate', {
      CertificateAuthorityArn: caArn,
      Csr: base64(csrPem),
      SigningAlgorithm: SIGNING_ALGORITHM,
      TemplateArn: templateArn,
      Validity: validity,
      IdempotencyToken: randomUUID(),
    }))!;
    const got = await this.send<{ Certificate: string; CertificateChain?: string }>('GetCertificate', { CertificateAuthorityArn: caArn, CertificateArn }, { retryOn: ['RequestInProgressException'] });
    return { arn: CertificateArn, ...got! };
  }

  /**
   * One ACM Private CA operation as the HTTP and gRPC fronts send it. ServiceUnavailableException
   * (a service not started yet, a projection catching up) and the codes in `retryOn` are waited
   * out until the run's deadline; every write sent here is safe to repeat (an IdempotencyToken, or
   * an import that may be made again). The codes in `absentOn` answer undefined; others throw.
   */
  private async send<T = unknown>(operation: string, input: unknown, options: { retryOn?: readonly string[]; absentOn?: readonly string[] } = {}): Promise<T | undefined> {
    for (;;) {
      const answer = await this.dispatcher.dispatch('acm-pca', operation, input, this.caller, randomUUID(), { timeoutMs: Math.max(1, this.deadline - Date.now()) });
      if (answer.ok) return answer.result as T;
      const { code, message } = answer.error;
      if (options.absentOn?.includes(code)) return undefined;
      if (code !== 'ServiceUnavailableException' && !options.retryOn?.includes(code)) {
        throw new Error(`Development gRPC credentials: ${operation} failed: ${code}: ${message}`);
      }
      await this.pause(`${operation} (${code}: ${message})`);
    }
  }

  private async pause(waitingFor: string): Promise<void> {
    if (Date.now() + POLL_MS > this.deadline) throw new Error(`Development gRPC credentials: gave up after ${RUN_TIMEOUT_MS / 1000} s waiting for ${waitingFor}`);
    await sleep(POLL_MS);
  }
}

interface CaDescription {
  readonly Arn: string;
  readonly Status: string;
  readonly CreatedAt?: number;
  /** Epoch seconds, once the CA has a certificate. */
  readonly NotAfter?: number;
  readonly FailureReason?: string;
}

const lastsMoreThanADay = (notAfter: Date | number | undefined): boolean =>
  notAfter !== undefined && (notAfter instanceof Date ? notAfter.getTime() : notAfter * 1000) - Date.now() > RENEW_BEFORE_MS;

/**
 * The certificate and key files when they are still good for `ca`: the key is the certificate's,
 * it chains to the CA, lasts more than a day and has the names wanted (`hasNames`).
 */
function usableLeaf(certPem: string | undefined, keyPem: string | undefined, ca: TrustCa, now: Date, hasNames: (cert: ParsedCertificate) => boolean): Leaf | undefined {
  if (certPem === undefined || keyPem === undefined) return undefined;
  try {
    const blocks = pemBlocks(certPem).filter((block) => block.label === 'CERTIFICATE');
    if (blocks.length === 0) return undefined;
    const cert = parseCertificate(blocks[0]!.der);
    const anchors = pemBlocks(ca.pem).map((block) => block.der);
    if (!verifyChain(cert, [], anchors, now).ok || !lastsMoreThanADay(cert.notAfter) || !hasNames(cert)) return undefined;
    const keySpki = createPublicKey(createPrivateKey(keyPem)).export({ type: 'spki', format: 'der' });
    if (!keySpki.equals(Buffer.from(cert.publicKeySpki))) return undefined;
    return { certPem, keyPem };
  } catch {
    // Unreadable files are replaced, not reported: they are this function's own output.
    return undefined;
  }
}

function hasName(cert: ParsedCertificate, name: GeneralName): boolean {
  const sans = cert.subjectAltNames ?? [];
  if (name.DnsName !== undefined) return sans.some((san) => san.kind === 'dNSName' && san.value.toLowerCase() === name.DnsName);
  if (name.IpAddress !== undefined) {
    const bytes = parseIpAddress(name.IpAddress);
    return bytes !== undefined && sans.some((san) => san.kind === 'iPAddress' && san.value === formatIpAddress(bytes));
  }
  return sans.some((san) => san.kind === 'uniformResourceIdentifier' && san.value === name.UniformResourceIdentifier);
}

function parseRecord(text: string | undefined): DevRecord | undefined {
  if (text === undefined) return undefined;
  try {
    const value = JSON.parse(text) as Partial<DevRecord>;
    if (typeof value.clientCaArn === 'string' && typeof value.clientSpiffeId === 'string' && typeof value.createdAt === 'string') {
      return { clientCaArn: value.clientCaArn, clientSpiffeId: value.clientSpiffeId, createdAt: value.createdAt };
    }
  } catch {
    // fall through: an unreadable dev.json names nothing
  }
  return undefined;
}

async function readFiles(dir: string): Promise<Partial<Record<FileKey, string>>> {
  const found: Partial<Record<FileKey, string>> = {};
  for (const key of Object.keys(FILES) as FileKey[]) {
    try {
      found[key] = await readFile(join(dir, FILES[key]), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  return found;
}

/** Written beside, then renamed: a reader never sees half a file, and a key is never readable by others, even briefly. */
async function writeAtomically(path: string, content: string, mode: number): Promise<void> {
  const temporary = `${path}.${process.pid}.${randomUUID()}.tmp`;
  await writeFile(temporary, content, { mode, flag: 'wx' });
  await rename(temporary, path);
}

const base64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');
const privateKeyPem = (key: KeyObject): string => key.export({ type: 'pkcs8', format: 'pem' }).toString();
/** A certificate and its chain as one PEM bundle, each block ending in a newline. */
export const joinPem = (certificate: string, chain: string | undefined): string => [certificate, chain].filter((pem): pem is string => !!pem?.trim()).map((pem) => (pem.endsWith('\n') ? pem : `${pem}\n`)).join('');

/**
 * Runs `fn` holding `path`, a lock file made with O_CREAT|O_EXCL, so two gateway processes
 * starting at once in development do not both create a CA: the second waits, then finds the
 * first one's files. A lock whose process is gone (same host) or that is older than any run can
 * last is taken over.
 */
async function withLock<T>(path: string, fn: () => Promise<T>): Promise<T> {
  const owner = JSON.stringify({ host: hostname(), pid: process.pid, token: randomUUID(), at: new Date().toISOString() });
  const giveUpAt = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      const handle = await open(path, 'wx', 0o600);
      try {
        await handle.writeFile(owner);
      } finally {
        await handle.close();
      }
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const held = await readLock(path);
    if (held && held.stale) {
      // Read again just before removing: only the very lock judged stale is removed.
      if ((await readLock(path))?.text === held.text) await unlink(path).catch(ignoreMissing);
      continue;
    }
    if (Date.now() > giveUpAt) throw new Error(`Development gRPC credentials: ${path} is still held (${held?.text ?? 'unreadable'}); remove it if no other gateway is starting`);
    await sleep(POLL_MS);
  }
  try {
    return await fn();
  } finally {
    if ((await readLock(path))?.text === owner) await unlink(path).catch(ignoreMissing);
  }
}

async function readLock(path: string): Promise<{ text: string; stale: boolean } | undefined> {
  try {
    const [text, info] = await Promise.all([readFile(path, 'utf8'), stat(path)]);
    let holder: { host?: unknown; pid?: unknown } = {};
    try {
      holder = JSON.parse(text) as typeof holder;
    } catch {
      // being written (or garbage): only its age can make it stale
    }
    const gone = holder.host === hostname() && typeof holder.pid === 'number' && !isAlive(holder.pid);
    return { text, stale: gone || Date.now() - info.mtimeMs > LOCK_STALE_MS };
  } catch (error) {
    ignoreMissing(error);
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function ignoreMissing(error: unknown): void {
  if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
}
