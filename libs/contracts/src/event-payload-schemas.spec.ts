import { CA_EVENT_TYPES, POLICY_EVENT_TYPES } from './acm-pca';
import { ISSUANCE_EVENT_TYPES, REVOCATION_EVENT_TYPES } from './certificates';
import { validateEventPayload } from './event-payload-schemas';

// One valid v1 payload of every projected event type, in the shape the producers' deciders
// write (their own specs validate the real decider outputs against these schemas).
const CA = { certificateAuthorityId: 'c0ffee00-0000-4000-8000-000000000001', arn: 'arn:aws:acm-pca:us-east-1:111111111111:certificate-authority/c0ffee00-0000-4000-8000-000000000001' };
const AT = '2026-11-22T10:00:00.000Z';
const TAGS = [{ Key: 'team', Value: 'pki' }];
const POLICY = { certificateAuthorityId: CA.certificateAuthorityId, certificateAuthorityArn: CA.arn, ownerAccount: '111111111111' };
const CERTIFICATE = { certificateArn: `${CA.arn}/certificate/79a4120e`, certificateAuthorityArn: CA.arn, certificateAuthorityId: CA.certificateAuthorityId, serial: '79a4120e', issuerDn: 'CN=Root', sha256Fingerprint: 'ab'.repeat(32), accountId: '111111111111' };

const samples: Record<string, Record<string, unknown>> = {
  [CA_EVENT_TYPES.CertificateAuthorityCreated]: {
    ...CA,
    ownerAccount: '111111111111',
    type: 'ROOT',
    configuration: { KeyAlgorithm: 'EC_prime256v1', SigningAlgorithm: 'SHA256WITHECDSA', Subject: { CommonName: 'Root' } },
    revocationConfiguration: { CrlConfiguration: { Enabled: false }, OcspConfiguration: { Enabled: false } },
    usageMode: 'GENERAL_PURPOSE',
    keyStorageSecurityStandard: 'FIPS_140_2_LEVEL_3_OR_HIGHER',
    tags: TAGS,
    createdAt: AT,
    idempotencyToken: 'tok',
  },
  [CA_EVENT_TYPES.CsrCreated]: { ...CA, csr: '-----BEGIN CERTIFICATE REQUEST-----', publicKeySpki: 'MFkw', keyAlgorithm: 'EC_prime256v1', signingAlgorithm: 'SHA256WITHECDSA', status: 'PENDING_CERTIFICATE', createdAt: AT },
  [CA_EVENT_TYPES.CertificateAuthorityCreationFailed]: { ...CA, failureReason: 'OTHER', detail: 'HSM unreachable', status: 'FAILED', failedAt: AT },
  [CA_EVENT_TYPES.CertificateImported]: {
    ...CA,
    certificate: '-----BEGIN CERTIFICATE-----',
    certificateChain: '-----BEGIN CERTIFICATE-----',
    serial: '1234abcd',
    notBefore: AT,
    notAfter: '2028-11-22T10:00:00.000Z',
    subject: 'CN=Sub',
    issuer: 'CN=Root',
    previousStatus: 'PENDING_CERTIFICATE',
    status: 'ACTIVE',
    importedAt: AT,
  },
  [CA_EVENT_TYPES.StatusChanged]: { ...CA, previousStatus: 'ACTIVE', status: 'DISABLED', changedAt: AT },
  [CA_EVENT_TYPES.RevocationConfigurationUpdated]: { ...CA, revocationConfiguration: { CrlConfiguration: { Enabled: true, S3BucketName: 'crls' } }, updatedAt: AT },
  [CA_EVENT_TYPES.CertificateAuthorityDeleted]: { ...CA, previousStatus: 'ACTIVE', permanentDeletionTimeInDays: 7, restorableUntil: '2026-11-29T10:00:00.000Z', status: 'DELETED', deletedAt: AT },
  [CA_EVENT_TYPES.CertificateAuthorityRestored]: { ...CA, status: 'ACTIVE', restoredAt: AT },
  [CA_EVENT_TYPES.CertificateAuthorityPermanentlyDeleted]: { ...CA, deletedAt: AT, permanentlyDeletedAt: '2026-11-29T10:00:00.000Z' },
  [CA_EVENT_TYPES.CertificateAuthorityExpired]: { ...CA, previousStatus: 'ACTIVE', notAfter: AT, status: 'EXPIRED', expiredAt: AT },
  [CA_EVENT_TYPES.Tagged]: { ...CA, tags: TAGS, allTags: [...TAGS, { Key: 'env', Value: null }], taggedAt: AT },
  [CA_EVENT_TYPES.Untagged]: { ...CA, tags: TAGS, allTags: [], untaggedAt: AT },
  [POLICY_EVENT_TYPES.PolicyPut]: { ...POLICY, policy: '{"Version":"2012-10-17","Statement":[]}', putAt: AT },
  [POLICY_EVENT_TYPES.PolicyDeleted]: { ...POLICY, deletedAt: AT },
  [ISSUANCE_EVENT_TYPES.CertificateIssued]: {
    ...CERTIFICATE,
    subject: 'CN=leaf.example.com',
    notBefore: AT,
    notAfter: '2026-12-22T10:00:00.000Z',
    issuedAt: AT,
    templateArn: 'arn:aws:acm-pca:::template/EndEntityCertificate/V1',
    certificateDer: 'MIIB',
    requestedByServicePrincipal: 'acm.amazonaws.com',
  },
  [REVOCATION_EVENT_TYPES.CertificateRevoked]: { ...CERTIFICATE, revocationReason: 'KEY_COMPROMISE', revokedAt: AT },
};

