/**
 * IssueCertificate / GetCertificate against real Postgres: idempotency under 200 concurrent
 * duplicates, serial collisions rejected by the (ca_id, serial) constraint and retried, the
 * RequestInProgress window, failures, access, and the CA projection feeding it all.
 *
 * The Signer here is a test function signing with a node:crypto key: these tests inject a
 * serial generator (and a signer that can be held or made to fail) into the handlers in this
 * process, which a spawned ca-service cannot offer. The same flows through the real ca-service
 * SignData path are in apps/e2e/src/issuance.e2e-spec.ts.
 */
import { randomUUID, sign as cryptoSign } from 'node:crypto';
import {
  CA_EVENT_TYPES,
  DomainError,
  ISSUANCE_OPERATIONS,
  type CommandMessage,
  type EventEnvelope,
  type LookupIssuedCertificateOutput,
  type SignDataInput,
} from '@pki/contracts';
import { EventStore, eventStoreMigrations, migrateToLatest, projectionMigrations } from '@pki/eventstore';
import { buildCsr, fromPem, hashOf, toPem, type ASN1Subject } from '@pki/pki';
import { createTestDatabase, waitFor, type TestDatabase } from '@pki/testing';
import { ecKey, makeRootCa, opensslText, TempDir, signer as keySigner, type TestCa, type TestKey } from '../domain/profile-test-kit.spec-helper';
import { ISSUANCE_SCHEMA } from '../infrastructure/database';
import { issuingCaProjection } from '../infrastructure/projections/issuing-ca.projection';
import { issuanceMigrations } from '../migrations';
import { issuanceHandlers } from './issuance.handlers';
import type { CertificateSigner, IssuanceContext } from './issuance-context';
import { IssuingCaViews } from './issuing-ca-views';
import { RecentlyIssued } from './recently-issued';

const OWNER = { accountId: '111111111111', accessKeyId: 'AKIDA' };
const OTHER = { accountId: '222222222222', accessKeyId: 'AKIDB' };

async function csrPem(key: TestKey, subject: ASN1Subject): Promise<string> {
  const der = await buildCsr({ subject, publicKeySpki: key.spki, signingAlgorithm: 'SHA256WITHECDSA', extensions: [], sign: keySigner(key) });
  return toPem(der, 'CERTIFICATE REQUEST');
}
const blob = (pem: string) => Buffer.from(pem).toString('base64');

