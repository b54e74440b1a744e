import { validate, validateRequest, validationMessage, type Shape } from '@pki/aws-protocol';
import { ACM_PCA_OPERATIONS, ACM_PCA_TARGET_PREFIX } from '@pki/contracts';
import { ACM_PCA_INPUT_SHAPES, inputShapeFor } from './index';

const shapeOf = (operation: string): Shape => {
  const shape = inputShapeFor(ACM_PCA_TARGET_PREFIX, operation);
  if (!shape) throw new Error(`no input shape for ${operation}`);
  return shape;
};

/** The error message the gateway would answer, or undefined when the input is accepted. */
const answer = (operation: string, input: unknown): { code: string; message: string } | undefined => {
  const result = validateRequest(shapeOf(operation), input);
  return result.ok ? undefined : { code: result.error.code, message: result.error.message };
};

const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');

const CA_ARN = 'arn:aws:acm-pca:us-east-1:000000000000:certificate-authority/12345678-1234-1234-1234-123456789012';
const CERT_ARN = `${CA_ARN}/certificate/286535153982981100925020015808220737245`;
const TEMPLATE_ARN = 'arn:aws:acm-pca:::template/EndEntityCertificate/V1';
// What the SDK puts on the wire for Uint8Array members: base64 of the PEM bytes.
const CSR = b64('-----BEGIN CERTIFICATE REQUEST-----\nMIIBVDCB+wIBADAZMRcwFQYDVQQDDA53d3cuZXhhbXBsZS5jb20=\n-----END CERTIFICATE REQUEST-----\n');
const CERT = b64('-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUY2E=\n-----END CERTIFICATE-----\n');

const ARN_PATTERN = String.raw`arn:[\w+=/,.@-]+:acm-pca:[\w+=/,.@-]*:[0-9]*:[\w+=,.@-]+(/[\w+=,.@-]+)*`;
const OID_PATTERN = String.raw`([0-2])\.([0-9]|([0-3][0-9]))((\.([0-9]+)){0,126})`;

const CA_CONFIGURATION = {
  KeyAlgorithm: 'EC_prime256v1',
  SigningAlgorithm: 'SHA256WITHECDSA',
  Subject: {
    Country: 'US',
    Organization: 'Example Corp',
    OrganizationalUnit: 'PKI',
    State: 'Washington',
    Locality: 'Seattle',
    CommonName: 'Example Root CA',
  },
  CsrExtensions: {
    KeyUsage: { KeyCertSign: true, CRLSign: true, DigitalSignature: true },
    SubjectInformationAccess: [
      {
        AccessMethod: { AccessMethodType: 'CA_REPOSITORY' },
        AccessLocation: { UniformResourceIdentifier: 'http://pki.example.com/repo' },
      },
    ],
  },
};

const REVOCATION_CONFIGURATION = {
  CrlConfiguration: {
    Enabled: true,
    ExpirationInDays: 7,
    CustomCname: 'crl.example.com',
    S3BucketName: 'example-crl-bucket',
    S3ObjectAcl: 'BUCKET_OWNER_FULL_CONTROL',
    CrlDistributionPointExtensionConfiguration: { OmitExtension: false },
  },
  OcspConfiguration: { Enabled: true, OcspCustomCname: 'ocsp.example.com' },
};

