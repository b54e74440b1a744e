import { connect, type NatsConnection } from 'nats';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { DomainError, type CertificateIssuedV1, type CertificateRevokedV1, type CommandMessage } from '@pki/contracts';
import {
  ensureEventStream,
  EventStore,
  eventStoreMigrations,
  migrateToLatest,
  OutboxRelay,
  ProjectionRunner,
  projectionMigrations,
} from '@pki/eventstore';
import { FilesystemObjectStorage } from '@pki/object-storage';
import { assertNatsReachable, cleanupNatsPrefix, createTestDatabase, testNatsUrl, uniquePrefix, waitFor, type TestDatabase } from '@pki/testing';
import { auditReportStream } from '../domain/audit-report.events';
import { auditDb, auditRecordPages } from '../infrastructure/audit-report.queries';
import { auditProjections, auditRecordsFromIssuance } from '../infrastructure/projections/audit-records.projection';
import { caMigrations } from '../migrations';
import { auditReportHandlers } from './audit-report.handlers';
import { executeAuditReportCommand } from './audit-report.stream';
import { auditReportRecoveryWorker } from './audit-report.worker';
import type { CaContext } from './ca-context';

const REGION = 'us-east-1';
const OWNER = '111111111111';
const OTHER = '222222222222';
const quiet = { log: () => undefined, error: () => undefined };

const caller = (accountId = OWNER) => ({ accountId, accessKeyId: `AKID${accountId}` });
const message = (input: unknown, accountId = OWNER): CommandMessage => ({ caller: caller(accountId), requestId: randomUUID(), input });

async function failure(promise: Promise<unknown>): Promise<DomainError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a DomainError');
}

