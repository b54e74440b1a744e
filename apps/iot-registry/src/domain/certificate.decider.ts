/**
 * The AWS IoT device certificate aggregate: registration, UpdateCertificate, DeleteCertificate,
 * the transfer protocol between accounts (Transfer / Accept / Reject / Cancel), the revocation
 * that follows the issuing private CA's, and the certificate's side of its attachments to things
 * (AttachThingPrincipal) and policies (AttachPolicy), which DeleteCertificate and
 * TransferCertificate decide on. decide(command, state) -> events;
 * evolve(state, event) -> state. Pure: time, generation ids, the region and the CA's status
 * arrive in the command.
 */
import {
  IOT_EVENT_TYPES,
  type IotCertificateDeletedV1,
  type IotCertificateMode,
  type IotCertificatePolicyAttachedV1,
  type IotCertificatePolicyDetachedV1,
  type IotCertificateThingAttachedV1,
  type IotCertificateThingDetachedV1,
  type IotThingPrincipalType,
  type IotCertificateRegisteredV1,
  type IotCertificateStatus,
  type IotCertificateStatusChangedV1,
  type IotCertificateTransferAcceptedV1,
  type IotCertificateTransferCancelledV1,
  type IotCertificateTransferRejectedV1,
  type IotCertificateTransferStartedV1,
  type IotChangeStampV1,
  type IotRegistrationSource,
  type NewEvent,
} from '@pki/contracts';
import { certificateArn } from './iot-ids';
import { iotErrors } from './iot-errors';

type V1<T, K extends string> = NewEvent<T, K> & { schemaVersion: 1 };

export type CertificateEvent =
  | V1<IotCertificateRegisteredV1, typeof IOT_EVENT_TYPES.CertificateRegistered>
  | V1<IotCertificateStatusChangedV1, typeof IOT_EVENT_TYPES.CertificateStatusChanged>
  | V1<IotCertificateTransferStartedV1, typeof IOT_EVENT_TYPES.CertificateTransferStarted>
  | V1<IotCertificateTransferAcceptedV1, typeof IOT_EVENT_TYPES.CertificateTransferAccepted>
  | V1<IotCertificateTransferRejectedV1, typeof IOT_EVENT_TYPES.CertificateTransferRejected>
  | V1<IotCertificateTransferCancelledV1, typeof IOT_EVENT_TYPES.CertificateTransferCancelled>
  | V1<IotCertificateDeletedV1, typeof IOT_EVENT_TYPES.CertificateDeleted>
  | V1<IotCertificateThingAttachedV1, typeof IOT_EVENT_TYPES.CertificateThingAttached>
  | V1<IotCertificateThingDetachedV1, typeof IOT_EVENT_TYPES.CertificateThingDetached>
  | V1<IotCertificatePolicyAttachedV1, typeof IOT_EVENT_TYPES.CertificatePolicyAttached>
  | V1<IotCertificatePolicyDetachedV1, typeof IOT_EVENT_TYPES.CertificatePolicyDetached>;

/** A thing this certificate is attached to (AttachThingPrincipal). */
export interface ThingLink {
  readonly thingName: string;
  readonly thingPrincipalType: IotThingPrincipalType;
}

/** AWS IoT: "The number of policies that can be attached to a certificate or Amazon Cognito identity": 10. */
export const MAX_POLICIES_PER_CERTIFICATE = 10;

/** AWS IoT `TransferData`, plus the accounts involved (not on the wire). */
export interface TransferRecord {
  readonly fromAccount: string;
  readonly targetAccount: string;
  readonly transferMessage: string | null;
  readonly rejectReason: string | null;
  readonly transferDate: string;
  readonly acceptDate: string | null;
  readonly rejectDate: string | null;
  readonly outcome: 'PENDING' | 'ACCEPTED' | 'REJECTED' | 'CANCELLED';
}