/** One realistic input per operation, shaped as the AWS SDK v3 serializes it. */
const VALID_INPUTS: Record<string, unknown> = {
  CreateCertificateAuthority: {
    CertificateAuthorityConfiguration: CA_CONFIGURATION,
    RevocationConfiguration: REVOCATION_CONFIGURATION,
    CertificateAuthorityType: 'ROOT',
    IdempotencyToken: 'create-root-1',
    KeyStorageSecurityStandard: 'FIPS_140_2_LEVEL_3_OR_HIGHER',
    Tags: [{ Key: 'env', Value: 'prod' }, { Key: 'team:pki' }],
    UsageMode: 'GENERAL_PURPOSE',
  },
  CreateCertificateAuthorityAuditReport: {
    CertificateAuthorityArn: CA_ARN,
    S3BucketName: 'example-audit-bucket',
    AuditReportResponseFormat: 'JSON',
  },
  CreatePermission: {
    CertificateAuthorityArn: CA_ARN,
    Principal: 'acm.amazonaws.com',
    SourceAccount: '000000000000',
    Actions: ['IssueCertificate', 'GetCertificate', 'ListPermissions'],
  },
  DeleteCertificateAuthority: { CertificateAuthorityArn: CA_ARN, PermanentDeletionTimeInDays: 7 },
  DeletePermission: { CertificateAuthorityArn: CA_ARN, Principal: 'acm.amazonaws.com', SourceAccount: '000000000000' },
  DeletePolicy: { ResourceArn: CA_ARN },
  DescribeCertificateAuthority: { CertificateAuthorityArn: CA_ARN },
  DescribeCertificateAuthorityAuditReport: {
    CertificateAuthorityArn: CA_ARN,
    AuditReportId: '11111111-2222-3333-4444-555555555555',
  },
  GetCertificate: { CertificateAuthorityArn: CA_ARN, CertificateArn: CERT_ARN },
  GetCertificateAuthorityCertificate: { CertificateAuthorityArn: CA_ARN },
  GetCertificateAuthorityCsr: { CertificateAuthorityArn: CA_ARN },
  GetPolicy: { ResourceArn: CA_ARN },
  ImportCertificateAuthorityCertificate: { CertificateAuthorityArn: CA_ARN, Certificate: CERT, CertificateChain: CERT },
  IssueCertificate: {
    ApiPassthrough: {
      Extensions: {
        CertificatePolicies: [
          {
            CertPolicyId: '2.23.140.1.2.1',
            PolicyQualifiers: [{ PolicyQualifierId: 'CPS', Qualifier: { CpsUri: 'https://pki.example.com/cps' } }],
          },
        ],
        ExtendedKeyUsage: [{ ExtendedKeyUsageType: 'SERVER_AUTH' }, { ExtendedKeyUsageObjectIdentifier: '1.3.6.1.5.5.7.3.2' }],
        KeyUsage: { DigitalSignature: true, KeyEncipherment: true },
        SubjectAlternativeNames: [
          { DnsName: 'www.example.com' },
          { IpAddress: '192.0.2.10' },
          { Rfc822Name: 'admin@example.com' },
          { OtherName: { TypeId: '1.3.6.1.4.1.311.20.2.3', Value: 'user@example.com' } },
          { EdiPartyName: { PartyName: 'Example', NameAssigner: 'EDI' } },
          { DirectoryName: { CommonName: 'Directory Entry', CustomAttributes: [{ ObjectIdentifier: '2.5.4.3', Value: 'x' }] } },
          { RegisteredId: '1.2.3.4' },
        ],
        CustomExtensions: [{ ObjectIdentifier: '1.3.6.1.4.1.99999.1', Value: 'BAUwAwEB/w==', Critical: false }],
      },
      Subject: { CommonName: 'www.example.com', SerialNumber: 'A1B2C3' },
    },
    CertificateAuthorityArn: CA_ARN,
    Csr: CSR,
    SigningAlgorithm: 'SHA256WITHECDSA',
    TemplateArn: TEMPLATE_ARN,
    Validity: { Value: 365, Type: 'DAYS' },
    ValidityNotBefore: { Value: 1735689600, Type: 'ABSOLUTE' },
    IdempotencyToken: 'issue-1',
  },
  ListCertificateAuthorities: { MaxResults: 100, NextToken: 'eyJvZmZzZXQiOjEwMH0=', ResourceOwner: 'SELF' },
  ListPermissions: { CertificateAuthorityArn: CA_ARN, MaxResults: 10 },
  ListTags: { CertificateAuthorityArn: CA_ARN, MaxResults: 10, NextToken: 'token' },
  PutPolicy: {
    ResourceArn: CA_ARN,
    Policy: JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Sid: 'x', Effect: 'Allow', Principal: { AWS: '111111111111' }, Action: 'acm-pca:IssueCertificate', Resource: CA_ARN }],
    }),
  },
  RestoreCertificateAuthority: { CertificateAuthorityArn: CA_ARN },
  RevokeCertificate: { CertificateAuthorityArn: CA_ARN, CertificateSerial: '79:a4:12:0e', RevocationReason: 'KEY_COMPROMISE' },
  TagCertificateAuthority: { CertificateAuthorityArn: CA_ARN, Tags: [{ Key: 'Name', Value: 'Root CA 1' }] },
  UntagCertificateAuthority: { CertificateAuthorityArn: CA_ARN, Tags: [{ Key: 'Name' }] },
  UpdateCertificateAuthority: {
    CertificateAuthorityArn: CA_ARN,
    RevocationConfiguration: { CrlConfiguration: { Enabled: false }, OcspConfiguration: { Enabled: false } },
    Status: 'DISABLED',
  },
};

