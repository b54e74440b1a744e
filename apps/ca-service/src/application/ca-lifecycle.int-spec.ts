import { spawnSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DomainError, type CommandMessage, type KeyAlgorithm, type SigningAlgorithm } from '@pki/contracts';
import { EventStore, eventStoreMigrations, migrateToLatest } from '@pki/eventstore';
import { FilesystemObjectStorage } from '@pki/object-storage';
import { parseCsr } from '@pki/pki';
import { createTestDatabase, type TestDatabase } from '@pki/testing';
import { externalHierarchy, issue } from '../domain/ca-hierarchy.spec-helper';
import { caStream } from '../domain/certificate-authority.events';
import { CA_SCHEMA } from '../infrastructure/database';
import { createKeyCustody } from '../keys/create-key-custody';
import type { KeyCustody } from '../keys/key-custody.port';
import { caMigrations } from '../migrations';
import type { CaContext } from './ca-context';
import { CaLifecycleWorker, DEFAULT_LIFECYCLE_WORKER_OPTIONS } from './ca-lifecycle.worker';
import { createCertificateAuthorityHandler } from './create-certificate-authority.handler';
import { lookupCertificateAuthorityHandlers } from './lookup-certificate-authority.handler';
import { lifecycleHandlers } from './lifecycle.handlers';

/**
 * The real software key custody (envelope-encrypted keys in ca.ca_keys), observed: counts the
 * keys it creates so a second key for one CA would be noticed, and can be made to fail like an
 * unreachable backend.
 */
class ObservedKeyCustody implements KeyCustody {
  readonly backend = 'software' as const;
  generations = 0;
  failing: Error | undefined;
  readonly destroyed: string[] = [];

  constructor(readonly real: KeyCustody) {}

  async generate(id: string, keyAlgorithm: KeyAlgorithm) {
    if (this.failing) throw this.failing;
    if ((await this.real.publicKey(id)) === undefined) this.generations++;
    return this.real.generate(id, keyAlgorithm);
  }
  sign(id: string, algorithm: SigningAlgorithm, data: Uint8Array) {
    return this.real.sign(id, algorithm, data);
  }
  signDigest(id: string, algorithm: SigningAlgorithm, digest: Uint8Array) {
    return this.real.signDigest(id, algorithm, digest);
  }
  publicKey(id: string) {
    return this.real.publicKey(id);
  }
  async destroy(id: string) {
    await this.real.destroy(id);
    this.destroyed.push(id);
  }
}

const DAY = 86_400_000;
const T0 = new Date('2026-11-22T10:00:00.000Z');
const ACCOUNT = '111111111111';
const SUBJECT = { Country: 'US', Organization: 'Example Corp', CommonName: 'Lifecycle Sub CA' };

function openssl(args: string[], files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'ca-lifecycle-'));
  try {
    for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
    const r = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
    return `${r.stdout}\n${r.stderr}`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function failure(promise: Promise<unknown>): Promise<DomainError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a DomainError');
}

