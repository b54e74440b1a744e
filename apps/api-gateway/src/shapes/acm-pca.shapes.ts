/**
 * Input shapes of the 23 ACM Private CA operations (awsJson1_1, `X-Amz-Target: ACMPrivateCA.<op>`),
 * with the constraint traits AWS checks before an operation runs.
 *
 * Where the values come from:
 * - Members and member order: the pinned SDK, `@aws-sdk/client-acm-pca` 3.523.0
 *   (`dist-types/models/models_0.d.ts`), plus what later models added (CrlConfiguration `CrlType` /
 *   `CustomPath`, see CrlConfiguration).
 * - Enum value sets: the current published model (below), so that every value AWS accepts passes
 *   validation even where the pinned SDK's TypeScript enums lack it (KeyAlgorithm `RSA_3072`,
 *   `EC_secp521r1`, `ML_DSA_44/65/87`, `SM2`; SigningAlgorithm `SM3WITHSM2`, `ML_DSA_44/65/87`;
 *   KeyStorageSecurityStandard `CCPC_LEVEL_1_OR_HIGHER`). Whether the platform can do a valid value
 *   is the owning service's answer (InvalidArgsException for ML-DSA and SM2/SM3), not validation's.
 * - Enum value order, `@required`, `@length`, `@pattern`, `@range`: AWS's published service model
 *   for acm-pca 2017-08-22 (botocore `botocore/data/acm-pca/2017-08-22/service-2.json`, the model
 *   the AWS Private CA API Reference pages are rendered from, e.g. API_CrlConfiguration
 *   "ExpirationInDays: Valid Range: Minimum value of 1. Maximum value of 5000.", API_Validity
 *   "Value: Valid Range: Minimum value of 1.", API_IssueCertificate "Csr: Length Constraints:
 *   Minimum length of 1. Maximum length of 32768."). Patterns are copied verbatim.
 * - The seed `/work/shared/seeds/003_edafef8e94c8e5fc.txt` (boto3 docs of the same API) agrees on
 *   members and required flags.
 */
import { S, type Shape } from '@pki/aws-protocol';

// ---- Simple shapes (named as in the model) ----

const Arn = (required = false) =>
  S.string({
    required,
    min: 5,
    max: 200,
    pattern: String.raw`arn:[\w+=/,.@-]+:acm-pca:[\w+=/,.@-]*:[0-9]*:[\w+=,.@-]+(/[\w+=,.@-]+)*`,
  });

const AccountId = S.string({ min: 12, max: 12, pattern: '[0-9]+' });
const Principal = (required: boolean) => S.string({ required, min: 0, max: 128, pattern: '[^*]+' });
// AWSPolicy: @length(1, 81920) in the current model (botocore 1.43; older models said 20480).
const AWSPolicy = (required: boolean) =>
  S.string({ required, min: 1, max: 81920, pattern: String.raw`[\u0009\u000A\u000D\u0020-\u00FF]+` });
const IdempotencyToken = S.string({ min: 1, max: 36, pattern: String.raw`[\u0009\u000A\u000D\u0020-\u00FF]*` });
const NextToken = S.string({ min: 1, max: 43739 });
const MaxResults = S.integer({ min: 1, max: 1000 });
const CustomObjectIdentifier = (required = false) =>
  S.string({ required, min: 0, max: 64, pattern: String.raw`([0-2])\.([0-9]|([0-3][0-9]))((\.([0-9]+)){0,126})` });
const CnameString = S.string({ min: 0, max: 253, pattern: `[-a-zA-Z0-9;/?:@&=+$,%_.!~*()']*` });
const ASN1PrintableString64 = S.string({ min: 0, max: 64, pattern: `[a-zA-Z0-9'()+-.?:/= ]*` });
const CountryCodeString = S.string({ min: 2, max: 2, pattern: '[A-Za-z]{2}' });
const String3 = S.string({ min: 0, max: 3 });
const String5 = S.string({ min: 0, max: 5 });
const String16 = S.string({ min: 0, max: 16 });
const String39 = S.string({ min: 0, max: 39 });
const String40 = S.string({ min: 0, max: 40 });
const String64 = S.string({ min: 0, max: 64 });
const String128 = S.string({ min: 0, max: 128 });
const String253 = S.string({ min: 0, max: 253 });
const String256 = (required = false) => S.string({ required, min: 0, max: 256 });
const String1To256 = S.string({ required: true, min: 1, max: 256 });
const Base64String1To4096 = S.string({
  required: true,
  min: 1,
  max: 4096,
  pattern: '(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?',
});

