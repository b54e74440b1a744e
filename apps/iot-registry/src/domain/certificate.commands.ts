import type { IotCertificateRegisteredV1, IotCertificateStatus, IotThingPrincipalType } from '@pki/contracts';

/**
 * Commands of the AWS IoT device certificate aggregate. Each carries what the decider must not
 * read itself: `now`, the new generationId, the region and the CA certificate's status.
 */
/** What every change that AWS IoT versions carries: its time and its new generationId. */
export interface Stamped {
  readonly now: Date;
  readonly generationId: string;
}

/** The facts of CertificateRegistered (v1) but its change stamp, which `now` and `generationId` make. */
export interface RegisterCertificate extends Stamped, Omit<IotCertificateRegisteredV1, 'stamp'> {
  readonly type: 'RegisterCertificate';
}

export interface UpdateCertificate extends Stamped {
  readonly type: 'UpdateCertificate';
  readonly caller: string;
  readonly certificateId: string;
  readonly newStatus: IotCertificateStatus;
  /** Status of the CA certificate that signed it (null: registered without a CA, or the CA is gone). */
  readonly caStatus: 'ACTIVE' | 'INACTIVE' | null;
}

export interface DeleteCertificate {
  readonly type: 'DeleteCertificate';
  readonly caller: string;
  readonly certificateId: string;
  readonly forceDelete: boolean;
  readonly now: Date;
}

export interface TransferCertificate extends Stamped {
  readonly type: 'TransferCertificate';
  readonly caller: string;
  readonly certificateId: string;
  readonly targetAwsAccount: string;
  readonly transferMessage: string | null;
}

export interface AcceptCertificateTransfer extends Stamped {
  readonly type: 'AcceptCertificateTransfer';
  readonly caller: string;
  readonly certificateId: string;
  readonly setAsActive: boolean;
  readonly region: string;
}

export interface RejectCertificateTransfer extends Stamped {
  readonly type: 'RejectCertificateTransfer';
  readonly caller: string;
  readonly certificateId: string;
  readonly rejectReason: string | null;
}

export interface CancelCertificateTransfer extends Stamped {
  readonly type: 'CancelCertificateTransfer';
  readonly caller: string;
  readonly certificateId: string;
}

/** The certificate's side of AttachThingPrincipal (the thing's side is the thing aggregate's). */
export interface AttachToThing {
  readonly type: 'AttachToThing';
  readonly caller: string;
  readonly certificateId: string;
  readonly thingName: string;
  readonly thingPrincipalType: IotThingPrincipalType;
  readonly now: Date;
}

export interface DetachFromThing {
  readonly type: 'DetachFromThing';
  readonly caller: string;
  readonly certificateId: string;
  readonly thingName: string;
  readonly now: Date;
}

/** The certificate's side of AttachPolicy (the policy's side is the policy aggregate's). */
export interface AttachPolicyToCertificate {
  readonly type: 'AttachPolicyToCertificate';
  readonly caller: string;
  readonly certificateId: string;
  readonly policyName: string;
  readonly now: Date;
}

export interface DetachPolicyFromCertificate {
  readonly type: 'DetachPolicyFromCertificate';
  readonly caller: string;
  readonly certificateId: string;
  readonly policyName: string;
  readonly now: Date;
}

/** The issuing private CA revoked this certificate (revocation-service's CertificateRevoked). */
export interface RevokeByIssuer extends Stamped {
  readonly type: 'RevokeByIssuer';
  readonly certificateId: string;
}

export type CertificateCommand =
  | RegisterCertificate
  | UpdateCertificate
  | DeleteCertificate
  | TransferCertificate
  | AcceptCertificateTransfer
  | RejectCertificateTransfer
  | CancelCertificateTransfer
  | AttachToThing
  | DetachFromThing
  | AttachPolicyToCertificate
  | DetachPolicyFromCertificate
  | RevokeByIssuer;
