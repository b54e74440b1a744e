/**
 * iot-registry's events (AWS IoT CA and device certificates). Complete facts in past tense,
 * schema version 1; stream names built here. Events carry certificates (public) and never key
 * material.
 */

/** AWS IoT `CertificateStatus` (the seed's enum, model order). */
export const IOT_CERTIFICATE_STATUSES = ['ACTIVE', 'INACTIVE', 'REVOKED', 'PENDING_TRANSFER', 'REGISTER_INACTIVE', 'PENDING_ACTIVATION'] as const;
export type IotCertificateStatus = (typeof IOT_CERTIFICATE_STATUSES)[number];

/** AWS IoT `CACertificateStatus`. */
export const IOT_CA_CERTIFICATE_STATUSES = ['ACTIVE', 'INACTIVE'] as const;
export type IotCaCertificateStatus = (typeof IOT_CA_CERTIFICATE_STATUSES)[number];

/** AWS IoT `AutoRegistrationStatus`. */
export const IOT_AUTO_REGISTRATION_STATUSES = ['ENABLE', 'DISABLE'] as const;
export type IotAutoRegistrationStatus = (typeof IOT_AUTO_REGISTRATION_STATUSES)[number];

/** AWS IoT `CertificateMode`. */
export const IOT_CERTIFICATE_MODES = ['DEFAULT', 'SNI_ONLY'] as const;
export type IotCertificateMode = (typeof IOT_CERTIFICATE_MODES)[number];

export const IOT_EVENT_TYPES = {
  RegistrationCodeGenerated: 'IotRegistrationCodeGenerated',
  CaCertificateRegistered: 'IotCaCertificateRegistered',
  CaCertificateUpdated: 'IotCaCertificateUpdated',
  CaCertificateDeleted: 'IotCaCertificateDeleted',
  CertificateRegistered: 'IotCertificateRegistered',
  CertificateStatusChanged: 'IotCertificateStatusChanged',
  CertificateTransferStarted: 'IotCertificateTransferStarted',
  CertificateTransferAccepted: 'IotCertificateTransferAccepted',
  CertificateTransferRejected: 'IotCertificateTransferRejected',
  CertificateTransferCancelled: 'IotCertificateTransferCancelled',
  CertificateDeleted: 'IotCertificateDeleted',
  // The certificate's side of its attachments (DeleteCertificate and TransferCertificate decide on them).
  CertificateThingAttached: 'IotCertificateThingAttached',
  CertificateThingDetached: 'IotCertificateThingDetached',
  CertificatePolicyAttached: 'IotCertificatePolicyAttached',
  CertificatePolicyDetached: 'IotCertificatePolicyDetached',
  ThingCreated: 'IotThingCreated',
  ThingUpdated: 'IotThingUpdated',
  ThingDeleted: 'IotThingDeleted',
  ThingPrincipalAttached: 'IotThingPrincipalAttached',
  ThingPrincipalDetached: 'IotThingPrincipalDetached',
  PolicyCreated: 'IotPolicyCreated',
  PolicyDeleted: 'IotPolicyDeleted',
  PolicyTargetAttached: 'IotPolicyTargetAttached',
  PolicyTargetDetached: 'IotPolicyTargetDetached',
  // Policy versions (CreatePolicyVersion, DeletePolicyVersion, SetDefaultPolicyVersion).
  PolicyVersionCreated: 'IotPolicyVersionCreated',
  PolicyVersionDeleted: 'IotPolicyVersionDeleted',
  PolicyDefaultVersionSet: 'IotPolicyDefaultVersionSet',
  // Thing types (CreateThingType, DeprecateThingType, DeleteThingType) and a thing's type.
  ThingTypeCreated: 'IotThingTypeCreated',
  ThingTypeDeprecationChanged: 'IotThingTypeDeprecationChanged',
  ThingTypeDeleted: 'IotThingTypeDeleted',
  ThingTypeAssigned: 'IotThingTypeAssigned',
  // The platform's own IoT CA hierarchy (the counterpart of the AWS IoT CA), one per deployment.
  PlatformRootCaCreated: 'IotPlatformRootCaCreated',
  PlatformIssuingCaCreated: 'IotPlatformIssuingCaCreated',
  PlatformCaProvisioned: 'IotPlatformCaProvisioned',
} as const;