// ---- Enums (model values, model order) ----

// KeyAlgorithm, SigningAlgorithm and KeyStorageSecurityStandard as botocore 1.43's
// acm-pca/2017-08-22 service-2.json lists them (API_CertificateAuthorityConfiguration).
export const KEY_ALGORITHMS = [
  'RSA_2048',
  'RSA_3072',
  'RSA_4096',
  'EC_prime256v1',
  'EC_secp384r1',
  'EC_secp521r1',
  'ML_DSA_44',
  'ML_DSA_65',
  'ML_DSA_87',
  'SM2',
] as const;
export const SIGNING_ALGORITHMS = [
  'SHA256WITHECDSA',
  'SHA384WITHECDSA',
  'SHA512WITHECDSA',
  'SHA256WITHRSA',
  'SHA384WITHRSA',
  'SHA512WITHRSA',
  'SM3WITHSM2',
  'ML_DSA_44',
  'ML_DSA_65',
  'ML_DSA_87',
] as const;
const CERTIFICATE_AUTHORITY_TYPES = ['ROOT', 'SUBORDINATE'] as const;
const KEY_STORAGE_SECURITY_STANDARDS = ['FIPS_140_2_LEVEL_2_OR_HIGHER', 'FIPS_140_2_LEVEL_3_OR_HIGHER', 'CCPC_LEVEL_1_OR_HIGHER'] as const;
const USAGE_MODES = ['GENERAL_PURPOSE', 'SHORT_LIVED_CERTIFICATE'] as const;
const S3_OBJECT_ACLS = ['PUBLIC_READ', 'BUCKET_OWNER_FULL_CONTROL'] as const;
const CRL_TYPES = ['COMPLETE', 'PARTITIONED'] as const;
const ACCESS_METHOD_TYPES = ['CA_REPOSITORY', 'RESOURCE_PKI_MANIFEST', 'RESOURCE_PKI_NOTIFY'] as const;
const AUDIT_REPORT_RESPONSE_FORMATS = ['JSON', 'CSV'] as const;
export const ACTION_TYPES = ['IssueCertificate', 'GetCertificate', 'ListPermissions'] as const;
const EXTENDED_KEY_USAGE_TYPES = [
  'SERVER_AUTH',
  'CLIENT_AUTH',
  'CODE_SIGNING',
  'EMAIL_PROTECTION',
  'TIME_STAMPING',
  'OCSP_SIGNING',
  'SMART_CARD_LOGIN',
  'DOCUMENT_SIGNING',
  'CERTIFICATE_TRANSPARENCY',
] as const;
const POLICY_QUALIFIER_IDS = ['CPS'] as const;
const VALIDITY_PERIOD_TYPES = ['END_DATE', 'ABSOLUTE', 'DAYS', 'MONTHS', 'YEARS'] as const;
const RESOURCE_OWNERS = ['SELF', 'OTHER_ACCOUNTS'] as const;
export const REVOCATION_REASONS = [
  'UNSPECIFIED',
  'KEY_COMPROMISE',
  'CERTIFICATE_AUTHORITY_COMPROMISE',
  'AFFILIATION_CHANGED',
  'SUPERSEDED',
  'CESSATION_OF_OPERATION',
  'PRIVILEGE_WITHDRAWN',
  'A_A_COMPROMISE',
] as const;
const CERTIFICATE_AUTHORITY_STATUSES = [
  'CREATING',
  'PENDING_CERTIFICATE',
  'ACTIVE',
  'DELETED',
  'DISABLED',
  'EXPIRED',
  'FAILED',
] as const;