describe('issuance handlers (Postgres)', () => {
  let database: TestDatabase;
  let store: EventStore;
  let root: TestCa;
  const caId = randomUUID();
  const caArn = `arn:aws:acm-pca:us-east-1:${OWNER.accountId}:certificate-authority/${caId}`;
  const pendingRootKey = ecKey();
  const pendingRootId = randomUUID();
  const pendingRootArn = `arn:aws:acm-pca:us-east-1:${OWNER.accountId}:certificate-authority/${pendingRootId}`;
  const pendingRootSubject = { Organization: 'Example Corp', CommonName: 'Pending Root' };
  let pendingRootCsr: string;
  let signCalls = 0;
  let signerImpl: CertificateSigner;
  let serials: Array<bigint> = [];
  let tmp: TempDir;

  const testSigner = (key: TestKey): CertificateSigner => async (input: SignDataInput) => {
    signCalls++;
    return cryptoSign(hashOf(input.signingAlgorithm), Buffer.from(input.dataBase64, 'base64'), { key: key.privateKey, dsaEncoding: 'der' });
  };

  const context = (): IssuanceContext => ({
    db: database.db,
    store,
    publicUrl: 'http://pki.example.test:4566',
    now: () => new Date(),
    newId: randomUUID,
    newSerial: () => serials.shift() ?? BigInt(`0x${randomUUID().replace(/-/g, '')}`) >> 1n,
    signer: (input, on) => signerImpl(input, on),
    caCatchUpMs: 0,
  });
  const handlers = () => issuanceHandlers(context());
  const command = (input: unknown, caller = OWNER): CommandMessage => ({ caller, requestId: randomUUID(), input });
  const issue = (input: Record<string, unknown>, caller = OWNER) =>
    handlers().IssueCertificate!(command({ CertificateAuthorityArn: caArn, SigningAlgorithm: 'SHA256WITHECDSA', Validity: { Type: 'DAYS', Value: 10 }, ...input }, caller)) as Promise<{ CertificateArn: string }>;
  const get = (CertificateArn: string, CertificateAuthorityArn = caArn, caller = OWNER) =>
    handlers().GetCertificate!(command({ CertificateAuthorityArn, CertificateArn }, caller)) as Promise<{ Certificate: string; CertificateChain?: string }>;
  const failure = async (p: Promise<unknown>) => {
    try {
      await p;
    } catch (error) {
      if (error instanceof DomainError) return { kind: error.kind, code: error.code, message: error.message };
      throw error;
    }
    throw new Error('expected a DomainError');
  };
  const count = async (table: string) => Number((await database.db.withSchema(ISSUANCE_SCHEMA).selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

  const version = new Map<string, number>();
  const project = async (id: string, arn: string, type: string, data: Record<string, unknown>) => {
    const v = (version.get(id) ?? 0) + 1;
    version.set(id, v);
    const event: EventEnvelope = { id: randomUUID(), stream: `ca-${id}`, version: v, type, schemaVersion: 1, occurredAt: new Date().toISOString(), correlationId: 't', causationId: null, accountId: OWNER.accountId, data: { certificateAuthorityId: id, arn, ...data } };
    await database.db.transaction().execute((trx) => issuingCaProjection.apply(trx, event));
    return event;
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    await migrateToLatest(database.db, ISSUANCE_SCHEMA, { ...eventStoreMigrations(ISSUANCE_SCHEMA), ...projectionMigrations(ISSUANCE_SCHEMA), ...issuanceMigrations(ISSUANCE_SCHEMA) });
    store = new EventStore(database.db, { schema: ISSUANCE_SCHEMA });
    tmp = new TempDir();
    root = await makeRootCa();
    signerImpl = testSigner(root.key);
    const created = { ownerAccount: OWNER.accountId, type: 'ROOT', configuration: { KeyAlgorithm: 'EC_prime256v1', SigningAlgorithm: 'SHA256WITHECDSA' }, usageMode: 'GENERAL_PURPOSE',
      revocationConfiguration: { CrlConfiguration: { Enabled: true, S3BucketName: 'crl-bucket' }, OcspConfiguration: { Enabled: true, OcspCustomCname: 'ocsp.example.com' } } };
    await project(caId, caArn, CA_EVENT_TYPES.CertificateAuthorityCreated, created);
    await project(caId, caArn, CA_EVENT_TYPES.CsrCreated, { csr: 'unused', publicKeySpki: root.key.spki.toString('base64'), keyAlgorithm: 'EC_prime256v1', signingAlgorithm: 'SHA256WITHECDSA', status: 'PENDING_CERTIFICATE' });
    const imported = await project(caId, caArn, CA_EVENT_TYPES.CertificateImported, { certificate: root.pem, certificateChain: null, notAfter: root.facts.notAfter!.toISOString(), status: 'ACTIVE' });
    // Replaying an event changes nothing (the row's version is not older).
    await database.db.transaction().execute((trx) => issuingCaProjection.apply(trx, { ...imported, data: { ...(imported.data as object), status: 'DISABLED' } }));

    pendingRootCsr = await csrPem(pendingRootKey, pendingRootSubject);
    await project(pendingRootId, pendingRootArn, CA_EVENT_TYPES.CertificateAuthorityCreated, { ...created, revocationConfiguration: {} });
    await project(pendingRootId, pendingRootArn, CA_EVENT_TYPES.CsrCreated, { csr: pendingRootCsr, publicKeySpki: pendingRootKey.spki.toString('base64'), keyAlgorithm: 'EC_prime256v1', signingAlgorithm: 'SHA256WITHECDSA', status: 'PENDING_CERTIFICATE' });
  }, 60_000);
  afterAll(async () => {
    tmp?.remove();
    await database?.destroy();
  });
  beforeEach(() => {
    signerImpl = testSigner(root.key);
    serials = [];
  });

  it('projects the CA: ACTIVE once imported, issuer facts from its certificate, revocation URLs in what it issues', async () => {
    const row = await database.db.withSchema(ISSUANCE_SCHEMA).selectFrom('issuing_cas').selectAll().where('id', '=', caId).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'ACTIVE', version: 3, crl_enabled: true, crl_s3_bucket_name: 'crl-bucket', ocsp_enabled: true, ocsp_custom_cname: 'ocsp.example.com' });
    const { CertificateArn } = await issue({ Csr: blob(await csrPem(ecKey(), { CommonName: 'urls.example.com' })) });
    const { Certificate, CertificateChain } = await get(CertificateArn);
    expect(CertificateChain).toBe(root.pem);
    const text = opensslText(tmp, fromPem(Certificate, 'CERTIFICATE'));
    expect(text).toContain(`URI:http://pki.example.test:4566/crl-bucket/crl/${caId}.crl`);
    expect(text).toContain('OCSP - URI:http://ocsp.example.com/');
  });

  it('gives 200 concurrent requests with one IdempotencyToken one certificate, signed once', async () => {
    const csr = blob(await csrPem(ecKey(), { CommonName: 'idempotent.example.com' }));
    const before = { certificates: await count('certificates'), events: await count('events') };
    signCalls = 0;
    const results = await Promise.all(Array.from({ length: 200 }, () => issue({ Csr: csr, IdempotencyToken: 'same-token' })));
    const arns = new Set(results.map((r) => r.CertificateArn));
    expect(arns.size).toBe(1);
    expect(signCalls).toBe(1);
    expect(await count('certificates')).toBe(before.certificates + 1);
    expect(await count('events')).toBe(before.events + 2);
    expect((await get([...arns][0]!)).Certificate).toMatch(/BEGIN CERTIFICATE/);
    // Another token, or another CA's view of the same token, is another certificate.
    expect((await issue({ Csr: csr, IdempotencyToken: 'other-token' })).CertificateArn).not.toBe([...arns][0]);
  });

  it('rejects a repeated serial at the (ca_id, serial) constraint and issues under a fresh one', async () => {
    const repeated = 0x0123456789abcdef0123456789abcdefn;
    const fresh = 0x7edcba98765432100123456789abcdefn;
    serials = [repeated, repeated, fresh];
    const csr = blob(await csrPem(ecKey(), { CommonName: 'serials.example.com' }));
    const first = await issue({ Csr: csr });
    const second = await issue({ Csr: csr });
    expect(first.CertificateArn).toBe(`${caArn}/certificate/123456789abcdef0123456789abcdef`);
    expect(second.CertificateArn).toBe(`${caArn}/certificate/7edcba98765432100123456789abcdef`);
    const rows = await database.db.withSchema(ISSUANCE_SCHEMA).selectFrom('certificates').select(['serial', 'status']).where('serial', 'in', ['123456789abcdef0123456789abcdef', '7edcba98765432100123456789abcdef']).execute();
    expect(rows.sort((a, b) => a.serial.localeCompare(b.serial))).toEqual([
      { serial: '123456789abcdef0123456789abcdef', status: 'ISSUED' },
      { serial: '7edcba98765432100123456789abcdef', status: 'ISSUED' },
    ]);
    // The constraint itself, not a read-before-write, is what refuses the duplicate.
    await expect(
      database.db.withSchema(ISSUANCE_SCHEMA).insertInto('certificates').values({ id: randomUUID(), ca_id: caId, serial: '123456789abcdef0123456789abcdef', arn: 'x', account_id: OWNER.accountId, status: 'REQUESTED', requested_at: new Date(), version: 1 }).execute(),
    ).rejects.toMatchObject({ code: '23505', constraint: 'certificates_ca_serial_key' });
    // GetCertificate takes the serial in hex or in decimal.
    const byDecimal = await get(`${caArn}/certificate/${fresh.toString(10)}`);
    expect(byDecimal.Certificate).toBe((await get(second.CertificateArn)).Certificate);
  });

  it('answers RequestInProgressException until the signature is recorded, then the certificate', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let signing!: () => void;
    const started = new Promise<void>((resolve) => (signing = resolve));
    signerImpl = async (input, on) => {
      signing();
      await held;
      return testSigner(root.key)(input, on);
    };
    serials = [0x42n << 100n];
    const issuing = issue({ Csr: blob(await csrPem(ecKey(), { CommonName: 'slow.example.com' })) });
    await started;
    const arn = `${caArn}/certificate/${(0x42n << 100n).toString(16)}`;
    expect(await failure(get(arn))).toMatchObject({ kind: 'InProgress', code: 'RequestInProgressException' });
    release();
    expect((await issuing).CertificateArn).toBe(arn);
    expect((await get(arn)).Certificate).toMatch(/BEGIN CERTIFICATE/);
  });

  it('records a signing failure: the error is answered, GetCertificate says RequestFailed, the token is free again', async () => {
    signerImpl = async () => {
      throw new DomainError('InvalidState', 'Certificate authority is DISABLED', 'InvalidStateException');
    };
    serials = [0x51n << 90n];
    const csr = blob(await csrPem(ecKey(), { CommonName: 'fails.example.com' }));
    expect(await failure(issue({ Csr: csr, IdempotencyToken: 'retry-me' }))).toMatchObject({ code: 'InvalidStateException' });
    expect(await failure(get(`${caArn}/certificate/${(0x51n << 90n).toString(16)}`))).toMatchObject({ code: 'RequestFailedException', message: expect.stringMatching(/DISABLED/) });
    signerImpl = testSigner(root.key);
    const retried = await issue({ Csr: csr, IdempotencyToken: 'retry-me' });
    expect((await get(retried.CertificateArn)).Certificate).toMatch(/BEGIN CERTIFICATE/);
  });

  it('writes nothing for malformed or forged CSRs, bad algorithms, unknown templates', async () => {
    const before = { certificates: await count('certificates'), events: await count('events') };
    const good = await csrPem(ecKey(), { CommonName: 'x.example.com' });
    const der = fromPem(good, 'CERTIFICATE REQUEST');
    const forged = Buffer.from(der);
    forged[forged.length - 5] ^= 0xff;
    expect(await failure(issue({ Csr: blob('garbage') }))).toMatchObject({ code: 'MalformedCSRException' });
    expect(await failure(issue({ Csr: blob(toPem(forged, 'CERTIFICATE REQUEST')) }))).toMatchObject({ code: 'MalformedCSRException', message: expect.stringMatching(/signature/) });
    expect(await failure(issue({ Csr: blob(toPem(der.subarray(0, der.length - 10), 'CERTIFICATE REQUEST')) }))).toMatchObject({ code: 'MalformedCSRException' });
    expect(await failure(issue({ Csr: blob(await csrPem(ecKey(), {})) }))).toMatchObject({ code: 'MalformedCSRException', message: expect.stringMatching(/subject/) });
    expect(await failure(issue({ Csr: blob(good), SigningAlgorithm: 'SHA256WITHRSA' }))).toMatchObject({ code: 'InvalidArgsException', message: expect.stringMatching(/ECDSA/) });
    expect(await failure(issue({ Csr: blob(good), TemplateArn: 'arn:aws:acm-pca:::template/NoSuchTemplate/V1' }))).toMatchObject({ code: 'InvalidArgsException' });
    expect(await failure(issue({ Csr: blob(good), Validity: { Type: 'YEARS', Value: 50 } }))).toMatchObject({ code: 'ValidationException' });
    expect({ certificates: await count('certificates'), events: await count('events') }).toEqual(before);
  });

  it('lets only the owning account use the CA, and finds nothing under another CA or an unknown ARN', async () => {
    const { CertificateArn } = await issue({ Csr: blob(await csrPem(ecKey(), { CommonName: 'mine.example.com' })) });
    const csr = blob(await csrPem(ecKey(), { CommonName: 'theirs.example.com' }));
    expect(await failure(issue({ Csr: csr }, OTHER))).toMatchObject({ code: 'AccessDeniedException' });
    expect(await failure(get(CertificateArn, caArn, OTHER))).toMatchObject({ code: 'AccessDeniedException' });
    const serial = CertificateArn.split('/').pop()!;
    expect(await failure(get(`${pendingRootArn}/certificate/${serial}`, pendingRootArn))).toMatchObject({ code: 'ResourceNotFoundException' });
    expect(await failure(get(`${pendingRootArn}/certificate/${serial}`))).toMatchObject({ code: 'ResourceNotFoundException' });
    const unknownCa = `arn:aws:acm-pca:us-east-1:${OWNER.accountId}:certificate-authority/${randomUUID()}`;
    expect(await failure(get(`${unknownCa}/certificate/${serial}`, unknownCa))).toMatchObject({ code: 'ResourceNotFoundException' });
    expect(await failure(get(`${caArn}/certificate/ffff`))).toMatchObject({ code: 'ResourceNotFoundException' });
    expect(await failure(get('not-an-arn'))).toMatchObject({ code: 'InvalidArnException' });
  });

  it('with the in-process CA view and recent certificates: the table\'s answers, access still checked, an announced CA change read from the table', async () => {
    const id = randomUUID();
    const arn = `arn:aws:acm-pca:us-east-1:${OWNER.accountId}:certificate-authority/${id}`;
    const created = { ownerAccount: OWNER.accountId, type: 'ROOT', configuration: { KeyAlgorithm: 'EC_prime256v1', SigningAlgorithm: 'SHA256WITHECDSA' }, usageMode: 'GENERAL_PURPOSE', revocationConfiguration: {} };
    await project(id, arn, CA_EVENT_TYPES.CertificateAuthorityCreated, created);
    await project(id, arn, CA_EVENT_TYPES.CsrCreated, { csr: 'unused', publicKeySpki: root.key.spki.toString('base64'), keyAlgorithm: 'EC_prime256v1', signingAlgorithm: 'SHA256WITHECDSA', status: 'PENDING_CERTIFICATE' });
    await project(id, arn, CA_EVENT_TYPES.CertificateImported, { certificate: root.pem, certificateChain: null, notAfter: root.facts.notAfter!.toISOString(), status: 'ACTIVE' });
    const caViews = new IssuingCaViews({ maxAgeMs: 3_600_000 });
    caViews.listening(true);
    const recentlyIssued = new RecentlyIssued();
    const remembering = issuanceHandlers({ ...context(), caViews, recentlyIssued });
    const issueThere = async (caller = OWNER) =>
      remembering.IssueCertificate!(command({ CertificateAuthorityArn: arn, SigningAlgorithm: 'SHA256WITHECDSA', Validity: { Type: 'DAYS', Value: 10 }, Csr: blob(await csrPem(ecKey(), { CommonName: 'viewed.example.com' })) }, caller)) as Promise<{ CertificateArn: string }>;

    const { CertificateArn } = await issueThere();
    expect(caViews.fresh(arn)?.status).toBe('ACTIVE');
    expect(recentlyIssued.find(id, CertificateArn.split('/').pop()!)).toBeDefined();
    const fromMemory = await remembering.GetCertificate!(command({ CertificateAuthorityArn: arn, CertificateArn }));
    expect(fromMemory).toEqual(await get(CertificateArn, arn));
    expect(await failure(remembering.GetCertificate!(command({ CertificateAuthorityArn: arn, CertificateArn }, OTHER)))).toMatchObject({ code: 'AccessDeniedException' });
    expect(await failure(issueThere(OTHER))).toMatchObject({ code: 'AccessDeniedException' });

    // Disabled: once its event is announced, the remembered ACTIVE view is not used again.
    const disabled = await project(id, arn, CA_EVENT_TYPES.StatusChanged, { status: 'DISABLED' });
    caViews.announce(id, disabled.version);
    expect(await failure(issueThere())).toMatchObject({ code: 'InvalidStateException' });
    expect(caViews.fresh(arn)?.status).toBe('DISABLED');
  });

  it('lets a PENDING_CERTIFICATE root issue only its own certificate from its own CSR', async () => {
    signerImpl = testSigner(pendingRootKey);
    const iss = (input: Record<string, unknown>) => issue({ CertificateAuthorityArn: pendingRootArn, Validity: { Type: 'YEARS', Value: 10 }, ...input });
    expect(await failure(iss({ Csr: blob(pendingRootCsr) }))).toMatchObject({ code: 'InvalidStateException', message: expect.stringMatching(/RootCACertificate/) });
    expect(await failure(iss({ Csr: blob(await csrPem(ecKey(), pendingRootSubject)), TemplateArn: 'arn:aws:acm-pca:::template/RootCACertificate/V1' }))).toMatchObject({ code: 'InvalidArgsException' });
    const { CertificateArn } = await iss({ Csr: blob(pendingRootCsr), TemplateArn: 'arn:aws:acm-pca:::template/RootCACertificate/V1' });
    const got = await get(CertificateArn, pendingRootArn);
    expect(got.CertificateChain).toBeUndefined();
    const text = opensslText(tmp, fromPem(got.Certificate, 'CERTIFICATE'), 'own-root.pem');
    expect(text).toMatch(/Issuer: O\s*=\s*Example Corp, CN\s*=\s*Pending Root/);
    expect(text).toMatch(/Basic Constraints: critical\s*\n\s*CA:TRUE/);
  });

  it('a CA not ready here but in another status at ca-service (this projection behind): retryable, not InvalidState', async () => {
    const asked: string[] = [];
    let truth: string | undefined = 'ACTIVE';
    const behind = (): IssuanceContext => ({ ...context(), caStatus: async (id) => (asked.push(id), truth) });
    const issuePending = async () =>
      issuanceHandlers(behind()).IssueCertificate!(
        command({ CertificateAuthorityArn: pendingRootArn, SigningAlgorithm: 'SHA256WITHECDSA', Validity: { Type: 'DAYS', Value: 10 }, Csr: blob(await csrPem(ecKey(), { CommonName: 'behind.example.com' })) }),
      );
    // ca-service has the CA ACTIVE already (its certificate imported), this projection not yet.
    expect(await failure(issuePending())).toMatchObject({ kind: 'Unavailable', message: expect.stringMatching(/is ACTIVE, and that change is still on its way/) });
    // The same status there: the CA refuses for real.
    truth = 'PENDING_CERTIFICATE';
    expect(await failure(issuePending())).toMatchObject({ code: 'InvalidStateException' });
    expect(asked).toEqual([pendingRootId, pendingRootId]);
    // A CA ready here is not asked about.
    await issuanceHandlers(behind()).IssueCertificate!(command({ CertificateAuthorityArn: caArn, SigningAlgorithm: 'SHA256WITHECDSA', Validity: { Type: 'DAYS', Value: 10 }, Csr: blob(await csrPem(ecKey(), { CommonName: 'ready.example.com' })) }));
    expect(asked).toHaveLength(2);
  });

  it('LookupIssuedCertificate: the CertificateIssued event as stored, IN_PROGRESS while signing, NOT_ISSUED for unknown or failed serials', async () => {
    const lookup = (serial: string, certificateAuthorityId = caId) => handlers()[ISSUANCE_OPERATIONS.LookupIssuedCertificate]!(command({ certificateAuthorityId, serial })) as Promise<LookupIssuedCertificateOutput>;
    const { CertificateArn } = await issue({ Csr: blob(await csrPem(ecKey(), { CommonName: 'lookup.example.com' })) });
    const serial = CertificateArn.split('/').pop()!;
    const answer = await lookup(serial);
    const stored = (await database.db.withSchema(ISSUANCE_SCHEMA).selectFrom('events').selectAll().where('type', '=', 'CertificateIssued').execute()).find((e) => (e.data as { serial: string }).serial === serial)!;
    expect(answer).toEqual({ status: 'ISSUED', eventId: stored.id, certificate: stored.data });
    expect(await lookup('abcdef0123')).toEqual({ status: 'NOT_ISSUED' });
    expect(await lookup(serial, pendingRootId)).toEqual({ status: 'NOT_ISSUED' });

    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let signing!: () => void;
    const started = new Promise<void>((resolve) => (signing = resolve));
    signerImpl = async () => {
      signing();
      await held;
      throw new DomainError('InvalidState', 'CA disabled meanwhile');
    };
    serials = [0x43n << 100n];
    const failing = failure(issue({ Csr: blob(await csrPem(ecKey(), { CommonName: 'lookup-failing.example.com' })) }));
    await started;
    expect(await lookup((0x43n << 100n).toString(16))).toEqual({ status: 'IN_PROGRESS' });
    release();
    await failing;
    expect(await lookup((0x43n << 100n).toString(16))).toEqual({ status: 'NOT_ISSUED' });
    expect(await failure(lookup('00ab'))).toMatchObject({ kind: 'Malformed' });
  });

  it('an unknown CA ARN is answered at once when the CA projection has applied its stream; still behind at the deadline: retryable', async () => {
    let catchUpCalls = 0;
    let caughtUp = true;
    const patient = (): IssuanceContext => ({ ...context(), caCatchUpMs: 3_600_000, caCatchUp: async () => (catchUpCalls++, caughtUp) });
    const unknownArn = `arn:aws:acm-pca:us-east-1:${OWNER.accountId}:certificate-authority/${randomUUID()}`;
    const getUnknown = (ctx: IssuanceContext) => issuanceHandlers(ctx).GetCertificate!(command({ CertificateAuthorityArn: unknownArn, CertificateArn: `${unknownArn}/certificate/abc` }));
    const started = Date.now();
    expect(await failure(getUnknown(patient()))).toMatchObject({ code: 'ResourceNotFoundException' });
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(catchUpCalls).toBe(1);
    caughtUp = false;
    expect(await failure(getUnknown(patient()))).toMatchObject({ kind: 'Unavailable' });
    // A known CA never waits for the catch-up.
    const { CertificateArn } = await issue({ Csr: blob(await csrPem(ecKey(), { CommonName: 'known.example.com' })) });
    expect((await issuanceHandlers(patient()).GetCertificate!(command({ CertificateAuthorityArn: caArn, CertificateArn }))) as { Certificate: string }).toMatchObject({ Certificate: expect.stringMatching(/BEGIN CERTIFICATE/) });
    const unknownCertificate = Date.now();
    expect(await failure(issuanceHandlers(patient()).GetCertificate!(command({ CertificateAuthorityArn: caArn, CertificateArn: `${caArn}/certificate/d0d0d0` })))).toMatchObject({ code: 'ResourceNotFoundException' });
    expect(Date.now() - unknownCertificate).toBeLessThan(1_000);
    expect(catchUpCalls).toBe(2);
  });

  it('a CA the projection lacks with its stream applied: ca-service decides; one it has (not published yet) is waited for', async () => {
    const asked: string[] = [];
    const fresh = new Set<string>();
    const patient = (): IssuanceContext => ({
      ...context(),
      caCatchUpMs: 3_600_000,
      caCatchUp: async () => true,
      caExists: async (id) => (asked.push(id), fresh.has(id)),
    });
    const getOn = (arn: string) => issuanceHandlers(patient()).GetCertificate!(command({ CertificateAuthorityArn: arn, CertificateArn: `${arn}/certificate/abc` }));
    // Unknown to ca-service too: ResourceNotFoundException at once, on its word.
    const unknownId = randomUUID();
    const unknownArn = `arn:aws:acm-pca:us-east-1:${OWNER.accountId}:certificate-authority/${unknownId}`;
    expect(await failure(getOn(unknownArn))).toMatchObject({ code: 'ResourceNotFoundException', message: expect.stringMatching(/^Certificate authority .* does not exist/) });
    expect(asked).toEqual([unknownId]);
    // Committed by ca-service, its event still on the way: the request waits for the event instead of answering "does not exist".
    const freshId = randomUUID();
    const freshArn = `arn:aws:acm-pca:us-east-1:${OWNER.accountId}:certificate-authority/${freshId}`;
    fresh.add(freshId);
    const pending = failure(getOn(freshArn));
    await waitFor(async () => asked.length === 2, { what: 'issuance to ask ca-service about the fresh CA' });
    await project(freshId, freshArn, CA_EVENT_TYPES.CertificateAuthorityCreated, {
      ownerAccount: OWNER.accountId, type: 'ROOT', configuration: { KeyAlgorithm: 'EC_prime256v1', SigningAlgorithm: 'SHA256WITHECDSA' }, usageMode: 'GENERAL_PURPOSE', revocationConfiguration: {},
    });
    // Found: what remains is the certificate's own answer.
    expect(await pending).toMatchObject({ code: 'ResourceNotFoundException', message: expect.not.stringMatching(/^Certificate authority .* does not exist/) });
    // A CA the projection has is never asked about.
    expect(asked).toEqual([unknownId, freshId]);
    await failure(getOn(freshArn));
    expect(asked).toEqual([unknownId, freshId]);
  });
});
