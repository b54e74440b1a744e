/**
 * Crash recovery against real Postgres: a request whose process died after CertificateRequested
 * (simulated by a signer that never answers the live handler) is finished by the recovery
 * worker exactly once, even with two workers racing; a fresh request (younger than the
 * staleness bound) is left to its live handler. The signers here are node:crypto test keys, as
 * in issuance.int-spec.ts.
 */
import { createPublicKey, randomUUID, sign as cryptoSign, X509Certificate } from 'node:crypto';
import { CA_EVENT_TYPES, certificateStream, DomainError, type CommandMessage, type EventEnvelope, type SignDataInput } from '@pki/contracts';
import { ConcurrencyError, EventStore, eventStoreMigrations, migrateToLatest, projectionMigrations } from '@pki/eventstore';
import { assembleCertificate, buildCsr, fromPem, hashOf, toPem, type ASN1Subject } from '@pki/pki';
import { createTestDatabase, waitFor, type TestDatabase } from '@pki/testing';
import { ecKey, makeRootCa, signer as keySigner, type TestCa, type TestKey } from '../domain/profile-test-kit.spec-helper';
import { ISSUANCE_SCHEMA } from '../infrastructure/database';
import { issuingCaProjection } from '../infrastructure/projections/issuing-ca.projection';
import { issuanceMigrations } from '../migrations';
import { issuanceHandlers } from './issuance.handlers';
import type { CertificateSigner, IssuanceContext } from './issuance-context';
import { issuanceRecoveryWorker } from './issuance-recovery.worker';

const OWNER = { accountId: '111111111111', accessKeyId: 'AKIDA' };
const STALE_AFTER_MS = 120_000;

async function csrPem(key: TestKey, subject: ASN1Subject): Promise<string> {
  const der = await buildCsr({ subject, publicKeySpki: key.spki, signingAlgorithm: 'SHA256WITHECDSA', extensions: [], sign: keySigner(key) });
  return toPem(der, 'CERTIFICATE REQUEST');
}
const blob = (pem: string) => Buffer.from(pem).toString('base64');