// ---- Structures ----

const CustomAttribute = S.structure({
  ObjectIdentifier: CustomObjectIdentifier(true),
  Value: String1To256,
});

const ASN1Subject = (required = false) =>
  S.structure(
    {
      Country: CountryCodeString,
      Organization: String64,
      OrganizationalUnit: String64,
      DistinguishedNameQualifier: ASN1PrintableString64,
      State: String128,
      CommonName: String64,
      SerialNumber: ASN1PrintableString64,
      Locality: String128,
      Title: String64,
      Surname: String40,
      GivenName: String16,
      Initials: String5,
      Pseudonym: String128,
      GenerationQualifier: String3,
      CustomAttributes: S.list(CustomAttribute, { min: 1, max: 150 }),
    },
    { required },
  );

const EdiPartyName = S.structure({
  PartyName: String256(true),
  NameAssigner: String256(),
});

const OtherName = S.structure({
  TypeId: CustomObjectIdentifier(true),
  Value: String256(true),
});

const GeneralName = (required = false) =>
  S.structure(
    {
      OtherName,
      Rfc822Name: String256(),
      DnsName: String253,
      DirectoryName: ASN1Subject(),
      EdiPartyName,
      UniformResourceIdentifier: String253,
      IpAddress: String39,
      RegisteredId: CustomObjectIdentifier(),
    },
    { required },
  );

const AccessMethod = S.structure(
  {
    CustomObjectIdentifier: CustomObjectIdentifier(),
    AccessMethodType: S.string({ enum: ACCESS_METHOD_TYPES }),
  },
  { required: true },
);

const AccessDescription = S.structure({
  AccessMethod,
  AccessLocation: GeneralName(true),
});

const KeyUsage = S.structure({
  DigitalSignature: S.boolean(),
  NonRepudiation: S.boolean(),
  KeyEncipherment: S.boolean(),
  DataEncipherment: S.boolean(),
  KeyAgreement: S.boolean(),
  KeyCertSign: S.boolean(),
  CRLSign: S.boolean(),
  EncipherOnly: S.boolean(),
  DecipherOnly: S.boolean(),
});

const CsrExtensions = S.structure({
  KeyUsage,
  // AccessDescriptionList has no @length in the model.
  SubjectInformationAccess: S.list(AccessDescription),
});

const CertificateAuthorityConfiguration = S.structure(
  {
    KeyAlgorithm: S.string({ required: true, enum: KEY_ALGORITHMS }),
    SigningAlgorithm: S.string({ required: true, enum: SIGNING_ALGORITHMS }),
    Subject: ASN1Subject(true),
    CsrExtensions,
  },
  { required: true },
);

const CrlDistributionPointExtensionConfiguration = S.structure({
  OmitExtension: S.boolean({ required: true }),
});

const CrlConfiguration = S.structure({
  Enabled: S.boolean({ required: true }),
  ExpirationInDays: S.integer({ min: 1, max: 5000 }),
  CustomCname: CnameString,
  S3BucketName: S.string({ min: 3, max: 255, pattern: '[-a-zA-Z0-9._/]+' }),
  S3ObjectAcl: S.string({ enum: S3_OBJECT_ACLS }),
  CrlDistributionPointExtensionConfiguration,
  // CrlType / CustomPath (CrlPathString): in the current model (botocore 1.43, what the `aws` CLI
  // sends), not in the pinned SDK. Modelled here so they reach ca-service, which accepts the
  // default COMPLETE and refuses what it does not implement (PARTITIONED, CustomPath) with
  // InvalidArgsException instead of the gateway dropping them silently.
  CrlType: S.string({ enum: CRL_TYPES }),
  CustomPath: S.string({ min: 0, max: 253, pattern: `[-a-zA-Z0-9;?:@&=+$,%_.!~*()']+(/[-a-zA-Z0-9;?:@&=+$,%_.!~*()']+)*` }),
});

