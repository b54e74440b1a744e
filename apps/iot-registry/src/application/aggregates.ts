import { iotCaCertificateStream, iotCertificateStream, iotPolicyStream, iotRegistrationCodeStream, iotThingStream, iotThingTypeStream } from '@pki/contracts';
import {
  decideCaCertificate,
  evolveCaCertificate,
  initialCaCertificateState,
  type CaCertificateCommand,
  type CaCertificateEvent,
  type CaCertificateState,
} from '../domain/ca-certificate.decider';
import { decidePolicy, evolvePolicy, initialPolicyState, type PolicyCommand, type PolicyEvent, type PolicyState } from '../domain/policy.decider';
import type { CertificateCommand } from '../domain/certificate.commands';
import { decideCertificate } from '../domain/certificate.decider';
import type { CertificateEvent } from '../domain/certificate.events';
import { evolveCertificate } from '../domain/certificate.evolve';
import { initialCertificateState, type CertificateState } from '../domain/certificate.state';
import {
  decideRegistrationCode,
  evolveRegistrationCode,
  initialRegistrationCodeState,
  type GenerateRegistrationCode,
  type RegistrationCodeEvent,
  type RegistrationCodeState,
} from '../domain/registration-code.decider';
import { saveCaCertificate } from '../infrastructure/ca-certificate.queries';
import { saveCertificate } from '../infrastructure/certificate.queries';
import { iotDb } from '../infrastructure/database';
import { saveRegistrationCode } from '../infrastructure/registration-code.queries';
import { decideThing, evolveThing, initialThingState, type ThingCommand, type ThingEvent, type ThingState } from '../domain/thing.decider';
import { savePolicy } from '../infrastructure/policy.queries';
import { saveThing } from '../infrastructure/thing.queries';
import { iotErrors } from '../domain/iot-errors';
import { caCertificateArn, certificateArn, regionOfIotArn } from '../domain/iot-ids';
import { decideThingType, evolveThingType, initialThingTypeState, type ThingTypeCommand, type ThingTypeEvent, type ThingTypeState } from '../domain/thing-type.decider';
import { saveThingType } from '../infrastructure/thing-type.queries';
import type { Aggregate } from './aggregate-command';

/**
 * A certificate id (the certificate's SHA-256) names one stream in the deployment, not one per
 * region as on AWS: a certificate registered in one region is not found from another
 * (ResourceNotFoundException), and registering it in a second region is refused as already
 * registered. `region` undefined: internal work that follows the certificate wherever it is.
 */
function foreignCertificate(what: 'certificate' | 'CA certificate', region: string | undefined, arnOf: (region: string, account: string, id: string) => string) {
  return (state: { readonly status: string } & Partial<{ certificateArn: string; certificateId: string; ownedBy: string }>) => {
    if (region === undefined || state.status === 'Absent' || state.certificateArn === undefined) return undefined;
    const theirs = regionOfIotArn(state.certificateArn);
    if (theirs === undefined || theirs === region) return undefined;
    const id = state.certificateId ?? '';
    return iotErrors.alreadyExists(
      what,
      { id, arn: arnOf(region, state.ownedBy ?? '', id) },
      `The ${what} ${id} is registered in region ${theirs} of this deployment; a certificate id is unique in a deployment, not per region, so it cannot be registered in ${region} too.`,
    );
  };
}

/** Whether a legacy (region-less) stream's first event names a resource of `region`, by the ARN it was created with. */
const createdIn = (region: string, arnMember: 'thingArn' | 'policyArn') => (first: { readonly data: unknown }) =>
  regionOfIotArn(String((first.data as Record<string, unknown>)[arnMember] ?? '')) === region;

/** A CA certificate; `region`: the caller's (another region's CA certificate is absent to it), undefined for internal work. */
export const caCertificateAggregate = (certificateId: string, region: string | undefined): Aggregate<CaCertificateState, CaCertificateCommand, CaCertificateEvent> => ({
  stream: iotCaCertificateStream(certificateId),
  foreign: foreignCertificate('CA certificate', region, caCertificateArn),
  initial: initialCaCertificateState,
  decide: decideCaCertificate,
  evolve: evolveCaCertificate,
  save: (trx, state) => saveCaCertificate(iotDb(trx), certificateId, state),
});

/** A device certificate; `region`: the caller's (another region's certificate is absent to it), undefined for internal work. */
export const certificateAggregate = (certificateId: string, region: string | undefined): Aggregate<CertificateState, CertificateCommand, CertificateEvent> => ({
  stream: iotCertificateStream(certificateId),
  foreign: foreignCertificate('certificate', region, certificateArn),
  initial: initialCertificateState,
  decide: decideCertificate,
  evolve: evolveCertificate,
  save: (trx, state) => saveCertificate(iotDb(trx), certificateId, state),
});

export const registrationCodeAggregate = (accountId: string): Aggregate<RegistrationCodeState, GenerateRegistrationCode, RegistrationCodeEvent> => ({
  stream: iotRegistrationCodeStream(accountId),
  initial: initialRegistrationCodeState,
  decide: decideRegistrationCode,
  evolve: evolveRegistrationCode,
  save: async (trx, state) => {
    if (state.status === 'Generated') await saveRegistrationCode(iotDb(trx), accountId, state.registrationCode);
  },
});

/** A thing of one account and region (thing names are unique per account and region). */
export const thingAggregate = (accountId: string, region: string, thingName: string): Aggregate<ThingState, ThingCommand, ThingEvent> => ({
  stream: iotThingStream(accountId, thingName, region),
  legacy: { stream: iotThingStream(accountId, thingName), isOurs: createdIn(region, 'thingArn') },
  initial: initialThingState,
  decide: decideThing,
  evolve: evolveThing,
  save: (trx, state) => saveThing(iotDb(trx), accountId, region, thingName, state),
});

/** A policy of one account and region (policy names are unique per account and region). */
export const policyAggregate = (accountId: string, region: string, policyName: string): Aggregate<PolicyState, PolicyCommand, PolicyEvent> => ({
  stream: iotPolicyStream(accountId, policyName, region),
  legacy: { stream: iotPolicyStream(accountId, policyName), isOurs: createdIn(region, 'policyArn') },
  initial: initialPolicyState,
  decide: decidePolicy,
  evolve: evolvePolicy,
  save: (trx, state) => savePolicy(iotDb(trx), accountId, region, policyName, state),
});

/** A thing type of one account (thing type names are unique per account). */
export const thingTypeAggregate = (accountId: string, thingTypeName: string): Aggregate<ThingTypeState, ThingTypeCommand, ThingTypeEvent> => ({
  stream: iotThingTypeStream(accountId, thingTypeName),
  initial: initialThingTypeState,
  decide: decideThingType,
  evolve: evolveThingType,
  save: (trx, state) => saveThingType(iotDb(trx), accountId, thingTypeName, state),
});
