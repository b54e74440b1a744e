import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { DomainError, type CommandMessage } from '@pki/contracts';
import { EventStore, eventStoreMigrations, migrateToLatest } from '@pki/eventstore';
import { createTestDatabase, type TestDatabase } from '@pki/testing';
import { policyStream } from '../domain/policy.events';
import { caMigrations } from '../migrations';
import type { CaContext } from './ca-context';
import { policyAllows } from './policy-access';
import { policyHandlers } from './policy.handlers';

const REGION = 'us-east-1';
const OWNER = '111111111111';
const B = '222222222222';
const END_ENTITY = 'arn:aws:acm-pca:::template/EndEntityCertificate/V1';

const message = (input: unknown, accountId = OWNER): CommandMessage => ({ caller: { accountId, accessKeyId: `AKID${accountId}` }, requestId: randomUUID(), input });

async function failure(promise: Promise<unknown>): Promise<DomainError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a DomainError');
}

const sharing = (arn: string, account: string, actions: string[] = ['acm-pca:DescribeCertificateAuthority']) =>
  JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: account }, Action: actions, Resource: arn }] });

describe('resource policies and permissions (real Postgres)', () => {
  let database: TestDatabase;
  let db: Kysely<any>;
  let store: EventStore;
  let handlers: ReturnType<typeof policyHandlers>;
  const now = new Date('2026-11-22T10:00:00.000Z');

  /** A CA row as the lifecycle read model holds it (this area only reads it). */
  async function insertCa(status: string): Promise<{ id: string; arn: string }> {
    const id = randomUUID();
    const arn = `arn:aws:acm-pca:${REGION}:${OWNER}:certificate-authority/${id}`;
    await db
      .withSchema('ca')
      .insertInto('certificate_authorities')
      .values({
        id,
        arn,
        owner_account: OWNER,
        type: 'ROOT',
        status,
        configuration: JSON.stringify({ KeyAlgorithm: 'EC_prime256v1', SigningAlgorithm: 'SHA256WITHECDSA', Subject: { CommonName: 'Policy Root' } }),
        revocation_configuration: JSON.stringify({ CrlConfiguration: { Enabled: false }, OcspConfiguration: { Enabled: false } }),
        usage_mode: 'GENERAL_PURPOSE',
        key_storage_security_standard: 'FIPS_140_2_LEVEL_3_OR_HIGHER',
        tags: JSON.stringify([]),
        created_at: now,
        last_state_change_at: now,
        version: 1,
      })
      .execute();
    return { id, arn };
  }

  const countEvents = async (stream: string) => (await store.load(stream)).length;

  beforeAll(async () => {
    database = await createTestDatabase();
    db = database.db;
    await migrateToLatest(db, 'ca', { ...eventStoreMigrations('ca'), ...caMigrations('ca') });
    store = new EventStore(db, { schema: 'ca' });
    const context: CaContext = { db, store, region: REGION, publicUrl: 'http://localhost', now: () => now, newId: randomUUID, keys: undefined as never, objects: undefined as never };
    handlers = policyHandlers(context);
  });
  afterAll(async () => {
    await database?.destroy();
  });

  it('refuses every operation on a DELETED CA and changes to a FAILED one (InvalidStateException), writing nothing', async () => {
    const deleted = await insertCa('DELETED');
    for (const [operation, input] of [
      ['PutPolicy', { ResourceArn: deleted.arn, Policy: sharing(deleted.arn, B) }],
      ['GetPolicy', { ResourceArn: deleted.arn }],
      ['DeletePolicy', { ResourceArn: deleted.arn }],
      ['CreatePermission', { CertificateAuthorityArn: deleted.arn, Principal: 'acm.amazonaws.com', Actions: ['GetCertificate'] }],
      ['DeletePermission', { CertificateAuthorityArn: deleted.arn, Principal: 'acm.amazonaws.com' }],
      ['ListPermissions', { CertificateAuthorityArn: deleted.arn }],
    ] as const) {
      const error = await failure(handlers[operation]!(message(input)));
      expect([operation, error.code]).toEqual([operation, 'InvalidStateException']);
      expect(error.message).toMatch(/is DELETED\. Restore it with RestoreCertificateAuthority first/);
    }
    const failed = await insertCa('FAILED');
    expect((await failure(handlers.PutPolicy!(message({ ResourceArn: failed.arn, Policy: sharing(failed.arn, B) })))).code).toBe('InvalidStateException');
    expect((await failure(handlers.GetPolicy!(message({ ResourceArn: failed.arn })))).code).toBe('ResourceNotFoundException');
    expect(await handlers.ListPermissions!(message({ CertificateAuthorityArn: failed.arn }))).toEqual({ Permissions: [] });
    expect(await countEvents(policyStream(deleted.id))).toBe(0);
    expect(await countEvents(policyStream(failed.id))).toBe(0);
  });

  it('serializes concurrent PutPolicy calls: each wins or answers ConcurrentModificationException, and the read model matches the last event', async () => {
    const ca = await insertCa('PENDING_CERTIFICATE');
    const accounts = Array.from({ length: 12 }, (_, i) => String(200000000000 + i));
    const outcomes = await Promise.all(
      accounts.map((account) =>
        handlers.PutPolicy!(message({ ResourceArn: ca.arn, Policy: sharing(ca.arn, account) })).then(
          () => 'ok',
          (error: DomainError) => error.code,
        ),
      ),
    );
    expect(outcomes.every((o) => o === 'ok' || o === 'ConcurrentModificationException')).toBe(true);
    const events = await store.load(policyStream(ca.id));
    expect(events.length).toBe(outcomes.filter((o) => o === 'ok').length);
    expect(events.map((e) => e.version)).toEqual(events.map((_, i) => i + 1));
    const last = (events[events.length - 1]!.data as { policy: string }).policy;
    expect(await handlers.GetPolicy!(message({ ResourceArn: ca.arn }))).toEqual({ Policy: last });
    const grants = await db.withSchema('ca').selectFrom('ca_policy_grants').select('account_id').where('ca_id', '=', ca.id).execute();
    expect(grants).toEqual([{ account_id: JSON.parse(last).Statement[0].Principal.AWS }]);
  });

  it('creates one permission from concurrent identical CreatePermission calls; the others answer PermissionAlreadyExistsException', async () => {
    const ca = await insertCa('CREATING');
    const outcomes = await Promise.all(
      Array.from({ length: 8 }, () =>
        handlers.CreatePermission!(message({ CertificateAuthorityArn: ca.arn, Principal: 'acm.amazonaws.com', Actions: ['IssueCertificate'] })).then(
          () => 'ok',
          (error: DomainError) => error.code,
        ),
      ),
    );
    expect(outcomes.filter((o) => o === 'ok')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'PermissionAlreadyExistsException')).toHaveLength(7);
    const listed = (await handlers.ListPermissions!(message({ CertificateAuthorityArn: ca.arn }))) as { Permissions: unknown[] };
    expect(listed.Permissions).toHaveLength(1);
  });

  it('answers policyAllows from the stored policy, template conditions included', async () => {
    const ca = await insertCa('PENDING_CERTIFICATE');
    expect(await policyAllows(db, ca.arn, B, 'acm-pca:DescribeCertificateAuthority')).toBe(false);
    const policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { AWS: B }, Action: 'acm-pca:DescribeCertificateAuthority', Resource: ca.arn },
        { Effect: 'Allow', Principal: { AWS: B }, Action: 'acm-pca:IssueCertificate', Resource: ca.arn, Condition: { StringEquals: { 'acm-pca:TemplateArn': END_ENTITY } } },
      ],
    });
    await handlers.PutPolicy!(message({ ResourceArn: ca.arn, Policy: policy }));
    expect(await policyAllows(db, ca.arn, B, 'acm-pca:DescribeCertificateAuthority')).toBe(true);
    expect(await policyAllows(db, ca.arn, B, 'acm-pca:ListTags')).toBe(false);
    expect(await policyAllows(db, ca.arn, '333333333333', 'acm-pca:DescribeCertificateAuthority')).toBe(false);
    expect(await policyAllows(db, ca.arn, B, 'acm-pca:IssueCertificate', { templateArn: END_ENTITY })).toBe(true);
    expect(await policyAllows(db, ca.arn, B, 'acm-pca:IssueCertificate', { templateArn: 'arn:aws:acm-pca:::template/RootCACertificate/V1' })).toBe(false);
    expect(await policyAllows(db, ca.arn, B, 'acm-pca:IssueCertificate')).toBe(false);

    // Another account may not manage the policy, even with the CA shared with it.
    expect((await failure(handlers.GetPolicy!(message({ ResourceArn: ca.arn }, B)))).code).toBe('AccessDeniedException');
    expect((await failure(handlers.DeletePolicy!(message({ ResourceArn: ca.arn }, B)))).code).toBe('AccessDeniedException');
    expect(await policyAllows(db, ca.arn, B, 'acm-pca:DescribeCertificateAuthority')).toBe(true);

    await handlers.DeletePolicy!(message({ ResourceArn: ca.arn }));
    expect(await policyAllows(db, ca.arn, B, 'acm-pca:DescribeCertificateAuthority')).toBe(false);
  });

  it('drops the read model of a CA whose row is removed for good (the events stay)', async () => {
    const ca = await insertCa('PENDING_CERTIFICATE');
    await handlers.PutPolicy!(message({ ResourceArn: ca.arn, Policy: sharing(ca.arn, B) }));
    await handlers.CreatePermission!(message({ CertificateAuthorityArn: ca.arn, Principal: 'acm.amazonaws.com', Actions: ['GetCertificate'] }));
    await db.withSchema('ca').deleteFrom('certificate_authorities').where('id', '=', ca.id).execute();
    for (const table of ['ca_policies', 'ca_policy_grants', 'ca_permissions']) {
      expect(await db.withSchema('ca').selectFrom(table).select('ca_id').where('ca_id', '=', ca.id).execute()).toEqual([]);
    }
    expect(await policyAllows(db, ca.arn, B, 'acm-pca:DescribeCertificateAuthority')).toBe(false);
    expect(await countEvents(policyStream(ca.id))).toBe(1);
  });
});