const OcspConfiguration = S.structure({
  Enabled: S.boolean({ required: true }),
  OcspCustomCname: CnameString,
});

const RevocationConfiguration = S.structure({
  CrlConfiguration,
  OcspConfiguration,
});

const Tag = S.structure({
  Key: S.string({ required: true, min: 1, max: 128, pattern: String.raw`([\p{L}\p{Z}\p{N}_.:/=+\-@]*)` }),
  Value: S.string({ min: 0, max: 256, pattern: String.raw`([\p{L}\p{Z}\p{N}_.:/=+\-@]*)` }),
});

const TagList = (required = false) => S.list(Tag, { required, min: 1, max: 50 });

const Qualifier = S.structure({ CpsUri: String256(true) }, { required: true });

const PolicyQualifierInfo = S.structure({
  PolicyQualifierId: S.string({ required: true, enum: POLICY_QUALIFIER_IDS }),
  Qualifier,
});

const PolicyInformation = S.structure({
  CertPolicyId: CustomObjectIdentifier(true),
  PolicyQualifiers: S.list(PolicyQualifierInfo, { min: 1, max: 20 }),
});

const CustomExtension = S.structure({
  ObjectIdentifier: CustomObjectIdentifier(true),
  Value: Base64String1To4096,
  Critical: S.boolean(),
});

const ExtendedKeyUsage = S.structure({
  ExtendedKeyUsageType: S.string({ enum: EXTENDED_KEY_USAGE_TYPES }),
  ExtendedKeyUsageObjectIdentifier: CustomObjectIdentifier(),
});

const Extensions = S.structure({
  CertificatePolicies: S.list(PolicyInformation, { min: 1, max: 20 }),
  ExtendedKeyUsage: S.list(ExtendedKeyUsage, { min: 1, max: 20 }),
  KeyUsage,
  SubjectAlternativeNames: S.list(GeneralName(), { min: 1, max: 150 }),
  CustomExtensions: S.list(CustomExtension, { min: 1, max: 150 }),
});

const ApiPassthrough = S.structure({
  Extensions,
  Subject: ASN1Subject(),
});

const Validity = (required: boolean) =>
  S.structure(
    {
      // PositiveLong: @range(min: 1), no maximum.
      Value: S.long({ required: true, min: 1 }),
      Type: S.string({ required: true, enum: VALIDITY_PERIOD_TYPES }),
    },
    { required },
  );

// ---- Operation inputs ----

const CreateCertificateAuthority = S.structure({
  CertificateAuthorityConfiguration,
  RevocationConfiguration,
  CertificateAuthorityType: S.string({ required: true, enum: CERTIFICATE_AUTHORITY_TYPES }),
  IdempotencyToken,
  KeyStorageSecurityStandard: S.string({ enum: KEY_STORAGE_SECURITY_STANDARDS }),
  Tags: TagList(),
  UsageMode: S.string({ enum: USAGE_MODES }),
});

const CreateCertificateAuthorityAuditReport = S.structure({
  CertificateAuthorityArn: Arn(true),
  // S3BucketName (audit report): @length(3, 63), no pattern in the model.
  S3BucketName: S.string({ required: true, min: 3, max: 63 }),
  AuditReportResponseFormat: S.string({ required: true, enum: AUDIT_REPORT_RESPONSE_FORMATS }),
});

const CreatePermission = S.structure({
  CertificateAuthorityArn: Arn(true),
  Principal: Principal(true),
  SourceAccount: AccountId,
  Actions: S.list(S.string({ enum: ACTION_TYPES }), { required: true, min: 1, max: 3 }),
});

const DeleteCertificateAuthority = S.structure({
  CertificateAuthorityArn: Arn(true),
  PermanentDeletionTimeInDays: S.integer({ min: 7, max: 30 }),
});

const DeletePermission = S.structure({
  CertificateAuthorityArn: Arn(true),
  Principal: Principal(true),
  SourceAccount: AccountId,
});

const DeletePolicy = S.structure({ ResourceArn: Arn(true) });