const failed = (value: string | null, path: string, constraint: string): string =>
  `${value === null ? 'Value null' : `Value '${value}'`} at '${path}' failed to satisfy constraint: ${constraint}`;
const hidden = (path: string, constraint: string): string => `Value at '${path}' failed to satisfy constraint: ${constraint}`;
const one = (error: string): string => `1 validation error detected: ${error}`;
const many = (...errors: string[]): string => `${errors.length} validation errors detected: ${errors.join('; ')}`;
const NOT_NULL = 'Member must not be null';
const enumSet = (...values: string[]): string => `Member must satisfy enum value set: [${values.join(', ')}]`;
const pattern = (p: string): string => `Member must satisfy regular expression pattern: ${p}`;
const maxLen = (n: number): string => `Member must have length less than or equal to ${n}`;
const minLen = (n: number): string => `Member must have length greater than or equal to ${n}`;
const maxVal = (n: number): string => `Member must have value less than or equal to ${n}`;
const minVal = (n: number): string => `Member must have value greater than or equal to ${n}`;

const KEY_ALGORITHM_SET = enumSet('RSA_2048', 'RSA_3072', 'RSA_4096', 'EC_prime256v1', 'EC_secp384r1', 'EC_secp521r1', 'ML_DSA_44', 'ML_DSA_65', 'ML_DSA_87', 'SM2');
const SIGNING_ALGORITHM_SET = enumSet(
  'SHA256WITHECDSA', 'SHA384WITHECDSA', 'SHA512WITHECDSA', 'SHA256WITHRSA', 'SHA384WITHRSA', 'SHA512WITHRSA', 'SM3WITHSM2', 'ML_DSA_44', 'ML_DSA_65', 'ML_DSA_87',
);
const LONG_ARN = `arn:aws:acm-pca:us-east-1:000000000000:certificate-authority/${'a'.repeat(140)}`;

const with_ = (operation: string, patch: Record<string, unknown>): Record<string, unknown> => ({
  ...(VALID_INPUTS[operation] as Record<string, unknown>),
  ...patch,
});