describe('issuance recovery worker (Postgres)', () => {
  let database: TestDatabase;
  let store: EventStore;
  let root: TestCa;
  const caId = randomUUID();
  const caArn = `arn:aws:acm-pca:us-east-1:${OWNER.accountId}:certificate-authority/${caId}`;
  let workerSignCalls = 0;
  let workerSigner: CertificateSigner;
  /** What the recovery workers asked the signer for. */
  let workerInputs: SignDataInput[] = [];

  const keySign = (key: TestKey): CertificateSigner => async (input: SignDataInput) =>
    cryptoSign(hashOf(input.signingAlgorithm), Buffer.from(input.dataBase64, 'base64'), { key: key.privateKey, dsaEncoding: 'der' });

  const context = (signer: CertificateSigner): IssuanceContext => ({
    db: database.db,
    store,
    publicUrl: 'http://pki.example.test:4566',
    now: () => new Date(),
    newId: randomUUID,
    newSerial: () => BigInt(`0x${randomUUID().replace(/-/g, '')}`) >> 1n,
    signer,
    caCatchUpMs: 0,
  });
  const workerContext = () =>
    context(async (input, on) => {
      workerSignCalls++;
      workerInputs.push(input);
      return workerSigner(input, on);
    });
  const command = (input: unknown): CommandMessage => ({ caller: OWNER, requestId: randomUUID(), input });
  const get = (ctx: IssuanceContext, CertificateArn: string) =>
    issuanceHandlers(ctx).GetCertificate!(command({ CertificateAuthorityArn: caArn, CertificateArn })) as Promise<{ Certificate: string }>;
  const errorOf = async (p: Promise<unknown>) => {
    try {
      await p;
    } catch (error) {
      return error;
    }
    throw new Error('expected an error');
  };

  /** An IssueCertificate whose signature never comes back until `release` (the "crashed" process). */
  async function heldRequest(commonName: string) {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let signing!: (input: SignDataInput) => void;
    const started = new Promise<SignDataInput>((resolve) => (signing = resolve));
    const ctx = context(async (input, on) => {
      signing(input);
      await held;
      return keySign(root.key)(input, on);
    });
    const issuing = issuanceHandlers(ctx).IssueCertificate!(
      command({ CertificateAuthorityArn: caArn, SigningAlgorithm: 'SHA256WITHECDSA', Validity: { Type: 'DAYS', Value: 10 }, Csr: blob(await csrPem(ecKey(), { CommonName: commonName })) }),
    ) as Promise<{ CertificateArn: string }>;
    const signed = await started;
    const row = await waitFor(
      () => database.db.withSchema(ISSUANCE_SCHEMA).selectFrom('certificates').selectAll().where('status', '=', 'REQUESTED').orderBy('requested_at', 'desc').executeTakeFirst(),
      { what: `${commonName} REQUESTED` },
    );
    return { ctx, issuing, release, signed, id: row.id as string, arn: row.arn as string };
  }
  const eventTypes = async (id: string) => (await store.load(certificateStream(id))).map((e) => e.type);

  beforeAll(async () => {
    database = await createTestDatabase();
    await migrateToLatest(database.db, ISSUANCE_SCHEMA, { ...eventStoreMigrations(ISSUANCE_SCHEMA), ...projectionMigrations(ISSUANCE_SCHEMA), ...issuanceMigrations(ISSUANCE_SCHEMA) });
    store = new EventStore(database.db, { schema: ISSUANCE_SCHEMA });
    root = await makeRootCa();
    let v = 0;
    const project = async (type: string, data: Record<string, unknown>) => {
      const event: EventEnvelope = { id: randomUUID(), stream: `ca-${caId}`, version: ++v, type, schemaVersion: 1, occurredAt: new Date().toISOString(), correlationId: 't', causationId: null, accountId: OWNER.accountId, data: { certificateAuthorityId: caId, arn: caArn, ...data } };
      await database.db.transaction().execute((trx) => issuingCaProjection.apply(trx, event));
    };
    await project(CA_EVENT_TYPES.CertificateAuthorityCreated, { ownerAccount: OWNER.accountId, type: 'ROOT', configuration: { KeyAlgorithm: 'EC_prime256v1', SigningAlgorithm: 'SHA256WITHECDSA' }, usageMode: 'GENERAL_PURPOSE', revocationConfiguration: {} });
    await project(CA_EVENT_TYPES.CsrCreated, { csr: 'unused', publicKeySpki: root.key.spki.toString('base64'), keyAlgorithm: 'EC_prime256v1', signingAlgorithm: 'SHA256WITHECDSA', status: 'PENDING_CERTIFICATE' });
    await project(CA_EVENT_TYPES.CertificateImported, { certificate: root.pem, certificateChain: null, notAfter: root.facts.notAfter!.toISOString(), status: 'ACTIVE' });
  }, 60_000);
  afterAll(async () => {
    await database?.destroy();
  });
  beforeEach(() => {
    workerSignCalls = 0;
    workerInputs = [];
    workerSigner = keySign(root.key);
  });

  it('finishes a request left REQUESTED exactly once, even with workers racing; the dead handler then loses on the version', async () => {
    const crashed = await heldRequest('crashed.example.com');
    expect(await errorOf(get(crashed.ctx, crashed.arn))).toMatchObject({ code: 'RequestInProgressException' });

    const later = () => new Date(Date.now() + STALE_AFTER_MS + 60_000);
    const a = issuanceRecoveryWorker(workerContext(), { staleAfterMs: STALE_AFTER_MS, now: later });
    const b = issuanceRecoveryWorker(workerContext(), { staleAfterMs: STALE_AFTER_MS, now: later });
    const finished = await Promise.all([a.runOnce(), b.runOnce(), a.runOnce()]);
    expect(finished.reduce((x, y) => x + y, 0)).toBe(1);
    expect(workerSignCalls).toBeGreaterThanOrEqual(1);
    expect(workerSignCalls).toBeLessThanOrEqual(2);
    expect(await eventTypes(crashed.id)).toEqual(['CertificateRequested', 'CertificateIssued']);
    // The worker asks for the signature of the same certificate as the dead handler did, so
    // ca-service answers with the signature it made then (SignData is idempotent per certificate).
    expect(crashed.signed).toMatchObject({ certificateId: crashed.id, purpose: 'CERTIFICATE' });
    for (const input of workerInputs) expect(input).toEqual({ ...crashed.signed, requestedBy: 'issuance-service/IssuanceRecovery' });

    const { Certificate } = await get(crashed.ctx, crashed.arn);
    const certificate = new X509Certificate(fromPem(Certificate, 'CERTIFICATE'));
    expect(certificate.subject).toContain('CN=crashed.example.com');
    expect(certificate.verify(createPublicKey({ key: root.key.spki, format: 'der', type: 'spki' }))).toBe(true);

    // Nothing left: a later round signs nothing and appends nothing.
    workerSignCalls = 0;
    expect(await a.runOnce()).toBe(0);
    expect(workerSignCalls).toBe(0);

    // The "dead" handler wakes up: its outcome at version 1 conflicts, nothing is appended twice.
    crashed.release();
    expect(await errorOf(crashed.issuing)).toBeInstanceOf(ConcurrencyError);
    expect(await eventTypes(crashed.id)).toEqual(['CertificateRequested', 'CertificateIssued']);
  });

  it('leaves a fresh request to its live handler', async () => {
    const fresh = await heldRequest('fresh.example.com');
    const worker = issuanceRecoveryWorker(workerContext(), { staleAfterMs: STALE_AFTER_MS });
    expect(await worker.runOnce()).toBe(0);
    expect(workerSignCalls).toBe(0);
    expect(await eventTypes(fresh.id)).toEqual(['CertificateRequested']);
    fresh.release();
    expect((await fresh.issuing).CertificateArn).toBe(fresh.arn);
    expect(await eventTypes(fresh.id)).toEqual(['CertificateRequested', 'CertificateIssued']);
  });

  it('records no failure when the signature may exist (ca-service unreachable or its reply lost): recovery finishes it with that signature', async () => {
    // ca-service signed and recorded, then its reply was lost: the live request sees Unavailable.
    let signed: Uint8Array | undefined;
    const lost = context(async (input, on) => {
      signed = await keySign(root.key)(input, on);
      throw new DomainError('Unavailable', 'The ca service did not answer in time; try again later.');
    });
    const csr = blob(await csrPem(ecKey(), { CommonName: 'lost-reply.example.com' }));
    const error = await errorOf(
      issuanceHandlers(lost).IssueCertificate!(command({ CertificateAuthorityArn: caArn, SigningAlgorithm: 'SHA256WITHECDSA', Validity: { Type: 'DAYS', Value: 10 }, Csr: csr, IdempotencyToken: 'lost-reply' })),
    );
    expect(error).toMatchObject({ kind: 'Unavailable' });
    const row = await database.db.withSchema(ISSUANCE_SCHEMA).selectFrom('certificates').selectAll().where('status', '=', 'REQUESTED').executeTakeFirstOrThrow();
    // Left to the recovery worker, not FAILED: a failure would orphan the signature ca-service holds.
    expect(await eventTypes(row.id)).toEqual(['CertificateRequested']);
    // A retry with the token is the same certificate.
    const retried = (await issuanceHandlers(lost).IssueCertificate!(
      command({ CertificateAuthorityArn: caArn, SigningAlgorithm: 'SHA256WITHECDSA', Validity: { Type: 'DAYS', Value: 10 }, Csr: csr, IdempotencyToken: 'lost-reply' }),
    )) as { CertificateArn: string };
    expect(retried.CertificateArn).toBe(row.arn);

    // ca-service answers the worker with the signature it holds for this certificate.
    const first = signed!;
    workerSigner = async (input) => {
      expect(input.certificateId).toBe(row.id);
      return first;
    };
    const worker = issuanceRecoveryWorker(workerContext(), { staleAfterMs: STALE_AFTER_MS, now: () => new Date(Date.now() + STALE_AFTER_MS + 60_000) });
    expect(await worker.runOnce()).toBe(1);
    expect(await eventTypes(row.id)).toEqual(['CertificateRequested', 'CertificateIssued']);
    const { Certificate } = await get(lost, row.arn);
    const requested = (await store.load(certificateStream(row.id)))[0]!.data as { tbsCertificate: string };
    expect(fromPem(Certificate, 'CERTIFICATE')).toEqual(assembleCertificate(Buffer.from(requested.tbsCertificate, 'base64'), 'SHA256WITHECDSA', first));
  });

  it('retries on a later round while ca-service is unavailable, and records a refusal as the failure', async () => {
    const stuck = await heldRequest('unavailable.example.com');
    const later = () => new Date(Date.now() + STALE_AFTER_MS + 60_000);
    const worker = issuanceRecoveryWorker(workerContext(), { staleAfterMs: STALE_AFTER_MS, now: later });
    workerSigner = async () => {
      throw new DomainError('Unavailable', 'The signing service (ca-service) cannot be reached; try again later.');
    };
    expect(await worker.runOnce()).toBe(0);
    expect(await eventTypes(stuck.id)).toEqual(['CertificateRequested']);
    workerSigner = async () => {
      throw new DomainError('InvalidState', 'Certificate authority is DISABLED', 'InvalidStateException');
    };
    expect(await worker.runOnce()).toBe(1);
    expect(await eventTypes(stuck.id)).toEqual(['CertificateRequested', 'CertificateIssuanceFailed']);
    expect(await errorOf(get(stuck.ctx, stuck.arn))).toMatchObject({ code: 'RequestFailedException', message: expect.stringMatching(/DISABLED/) });
    stuck.release();
    expect(await errorOf(stuck.issuing)).toBeInstanceOf(ConcurrencyError);
  });
});
