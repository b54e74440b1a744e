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
} as const;

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
}

export interface IotCertificateTransferStartedV1 {
  readonly certificateId: string;
  readonly fromAccount: string;
  readonly targetAccount: string;
  readonly transferMessage: string | null;
  readonly stamp: IotChangeStampV1;
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
}

export interface IotCertificateDeletedV1 {
  readonly certificateId: string;
  readonly ownedBy: string;
  readonly caCertificateId: string | null;
  readonly forceDelete: boolean;
  readonly deletedAt: string;
}
