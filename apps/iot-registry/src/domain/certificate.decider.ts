/**
 * The AWS IoT device certificate aggregate: registration, UpdateCertificate, DeleteCertificate,
 * the transfer protocol between accounts (Transfer / Accept / Reject / Cancel, in
 * certificate.transfer.ts), the revocation that follows the issuing private CA's, and the
 * certificate's side of its attachments to things (AttachThingPrincipal) and policies
 * (AttachPolicy, in certificate.attachments.ts), which DeleteCertificate and TransferCertificate
 * decide on. decide(command, state) -> events here; evolve(state, event) -> state in
 * certificate.evolve.ts; commands, events and state in their own files. Pure: time, generation
 * ids, the region and the CA's status arrive in the command.
 */
import { IOT_EVENT_TYPES } from '@pki/contracts';
import { attachPolicyToCertificate, attachToThing, detachFromThing, detachPolicyFromCertificate } from './certificate.attachments';
import type { CertificateCommand, DeleteCertificate, RegisterCertificate, RevokeByIssuer, UpdateCertificate } from './certificate.commands';
import type { CertificateEvent } from './certificate.events';
import { owned, regionOfCertificate, stampAfter, type CertificateState } from './certificate.state';
import { acceptTransfer, cancelTransfer, rejectTransfer, transfer } from './certificate.transfer';
import { iotErrors } from './iot-errors';

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
      data: {
        certificateId: certificate.certificateId,
        previousStatus: certificate.status,
        status: command.newStatus,
        cause: 'UpdateCertificate',
        stamp: stampAfter(certificate, command),
        ...regionOfCertificate(certificate),
      },
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
        ...regionOfCertificate(certificate),
      },
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
      data: { certificateId: state.certificateId, previousStatus: state.status, status: 'REVOKED', cause: 'IssuerRevocation', stamp: stampAfter(state, command), ...regionOfCertificate(state) },
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
      return acceptTransfer(command, state);
    case 'RejectCertificateTransfer':
      return rejectTransfer(command, state);
    case 'CancelCertificateTransfer':
      return cancelTransfer(command, state);
    case 'AttachToThing':
      return attachToThing(command, state);
    case 'DetachFromThing':
      return detachFromThing(command, state);
    case 'AttachPolicyToCertificate':
      return attachPolicyToCertificate(command, state);
    case 'DetachPolicyFromCertificate':
      return detachPolicyFromCertificate(command, state);
    case 'RevokeByIssuer':
      return revokeByIssuer(command, state);
    default: {
      const exhaustive: never = command;
      throw new Error(`unknown command ${String((exhaustive as { type: string }).type)}`);
    }
  }
}