/**
 * iot-registry's internal operations (not AWS's): the gateway asks them for what it serves
 * unsigned. `GetPlatformRootCa` answers the platform IoT root CA certificate (PEM), provisioning
 * the hierarchy on first need.
 */
export const IOT_INTERNAL_OPERATIONS = {
  GetPlatformRootCa: 'GetPlatformRootCa',
} as const;

/** What GetPlatformRootCa answers: the root IoT certificates chain to, and the CA that signs them (its certificate, PEM). */
export interface GetPlatformRootCaOutput {
  readonly certificatePem: string;
  readonly issuingCertificatePem: string;
}

/**
 * The AWS IoT registry operations beside the certificate ones (IOT_OPERATIONS): things, their
 * principals, and policies attached to certificates. Served over restJson1 like the others.
 */
export const IOT_THING_AND_POLICY_OPERATIONS = [
  'CreateThing',
  'DescribeThing',
  'UpdateThing',
  'DeleteThing',
  'ListThings',
  'AttachThingPrincipal',
  'DetachThingPrincipal',
  'ListThingPrincipals',
  'ListPrincipalThings',
  'CreatePolicy',
  'GetPolicy',
  'DeletePolicy',
  'AttachPolicy',
  'DetachPolicy',
  'ListAttachedPolicies',
  'ListTargetsForPolicy',
  // Policy versions and the policy list.
  'CreatePolicyVersion',
  'GetPolicyVersion',
  'ListPolicyVersions',
  'DeletePolicyVersion',
  'SetDefaultPolicyVersion',
  'ListPolicies',
  // The principal-centred forms (AWS deprecated the first four; older SDK code still calls them).
  'AttachPrincipalPolicy',
  'DetachPrincipalPolicy',
  'ListPrincipalPolicies',
  'ListPolicyPrincipals',
  'ListThingPrincipalsV2',
  'ListPrincipalThingsV2',
  // Thing types (things are created with one and listed by it).
  'CreateThingType',
  'DescribeThingType',
  'ListThingTypes',
  'DeprecateThingType',
  'DeleteThingType',
] as const;

/** AWS IoT `ThingPrincipalType`. */
export const IOT_THING_PRINCIPAL_TYPES = ['EXCLUSIVE_THING', 'NON_EXCLUSIVE_THING'] as const;
export type IotThingPrincipalType = (typeof IOT_THING_PRINCIPAL_TYPES)[number];

/** One registration code per account (GetRegistrationCode is stable). */
export function iotRegistrationCodeStream(accountId: string): string {
  return `iot-registration-code-${accountId}`;
}

/** One stream per CA certificate id (SHA-256 of its DER, lowercase hex). */
export function iotCaCertificateStream(certificateId: string): string {
  return `iot-cacert-${certificateId}`;
}

/** One stream per device certificate id (SHA-256 of its DER, lowercase hex). */
export function iotCertificateStream(certificateId: string): string {
  return `iot-cert-${certificateId}`;
}

/**
 * One stream per thing; thing names are unique per account and region (AWS IoT `ThingName`,
 * `[a-zA-Z0-9:_-]+`), e.g. `iot-thing-eu-west-1-123456789012-sensor`. Without a region: the name
 * streams had before PKI_REGIONS (`iot-thing-<account>-<name>`), still read for the things they
 * hold; a region starts with a letter and an account with a digit, so the two never collide.
 */
export function iotThingStream(accountId: string, thingName: string, region?: string): string {
  return region === undefined ? `iot-thing-${accountId}-${thingName}` : `iot-thing-${region}-${accountId}-${thingName}`;
}

/**
 * One stream per thing type; thing type names are unique per account (AWS IoT `ThingTypeName`,
 * `[a-zA-Z0-9:_-]+`). Not per region yet, unlike things and policies (README "Several regions").
 */
export function iotThingTypeStream(accountId: string, thingTypeName: string): string {
  return `iot-thing-type-${accountId}-${thingTypeName}`;
}

