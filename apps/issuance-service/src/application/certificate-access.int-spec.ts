/**
 * The CA resource-policy projection (PolicyPut / PolicyDeleted, newer policy-stream versions only)
 * and the access check built on it, against real Postgres.
 */
import { randomUUID } from 'node:crypto';
import { DomainError, POLICY_EVENT_TYPES, type EventEnvelope } from '@pki/contracts';
import { eventStoreMigrations, migrateToLatest, projectionMigrations } from '@pki/eventstore';
import { createTestDatabase, type TestDatabase } from '@pki/testing';
import type { IssuingCaView } from '../domain/issuing-ca';
import { ISSUANCE_SCHEMA } from '../infrastructure/database';
import { caPolicyProjection } from '../infrastructure/projections/ca-policy.projection';
import { issuanceMigrations } from '../migrations';
import { authorizeCertificateAccess, type CertificateAccess } from './certificate-access';

const OWNER = '111111111111';
const OTHER = '222222222222';
const caId = randomUUID();
const caArn = `arn:aws:acm-pca:us-east-1:${OWNER}:certificate-authority/${caId}`;
const ca = { id: caId, arn: caArn, ownerAccount: OWNER } as IssuingCaView;
const template = (name: string) => `arn:aws:acm-pca:::template/${name}/V1`;
const issue = (name: string): CertificateAccess => ({ action: 'acm-pca:IssueCertificate', templateArn: template(name) });
const GET: CertificateAccess = { action: 'acm-pca:GetCertificate' };

const sharing = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Principal: { AWS: OTHER }, Action: 'acm-pca:IssueCertificate', Resource: caArn, Condition: { StringLike: { 'acm-pca:TemplateArn': template('EndEntity*Certificate') } } },
    { Effect: 'Deny', Principal: { AWS: OTHER }, Action: 'acm-pca:IssueCertificate', Resource: caArn, Condition: { StringEquals: { 'acm-pca:TemplateArn': template('EndEntityClientAuthCertificate') } } },
    { Effect: 'Allow', Principal: { AWS: OTHER }, Action: 'acm-pca:GetCertificate', Resource: `${caArn}/*` },
  ],
});

describe('CA resource policies in issuance-service', () => {
  let database: TestDatabase;
  const apply = (version: number, type: string, data: Record<string, unknown>) => {
    const event: EventEnvelope = {
      id: randomUUID(), stream: `ca-policy-${caId}`, version, type, schemaVersion: 1, occurredAt: new Date().toISOString(), correlationId: 't', causationId: null, accountId: OWNER,
      data: { certificateAuthorityId: caId, certificateAuthorityArn: caArn, ownerAccount: OWNER, ...data },
    };
    return database.db.transaction().execute((trx) => caPolicyProjection.apply(trx, event));
  };
  const outcome = async (accountId: string, access: CertificateAccess) => {
    try {
      await authorizeCertificateAccess({ db: database.db }, { accountId } as never, ca, access);
      return 'allowed';
    } catch (error) {
      if (error instanceof DomainError) return error.code;
      throw error;
    }
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    await migrateToLatest(database.db, ISSUANCE_SCHEMA, { ...eventStoreMigrations(ISSUANCE_SCHEMA), ...projectionMigrations(ISSUANCE_SCHEMA), ...issuanceMigrations(ISSUANCE_SCHEMA) });
  }, 60_000);
  afterAll(async () => {
    await database?.destroy();
  });

  it('without a policy only the owner may issue and read', async () => {
    expect(await outcome(OWNER, issue('CodeSigningCertificate'))).toBe('allowed');
    expect(await outcome(OWNER, GET)).toBe('allowed');
    expect(await outcome(OTHER, issue('EndEntityCertificate'))).toBe('AccessDeniedException');
    expect(await outcome(OTHER, GET)).toBe('AccessDeniedException');
  });

  it('a projected policy grants exactly what it says (conditions, explicit Deny, templates outside pca-rbp)', async () => {
    await apply(1, POLICY_EVENT_TYPES.PolicyPut, { policy: sharing, putAt: new Date().toISOString() });
    expect(await outcome(OTHER, issue('EndEntityServerAuthCertificate'))).toBe('allowed');
    expect(await outcome(OTHER, issue('EndEntityCertificate'))).toBe('allowed');
    expect(await outcome(OTHER, issue('EndEntityClientAuthCertificate'))).toBe('AccessDeniedException');
    expect(await outcome(OTHER, issue('CodeSigningCertificate'))).toBe('AccessDeniedException');
    expect(await outcome(OTHER, { action: 'acm-pca:IssueCertificate', templateArn: undefined })).toBe('AccessDeniedException');
    expect(await outcome(OTHER, GET)).toBe('allowed');
    expect(await outcome('333333333333', GET)).toBe('AccessDeniedException');
  });

  it('applies only newer policy-stream versions: a replayed or older event changes nothing; PolicyDeleted revokes', async () => {
    await apply(2, POLICY_EVENT_TYPES.PolicyDeleted, { deletedAt: new Date().toISOString() });
    expect(await outcome(OTHER, GET)).toBe('AccessDeniedException');
    // The PolicyPut at version 1 arriving again (redelivery) does not resurrect the policy.
    await apply(1, POLICY_EVENT_TYPES.PolicyPut, { policy: sharing, putAt: new Date().toISOString() });
    expect(await outcome(OTHER, GET)).toBe('AccessDeniedException');
    await apply(3, POLICY_EVENT_TYPES.PolicyPut, { policy: sharing, putAt: new Date().toISOString() });
    expect(await outcome(OTHER, GET)).toBe('allowed');
    const rows = await database.db.withSchema(ISSUANCE_SCHEMA).selectFrom('ca_policies').selectAll().execute();
    expect(rows).toEqual([{ ca_id: caId, ca_arn: caArn, policy: sharing, version: 3 }]);
  });
});