describe('CA lifecycle against Postgres (handlers with an injected clock)', () => {
  let database: TestDatabase;
  let now: Date;
  let keys: ObservedKeyCustody;
  let context: CaContext;
  let worker: CaLifecycleWorker;
  let handlers: ReturnType<typeof lifecycleHandlers>;
  let hierarchy: Awaited<ReturnType<typeof externalHierarchy>>;

  const call = (operation: string, input: Record<string, unknown>, accountId = ACCOUNT) =>
    handlers[operation]!({ caller: { accountId, accessKeyId: 'AKIDTEST' }, requestId: `req-${operation}`, input } as CommandMessage) as Promise<any>;
  const describeCa = async (arn: string) => (await call('DescribeCertificateAuthority', { CertificateAuthorityArn: arn })).CertificateAuthority;
  const b64 = (text: string) => Buffer.from(text).toString('base64');

  async function pendingCa(type: 'ROOT' | 'SUBORDINATE' = 'SUBORDINATE', accountId = ACCOUNT): Promise<string> {
    const { CertificateAuthorityArn } = await call(
      'CreateCertificateAuthority',
      { CertificateAuthorityType: type, CertificateAuthorityConfiguration: { KeyAlgorithm: 'EC_prime256v1', SigningAlgorithm: 'SHA256WITHECDSA', Subject: SUBJECT } },
      accountId,
    );
    await worker.tick();
    return CertificateAuthorityArn;
  }

  /** Signs this CA's CSR with the external intermediate (as an on-premises CA would) and imports it. */
  async function activeCa(validDays = 365): Promise<string> {
    const arn = await pendingCa();
    const { Csr } = await call('GetCertificateAuthorityCsr', { CertificateAuthorityArn: arn });
    const csr = parseCsr(Csr);
    const certificate = await issue({
      issuerKey: hierarchy.intermediateKey,
      issuerSubject: hierarchy.intermediateSubject,
      subject: csr.subjectDer,
      spki: csr.publicKeySpki,
      notBefore: new Date(now.getTime() - DAY),
      notAfter: new Date(now.getTime() + validDays * DAY),
      serial: 0x0abcdef0123n,
    });
    await call('ImportCertificateAuthorityCertificate', { CertificateAuthorityArn: arn, Certificate: b64(certificate), CertificateChain: b64(hierarchy.intermediate + hierarchy.root) });
    return arn;
  }

  beforeAll(async () => {
    database = await createTestDatabase();
    await migrateToLatest(database.db, CA_SCHEMA, { ...eventStoreMigrations(CA_SCHEMA), ...caMigrations(CA_SCHEMA) });
    hierarchy = await externalHierarchy(T0);
  });
  afterAll(async () => {
    await database?.destroy();
  });
  beforeEach(() => {
    now = T0;
    keys = new ObservedKeyCustody(createKeyCustody({ PKI_KEY_BACKEND: 'software', PKI_KEK: randomBytes(32).toString('base64') }, database.db));
    context = {
      db: database.db,
      store: new EventStore(database.db, { schema: CA_SCHEMA }),
      region: 'us-east-1',
      publicUrl: 'http://pki.test',
      now: () => now,
      newId: randomUUID,
      keys,
      // Not used by the lifecycle; a real bucket store under a temporary directory.
      objects: new FilesystemObjectStorage(join(tmpdir(), `ca-lifecycle-objects-${randomUUID()}`)),
    };
    worker = new CaLifecycleWorker(context, { ...DEFAULT_LIFECYCLE_WORKER_OPTIONS, creationTimeoutMs: 10 * 60_000 });
    handlers = lifecycleHandlers(context);
  });

  it('creates the key once and a CSR that OpenSSL verifies; GetCertificateAuthorityCsr answers RequestInProgressException until then', async () => {
    const { CertificateAuthorityArn: arn } = await call('CreateCertificateAuthority', {
      CertificateAuthorityType: 'ROOT',
      CertificateAuthorityConfiguration: {
        KeyAlgorithm: 'RSA_2048',
        SigningAlgorithm: 'SHA256WITHRSA',
        Subject: SUBJECT,
        CsrExtensions: { KeyUsage: { KeyCertSign: true, CRLSign: true }, SubjectInformationAccess: [{ AccessMethod: { AccessMethodType: 'CA_REPOSITORY' }, AccessLocation: { UniformResourceIdentifier: 'http://repo.example.com/ca' } }] },
      },
    });
    expect((await failure(call('GetCertificateAuthorityCsr', { CertificateAuthorityArn: arn }))).code).toBe('RequestInProgressException');
    expect((await describeCa(arn)).Status).toBe('CREATING');

    // A crash after key generation but before the CSR was recorded: the next pass reuses the key.
    const id = arn.split('/')[1]!;
    await keys.generate(id, 'RSA_2048');
    expect(await worker.tick()).toMatchObject({ csrsCreated: 1 });
    expect(await worker.tick()).toMatchObject({ csrsCreated: 0 });
    expect(keys.generations).toBe(1);

    const { Csr } = await call('GetCertificateAuthorityCsr', { CertificateAuthorityArn: arn });
    expect(Buffer.from(parseCsr(Csr).publicKeySpki).equals(Buffer.from((await keys.publicKey(id))!))).toBe(true);
    const out = openssl(['req', '-in', 'ca.csr', '-noout', '-verify', '-subject', '-text'], { 'ca.csr': Csr });
    expect(out).toMatch(/verify OK/);
    expect(out).not.toMatch(/verify failure/i);
    expect(out).toMatch(/subject=C\s*=\s*US, O\s*=\s*Example Corp, CN\s*=\s*Lifecycle Sub CA/);
    expect(out).toMatch(/Key Usage: critical\s+Certificate Sign, CRL Sign/);
    expect(out).toMatch(/Subject Information Access:\s+CA Repository - URI:http:\/\/repo.example.com\/ca/);
    expect((await describeCa(arn)).Status).toBe('PENDING_CERTIFICATE');
  });

  it('imports an externally signed certificate with its chain and shows every CertificateAuthority member', async () => {
    const arn = await activeCa();
    const ca = await describeCa(arn);
    expect(ca).toMatchObject({ Status: 'ACTIVE', Serial: 'abcdef0123', NotBefore: (T0.getTime() - DAY) / 1000, NotAfter: (T0.getTime() + 365 * DAY) / 1000, LastStateChangeAt: T0.getTime() / 1000 });
    const got = await call('GetCertificateAuthorityCertificate', { CertificateAuthorityArn: arn });
    expect(got.CertificateChain).toBe(hierarchy.intermediate + hierarchy.root);
    const verified = openssl(['verify', '-x509_strict', '-CAfile', 'root.pem', '-untrusted', 'intermediate.pem', 'ca.pem'], { 'root.pem': hierarchy.root, 'intermediate.pem': hierarchy.intermediate, 'ca.pem': got.Certificate });
    expect(verified).toMatch(/ca.pem: OK/);
  });

  it('delete -> restore within the window returns the CA to its pre-deletion status', async () => {
    const arn = await activeCa();
    expect((await failure(call('DeleteCertificateAuthority', { CertificateAuthorityArn: arn }))).message).toMatch(/ACTIVE; disable it/);
    await call('UpdateCertificateAuthority', { CertificateAuthorityArn: arn, Status: 'DISABLED' });
    now = new Date(T0.getTime() + DAY);
    await call('DeleteCertificateAuthority', { CertificateAuthorityArn: arn, PermanentDeletionTimeInDays: 7 });
    expect(await describeCa(arn)).toMatchObject({ Status: 'DELETED', RestorableUntil: (T0.getTime() + 8 * DAY) / 1000, Serial: 'abcdef0123' });
    expect((await failure(call('GetCertificateAuthorityCertificate', { CertificateAuthorityArn: arn }))).code).toBe('InvalidStateException');

    now = new Date(T0.getTime() + 7 * DAY);
    expect(await worker.tick()).toMatchObject({ permanentlyDeleted: 0 });
    await call('RestoreCertificateAuthority', { CertificateAuthorityArn: arn });
    const restored = await describeCa(arn);
    expect(restored).toMatchObject({ Status: 'DISABLED', LastStateChangeAt: now.getTime() / 1000 });
    expect(restored.RestorableUntil).toBeUndefined();
    await call('UpdateCertificateAuthority', { CertificateAuthorityArn: arn, Status: 'ACTIVE' });
    expect((await describeCa(arn)).Status).toBe('ACTIVE');
    expect(keys.destroyed).toEqual([]);
  });

  it('delete -> permanent removal after the window destroys the key; the CA is then gone', async () => {
    const arn = await pendingCa();
    const id = arn.split('/')[1]!;
    await call('DeleteCertificateAuthority', { CertificateAuthorityArn: arn, PermanentDeletionTimeInDays: 7 });
    now = new Date(T0.getTime() + 7 * DAY - 1000);
    expect(await worker.tick()).toMatchObject({ permanentlyDeleted: 0 });
    expect((await describeCa(arn)).Status).toBe('DELETED');

    now = new Date(T0.getTime() + 7 * DAY);
    expect((await failure(call('RestoreCertificateAuthority', { CertificateAuthorityArn: arn }))).message).toMatch(/restoration period ended/);
    expect(await worker.tick()).toMatchObject({ permanentlyDeleted: 1 });
    expect(keys.destroyed).toEqual([id]);
    expect(await keys.publicKey(id)).toBeUndefined();
    expect((await failure(describeCa(arn))).code).toBe('ResourceNotFoundException');
    expect((await failure(call('RestoreCertificateAuthority', { CertificateAuthorityArn: arn }))).code).toBe('ResourceNotFoundException');
    const events = await context.store.load(caStream(id));
    expect(events.map((e) => e.type)).toEqual(['CertificateAuthorityCreated', 'CsrCreated', 'CertificateAuthorityDeleted', 'CertificateAuthorityPermanentlyDeleted']);
  });

  it('LookupCertificateAuthority (internal): a CA exists from its creation until its permanent deletion, for any caller', async () => {
    const lookup = lookupCertificateAuthorityHandlers(context).LookupCertificateAuthority!;
    const exists = async (certificateAuthorityId: unknown, accountId = ACCOUNT) =>
      ((await lookup({ caller: { accountId, accessKeyId: 'AKIDTEST' }, requestId: 'req-lookup', input: { certificateAuthorityId } } as CommandMessage)) as { exists: boolean }).exists;
    const arn = await pendingCa();
    const id = arn.split('/')[1]!;
    expect(await exists(id)).toBe(true);
    expect(await exists(id, '999999999999')).toBe(true);
    expect(await exists(randomUUID())).toBe(false);
    await expect(exists('not-a-uuid')).rejects.toMatchObject({ kind: 'Malformed' });
    await call('DeleteCertificateAuthority', { CertificateAuthorityArn: arn, PermanentDeletionTimeInDays: 7 });
    expect(await exists(id)).toBe(true);
    now = new Date(T0.getTime() + 7 * DAY);
    await worker.tick();
    expect(await exists(id)).toBe(false);
  });

  it('marks a CA EXPIRED once its certificate notAfter passed', async () => {
    const arn = await activeCa(30);
    now = new Date(T0.getTime() + 30 * DAY - 1000);
    expect(await worker.tick()).toMatchObject({ expired: 0 });
    now = new Date(T0.getTime() + 30 * DAY);
    expect(await worker.tick()).toMatchObject({ expired: 1 });
    expect(await describeCa(arn)).toMatchObject({ Status: 'EXPIRED', LastStateChangeAt: now.getTime() / 1000 });
    expect((await failure(call('UpdateCertificateAuthority', { CertificateAuthorityArn: arn, Status: 'DISABLED' }))).message).toMatch(/status EXPIRED/);
    expect((await call('GetCertificateAuthorityCertificate', { CertificateAuthorityArn: arn })).Certificate).toMatch(/BEGIN CERTIFICATE/);
  });

  it('retries a failing key backend and reports FAILED (REQUEST_TIMED_OUT) once creation timed out', async () => {
    keys.failing = new Error('HSM session unavailable');
    const { CertificateAuthorityArn: arn } = await call('CreateCertificateAuthority', {
      CertificateAuthorityType: 'ROOT',
      CertificateAuthorityConfiguration: { KeyAlgorithm: 'EC_secp384r1', SigningAlgorithm: 'SHA384WITHECDSA', Subject: SUBJECT },
    });
    expect(await worker.tick()).toMatchObject({ csrsCreated: 0, failed: 0 });
    expect((await describeCa(arn)).Status).toBe('CREATING');
    now = new Date(T0.getTime() + 10 * 60_000);
    expect(await worker.tick()).toMatchObject({ failed: 1 });
    expect(await describeCa(arn)).toMatchObject({ Status: 'FAILED', FailureReason: 'REQUEST_TIMED_OUT' });
    expect((await failure(call('GetCertificateAuthorityCsr', { CertificateAuthorityArn: arn }))).code).toBe('RequestFailedException');
    // A failed CA can be deleted.
    await call('DeleteCertificateAuthority', { CertificateAuthorityArn: arn });
    expect(await describeCa(arn)).toMatchObject({ Status: 'DELETED', FailureReason: 'REQUEST_TIMED_OUT' });
  });

  it('refuses a CA over the account quota with LimitExceededException; permanently deleted CAs no longer count', async () => {
    const account = '333333333333';
    const create = createCertificateAuthorityHandler(context, { PKI_MAX_CAS_PER_ACCOUNT: '2' });
    const input = { CertificateAuthorityType: 'ROOT', CertificateAuthorityConfiguration: { KeyAlgorithm: 'EC_prime256v1', SigningAlgorithm: 'SHA256WITHECDSA', Subject: SUBJECT } };
    const message = { caller: { accountId: account, accessKeyId: 'AKIDQUOTA' }, requestId: 'quota', input } as CommandMessage;
    const [first] = await Promise.all([create(message), create(message)]);
    const over = await failure(create(message));
    expect(over.code).toBe('LimitExceededException');
    expect(over.message).toMatch(/already has 2 certificate authorities/);
    await call('DeleteCertificateAuthority', { CertificateAuthorityArn: first.CertificateAuthorityArn, PermanentDeletionTimeInDays: 7 }, account);
    expect((await failure(create(message))).code).toBe('LimitExceededException');
    now = new Date(T0.getTime() + 8 * DAY);
    await worker.tick();
    expect((await create(message)).CertificateAuthorityArn).toMatch(/certificate-authority/);
  });

  it('pages ListTags with MaxResults, each tag exactly once, and untags by value', async () => {
    const arn = await pendingCa();
    const tags = Array.from({ length: 20 }, (_, i) => ({ Key: `key-${i}`, Value: `value-${i}` }));
    await call('TagCertificateAuthority', { CertificateAuthorityArn: arn, Tags: tags });
    const seen: unknown[] = [];
    let NextToken: string | undefined;
    do {
      const page = await call('ListTags', { CertificateAuthorityArn: arn, MaxResults: 7, NextToken });
      expect(page.Tags.length).toBeLessThanOrEqual(7);
      seen.push(...page.Tags);
      NextToken = page.NextToken;
    } while (NextToken);
    expect(seen).toEqual(tags);
    await call('UntagCertificateAuthority', { CertificateAuthorityArn: arn, Tags: [{ Key: 'key-0', Value: 'other' }, { Key: 'key-1', Value: 'value-1' }, { Key: 'key-2' }] });
    const after = await call('ListTags', { CertificateAuthorityArn: arn });
    expect(after.Tags.map((t: { Key: string }) => t.Key).slice(0, 2)).toEqual(['key-0', 'key-3']);
    expect(after.Tags).toHaveLength(18);
    expect((await failure(call('TagCertificateAuthority', { CertificateAuthorityArn: arn, Tags: Array.from({ length: 33 }, (_, i) => ({ Key: `more-${i}` })) }))).code).toBe(
      'TooManyTagsException',
    );
    expect((await call('ListTags', { CertificateAuthorityArn: arn })).Tags).toHaveLength(18);
  });
});