/** A value of another JSON kind than `value`. */
const wrongKind = (value: unknown): unknown => (typeof value === 'number' ? 'seven' : 7);

describe('validateEventPayload', () => {
  const types = Object.keys(samples);

  it('covers every event type another service projects', () => {
    expect(types.sort()).toEqual(
      [...Object.values(CA_EVENT_TYPES), ...Object.values(POLICY_EVENT_TYPES), ISSUANCE_EVENT_TYPES.CertificateIssued, REVOCATION_EVENT_TYPES.CertificateRevoked].sort(),
    );
  });

  it.each(types)('accepts a valid %s v1 payload, and one with members it does not know', (type) => {
    expect(validateEventPayload(type, 1, samples[type])).toBeUndefined();
    expect(validateEventPayload(type, 1, { ...samples[type], addedLater: [1] })).toBeUndefined();
  });

  it.each(types)('rejects a %s v1 payload missing any member, naming it', (type) => {
    for (const member of Object.keys(samples[type]!)) {
      const { [member]: _removed, ...rest } = samples[type]!;
      expect(validateEventPayload(type, 1, rest)).toMatch(new RegExp(`^${type} v1: data\\.${member} must be .* \\(missing\\)$`));
    }
  });

  it.each(types)('rejects a %s v1 payload with any member of the wrong type, naming it', (type) => {
    for (const [member, value] of Object.entries(samples[type]!)) {
      expect(validateEventPayload(type, 1, { ...samples[type], [member]: wrongKind(value) })).toMatch(new RegExp(`^${type} v1: data\\.${member} must be `));
    }
  });

  it('v1 CA events take the ML-DSA values, a widening that every payload valid before stays valid under (no v2)', () => {
    expect(validateEventPayload('CsrCreated', 1, { ...samples.CsrCreated, keyAlgorithm: 'ML_DSA_65', signingAlgorithm: 'ML_DSA_65' })).toBeUndefined();
    expect(validateEventPayload('CsrCreated', 1, samples.CsrCreated)).toBeUndefined();
    expect(validateEventPayload('CsrCreated', 1, { ...samples.CsrCreated, keyAlgorithm: 'SM2' })).toMatch(/keyAlgorithm must be one of/);
  });

  it('reads like an operator needs it', () => {
    const issued = samples[ISSUANCE_EVENT_TYPES.CertificateIssued]!;
    expect(validateEventPayload('CertificateIssued', 1, { ...issued, serial: 1234 })).toBe('CertificateIssued v1: data.serial must be a string (got number)');
    expect(validateEventPayload('CertificateIssued', 1, { ...issued, requestedByServicePrincipal: null })).toBeUndefined();
    expect(validateEventPayload('CertificateRevoked', 1, { ...samples.CertificateRevoked, revocationReason: 'LOST' })).toBe(
      'CertificateRevoked v1: data.revocationReason must be one of UNSPECIFIED, KEY_COMPROMISE, CERTIFICATE_AUTHORITY_COMPROMISE, AFFILIATION_CHANGED, SUPERSEDED, CESSATION_OF_OPERATION, PRIVILEGE_WITHDRAWN, A_A_COMPROMISE (got string)',
    );
    expect(validateEventPayload('Tagged', 1, { ...samples.Tagged, allTags: [{ Key: 'a', Value: 3 }] })).toBe('Tagged v1: data.allTags[0].Value must be a string (got number)');
    expect(validateEventPayload('CertificateAuthorityCreated', 1, { ...samples.CertificateAuthorityCreated, configuration: { KeyAlgorithm: 'RSA_2048' } })).toBe(
      'CertificateAuthorityCreated v1: data.configuration.SigningAlgorithm must be one of SHA256WITHECDSA, SHA384WITHECDSA, SHA512WITHECDSA, SHA256WITHRSA, SHA384WITHRSA, SHA512WITHRSA, ML_DSA_44, ML_DSA_65, ML_DSA_87 (missing)',
    );
    expect(validateEventPayload('CertificateIssued', 1, 'not an object')).toBe('CertificateIssued v1: data must be an object (got string)');
  });

  it('gives a reason for an event type or version it has no schema for', () => {
    expect(validateEventPayload('CertificateIssued', 2, samples.CertificateIssued)).toBe('CertificateIssued v2: no payload schema for this version (known: v1)');
    expect(validateEventPayload('CertificateIsued', 1, samples.CertificateIssued)).toBe('CertificateIsued v1: no payload schema for event type CertificateIsued in libs/contracts');
  });
});