/** One stream per policy; policy names are unique per account and region (AWS IoT `PolicyName`, `[\w+=,.@-]+`); the region as for things. */
export function iotPolicyStream(accountId: string, policyName: string, region?: string): string {
  return region === undefined ? `iot-policy-${accountId}-${policyName}` : `iot-policy-${region}-${accountId}-${policyName}`;
}

/**
 * The platform's IoT CA hierarchy: one stream per deployment. Its CAs live in ca-service like any
 * other, in the platform account (PKI_PLATFORM_ACCOUNT_ID) and the deployment's default region.
 */
export function iotPlatformCaStream(): string {
  return 'iot-platform-ca';
}

/** What every change carries: AWS's customerVersion / generationId / lastModifiedDate bookkeeping. */
export interface IotChangeStampV1 {
  readonly customerVersion: number;
  readonly generationId: string;
  /** ISO-8601. */
  readonly at: string;
}

export interface IotRegistrationCodeGeneratedV1 {
  readonly accountId: string;
  readonly registrationCode: string;
  readonly generatedAt: string;
}

/** AWS IoT `RegistrationConfig` (just-in-time provisioning template). */
export interface IotRegistrationConfigV1 {
  readonly templateBody: string | null;
  readonly roleArn: string | null;
  readonly templateName: string | null;
}

export interface IotCaCertificateRegisteredV1 {
  readonly certificateId: string;
  readonly certificateArn: string;
  readonly ownedBy: string;
  readonly certificatePem: string;
  readonly status: IotCaCertificateStatus;
  readonly autoRegistrationStatus: IotAutoRegistrationStatus;
  readonly certificateMode: IotCertificateMode;
  readonly registrationConfig: IotRegistrationConfigV1 | null;
  readonly tags: ReadonlyArray<{ readonly Key: string; readonly Value: string }>;
  /** RFC 4514 subject and the validity, so projections need not parse the PEM. */
  readonly subject: string;
  readonly notBefore: string;
  readonly notAfter: string;
  readonly stamp: IotChangeStampV1;
}

export interface IotCaCertificateUpdatedV1 {
  readonly certificateId: string;
  readonly status: IotCaCertificateStatus;
  readonly autoRegistrationStatus: IotAutoRegistrationStatus;
  readonly registrationConfig: IotRegistrationConfigV1 | null;
  readonly stamp: IotChangeStampV1;
}

export interface IotCaCertificateDeletedV1 {
  readonly certificateId: string;
  readonly deletedAt: string;
}

/** How a device certificate came to the registry. */
export type IotRegistrationSource = 'RegisterCertificate' | 'RegisterCertificateWithoutCA' | 'AutoRegistration' | 'CreateCertificateFromCsr' | 'CreateKeysAndCertificate';

export interface IotCertificateRegisteredV1 {
  readonly certificateId: string;
  readonly certificateArn: string;
  readonly ownedBy: string;
  /** Null for certificates registered without a CA (SNI_ONLY). */
  readonly caCertificateId: string | null;
  readonly certificatePem: string;
  readonly status: IotCertificateStatus;
  readonly certificateMode: IotCertificateMode;
  readonly notBefore: string;
  readonly notAfter: string;
  readonly source: IotRegistrationSource;
  readonly stamp: IotChangeStampV1;
}

/** Why a status changed: the owner's UpdateCertificate, or the issuing private CA's revocation. */
export type IotStatusChangeCause = 'UpdateCertificate' | 'IssuerRevocation';

export interface IotCertificateStatusChangedV1 {
  readonly certificateId: string;
  readonly previousStatus: IotCertificateStatus;
  readonly status: IotCertificateStatus;
  readonly cause: IotStatusChangeCause;
  readonly stamp: IotChangeStampV1;
  /**
   * The certificate's region (its ARN's). Optional: events recorded before regions carry none and
   * are of the deployment's default region (PKI_REGION).
   */
  readonly region?: string;
}