/** [operation, what is wrong, input, AWS's message]: at least one per operation. */
const VIOLATIONS: ReadonlyArray<readonly [string, string, unknown, string]> = [
  [
    'CreateCertificateAuthority',
    'unknown key algorithm',
    with_('CreateCertificateAuthority', { CertificateAuthorityConfiguration: { ...CA_CONFIGURATION, KeyAlgorithm: 'RSA_9999' } }),
    one(failed('RSA_9999', 'certificateAuthorityConfiguration.keyAlgorithm', KEY_ALGORITHM_SET)),
  ],
  [
    'CreateCertificateAuthority',
    'missing configuration and type',
    {},
    many(failed(null, 'certificateAuthorityConfiguration', NOT_NULL), failed(null, 'certificateAuthorityType', NOT_NULL)),
  ],
  [
    'CreateCertificateAuthority',
    'three-letter country, CRL validity 0, empty tag list',
    with_('CreateCertificateAuthority', {
      CertificateAuthorityConfiguration: { ...CA_CONFIGURATION, Subject: { Country: 'USA' } },
      RevocationConfiguration: { CrlConfiguration: { Enabled: true, ExpirationInDays: 0 } },
      Tags: [],
    }),
    many(
      failed('USA', 'certificateAuthorityConfiguration.subject.country', pattern('[A-Za-z]{2}')),
      failed('USA', 'certificateAuthorityConfiguration.subject.country', maxLen(2)),
      failed('0', 'revocationConfiguration.crlConfiguration.expirationInDays', minVal(1)),
      failed('[]', 'tags', minLen(1)),
    ),
  ],
  [
    'CreateCertificateAuthority',
    'CRL validity over 5000 days, OCSP without Enabled, unknown usage mode',
    with_('CreateCertificateAuthority', {
      RevocationConfiguration: { CrlConfiguration: { Enabled: true, ExpirationInDays: 5001 }, OcspConfiguration: {} },
      UsageMode: 'LONG_LIVED',
    }),
    many(
      failed('5001', 'revocationConfiguration.crlConfiguration.expirationInDays', maxVal(5000)),
      failed(null, 'revocationConfiguration.ocspConfiguration.enabled', NOT_NULL),
      failed('LONG_LIVED', 'usageMode', enumSet('GENERAL_PURPOSE', 'SHORT_LIVED_CERTIFICATE')),
    ),
  ],
  [
    'CreateCertificateAuthority',
    'idempotency token over 36 characters',
    with_('CreateCertificateAuthority', { IdempotencyToken: 'x'.repeat(37) }),
    one(failed('x'.repeat(37), 'idempotencyToken', maxLen(36))),
  ],
  [
    'CreateCertificateAuthorityAuditReport',
    'short bucket name and unknown format',
    with_('CreateCertificateAuthorityAuditReport', { S3BucketName: 'ab', AuditReportResponseFormat: 'XML' }),
    many(failed('ab', 's3BucketName', minLen(3)), failed('XML', 'auditReportResponseFormat', enumSet('JSON', 'CSV'))),
  ],
  [
    'CreatePermission',
    'unknown action and short account',
    with_('CreatePermission', { Actions: ['IssueCertificate', 'RevokeCertificate'], SourceAccount: '123' }),
    many(
      failed('123', 'sourceAccount', minLen(12)),
      failed(
        '[IssueCertificate, RevokeCertificate]',
        'actions',
        `Member must satisfy constraint: [${enumSet('IssueCertificate', 'GetCertificate', 'ListPermissions')}]`,
      ),
    ),
  ],
  [
    'CreatePermission',
    'empty action list',
    with_('CreatePermission', { Actions: [] }),
    one(failed('[]', 'actions', minLen(1))),
  ],
  [
    'DeleteCertificateAuthority',
    'restoration period over 30 days',
    with_('DeleteCertificateAuthority', { PermanentDeletionTimeInDays: 31 }),
    one(failed('31', 'permanentDeletionTimeInDays', maxVal(30))),
  ],
  [
    'DeleteCertificateAuthority',
    'restoration period under 7 days',
    with_('DeleteCertificateAuthority', { PermanentDeletionTimeInDays: 6 }),
    one(failed('6', 'permanentDeletionTimeInDays', minVal(7))),
  ],
  [
    'DeletePermission',
    'wildcard principal',
    with_('DeletePermission', { Principal: '*' }),
    one(failed('*', 'principal', pattern('[^*]+'))),
  ],
  [
    'DeletePolicy',
    'too short to be an ARN',
    { ResourceArn: 'arn' },
    many(failed('arn', 'resourceArn', pattern(ARN_PATTERN)), failed('arn', 'resourceArn', minLen(5))),
  ],
  ['DescribeCertificateAuthority', 'no ARN', {}, one(failed(null, 'certificateAuthorityArn', NOT_NULL))],
  [
    'DescribeCertificateAuthorityAuditReport',
    'report id that is not a UUID',
    with_('DescribeCertificateAuthorityAuditReport', { AuditReportId: 'abc' }),
    many(
      failed('abc', 'auditReportId', pattern('[a-z0-9]{8}-[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{12}')),
      failed('abc', 'auditReportId', minLen(36)),
    ),
  ],
  [
    'GetCertificate',
    'an ACM (not ACM PCA) certificate ARN',
    with_('GetCertificate', { CertificateArn: 'arn:aws:acm:us-east-1:000000000000:certificate/x' }),
    one(failed('arn:aws:acm:us-east-1:000000000000:certificate/x', 'certificateArn', pattern(ARN_PATTERN))),
  ],
  [
    'GetCertificateAuthorityCertificate',
    'ARN over 200 characters',
    { CertificateAuthorityArn: LONG_ARN },
    one(failed(LONG_ARN, 'certificateAuthorityArn', maxLen(200))),
  ],
  ['GetCertificateAuthorityCsr', 'no ARN', { CertificateAuthorityArn: null }, one(failed(null, 'certificateAuthorityArn', NOT_NULL))],
  ['GetPolicy', 'no ARN', {}, one(failed(null, 'resourceArn', NOT_NULL))],
  [
    'ImportCertificateAuthorityCertificate',
    'empty certificate (blob values are never echoed)',
    with_('ImportCertificateAuthorityCertificate', { Certificate: '' }),
    one(hidden('certificate', minLen(1))),
  ],
  [
    'ImportCertificateAuthorityCertificate',
    'certificate over 32768 bytes, chain over 2 MiB',
    with_('ImportCertificateAuthorityCertificate', {
      Certificate: Buffer.alloc(32769).toString('base64'),
      CertificateChain: Buffer.alloc(2097153).toString('base64'),
    }),
    many(hidden('certificate', maxLen(32768)), hidden('certificateChain', maxLen(2097152))),
  ],
  [
    'IssueCertificate',
    'validity of 0 weeks',
    with_('IssueCertificate', { Validity: { Value: 0, Type: 'WEEKS' } }),
    many(
      failed('0', 'validity.value', minVal(1)),
      failed('WEEKS', 'validity.type', enumSet('END_DATE', 'ABSOLUTE', 'DAYS', 'MONTHS', 'YEARS')),
    ),
  ],
  [
    'IssueCertificate',
    'missing CSR, signing algorithm and validity',
    { CertificateAuthorityArn: CA_ARN },
    many(failed(null, 'csr', NOT_NULL), failed(null, 'signingAlgorithm', NOT_NULL), failed(null, 'validity', NOT_NULL)),
  ],
  [
    'IssueCertificate',
    'bad custom extension OID and value, policy qualifier without qualifier',
    with_('IssueCertificate', {
      ApiPassthrough: {
        Extensions: {
          CertificatePolicies: [{ CertPolicyId: '1.2.3', PolicyQualifiers: [{ PolicyQualifierId: 'USER_NOTICE' }] }],
          CustomExtensions: [{ ObjectIdentifier: '9.9', Value: 'not base64!' }],
        },
      },
    }),
    many(
      failed('USER_NOTICE', 'apiPassthrough.extensions.certificatePolicies.1.member.policyQualifiers.1.member.policyQualifierId', enumSet('CPS')),
      failed(null, 'apiPassthrough.extensions.certificatePolicies.1.member.policyQualifiers.1.member.qualifier', NOT_NULL),
      failed('9.9', 'apiPassthrough.extensions.customExtensions.1.member.objectIdentifier', pattern(OID_PATTERN)),
      failed(
        'not base64!',
        'apiPassthrough.extensions.customExtensions.1.member.value',
        pattern('(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?'),
      ),
    ),
  ],
  [
    'IssueCertificate',
    'empty extended key usage list, SAN DNS name over 253 characters',
    with_('IssueCertificate', {
      ApiPassthrough: { Extensions: { SubjectAlternativeNames: [{ DnsName: 'a'.repeat(254) }], ExtendedKeyUsage: [] } },
    }),
    many(
      failed('[]', 'apiPassthrough.extensions.extendedKeyUsage', minLen(1)),
      failed('a'.repeat(254), 'apiPassthrough.extensions.subjectAlternativeNames.1.member.dnsName', maxLen(253)),
    ),
  ],
  [
    'IssueCertificate',
    'template ARN that is not an ARN, unknown signing algorithm',
    with_('IssueCertificate', { TemplateArn: 'EndEntityCertificate/V1', SigningAlgorithm: 'SHA1WITHRSA' }),
    many(
      failed('SHA1WITHRSA', 'signingAlgorithm', SIGNING_ALGORITHM_SET),
      failed('EndEntityCertificate/V1', 'templateArn', pattern(ARN_PATTERN)),
    ),
  ],
  [
    'ListCertificateAuthorities',
    'page size 0, empty token, unknown owner',
    { MaxResults: 0, NextToken: '', ResourceOwner: 'ALL' },
    // In model member order: the current acm-pca model declares MaxResults before NextToken.
    many(
      failed('0', 'maxResults', minVal(1)),
      failed('', 'nextToken', minLen(1)),
      failed('ALL', 'resourceOwner', enumSet('SELF', 'OTHER_ACCOUNTS')),
    ),
  ],
  [
    'ListPermissions',
    'page size over 1000',
    with_('ListPermissions', { MaxResults: 1001 }),
    one(failed('1001', 'maxResults', maxVal(1000))),
  ],
  ['ListTags', 'empty token', with_('ListTags', { NextToken: '' }), one(failed('', 'nextToken', minLen(1)))],
  [
    'PutPolicy',
    'empty policy',
    with_('PutPolicy', { Policy: '' }),
    many(
      failed('', 'policy', pattern(String.raw`[\u0009\u000A\u000D\u0020-\u00FF]+`)),
      failed('', 'policy', minLen(1)),
    ),
  ],
  [
    'PutPolicy',
    'policy with a character outside Latin-1',
    with_('PutPolicy', { Policy: '{"x":"\u0100"}' }),
    one(failed('{"x":"\u0100"}', 'policy', pattern(String.raw`[\u0009\u000A\u000D\u0020-\u00FF]+`))),
  ],
  [
    'RestoreCertificateAuthority',
    'bare CA id instead of an ARN',
    { CertificateAuthorityArn: '12345678-1234-1234-1234-123456789012' },
    one(failed('12345678-1234-1234-1234-123456789012', 'certificateAuthorityArn', pattern(ARN_PATTERN))),
  ],
  [
    'RevokeCertificate',
    'unknown reason and serial over 128 characters',
    with_('RevokeCertificate', { CertificateSerial: 'f'.repeat(129), RevocationReason: 'LOST' }),
    many(
      failed('f'.repeat(129), 'certificateSerial', maxLen(128)),
      failed(
        'LOST',
        'revocationReason',
        enumSet(
          'UNSPECIFIED',
          'KEY_COMPROMISE',
          'CERTIFICATE_AUTHORITY_COMPROMISE',
          'AFFILIATION_CHANGED',
          'SUPERSEDED',
          'CESSATION_OF_OPERATION',
          'PRIVILEGE_WITHDRAWN',
          'A_A_COMPROMISE',
        ),
      ),
    ),
  ],
  [
    'TagCertificateAuthority',
    'empty key, key with a forbidden character, value over 256',
    with_('TagCertificateAuthority', { Tags: [{ Key: '' }, { Key: 'bad*key', Value: 'v'.repeat(257) }] }),
    many(
      failed('', 'tags.1.member.key', minLen(1)),
      failed('bad*key', 'tags.2.member.key', pattern(String.raw`([\p{L}\p{Z}\p{N}_.:/=+\-@]*)`)),
      failed('v'.repeat(257), 'tags.2.member.value', maxLen(256)),
    ),
  ],
  [
    'TagCertificateAuthority',
    '51 tags',
    with_('TagCertificateAuthority', { Tags: Array.from({ length: 51 }, (_, i) => ({ Key: `k${i}` })) }),
    one(
      failed(
        `[${Array.from({ length: 51 }, (_, i) => `{Key=k${i}}`).join(', ')}]`,
        'tags',
        maxLen(50),
      ),
    ),
  ],
  [
    'UntagCertificateAuthority',
    'tag without key, no ARN',
    { Tags: [{ Value: 'x' }] },
    many(failed(null, 'certificateAuthorityArn', NOT_NULL), failed(null, 'tags.1.member.key', NOT_NULL)),
  ],
  [
    'UpdateCertificateAuthority',
    'unknown status, OCSP CNAME with a space',
    with_('UpdateCertificateAuthority', {
      RevocationConfiguration: { OcspConfiguration: { Enabled: true, OcspCustomCname: 'ocsp example' } },
      Status: 'PAUSED',
    }),
    many(
      failed('ocsp example', 'revocationConfiguration.ocspConfiguration.ocspCustomCname', pattern(`[-a-zA-Z0-9;/?:@&=+$,%_.!~*()']*`)),
      failed('PAUSED', 'status', enumSet('CREATING', 'PENDING_CERTIFICATE', 'ACTIVE', 'DELETED', 'DISABLED', 'EXPIRED', 'FAILED')),
    ),
  ],
  [
    'UpdateCertificateAuthority',
    'CRL bucket with a forbidden character and an unknown ACL',
    with_('UpdateCertificateAuthority', {
      RevocationConfiguration: { CrlConfiguration: { Enabled: true, S3BucketName: 'my bucket', S3ObjectAcl: 'PRIVATE' } },
    }),
    many(
      failed('my bucket', 'revocationConfiguration.crlConfiguration.s3BucketName', pattern('[-a-zA-Z0-9._/]+')),
      failed('PRIVATE', 'revocationConfiguration.crlConfiguration.s3ObjectAcl', enumSet('PUBLIC_READ', 'BUCKET_OWNER_FULL_CONTROL')),
    ),
  ],
];

