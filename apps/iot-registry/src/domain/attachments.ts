/**
 * Decisions that span two aggregates: an attachment is one fact recorded on both sides (the
 * thing's or policy's stream and the certificate's), appended in one transaction, so that
 * DeleteThing / DeletePolicy and DeleteCertificate / TransferCertificate each decide on their own
 * aggregate's state and can never miss an attachment made concurrently. Pure.
 */
import { IOT_EVENT_TYPES, type DomainError, type IotThingPrincipalType } from '@pki/contracts';
import type { DeleteCertificate } from './certificate.commands';
import { decideCertificate } from './certificate.decider';
import type { CertificateEvent } from './certificate.events';
import type { CertificateState } from './certificate.state';
import { iotErrors } from './iot-errors';
import { certificateArn, parseCertificateArn } from './iot-ids';
import { decidePolicy, existingPolicy, type PolicyEvent, type PolicyState } from './policy.decider';
import { decideThing, existingThing, type ThingEvent, type ThingState } from './thing.decider';

/** A principal (or policy target) resolved to a device certificate of the caller's account. */
export interface CertificatePrincipal {
  /** The canonical certificate ARN, as stored and listed. */
  readonly arn: string;
  readonly certificateId: string;
}

/**
 * AWS IoT principals are certificate ARNs, Cognito identities or federated identities; policy
 * targets also thing groups. This platform holds X.509 certificates only, so anything that is not
 * a certificate ARN is a bad request saying so, and a certificate ARN of another account or region
 * names a certificate the caller cannot have (`missing`: ResourceNotFoundException where the
 * operation models it, InvalidRequestException where it does not).
 */
export function resolveCertificatePrincipal(
  text: string,
  member: 'principal' | 'target',
  context: { readonly region: string; readonly caller: string },
  missing: (message: string) => DomainError = (message) => iotErrors.notFound('certificate', message),
): CertificatePrincipal {
  const parts = parseCertificateArn(text);
  if (!parts) {
    throw iotErrors.invalidRequest(
      `The ${member} '${text}' is not a certificate ARN (arn:aws:iot:<region>:<account>:cert/<certificate id>); this platform attaches X.509 certificates only.`,
    );
  }
  if (parts.region !== context.region || parts.accountId !== context.caller) {
    throw missing(`${text} (certificates of region ${context.region} and account ${context.caller} only)`);
  }
  return { arn: certificateArn(parts.region, parts.accountId, parts.certificateId), certificateId: parts.certificateId };
}

interface Stamp {
  readonly caller: string;
  readonly now: Date;
}

export interface ThingAttachmentEvents {
  readonly thing: ThingEvent[];
  readonly certificate: CertificateEvent[];
}

export interface PolicyAttachmentEvents {
  readonly policy: PolicyEvent[];
  readonly certificate: CertificateEvent[];
}

/** AttachThingPrincipal: the thing must exist, the certificate be the caller's and not on its way to another account. */
export function attachThingPrincipal(
  command: Stamp & { readonly thingName: string; readonly principal: CertificatePrincipal; readonly thingPrincipalType: IotThingPrincipalType },
  thing: ThingState,
  certificate: CertificateState,
): ThingAttachmentEvents {
  existingThing(thing, command.thingName);
  const { certificateId } = command.principal;
  const certificateEvents = decideCertificate(
    { type: 'AttachToThing', caller: command.caller, certificateId, thingName: command.thingName, thingPrincipalType: command.thingPrincipalType, now: command.now },
    certificate,
  );
  const thingEvents = decideThing(
    { type: 'AttachPrincipal', accountId: command.caller, thingName: command.thingName, principal: command.principal.arn, certificateId, thingPrincipalType: command.thingPrincipalType, now: command.now },
    thing,
  );
  return { thing: thingEvents, certificate: certificateEvents };
}

/** DetachThingPrincipal: detaching what is not attached changes nothing. */
export function detachThingPrincipal(
  command: Stamp & { readonly thingName: string; readonly principal: CertificatePrincipal },
  thing: ThingState,
  certificate: CertificateState,
): ThingAttachmentEvents {
  existingThing(thing, command.thingName);
  const { certificateId } = command.principal;
  const certificateEvents = decideCertificate({ type: 'DetachFromThing', caller: command.caller, certificateId, thingName: command.thingName, now: command.now }, certificate);
  const thingEvents = decideThing({ type: 'DetachPrincipal', accountId: command.caller, thingName: command.thingName, certificateId, now: command.now }, thing);
  return { thing: thingEvents, certificate: certificateEvents };
}

/** AttachPolicy to a certificate: the policy must exist, the certificate be the caller's, with fewer than 10 policies. */
export function attachPolicy(command: Stamp & { readonly policyName: string; readonly target: CertificatePrincipal }, policy: PolicyState, certificate: CertificateState): PolicyAttachmentEvents {
  existingPolicy(policy, command.policyName);
  const { certificateId } = command.target;
  const certificateEvents = decideCertificate({ type: 'AttachPolicyToCertificate', caller: command.caller, certificateId, policyName: command.policyName, now: command.now }, certificate);
  const policyEvents = decidePolicy({ type: 'AttachTarget', accountId: command.caller, policyName: command.policyName, target: command.target.arn, certificateId, now: command.now }, policy);
  return { policy: policyEvents, certificate: certificateEvents };
}

/** DetachPolicy (which models no ResourceNotFoundException: unknown names are InvalidRequestException). */
export function detachPolicy(command: Stamp & { readonly policyName: string; readonly target: CertificatePrincipal }, policy: PolicyState, certificate: CertificateState): PolicyAttachmentEvents {
  const { certificateId } = command.target;
  const policyEvents = decidePolicy({ type: 'DetachTarget', accountId: command.caller, policyName: command.policyName, certificateId, now: command.now }, policy);
  if (certificate.status === 'Absent' || certificate.ownedBy !== command.caller) {
    throw iotErrors.invalidRequest(`The target ${command.target.arn} is not a certificate registered in this account.`);
  }
  const certificateEvents = decideCertificate({ type: 'DetachPolicyFromCertificate', caller: command.caller, certificateId, policyName: command.policyName, now: command.now }, certificate);
  return { policy: policyEvents, certificate: certificateEvents };
}

export interface DeleteCertificateEvents {
  readonly certificate: CertificateEvent[];
  /** The policy side of the detachments forceDelete makes, per policy. */
  readonly policies: ReadonlyArray<{ readonly policyName: string; readonly events: PolicyEvent[] }>;
}

/**
 * DeleteCertificate: the certificate decides (attachments, status); with forceDelete its policies
 * are detached on both sides. `policies` holds the state of every policy attached to it.
 */
export function deleteCertificate(command: DeleteCertificate, certificate: CertificateState, policies: ReadonlyMap<string, PolicyState>): DeleteCertificateEvents {
  const certificateEvents = decideCertificate(command, certificate);
  const detached = certificateEvents.flatMap((e) => (e.type === IOT_EVENT_TYPES.CertificatePolicyDetached ? [e.data.policyName] : []));
  return {
    certificate: certificateEvents,
    policies: detached.map((policyName) => {
      const policy = policies.get(policyName);
      if (!policy) throw new Error(`deleteCertificate: the state of attached policy ${policyName} was not loaded`);
      return {
        policyName,
        events: decidePolicy({ type: 'DetachTarget', accountId: command.caller, policyName, certificateId: command.certificateId, now: command.now }, policy),
      };
    }),
  };
}
