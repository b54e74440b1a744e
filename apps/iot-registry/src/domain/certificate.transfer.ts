/**
 * The transfer protocol between accounts (AWS IoT TransferCertificate, AcceptCertificateTransfer,
 * RejectCertificateTransfer, CancelCertificateTransfer): the owner offers an INACTIVE certificate
 * with nothing attached, the target accepts or rejects it, the owner may cancel while it is pending.
 */
import { IOT_EVENT_TYPES } from '@pki/contracts';
import type { AcceptCertificateTransfer, CancelCertificateTransfer, RejectCertificateTransfer, TransferCertificate } from './certificate.commands';
import type { CertificateEvent } from './certificate.events';
import { owned, regionOfCertificate, stampAfter, type CertificateState, type RegisteredCertificate, type TransferRecord } from './certificate.state';
import { certificateArn } from './iot-ids';
import { iotErrors } from './iot-errors';

export function transfer(command: TransferCertificate, state: CertificateState): CertificateEvent[] {
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
        ...regionOfCertificate(certificate),
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
 * transfer here, the target cancelling it in `cancelTransfer`. Both can already see the certificate, so
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

export function acceptTransfer(command: AcceptCertificateTransfer, state: CertificateState): CertificateEvent[] {
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

export function rejectTransfer(command: RejectCertificateTransfer, state: CertificateState): CertificateEvent[] {
  const certificate = pendingForTarget(state, command.caller, command.certificateId);
  return [
    {
      type: IOT_EVENT_TYPES.CertificateTransferRejected,
      schemaVersion: 1,
      data: { certificateId: certificate.certificateId, rejectedBy: command.caller, rejectReason: command.rejectReason, stamp: stampAfter(certificate, command) },
    },
  ];
}

export function cancelTransfer(command: CancelCertificateTransfer, state: CertificateState): CertificateEvent[] {
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
      data: { certificateId: state.certificateId, cancelledBy: command.caller, stamp: stampAfter(state, command), ...regionOfCertificate(state) },
    },
  ];
}