describe('ACM PCA input shapes', () => {
  it('has a shape for every ACM PCA operation, and none for anything else', () => {
    const operations = Object.keys(ACM_PCA_OPERATIONS).sort();
    expect(operations).toHaveLength(23);
    for (const operation of operations) expect(inputShapeFor(ACM_PCA_TARGET_PREFIX, operation)?.type).toBe('structure');
    expect(Object.keys(ACM_PCA_INPUT_SHAPES).sort()).toEqual(operations);
    expect(inputShapeFor(ACM_PCA_TARGET_PREFIX, 'ListCertificates')).toBeUndefined();
    expect(inputShapeFor(ACM_PCA_TARGET_PREFIX, 'toString')).toBeUndefined();
    expect(inputShapeFor('CertificateManager', 'GetCertificate')).toBeUndefined();
  });

  it('has a realistic valid input for every operation in this suite', () => {
    expect(Object.keys(VALID_INPUTS).sort()).toEqual(Object.keys(ACM_PCA_OPERATIONS).sort());
    expect(new Set(VIOLATIONS.map(([operation]) => operation))).toEqual(new Set(Object.keys(ACM_PCA_OPERATIONS)));
  });

  it.each(Object.entries(VALID_INPUTS))('accepts a valid %s input as the SDK sends it', (operation, input) => {
    expect(answer(operation, input)).toBeUndefined();
  });

  it.each(VIOLATIONS)('%s: %s', (operation, _what, input, message) => {
    expect(answer(operation, input)).toEqual({ code: 'ValidationException', message });
  });

  it('words the key algorithm violation exactly as AWS does through validate()', () => {
    const input = with_('CreateCertificateAuthority', {
      CertificateAuthorityConfiguration: { ...CA_CONFIGURATION, KeyAlgorithm: 'RSA_9999' },
    });
    expect(validationMessage(validate(shapeOf('CreateCertificateAuthority'), input))).toBe(
      "1 validation error detected: Value 'RSA_9999' at 'certificateAuthorityConfiguration.keyAlgorithm' failed to satisfy constraint: " +
        'Member must satisfy enum value set: [RSA_2048, RSA_3072, RSA_4096, EC_prime256v1, EC_secp384r1, EC_secp521r1, ML_DSA_44, ML_DSA_65, ML_DSA_87, SM2]',
    );
  });

  // Every value of the current model's enums is valid input, including those the pinned SDK's
  // TypeScript enums lack; what the platform cannot do (ML-DSA, SM2/SM3) ca-service and
  // issuance-service refuse with InvalidArgsException, never validation.
  it.each(['RSA_2048', 'RSA_3072', 'RSA_4096', 'EC_prime256v1', 'EC_secp384r1', 'EC_secp521r1', 'ML_DSA_44', 'ML_DSA_65', 'ML_DSA_87', 'SM2'])(
    'accepts KeyAlgorithm %s (a member of the model enum)',
    (KeyAlgorithm) => {
      expect(answer('CreateCertificateAuthority', with_('CreateCertificateAuthority', { CertificateAuthorityConfiguration: { ...CA_CONFIGURATION, KeyAlgorithm } }))).toBeUndefined();
    },
  );

  it.each(['SHA256WITHECDSA', 'SHA384WITHECDSA', 'SHA512WITHECDSA', 'SHA256WITHRSA', 'SHA384WITHRSA', 'SHA512WITHRSA', 'SM3WITHSM2', 'ML_DSA_44', 'ML_DSA_65', 'ML_DSA_87'])(
    'accepts SigningAlgorithm %s in CreateCertificateAuthority and IssueCertificate',
    (SigningAlgorithm) => {
      expect(answer('CreateCertificateAuthority', with_('CreateCertificateAuthority', { CertificateAuthorityConfiguration: { ...CA_CONFIGURATION, SigningAlgorithm } }))).toBeUndefined();
      expect(answer('IssueCertificate', with_('IssueCertificate', { SigningAlgorithm }))).toBeUndefined();
    },
  );

  it.each(['FIPS_140_2_LEVEL_2_OR_HIGHER', 'FIPS_140_2_LEVEL_3_OR_HIGHER', 'CCPC_LEVEL_1_OR_HIGHER'])('accepts KeyStorageSecurityStandard %s', (KeyStorageSecurityStandard) => {
    expect(answer('CreateCertificateAuthority', with_('CreateCertificateAuthority', { KeyStorageSecurityStandard }))).toBeUndefined();
  });

  it('still refuses values outside the model enums (ValidationException naming the whole set)', () => {
    expect(answer('CreateCertificateAuthority', with_('CreateCertificateAuthority', { KeyStorageSecurityStandard: 'FIPS_140_3_LEVEL_3_OR_HIGHER' }))).toEqual({
      code: 'ValidationException',
      message: one(failed('FIPS_140_3_LEVEL_3_OR_HIGHER', 'keyStorageSecurityStandard', enumSet('FIPS_140_2_LEVEL_2_OR_HIGHER', 'FIPS_140_2_LEVEL_3_OR_HIGHER', 'CCPC_LEVEL_1_OR_HIGHER'))),
    });
    expect(answer('CreateCertificateAuthority', with_('CreateCertificateAuthority', { CertificateAuthorityConfiguration: { ...CA_CONFIGURATION, KeyAlgorithm: 'ML_DSA_128' } }))?.message).toBe(
      one(failed('ML_DSA_128', 'certificateAuthorityConfiguration.keyAlgorithm', KEY_ALGORITHM_SET)),
    );
  });

  it('refuses wrongly typed JSON before any constraint (SerializationException)', () => {
    expect(answer('IssueCertificate', with_('IssueCertificate', { Validity: { Value: '365', Type: 'DAYS' } }))).toEqual({
      code: 'SerializationException',
      message: 'STRING_VALUE can not be converted to a Long',
    });
    expect(answer('ImportCertificateAuthorityCertificate', with_('ImportCertificateAuthorityCertificate', { CertificateChain: 'not base64' }))).toEqual({
      code: 'SerializationException',
      message: "Value at 'certificateChain' is not valid base64 (RFC 4648, padded)",
    });
    expect(answer('CreatePermission', with_('CreatePermission', { Actions: 'IssueCertificate' }))?.code).toBe('SerializationException');
  });

  it('accepts the boundary values of ranges and lengths', () => {
    expect(answer('DeleteCertificateAuthority', with_('DeleteCertificateAuthority', { PermanentDeletionTimeInDays: 30 }))).toBeUndefined();
    expect(answer('ListPermissions', with_('ListPermissions', { MaxResults: 1000 }))).toBeUndefined();
    expect(
      answer('CreateCertificateAuthority', with_('CreateCertificateAuthority', { RevocationConfiguration: { CrlConfiguration: { Enabled: true, ExpirationInDays: 5000 } } })),
    ).toBeUndefined();
    expect(
      answer('ImportCertificateAuthorityCertificate', with_('ImportCertificateAuthorityCertificate', { Certificate: Buffer.alloc(32768).toString('base64'), CertificateChain: '' })),
    ).toBeUndefined();
    expect(answer('TagCertificateAuthority', with_('TagCertificateAuthority', { Tags: Array.from({ length: 50 }, (_, i) => ({ Key: `k${i}`, Value: '' })) }))).toBeUndefined();
    expect(answer('GetCertificateAuthorityCertificate', { CertificateAuthorityArn: LONG_ARN.slice(0, 200) })).toBeUndefined();
  });

  // Found with the `aws` CLI (botocore 1.43 model): AWSPolicy is @length(1, 81920) there.
  it('takes a Policy up to the current model maximum of 81920 characters, and no more', () => {
    expect(answer('PutPolicy', with_('PutPolicy', { Policy: ' '.repeat(81920) }))).toBeUndefined();
    expect(answer('PutPolicy', with_('PutPolicy', { Policy: ' '.repeat(81921) }))?.message).toContain(maxLen(81920));
  });

  // The current model's CrlConfiguration members (the `aws` CLI sends them); ca-service judges their values.
  it('models CrlConfiguration CrlType and CustomPath with their enum and pattern', () => {
    const crl = (extra: Record<string, unknown>) =>
      with_('UpdateCertificateAuthority', { RevocationConfiguration: { CrlConfiguration: { Enabled: true, S3BucketName: 'crls', ...extra } } });
    expect(answer('UpdateCertificateAuthority', crl({ CrlType: 'COMPLETE', CustomPath: 'pki/crls' }))).toBeUndefined();
    expect(answer('UpdateCertificateAuthority', crl({ CrlType: 'DELTA' }))?.message).toBe(
      one(failed('DELTA', 'revocationConfiguration.crlConfiguration.crlType', enumSet('COMPLETE', 'PARTITIONED'))),
    );
    expect(answer('UpdateCertificateAuthority', crl({ CustomPath: '/leading-slash' }))?.code).toBe('ValidationException');
  });
});