export interface RegisteredCertificate {
  readonly status: IotCertificateStatus;
  readonly certificateId: string;
  readonly certificateArn: string;
  readonly ownedBy: string;
  readonly previousOwnedBy: string | null;
  readonly caCertificateId: string | null;
  readonly certificatePem: string;
  readonly certificateMode: IotCertificateMode;
  readonly notBefore: string;
  readonly notAfter: string;
  readonly creationDate: string;
  readonly lastModifiedDate: string;
  readonly customerVersion: number;
  readonly generationId: string;
  readonly transfer: TransferRecord | null;
  /** Things of the owning account this certificate is attached to, in attachment order. */
  readonly things: readonly ThingLink[];
  /** Policies of the owning account attached to this certificate, in attachment order. */
  readonly policies: readonly string[];
}

export type CertificateState = { readonly status: 'Absent' } | RegisteredCertificate;

export const initialCertificateState: CertificateState = { status: 'Absent' };

interface Stamped {
  readonly now: Date;
  readonly generationId: string;
}

export interface RegisterCertificate extends Stamped {
  readonly type: 'RegisterCertificate';
  readonly certificateId: string;
  readonly certificateArn: string;
  readonly ownedBy: string;
  readonly caCertificateId: string | null;
  readonly certificatePem: string;
  readonly status: IotCertificateStatus;
  readonly certificateMode: IotCertificateMode;
  readonly notBefore: string;
  readonly notAfter: string;
  readonly source: IotRegistrationSource;
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

const stampAfter = (state: RegisteredCertificate, command: Stamped): IotChangeStampV1 => ({
  customerVersion: state.customerVersion + 1,
  generationId: command.generationId,
  at: command.now.toISOString(),
});

/** Who may see a certificate: its owner, and the target account while a transfer to it is pending. */
export function isVisibleTo(state: CertificateState, account: string): state is RegisteredCertificate {
  if (state.status === 'Absent') return false;
  return state.ownedBy === account || (state.status === 'PENDING_TRANSFER' && state.transfer?.targetAccount === account);
}

function owned(state: CertificateState, caller: string, certificateId: string): RegisteredCertificate {
  if (state.status === 'Absent' || state.ownedBy !== caller) throw iotErrors.notFound('certificate', certificateId);
  return state;
}

function register(command: RegisterCertificate, state: CertificateState): CertificateEvent[] {
  if (state.status !== 'Absent') throw iotErrors.alreadyExists('certificate', { id: command.certificateId, arn: command.certificateArn });
  if (command.status === 'PENDING_TRANSFER') {
    throw iotErrors.invalidRequest('A certificate cannot be registered with status PENDING_TRANSFER; use TransferCertificate after registering it.');
  }
  return [
    {
      type: IOT_EVENT_TYPES.CertificateRegistered,
      schemaVersion: 1,
      data: {
        certificateId: command.certificateId,
        certificateArn: command.certificateArn,
        ownedBy: command.ownedBy,
        caCertificateId: command.caCertificateId,
        certificatePem: command.certificatePem,
        status: command.status,
        certificateMode: command.certificateMode,
        notBefore: command.notBefore,
        notAfter: command.notAfter,
        source: command.source,
        stamp: { customerVersion: 1, generationId: command.generationId, at: command.now.toISOString() },
      },
    },
  ];
}

function update(command: UpdateCertificate, state: CertificateState): CertificateEvent[] {
  const certificate = owned(state, command.caller, command.certificateId);
  // AWS IoT UpdateCertificate: "Setting the status to PENDING_TRANSFER or PENDING_ACTIVATION will
  // result in an exception being thrown ... statuses used internally by IoT".
  if (command.newStatus === 'PENDING_TRANSFER' || command.newStatus === 'PENDING_ACTIVATION') {
    throw iotErrors.invalidRequest(`The status ${command.newStatus} is used internally by IoT and cannot be set with UpdateCertificate.`);
  }
  if (certificate.status === 'PENDING_TRANSFER') {
    throw iotErrors.certificateState(`The certificate ${certificate.certificateId} is pending transfer; cancel the transfer (CancelCertificateTransfer) before changing its status.`);
  }
  if (certificate.status === 'REVOKED' && command.newStatus !== 'REVOKED') {
    throw iotErrors.certificateState(`The certificate ${certificate.certificateId} is REVOKED; a revoked certificate cannot be set to ${command.newStatus}.`);
  }
  if (command.newStatus === 'ACTIVE' && command.caStatus === 'INACTIVE') {
    throw iotErrors.certificateState(
      `The CA certificate ${certificate.caCertificateId} that signed this certificate is INACTIVE; activate the CA certificate before activating the certificate.`,
    );
  }
  return [
    {
      type: IOT_EVENT_TYPES.CertificateStatusChanged,
      schemaVersion: 1,
      data: { certificateId: certificate.certificateId, previousStatus: certificate.status, status: command.newStatus, cause: 'UpdateCertificate', stamp: stampAfter(certificate, command) },
    },
  ];
}

function remove(command: DeleteCertificate, state: CertificateState): CertificateEvent[] {
  const certificate = owned(state, command.caller, command.certificateId);
  // AWS IoT DeleteCertificate: "A certificate cannot be deleted if it has a policy or IoT thing
  // attached to it or if its status is set to ACTIVE. To delete a certificate, first use the
  // DetachPolicy action to detach all policies. Next, use the UpdateCertificate action to set the
  // certificate to the INACTIVE status." forceDelete: "Forces the deletion of a certificate if it
  // is inactive and is not attached to an IoT thing": it detaches the policies, never the things.
  // Attachments are checked first, in the order the documentation lists the steps.
  if (certificate.things.length > 0) {
    const names = certificate.things.map((t) => t.thingName).join(', ');
    throw iotErrors.deleteConflict(
      `The certificate ${certificate.certificateId} is attached to the thing(s) ${names}; detach it (DetachThingPrincipal) before deleting it. forceDelete does not detach things.`,
    );
  }
  if (certificate.policies.length > 0 && !command.forceDelete) {
    throw iotErrors.deleteConflict(
      `The certificate ${certificate.certificateId} has the policy(ies) ${certificate.policies.join(', ')} attached; detach them (DetachPolicy) or pass forceDelete=true before deleting it.`,
    );
  }
  if (certificate.status === 'ACTIVE') {
    throw iotErrors.certificateState(`The certificate ${certificate.certificateId} is ACTIVE; deactivate it (UpdateCertificate newStatus=INACTIVE) before deleting it.`);
  }
  if (certificate.status === 'PENDING_TRANSFER') {
    throw iotErrors.certificateState(`The certificate ${certificate.certificateId} is pending transfer; cancel the transfer before deleting it.`);
  }
  const detached: CertificateEvent[] = certificate.policies.map((policyName) => ({
    type: IOT_EVENT_TYPES.CertificatePolicyDetached,
    schemaVersion: 1,
    data: { certificateId: certificate.certificateId, accountId: certificate.ownedBy, policyName, detachedAt: command.now.toISOString() },
  }));
  return [
    ...detached,
    {
      type: IOT_EVENT_TYPES.CertificateDeleted,
      schemaVersion: 1,
      data: {
        certificateId: certificate.certificateId,
        ownedBy: certificate.ownedBy,
        caCertificateId: certificate.caCertificateId,
        forceDelete: command.forceDelete,
        deletedAt: command.now.toISOString(),
      },
    },
  ];
}

function transfer(command: TransferCertificate, state: CertificateState): CertificateEvent[] {
  const certificate = owned(state, command.caller, command.certificateId);
  if (command.targetAwsAccount === certificate.ownedBy) throw iotErrors.invalidRequest('The targetAwsAccount is the account that already owns the certificate.');
  // AWS IoT TransferCertificate: "The certificate being transferred must not be in the ACTIVE state."
  if (certificate.status === 'ACTIVE') {
    throw iotErrors.certificateState(`The certificate ${certificate.certificateId} is ACTIVE; deactivate it (UpdateCertificate newStatus=INACTIVE) before transferring it.`);
  }
  if (certificate.status === 'PENDING_TRANSFER') {
    throw iotErrors.certificateState(`The certificate ${certificate.certificateId} is already pending transfer to ${certificate.transfer?.targetAccount}.`);
  }
  // AWS IoT TransferCertificate: "The certificate must not have any policies attached to it. You
  // can use the DetachPolicy action to detach them." (TransferConflictException). Things are
  // resources of the sending account too: a transferred certificate attached to them would leave
  // the sender's things naming another account's principal, so they must be detached as well.
  if (certificate.policies.length > 0) {
    throw iotErrors.transferConflict(
      `The certificate ${certificate.certificateId} has the policy(ies) ${certificate.policies.join(', ')} attached; detach them (DetachPolicy) before transferring it.`,
    );
  }
  if (certificate.things.length > 0) {
    throw iotErrors.transferConflict(
      `The certificate ${certificate.certificateId} is attached to the thing(s) ${certificate.things.map((t) => t.thingName).join(', ')}; detach it (DetachThingPrincipal) before transferring it.`,
    );
  }
  return [
    {
      type: IOT_EVENT_TYPES.CertificateTransferStarted,
      schemaVersion: 1,
      data: {
        certificateId: certificate.certificateId,
        fromAccount: certificate.ownedBy,
        targetAccount: command.targetAwsAccount,
        transferMessage: command.transferMessage,
        stamp: stampAfter(certificate, command),
      },
    },
  ];
}

/**
 * The target account's side of a transfer (Accept/Reject). Only the target may answer a pending
 * transfer; once it is answered or cancelled, the accounts involved get
 * TransferAlreadyCompletedException and everyone else ResourceNotFoundException.
 *
 * Who gets UnauthorizedException ("You are not authorized to perform this operation"): an account
 * that takes part in the transfer but on the other side - the sending owner answering its own
 * transfer here, the target cancelling it in `cancel`. Both can already see the certificate, so
 * naming the refusal hides nothing and tells them it is the other party's move. Accounts outside
 * the transfer get ResourceNotFoundException, as from DescribeCertificate: a certificate id is not
 * proof that it exists in someone else's account.
 */
function pendingForTarget(state: CertificateState, caller: string, certificateId: string): RegisteredCertificate & { transfer: TransferRecord } {
  if (state.status === 'Absent' || !state.transfer) throw iotErrors.notFound('certificate', certificateId);
  const { transfer } = state;
  const involved = caller === transfer.targetAccount || caller === transfer.fromAccount || caller === state.ownedBy;
  if (!involved) throw iotErrors.notFound('certificate', certificateId);
  if (state.status !== 'PENDING_TRANSFER' || transfer.outcome !== 'PENDING') {
    throw iotErrors.transferCompleted(`The transfer of certificate ${certificateId} was already ${transfer.outcome.toLowerCase()}.`);
  }
  if (caller !== transfer.targetAccount) {
    throw iotErrors.unauthorized(`Only the target account ${transfer.targetAccount} can accept or reject the transfer of certificate ${certificateId}; the sending account can cancel it (CancelCertificateTransfer).`);
  }
  return state as RegisteredCertificate & { transfer: TransferRecord };
}

function accept(command: AcceptCertificateTransfer, state: CertificateState): CertificateEvent[] {
  const certificate = pendingForTarget(state, command.caller, command.certificateId);
  return [
    {
      type: IOT_EVENT_TYPES.CertificateTransferAccepted,
      schemaVersion: 1,
      data: {
        certificateId: certificate.certificateId,
        fromAccount: certificate.ownedBy,
        toAccount: command.caller,
        certificateArn: certificateArn(command.region, command.caller, certificate.certificateId),
        status: command.setAsActive ? 'ACTIVE' : 'INACTIVE',
        stamp: stampAfter(certificate, command),
      },
    },
  ];
}

function reject(command: RejectCertificateTransfer, state: CertificateState): CertificateEvent[] {
  const certificate = pendingForTarget(state, command.caller, command.certificateId);
  return [
    {
      type: IOT_EVENT_TYPES.CertificateTransferRejected,
      schemaVersion: 1,
      data: { certificateId: certificate.certificateId, rejectedBy: command.caller, rejectReason: command.rejectReason, stamp: stampAfter(certificate, command) },
    },
  ];
}

function cancel(command: CancelCertificateTransfer, state: CertificateState): CertificateEvent[] {
  if (state.status === 'Absent') throw iotErrors.notFound('certificate', command.certificateId);
  const { transfer } = state;
  const ownerSide = command.caller === state.ownedBy || command.caller === transfer?.fromAccount;
  const targetSide = transfer !== null && command.caller === transfer.targetAccount;
  if (!ownerSide && !targetSide) throw iotErrors.notFound('certificate', command.certificateId);
  if (!transfer) throw iotErrors.invalidRequest(`The certificate ${command.certificateId} has no transfer to cancel.`);
  if (state.status !== 'PENDING_TRANSFER' || transfer.outcome !== 'PENDING') {
    throw iotErrors.transferCompleted(`The transfer of certificate ${command.certificateId} was already ${transfer.outcome.toLowerCase()}.`);
  }
  // See pendingForTarget: the target may accept or reject, only the sender may cancel.
  if (!ownerSide) {
    throw iotErrors.unauthorized(`Only the sending account ${transfer.fromAccount} can cancel the transfer of certificate ${command.certificateId}; the target account can reject it (RejectCertificateTransfer).`);
  }
  return [
    {
      type: IOT_EVENT_TYPES.CertificateTransferCancelled,
      schemaVersion: 1,
      data: { certificateId: state.certificateId, cancelledBy: command.caller, stamp: stampAfter(state, command) },
    },
  ];
}

/** Attachments are made by the owner, and not while the certificate is on its way to another account. */
function attachable(state: CertificateState, caller: string, certificateId: string): RegisteredCertificate {
  const certificate = owned(state, caller, certificateId);
  if (certificate.status === 'PENDING_TRANSFER') {
    throw iotErrors.invalidRequest(`The certificate ${certificateId} is pending transfer to another account; cancel the transfer (CancelCertificateTransfer) before attaching it.`);
  }
  return certificate;
}

function attachToThing(command: AttachToThing, state: CertificateState): CertificateEvent[] {
  const certificate = attachable(state, command.caller, command.certificateId);
  const existing = certificate.things.find((t) => t.thingName === command.thingName);
  // Attaching again what is attached is a no-op, as AWS's AttachThingPrincipal is idempotent.
  if (existing && existing.thingPrincipalType === command.thingPrincipalType) return [];
  if (existing) {
    throw iotErrors.invalidRequest(
      `The certificate ${certificate.certificateId} is already attached to the thing ${command.thingName} as ${existing.thingPrincipalType}; detach it first to attach it as ${command.thingPrincipalType}.`,
    );
  }
  // AWS IoT ThingPrincipalType EXCLUSIVE_THING: "The thing will be the only thing that's attached to the principal."
  const exclusive = certificate.things.find((t) => t.thingPrincipalType === 'EXCLUSIVE_THING');
  if (exclusive) {
    throw iotErrors.invalidRequest(`The certificate ${certificate.certificateId} is attached exclusively (EXCLUSIVE_THING) to the thing ${exclusive.thingName}; it cannot be attached to other things.`);
  }
  if (command.thingPrincipalType === 'EXCLUSIVE_THING' && certificate.things.length > 0) {
    throw iotErrors.invalidRequest(
      `The certificate ${certificate.certificateId} is already attached to the thing(s) ${certificate.things.map((t) => t.thingName).join(', ')}; EXCLUSIVE_THING needs a certificate attached to no other thing.`,
    );
  }
  return [
    {
      type: IOT_EVENT_TYPES.CertificateThingAttached,
      schemaVersion: 1,
      data: { certificateId: certificate.certificateId, accountId: certificate.ownedBy, thingName: command.thingName, thingPrincipalType: command.thingPrincipalType, attachedAt: command.now.toISOString() },
    },
  ];
}

function detachFromThing(command: DetachFromThing, state: CertificateState): CertificateEvent[] {
  const certificate = owned(state, command.caller, command.certificateId);
  if (!certificate.things.some((t) => t.thingName === command.thingName)) return [];
  return [
    {
      type: IOT_EVENT_TYPES.CertificateThingDetached,
      schemaVersion: 1,
      data: { certificateId: certificate.certificateId, accountId: certificate.ownedBy, thingName: command.thingName, detachedAt: command.now.toISOString() },
    },
  ];
}

function attachPolicy(command: AttachPolicyToCertificate, state: CertificateState): CertificateEvent[] {
  const certificate = attachable(state, command.caller, command.certificateId);
  if (certificate.policies.includes(command.policyName)) return [];
  if (certificate.policies.length >= MAX_POLICIES_PER_CERTIFICATE) {
    throw iotErrors.limitExceeded(
      `The certificate ${certificate.certificateId} already has ${certificate.policies.length} policies attached, the most AWS IoT allows per certificate; detach one (DetachPolicy) first.`,
    );
  }
  return [
    {
      type: IOT_EVENT_TYPES.CertificatePolicyAttached,
      schemaVersion: 1,
      data: { certificateId: certificate.certificateId, accountId: certificate.ownedBy, policyName: command.policyName, attachedAt: command.now.toISOString() },
    },
  ];
}

function detachPolicy(command: DetachPolicyFromCertificate, state: CertificateState): CertificateEvent[] {
  const certificate = owned(state, command.caller, command.certificateId);
  if (!certificate.policies.includes(command.policyName)) return [];
  return [
    {
      type: IOT_EVENT_TYPES.CertificatePolicyDetached,
      schemaVersion: 1,
      data: { certificateId: certificate.certificateId, accountId: certificate.ownedBy, policyName: command.policyName, detachedAt: command.now.toISOString() },
    },
  ];
}

function revokeByIssuer(command: RevokeByIssuer, state: CertificateState): CertificateEvent[] {
  // Replays and certificates this registry does not hold change nothing.
  if (state.status === 'Absent' || state.status === 'REVOKED') return [];
  return [
    {
      type: IOT_EVENT_TYPES.CertificateStatusChanged,
      schemaVersion: 1,
      data: { certificateId: state.certificateId, previousStatus: state.status, status: 'REVOKED', cause: 'IssuerRevocation', stamp: stampAfter(state, command) },
    },
  ];
}

export function decideCertificate(command: CertificateCommand, state: CertificateState): CertificateEvent[] {
  switch (command.type) {
    case 'RegisterCertificate':
      return register(command, state);
    case 'UpdateCertificate':
      return update(command, state);
    case 'DeleteCertificate':
      return remove(command, state);
    case 'TransferCertificate':
      return transfer(command, state);
    case 'AcceptCertificateTransfer':
      return accept(command, state);
    case 'RejectCertificateTransfer':
      return reject(command, state);
    case 'CancelCertificateTransfer':
      return cancel(command, state);
    case 'AttachToThing':
      return attachToThing(command, state);
    case 'DetachFromThing':
      return detachFromThing(command, state);
    case 'AttachPolicyToCertificate':
      return attachPolicy(command, state);
    case 'DetachPolicyFromCertificate':
      return detachPolicy(command, state);
    case 'RevokeByIssuer':
      return revokeByIssuer(command, state);
    default: {
      const exhaustive: never = command;
      throw new Error(`unknown command ${String((exhaustive as { type: string }).type)}`);
    }
  }
}

const restamp = (state: RegisteredCertificate, stamp: IotChangeStampV1): RegisteredCertificate => ({
  ...state,
  lastModifiedDate: stamp.at,
  customerVersion: stamp.customerVersion,
  generationId: stamp.generationId,
});

export function evolveCertificate(state: CertificateState, event: CertificateEvent): CertificateState {
  if (event.type === IOT_EVENT_TYPES.CertificateRegistered) {
    const d = event.data;
    return {
      status: d.status,
      certificateId: d.certificateId,
      certificateArn: d.certificateArn,
      ownedBy: d.ownedBy,
      previousOwnedBy: null,
      caCertificateId: d.caCertificateId,
      certificatePem: d.certificatePem,
      certificateMode: d.certificateMode,
      notBefore: d.notBefore,
      notAfter: d.notAfter,
      creationDate: d.stamp.at,
      lastModifiedDate: d.stamp.at,
      customerVersion: d.stamp.customerVersion,
      generationId: d.stamp.generationId,
      transfer: null,
      things: [],
      policies: [],
    };
  }
  if (state.status === 'Absent') return state;
  switch (event.type) {
    case IOT_EVENT_TYPES.CertificateStatusChanged:
      return { ...restamp(state, event.data.stamp), status: event.data.status };
    case IOT_EVENT_TYPES.CertificateTransferStarted: {
      const d = event.data;
      const transferRecord: TransferRecord = {
        fromAccount: d.fromAccount,
        targetAccount: d.targetAccount,
        transferMessage: d.transferMessage,
        rejectReason: null,
        transferDate: d.stamp.at,
        acceptDate: null,
        rejectDate: null,
        outcome: 'PENDING',
      };
      return { ...restamp(state, d.stamp), status: 'PENDING_TRANSFER', transfer: transferRecord };
    }
    case IOT_EVENT_TYPES.CertificateTransferAccepted: {
      const d = event.data;
      return {
        ...restamp(state, d.stamp),
        status: d.status,
        ownedBy: d.toAccount,
        previousOwnedBy: d.fromAccount,
        certificateArn: d.certificateArn,
        transfer: state.transfer && { ...state.transfer, acceptDate: d.stamp.at, outcome: 'ACCEPTED' },
      };
    }
    case IOT_EVENT_TYPES.CertificateTransferRejected: {
      const d = event.data;
      return {
        ...restamp(state, d.stamp),
        status: 'INACTIVE',
        transfer: state.transfer && { ...state.transfer, rejectReason: d.rejectReason, rejectDate: d.stamp.at, outcome: 'REJECTED' },
      };
    }
    case IOT_EVENT_TYPES.CertificateTransferCancelled:
      return { ...restamp(state, event.data.stamp), status: 'INACTIVE', transfer: state.transfer && { ...state.transfer, outcome: 'CANCELLED' } };
    case IOT_EVENT_TYPES.CertificateDeleted:
      return initialCertificateState;
    // Attachments change no AWS bookkeeping of the certificate (customerVersion, generationId).
    case IOT_EVENT_TYPES.CertificateThingAttached:
      return { ...state, things: [...state.things, { thingName: event.data.thingName, thingPrincipalType: event.data.thingPrincipalType }] };
    case IOT_EVENT_TYPES.CertificateThingDetached:
      return { ...state, things: state.things.filter((t) => t.thingName !== event.data.thingName) };
    case IOT_EVENT_TYPES.CertificatePolicyAttached:
      return { ...state, policies: [...state.policies, event.data.policyName] };
    case IOT_EVENT_TYPES.CertificatePolicyDetached:
      return { ...state, policies: state.policies.filter((p) => p !== event.data.policyName) };
    default: {
      const exhaustive: never = event;
      throw new Error(`unknown event ${String((exhaustive as { type: string }).type)}`);
    }
  }
}