export interface IotCertificateTransferStartedV1 {
  readonly certificateId: string;
  readonly fromAccount: string;
  readonly targetAccount: string;
  readonly transferMessage: string | null;
  readonly stamp: IotChangeStampV1;
  /**
   * The certificate's region (its ARN's). Optional: events recorded before regions carry none and
   * are of the deployment's default region (PKI_REGION).
   */
  readonly region?: string;
}

export interface IotCertificateTransferAcceptedV1 {
  readonly certificateId: string;
  readonly fromAccount: string;
  readonly toAccount: string;
  /** The new certificate ARN, in the accepting account. */
  readonly certificateArn: string;
  readonly status: IotCertificateStatus;
  readonly stamp: IotChangeStampV1;
}

export interface IotCertificateTransferRejectedV1 {
  readonly certificateId: string;
  readonly rejectedBy: string;
  readonly rejectReason: string | null;
  readonly stamp: IotChangeStampV1;
}

export interface IotCertificateTransferCancelledV1 {
  readonly certificateId: string;
  readonly cancelledBy: string;
  readonly stamp: IotChangeStampV1;
  /**
   * The certificate's region (its ARN's). Optional: events recorded before regions carry none and
   * are of the deployment's default region (PKI_REGION).
   */
  readonly region?: string;
}

export interface IotCertificateDeletedV1 {
  readonly certificateId: string;
  readonly ownedBy: string;
  readonly caCertificateId: string | null;
  readonly forceDelete: boolean;
  readonly deletedAt: string;
  /**
   * The certificate's region (its ARN's). Optional: events recorded before regions carry none and
   * are of the deployment's default region (PKI_REGION).
   */
  readonly region?: string;
}

/** The certificate's side of AttachThingPrincipal. */
export interface IotCertificateThingAttachedV1 {
  readonly certificateId: string;
  readonly accountId: string;
  readonly thingName: string;
  readonly thingPrincipalType: IotThingPrincipalType;
  readonly attachedAt: string;
}

/** The certificate's side of DetachThingPrincipal. */
export interface IotCertificateThingDetachedV1 {
  readonly certificateId: string;
  readonly accountId: string;
  readonly thingName: string;
  readonly detachedAt: string;
}

/** The certificate's side of AttachPolicy. */
export interface IotCertificatePolicyAttachedV1 {
  readonly certificateId: string;
  readonly accountId: string;
  readonly policyName: string;
  readonly attachedAt: string;
}

/** The certificate's side of DetachPolicy (or of DeleteCertificate with forceDelete). */
export interface IotCertificatePolicyDetachedV1 {
  readonly certificateId: string;
  readonly accountId: string;
  readonly policyName: string;
  readonly detachedAt: string;
}

export interface IotThingCreatedV1 {
  readonly accountId: string;
  readonly thingName: string;
  /** A UUID, AWS IoT `thingId`. */
  readonly thingId: string;
  readonly thingArn: string;
  readonly attributes: Readonly<Record<string, string>>;
  /** Always 1: AWS IoT thing versions start at 1 and grow by one per UpdateThing. */
  readonly version: number;
  readonly createdAt: string;
}

export interface IotThingUpdatedV1 {
  readonly accountId: string;
  readonly thingName: string;
  /** The whole attribute set after the update (merge or replace already applied). */
  readonly attributes: Readonly<Record<string, string>>;
  readonly version: number;
  readonly updatedAt: string;
}

export interface IotThingDeletedV1 {
  readonly accountId: string;
  readonly thingName: string;
  readonly thingId: string;
  readonly deletedAt: string;
}

/** The thing's side of AttachThingPrincipal; the principal is a certificate ARN of the same account. */
export interface IotThingPrincipalAttachedV1 {
  readonly accountId: string;
  readonly thingName: string;
  readonly principal: string;
  readonly certificateId: string;
  readonly thingPrincipalType: IotThingPrincipalType;
  readonly attachedAt: string;
}

export interface IotThingPrincipalDetachedV1 {
  readonly accountId: string;
  readonly thingName: string;
  readonly principal: string;
  readonly certificateId: string;
  readonly detachedAt: string;
}

