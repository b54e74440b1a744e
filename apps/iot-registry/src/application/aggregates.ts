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
import { decideThingType, evolveThingType, initialThingTypeState, type ThingTypeCommand, type ThingTypeEvent, type ThingTypeState } from '../domain/thing-type.decider';
import { saveThingType } from '../infrastructure/thing-type.queries';
import type { Aggregate } from './aggregate-command';

export const caCertificateAggregate = (certificateId: string): Aggregate<CaCertificateState, CaCertificateCommand, CaCertificateEvent> => ({
  stream: iotCaCertificateStream(certificateId),
  initial: initialCaCertificateState,
  decide: decideCaCertificate,
  evolve: evolveCaCertificate,
  save: (trx, state) => saveCaCertificate(iotDb(trx), certificateId, state),
});

export const certificateAggregate = (certificateId: string): Aggregate<CertificateState, CertificateCommand, CertificateEvent> => ({
  stream: iotCertificateStream(certificateId),
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

/** A thing of one account (thing names are unique per account). */
export const thingAggregate = (accountId: string, thingName: string): Aggregate<ThingState, ThingCommand, ThingEvent> => ({
  stream: iotThingStream(accountId, thingName),
  initial: initialThingState,
  decide: decideThing,
  evolve: evolveThing,
  save: (trx, state) => saveThing(iotDb(trx), accountId, thingName, state),
});

/** A policy of one account (policy names are unique per account). */
export const policyAggregate = (accountId: string, policyName: string): Aggregate<PolicyState, PolicyCommand, PolicyEvent> => ({
  stream: iotPolicyStream(accountId, policyName),
  initial: initialPolicyState,
  decide: decidePolicy,
  evolve: evolvePolicy,
  save: (trx, state) => savePolicy(iotDb(trx), accountId, policyName, state),
});

/** A thing type of one account (thing type names are unique per account). */
export const thingTypeAggregate = (accountId: string, thingTypeName: string): Aggregate<ThingTypeState, ThingTypeCommand, ThingTypeEvent> => ({
  stream: iotThingTypeStream(accountId, thingTypeName),
  initial: initialThingTypeState,
  decide: decideThingType,
  evolve: evolveThingType,
  save: (trx, state) => saveThingType(iotDb(trx), accountId, thingTypeName, state),
});