describe('audit reports (real Postgres, JetStream and files)', () => {
  let database: TestDatabase;
  let db: Kysely<any>;
  let nc: NatsConnection;
  let prefix: string;
  let dir: string;
  let objects: FilesystemObjectStorage;
  let clock: Date;
  let context: CaContext;
  let handlers: ReturnType<typeof auditReportHandlers>;
  const background: Array<{ stop(): Promise<void> }> = [];
  const sources = { issuance: undefined as unknown as EventStore, revocation: undefined as unknown as EventStore };

  /** A CA row as the lifecycle read model holds it (this area only reads it). */
  async function insertCa(status: string, ownerAccount = OWNER, notAfter: Date | null = null): Promise<{ id: string; arn: string }> {
    const id = randomUUID();
    const arn = `arn:aws:acm-pca:${REGION}:${ownerAccount}:certificate-authority/${id}`;
    await db
      .withSchema('ca')
      .insertInto('certificate_authorities')
      .values({
        id,
        arn,
        owner_account: ownerAccount,
        type: 'ROOT',
        status,
        configuration: JSON.stringify({ KeyAlgorithm: 'EC_prime256v1', SigningAlgorithm: 'SHA256WITHECDSA', Subject: { CommonName: 'Audit Root' } }),
        revocation_configuration: JSON.stringify({ CrlConfiguration: { Enabled: false }, OcspConfiguration: { Enabled: false } }),
        usage_mode: 'GENERAL_PURPOSE',
        key_storage_security_standard: 'FIPS_140_2_LEVEL_3_OR_HIGHER',
        tags: JSON.stringify([]),
        created_at: clock,
        last_state_change_at: clock,
        ...(notAfter ? { not_after: notAfter } : {}),
        version: 1,
      })
      .execute();
    return { id, arn };
  }

  function issued(ca: { id: string; arn: string }, serial: string, issuedAt: string, extra: Partial<CertificateIssuedV1> = {}): CertificateIssuedV1 {
    return {
      certificateArn: `${ca.arn}/certificate/${serial}`,
      certificateAuthorityArn: ca.arn,
      certificateAuthorityId: ca.id,
      serial,
      subject: `CN=device ${serial},O=Example, Inc.`,
      issuerDn: 'CN=Audit Root',
      notBefore: '2026-11-22T09:00:00.000Z',
      notAfter: '2027-11-22T09:00:00.000Z',
      issuedAt,
      templateArn: 'arn:aws:acm-pca:::template/EndEntityCertificate/V1',
      certificateDer: 'MAA=',
      sha256Fingerprint: '00'.repeat(32),
      accountId: OWNER,
      requestedByServicePrincipal: null,
      ...extra,
    };
  }

  function revoked(ca: { id: string; arn: string }, serial: string, revokedAt: string): CertificateRevokedV1 {
    return {
      certificateArn: `${ca.arn}/certificate/${serial}`,
      certificateAuthorityArn: ca.arn,
      certificateAuthorityId: ca.id,
      serial,
      issuerDn: 'CN=Audit Root',
      sha256Fingerprint: '00'.repeat(32),
      revocationReason: 'KEY_COMPROMISE',
      revokedAt,
      accountId: OWNER,
    };
  }

  const meta = { accountId: OWNER, correlationId: 'test', causationId: null };
  const publishIssued = (data: CertificateIssuedV1) => sources.issuance.append(`certificate-${data.serial}`, 0, [{ type: 'CertificateIssued', schemaVersion: 1, data }], meta);
  const publishRevoked = (data: CertificateRevokedV1) => sources.revocation.append(`revocation-${data.serial}`, 0, [{ type: 'CertificateRevoked', schemaVersion: 1, data }], meta);
  const recordCount = async (caId: string) =>
    Number((await auditDb(db).selectFrom('audit_records').select((eb) => eb.fn.countAll().as('n')).where('certificate_authority_id', '=', caId).executeTakeFirstOrThrow()).n);
  const describe_ = (arn: string, id: string, accountId = OWNER) =>
    handlers.DescribeCertificateAuthorityAuditReport!(message({ CertificateAuthorityArn: arn, AuditReportId: id }, accountId)) as Promise<Record<string, unknown>>;
  const create = (arn: string, format: 'JSON' | 'CSV' = 'JSON', bucket = 'audit-bucket', accountId = OWNER) =>
    handlers.CreateCertificateAuthorityAuditReport!(message({ CertificateAuthorityArn: arn, S3BucketName: bucket, AuditReportResponseFormat: format }, accountId)) as Promise<{ AuditReportId: string; S3Key: string }>;
  const settled = (arn: string, id: string) =>
    waitFor(async () => {
      const d = await describe_(arn, id);
      return d.AuditReportStatus === 'CREATING' ? undefined : d;
    }, { timeoutMs: 20_000, what: `audit report ${id} to finish` });

  beforeAll(async () => {
    await assertNatsReachable();
    database = await createTestDatabase();
    db = database.db;
    await migrateToLatest(db, 'ca', { ...eventStoreMigrations('ca'), ...projectionMigrations('ca'), ...caMigrations('ca') });
    nc = await connect({ servers: testNatsUrl() });
    prefix = uniquePrefix();
    const jsm = await nc.jetstreamManager();
    for (const source of ['issuance', 'revocation'] as const) {
      // The source services' own event stores, relayed to JetStream as those services do.
      await migrateToLatest(db, source, eventStoreMigrations(source));
      await ensureEventStream(jsm, prefix, source);
      sources[source] = new EventStore(db, { schema: source });
      const relay = new OutboxRelay({ db, schema: source, nc, prefix, service: source, logger: quiet });
      await relay.start();
      background.push(relay);
    }
    for (const { source, projection } of auditProjections()) {
      const runner = new ProjectionRunner({ db, schema: 'ca', nc, prefix, source, projection, logger: quiet });
      await runner.start();
      background.push(runner);
    }
    dir = await mkdtemp(path.join(tmpdir(), 'pki-audit-'));
    objects = new FilesystemObjectStorage(path.join(dir, 'objects'));
  });

  beforeEach(() => {
    clock = new Date('2026-11-22T10:00:00.000Z');
    // Audit reports never sign anything: the key custody is not part of this area.
    context = { db, store: new EventStore(db, { schema: 'ca', now: () => clock }), region: REGION, publicUrl: 'http://127.0.0.1:4566', now: () => clock, newId: randomUUID, keys: undefined as never, objects };
    handlers = auditReportHandlers(context, objects);
  });

  afterAll(async () => {
    for (const worker of background.reverse()) await worker.stop();
    await cleanupNatsPrefix(nc, prefix).catch(() => undefined);
    await nc?.close();
    await database?.destroy();
    await rm(dir, { recursive: true, force: true });
  });

  it('projects CertificateIssued and CertificateRevoked from JetStream, in either order, and reports exactly that CA\'s certificates (JSON)', async () => {
    const ca = await insertCa('ACTIVE');
    const other = await insertCa('ACTIVE');
    // The revocation of 0a01 arrives before its issuance: the two halves meet in one record.
    await publishRevoked(revoked(ca, '0a01', '2026-11-22T09:40:00.000Z'));
    await publishIssued(issued(ca, '0a01', '2026-11-22T09:10:00.000Z'));
    await publishIssued(issued(ca, '7f0b02', '2026-11-22T09:20:00.000Z', { requestedByServicePrincipal: 'acm.amazonaws.com' }));
    await publishIssued(issued(other, '0c03', '2026-11-22T09:30:00.000Z'));
    // Issued after the request: not in this report.
    await publishIssued(issued(ca, '0d04', '2026-11-22T10:05:00.000Z'));
    await waitFor(async () => ((await recordCount(ca.id)) === 3 ? true : undefined), { timeoutMs: 20_000, what: 'the audit projection' });
    await waitFor(async () => {
      const row = await auditDb(db).selectFrom('audit_records').selectAll().where('serial', '=', '0a01').executeTakeFirst();
      return row?.issued_at && row.revoked_at ? row : undefined;
    }, { timeoutMs: 20_000, what: 'both halves of 0a01' });

    const { AuditReportId: id, S3Key: key } = await create(ca.arn, 'JSON');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(key).toBe(`audit-report/${ca.id}/${id}.json`);
    expect(await settled(ca.arn, id)).toEqual({ AuditReportStatus: 'SUCCESS', S3BucketName: 'audit-bucket', S3Key: key, CreatedAt: clock.getTime() / 1000 });

    const object = await objects.get('audit-bucket', key);
    expect(object).toMatchObject({ contentType: 'application/json', acl: 'BUCKET_OWNER_FULL_CONTROL', ownerAccount: OWNER });
    expect(JSON.parse(Buffer.from(object!.body).toString('utf8'))).toEqual([
      {
        awsAccountId: OWNER,
        certificateArn: `${ca.arn}/certificate/0a01`,
        serial: '0a:01',
        subject: 'CN=device 0a01,O=Example, Inc.',
        notBefore: '2026-11-22T09:00:00+0000',
        notAfter: '2027-11-22T09:00:00+0000',
        issuedAt: '2026-11-22T09:10:00+0000',
        revokedAt: '2026-11-22T09:40:00+0000',
        revocationReason: 'KEY_COMPROMISE',
        templateArn: 'arn:aws:acm-pca:::template/EndEntityCertificate/V1',
      },
      {
        awsAccountId: OWNER,
        requestedByServicePrincipal: 'acm.amazonaws.com',
        certificateArn: `${ca.arn}/certificate/7f0b02`,
        serial: '7f:0b:02',
        subject: 'CN=device 7f0b02,O=Example, Inc.',
        notBefore: '2026-11-22T09:00:00+0000',
        notAfter: '2027-11-22T09:00:00+0000',
        issuedAt: '2026-11-22T09:20:00+0000',
        templateArn: 'arn:aws:acm-pca:::template/EndEntityCertificate/V1',
      },
    ]);

    // At most one report per 30 minutes per CA; at 30 minutes a CSV report includes 0d04.
    clock = new Date('2026-11-22T10:29:59.000Z');
    expect(await failure(create(ca.arn, 'CSV'))).toMatchObject({ code: 'RequestInProgressException' });
    clock = new Date('2026-11-22T10:30:00.000Z');
    const csv = await create(ca.arn, 'CSV');
    expect(csv.S3Key).toBe(`audit-report/${ca.id}/${csv.AuditReportId}.csv`);
    expect((await settled(ca.arn, csv.AuditReportId)).AuditReportStatus).toBe('SUCCESS');
    const lines = Buffer.from((await objects.get('audit-bucket', csv.S3Key))!.body).toString('utf8').split('\r\n');
    expect(lines[0]).toBe('awsAccountId,requestedByServicePrincipal,certificateArn,serial,subject,notBefore,notAfter,issuedAt,revokedAt,revocationReason,templateArn');
    expect(lines.slice(1, -1).map((line) => line.split(',')[3])).toEqual(['0a:01', '7f:0b:02', '0d:04']);
    expect(lines[1]).toContain(',"CN=device 0a01,O=Example, Inc.",');
  });

  it('pages the records by (issued_at, serial): ties and microseconds neither skip nor repeat a record, later issuances are left out', async () => {
    const caId = randomUUID();
    const at = ['2026-11-22 09:00:00.000001+00', '2026-11-22 09:00:00.000001+00', '2026-11-22 09:00:00.000002+00', '2026-11-22 09:00:00.000002+00', '2026-11-22 09:00:01+00', '2026-11-22 11:00:00+00'];
    for (const [i, issuedAt] of at.entries()) {
      await auditDb(db)
        .insertInto('audit_records')
        .values({
          certificate_arn: `arn:paging/${caId}/${i}`, certificate_authority_id: caId, serial: `0${5 - i}`, account_id: OWNER, requested_by_service_principal: null, subject: 'CN=x',
          not_before: new Date(), not_after: new Date(), issued_at: issuedAt as never, template_arn: 'arn:aws:acm-pca:::template/EndEntityCertificate/V1', revoked_at: null, revocation_reason: null,
        })
        .execute();
    }
    const cutoff = new Date('2026-11-22T10:00:00Z');
    for (const pageSize of [1, 2, 3, 5, 100]) {
      const pages: string[][] = [];
      for await (const page of auditRecordPages(auditDb(db), caId, cutoff, pageSize)) pages.push(page.map((r) => r.serial));
      expect(pages.flat()).toEqual(['04', '05', '02', '03', '01']);
      expect(pages.every((p) => p.length <= pageSize)).toBe(true);
    }
  });

  it('applies an event twice to the same rows (redelivery is harmless)', async () => {
    const ca = await insertCa('ACTIVE');
    const envelope = { id: randomUUID(), stream: 's', version: 1, type: 'CertificateIssued', schemaVersion: 1, occurredAt: '', correlationId: '', causationId: null, accountId: OWNER, data: issued(ca, 'ee01', '2026-11-22T09:00:00.000Z') };
    for (let i = 0; i < 2; i++) await db.transaction().execute((trx) => auditRecordsFromIssuance.apply(trx, envelope));
    const rows = await auditDb(db).selectFrom('audit_records').selectAll().where('certificate_authority_id', '=', ca.id).execute();
    expect(rows).toHaveLength(1);
  });

  it('refuses CAs that cannot generate audits, bad buckets and other accounts, writing nothing', async () => {
    for (const status of ['CREATING', 'PENDING_CERTIFICATE', 'FAILED', 'DELETED', 'EXPIRED']) {
      const ca = await insertCa(status);
      const error = await failure(create(ca.arn));
      expect(error).toMatchObject({ code: 'InvalidStateException', message: expect.stringContaining(`is ${status}; audit reports can only be generated for an ACTIVE or DISABLED`) });
      expect(await context.store.load(auditReportStream(ca.id))).toEqual([]);
    }
    // The CA certificate's NotAfter arrives with the lifecycle's import migration.
    const hasNotAfter = await db
      .selectFrom('information_schema.columns' as never)
      .select('column_name' as never)
      .where('table_schema' as never, '=', 'ca' as never)
      .where('table_name' as never, '=', 'certificate_authorities' as never)
      .where('column_name' as never, '=', 'not_after' as never)
      .executeTakeFirst();
    if (hasNotAfter) {
      const expired = await insertCa('ACTIVE', OWNER, new Date('2026-11-22T09:59:59Z'));
      expect(await failure(create(expired.arn))).toMatchObject({ code: 'InvalidStateException', message: expect.stringContaining('is EXPIRED') });
    }

    const disabled = await insertCa('DISABLED');
    const ok = await create(disabled.arn);
    expect((await settled(disabled.arn, ok.AuditReportId)).AuditReportStatus).toBe('SUCCESS');

    const ca = await insertCa('ACTIVE');
    expect(await failure(create(ca.arn, 'JSON', 'Not_A_Bucket'))).toMatchObject({ code: 'InvalidArgsException', message: expect.stringContaining('not a valid S3 bucket name') });
    expect(await failure(create(ca.arn, 'JSON', 'audit-bucket', OTHER))).toMatchObject({ code: 'AccessDeniedException' });
    expect(await failure(create(`arn:aws:acm-pca:${REGION}:${OWNER}:certificate-authority/${randomUUID()}`))).toMatchObject({ code: 'ResourceNotFoundException' });
    // A CA of another region than the caller's is not found there (each region keeps its own CAs).
    expect(await failure(create(ca.arn.replace(`:${REGION}:`, ':eu-west-1:')))).toMatchObject({ code: 'ResourceNotFoundException' });
    expect(await failure(create('arn:aws:acm-pca:eu-west-1:111111111111:certificate-authorit/x'))).toMatchObject({ code: 'InvalidArnException' });
    expect(await context.store.load(auditReportStream(ca.id))).toEqual([]);

    expect(await failure(describe_(ca.arn, randomUUID()))).toMatchObject({ code: 'ResourceNotFoundException', message: expect.stringContaining('Could not find audit report') });
    expect(await failure(describe_(ca.arn, 'zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz'))).toMatchObject({ code: 'ResourceNotFoundException' });
    // A report of one CA is not found through another CA's ARN.
    expect(await failure(describe_(ca.arn, ok.AuditReportId))).toMatchObject({ code: 'ResourceNotFoundException' });
  });

  it('lets only one of concurrent requests for a CA through', async () => {
    const ca = await insertCa('ACTIVE');
    const results = await Promise.allSettled(Array.from({ length: 5 }, () => create(ca.arn)));
    const accepted = results.filter((r) => r.status === 'fulfilled');
    expect(accepted).toHaveLength(1);
    for (const r of results.filter((r) => r.status === 'rejected')) expect((r as PromiseRejectedResult).reason).toMatchObject({ code: 'RequestInProgressException' });
    await settled(ca.arn, (accepted[0] as PromiseFulfilledResult<{ AuditReportId: string }>).value.AuditReportId);
  });

  it('marks a report FAILED when the bucket cannot be written, and a failed report does not block the next', async () => {
    const ca = await insertCa('ACTIVE');
    // A real storage failure: the store's root is a regular file, so no bucket directory can be made.
    const blocked = path.join(dir, 'not-a-directory');
    await writeFile(blocked, 'x');
    const broken = auditReportHandlers(context, new FilesystemObjectStorage(blocked));
    const { AuditReportId: id } = (await broken.CreateCertificateAuthorityAuditReport!(
      message({ CertificateAuthorityArn: ca.arn, S3BucketName: 'audit-bucket', AuditReportResponseFormat: 'JSON' }),
    )) as { AuditReportId: string };
    expect((await settled(ca.arn, id)).AuditReportStatus).toBe('FAILED');
    const row = await auditDb(db).selectFrom('audit_reports').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.failure_reason).toContain('could not write s3://audit-bucket/');
    const retry = await create(ca.arn);
    expect((await settled(ca.arn, retry.AuditReportId)).AuditReportStatus).toBe('SUCCESS');
  });

  it('recovery worker finishes a report whose generator died', async () => {
    const ca = await insertCa('ACTIVE');
    await publishIssued(issued(ca, 'fa01', '2026-11-22T09:00:00.000Z'));
    await waitFor(async () => ((await recordCount(ca.id)) === 1 ? true : undefined), { timeoutMs: 20_000, what: 'the audit projection' });
    // The request was recorded, then the process died before writing the report.
    const id = randomUUID();
    const [event] = await executeAuditReportCommand(
      context,
      ca.id,
      { type: 'RequestAuditReport', auditReportId: id, certificateAuthorityId: ca.id, certificateAuthorityArn: ca.arn, ownerAccount: OWNER, s3BucketName: 'audit-bucket', format: 'CSV', now: clock },
      { accountId: OWNER, correlationId: 'crashed' },
    );
    const key = (event!.data as { s3Key: string }).s3Key;
    const worker = auditReportRecoveryWorker(context, objects, { staleAfterMs: 120_000 });
    expect(await worker.runOnce()).toBe(0); // not stale yet: its generator may still be running
    expect((await describe_(ca.arn, id)).AuditReportStatus).toBe('CREATING');
    clock = new Date(clock.getTime() + 121_000);
    expect(await worker.runOnce()).toBe(1);
    expect((await describe_(ca.arn, id)).AuditReportStatus).toBe('SUCCESS');
    expect(Buffer.from((await objects.get('audit-bucket', key))!.body).toString('utf8')).toContain(',fa:01,');
    const events = (await context.store.load(auditReportStream(ca.id))).map((e) => e.type);
    expect(events).toEqual(['AuditReportRequested', 'AuditReportCreated']);
  });
});