export interface IotPolicyCreatedV1 {
  readonly accountId: string;
  readonly policyName: string;
  readonly policyArn: string;
  /** The JSON policy document as the caller sent it (AWS returns it unchanged). */
  readonly policyDocument: string;
  /** AWS IoT: the created policy is version "1", its default version. */
  readonly policyVersionId: string;
  readonly generationId: string;
  readonly tags: ReadonlyArray<{ readonly Key: string; readonly Value: string }>;
  readonly createdAt: string;
}

export interface IotPolicyDeletedV1 {
  readonly accountId: string;
  readonly policyName: string;
  readonly deletedAt: string;
}

/** The policy's side of AttachPolicy; the target is a certificate ARN of the same account. */
export interface IotPolicyTargetAttachedV1 {
  readonly accountId: string;
  readonly policyName: string;
  readonly target: string;
  readonly certificateId: string;
  readonly attachedAt: string;
}

export interface IotPolicyTargetDetachedV1 {
  readonly accountId: string;
  readonly policyName: string;
  readonly target: string;
  readonly certificateId: string;
  readonly detachedAt: string;
}

/** CreatePolicyVersion: a new version of the policy's document, the default one when `isDefaultVersion`. */
export interface IotPolicyVersionCreatedV1 {
  readonly accountId: string;
  readonly policyName: string;
  readonly policyVersionId: string;
  readonly policyDocument: string;
  readonly isDefaultVersion: boolean;
  readonly generationId: string;
  readonly createdAt: string;
}

/** DeletePolicyVersion (never the default version). */
export interface IotPolicyVersionDeletedV1 {
  readonly accountId: string;
  readonly policyName: string;
  readonly policyVersionId: string;
  readonly deletedAt: string;
}

/** SetDefaultPolicyVersion: this version's document is now the policy's. */
export interface IotPolicyDefaultVersionSetV1 {
  readonly accountId: string;
  readonly policyName: string;
  readonly policyVersionId: string;
  readonly generationId: string;
  readonly setAt: string;
}

/** AWS IoT `ThingTypeProperties`. */
export interface IotThingTypePropertiesV1 {
  readonly thingTypeDescription: string | null;
  readonly searchableAttributes: readonly string[];
}

export interface IotThingTypeCreatedV1 {
  readonly accountId: string;
  readonly thingTypeName: string;
  /** A UUID, AWS IoT `thingTypeId`. */
  readonly thingTypeId: string;
  readonly thingTypeArn: string;
  readonly properties: IotThingTypePropertiesV1;
  readonly tags: ReadonlyArray<{ readonly Key: string; readonly Value: string }>;
  readonly createdAt: string;
}

/** DeprecateThingType (`deprecated` true) or with undoDeprecate (false). */
export interface IotThingTypeDeprecationChangedV1 {
  readonly accountId: string;
  readonly thingTypeName: string;
  readonly deprecated: boolean;
  readonly changedAt: string;
}

export interface IotThingTypeDeletedV1 {
  readonly accountId: string;
  readonly thingTypeName: string;
  readonly deletedAt: string;
}

/** The thing's type (CreateThing or UpdateThing with thingTypeName; null: UpdateThing removeThingType). */
export interface IotThingTypeAssignedV1 {
  readonly accountId: string;
  readonly thingName: string;
  readonly thingTypeName: string | null;
  readonly assignedAt: string;
}

/** The platform IoT root CA was created in ca-service (CreateCertificateAuthority answered this ARN); it may still lack its certificate. */
export interface IotPlatformRootCaCreatedV1 {
  readonly caArn: string;
  readonly createdAt: string;
}

/** The platform IoT issuing CA (subordinate of the root) was created in ca-service; it may still lack its certificate. */
export interface IotPlatformIssuingCaCreatedV1 {
  readonly caArn: string;
  readonly createdAt: string;
}

/** Both platform IoT CAs are ACTIVE: IoT issues from `issuingCaArn`, and the gateway serves `rootCertificatePem`. */
export interface IotPlatformCaProvisionedV1 {
  readonly rootCaArn: string;
  readonly issuingCaArn: string;
  readonly rootCertificatePem: string;
  readonly issuingCertificatePem: string;
  readonly provisionedAt: string;
}
