/**
 * The certificate's side of its attachments: to things (AttachThingPrincipal) and policies
 * (AttachPolicy). The other sides are the thing and policy aggregates'; attachments.ts decides
 * both sides together.
 */
import { IOT_EVENT_TYPES } from '@pki/contracts';
import type { AttachPolicyToCertificate, AttachToThing, DetachFromThing, DetachPolicyFromCertificate } from './certificate.commands';
import type { CertificateEvent } from './certificate.events';
import { owned, type CertificateState, type RegisteredCertificate } from './certificate.state';
import { iotErrors } from './iot-errors';

/** AWS IoT: "The number of policies that can be attached to a certificate or Amazon Cognito identity": 10. */
export const MAX_POLICIES_PER_CERTIFICATE = 10;

/** Attachments are made by the owner, and not while the certificate is on its way to another account. */
function attachable(state: CertificateState, caller: string, certificateId: string): RegisteredCertificate {
  const certificate = owned(state, caller, certificateId);
  if (certificate.status === 'PENDING_TRANSFER') {
    throw iotErrors.invalidRequest(`The certificate ${certificateId} is pending transfer to another account; cancel the transfer (CancelCertificateTransfer) before attaching it.`);
  }
  return certificate;
}

export function attachToThing(command: AttachToThing, state: CertificateState): CertificateEvent[] {
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

export function detachFromThing(command: DetachFromThing, state: CertificateState): CertificateEvent[] {
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

export function attachPolicyToCertificate(command: AttachPolicyToCertificate, state: CertificateState): CertificateEvent[] {
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

export function detachPolicyFromCertificate(command: DetachPolicyFromCertificate, state: CertificateState): CertificateEvent[] {
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