const DescribeCertificateAuthority = S.structure({ CertificateAuthorityArn: Arn(true) });

const DescribeCertificateAuthorityAuditReport = S.structure({
  CertificateAuthorityArn: Arn(true),
  AuditReportId: S.string({
    required: true,
    min: 36,
    max: 36,
    pattern: '[a-z0-9]{8}-[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{12}',
  }),
});

const GetCertificate = S.structure({
  CertificateAuthorityArn: Arn(true),
  CertificateArn: Arn(true),
});

const GetCertificateAuthorityCertificate = S.structure({ CertificateAuthorityArn: Arn(true) });

const GetCertificateAuthorityCsr = S.structure({ CertificateAuthorityArn: Arn(true) });

const GetPolicy = S.structure({ ResourceArn: Arn(true) });

const ImportCertificateAuthorityCertificate = S.structure({
  CertificateAuthorityArn: Arn(true),
  // CertificateBodyBlob / CertificateChainBlob: @length in bytes of the decoded blob.
  Certificate: S.blob({ required: true, min: 1, max: 32768 }),
  CertificateChain: S.blob({ min: 0, max: 2097152 }),
});

const IssueCertificate = S.structure({
  ApiPassthrough,
  CertificateAuthorityArn: Arn(true),
  Csr: S.blob({ required: true, min: 1, max: 32768 }),
  SigningAlgorithm: S.string({ required: true, enum: SIGNING_ALGORITHMS }),
  TemplateArn: Arn(),
  Validity: Validity(true),
  ValidityNotBefore: Validity(false),
  IdempotencyToken,
});

const ListCertificateAuthorities = S.structure({
  NextToken,
  MaxResults,
  ResourceOwner: S.string({ enum: RESOURCE_OWNERS }),
});

const ListPermissions = S.structure({
  CertificateAuthorityArn: Arn(true),
  NextToken,
  MaxResults,
});

const ListTags = S.structure({
  CertificateAuthorityArn: Arn(true),
  NextToken,
  MaxResults,
});

const PutPolicy = S.structure({
  ResourceArn: Arn(true),
  Policy: AWSPolicy(true),
});

const RestoreCertificateAuthority = S.structure({ CertificateAuthorityArn: Arn(true) });

const RevokeCertificate = S.structure({
  CertificateAuthorityArn: Arn(true),
  CertificateSerial: S.string({ required: true, min: 0, max: 128 }),
  RevocationReason: S.string({ required: true, enum: REVOCATION_REASONS }),
});

const TagCertificateAuthority = S.structure({
  CertificateAuthorityArn: Arn(true),
  Tags: TagList(true),
});

const UntagCertificateAuthority = S.structure({
  CertificateAuthorityArn: Arn(true),
  Tags: TagList(true),
});

const UpdateCertificateAuthority = S.structure({
  CertificateAuthorityArn: Arn(true),
  RevocationConfiguration,
  Status: S.string({ enum: CERTIFICATE_AUTHORITY_STATUSES }),
});

/** Operation name (the `X-Amz-Target` suffix after `ACMPrivateCA.`) -> input shape. */
export const ACM_PCA_INPUT_SHAPES = {
  CreateCertificateAuthority,
  CreateCertificateAuthorityAuditReport,
  CreatePermission,
  DeleteCertificateAuthority,
  DeletePermission,
  DeletePolicy,
  DescribeCertificateAuthority,
  DescribeCertificateAuthorityAuditReport,
  GetCertificate,
  GetCertificateAuthorityCertificate,
  GetCertificateAuthorityCsr,
  GetPolicy,
  ImportCertificateAuthorityCertificate,
  IssueCertificate,
  ListCertificateAuthorities,
  ListPermissions,
  ListTags,
  PutPolicy,
  RestoreCertificateAuthority,
  RevokeCertificate,
  TagCertificateAuthority,
  UntagCertificateAuthority,
  UpdateCertificateAuthority,
} as const satisfies Record<string, Shape>;

export type AcmPcaOperation = keyof typeof ACM_PCA_INPUT_SHAPES;
