/**
 * The AWS IoT CA certificate aggregate (RegisterCACertificate, UpdateCACertificate,
 * DeleteCACertificate): decide(command, state) -> events, evolve(state, event) -> state. Pure:
 * time, generation ids and the facts other aggregates hold (how many device certificates a CA
 * still has) arrive in the command.
 */
import {
  IOT_EVENT_TYPES,
  type IotAutoRegistrationStatus,
  type IotCaCertificateDeletedV1,
  type IotCaCertificateRegisteredV1,
  type IotCaCertificateStatus,
  type IotCaCertificateUpdatedV1,
  type IotCertificateMode,
  type IotRegistrationConfigV1,
  type NewEvent,
} from '@pki/contracts';
import { iotErrors } from './iot-errors';

export type CaCertificateEvent =
  | (NewEvent<IotCaCertificateRegisteredV1, typeof IOT_EVENT_TYPES.CaCertificateRegistered> & { schemaVersion: 1 })
  | (NewEvent<IotCaCertificateUpdatedV1, typeof IOT_EVENT_TYPES.CaCertificateUpdated> & { schemaVersion: 1 })
  | (NewEvent<IotCaCertificateDeletedV1, typeof IOT_EVENT_TYPES.CaCertificateDeleted> & { schemaVersion: 1 });

export interface RegisteredCaCertificate {
  readonly status: IotCaCertificateStatus;
  readonly certificateId: string;
  readonly certificateArn: string;
  readonly ownedBy: string;
  readonly certificatePem: string;
  readonly autoRegistrationStatus: IotAutoRegistrationStatus;
  readonly certificateMode: IotCertificateMode;
  readonly registrationConfig: IotRegistrationConfigV1 | null;
  readonly subject: string;
  readonly notBefore: string;
  readonly notAfter: string;
  readonly creationDate: string;
  readonly lastModifiedDate: string;
  readonly customerVersion: number;
  readonly generationId: string;
}

export type CaCertificateState = { readonly status: 'Absent' } | RegisteredCaCertificate;

export const initialCaCertificateState: CaCertificateState = { status: 'Absent' };

export interface RegisterCaCertificate {
  readonly type: 'RegisterCaCertificate';
  readonly certificateId: string;
  readonly certificateArn: string;
  readonly ownedBy: string;
  readonly certificatePem: string;
  readonly subject: string;
  readonly notBefore: string;
  readonly notAfter: string;
  readonly setAsActive: boolean;
  readonly allowAutoRegistration: boolean;
  readonly certificateMode: IotCertificateMode;
  readonly registrationConfig: IotRegistrationConfigV1 | null;
  readonly tags: ReadonlyArray<{ readonly Key: string; readonly Value: string }>;
  readonly now: Date;
  readonly generationId: string;
}

export interface UpdateCaCertificate {
  readonly type: 'UpdateCaCertificate';
  readonly caller: string;
  readonly certificateId: string;
  readonly newStatus: IotCaCertificateStatus | undefined;
  readonly newAutoRegistrationStatus: IotAutoRegistrationStatus | undefined;
  readonly registrationConfig: IotRegistrationConfigV1 | undefined;
  readonly removeAutoRegistration: boolean;
  readonly now: Date;
  readonly generationId: string;
}

export interface DeleteCaCertificate {
  readonly type: 'DeleteCaCertificate';
  readonly caller: string;
  readonly certificateId: string;
  /** Device certificates in the registry that this CA signed (any owner, any status). */
  readonly deviceCertificateCount: number;
  readonly now: Date;
}

export type CaCertificateCommand = RegisterCaCertificate | UpdateCaCertificate | DeleteCaCertificate;

function owned(state: CaCertificateState, caller: string, certificateId: string): RegisteredCaCertificate {
  if (state.status === 'Absent' || state.ownedBy !== caller) throw iotErrors.notFound('CA certificate', certificateId);
  return state;
}

function register(command: RegisterCaCertificate, state: CaCertificateState): CaCertificateEvent[] {
  if (state.status !== 'Absent') throw iotErrors.alreadyExists('CA certificate', { id: command.certificateId, arn: command.certificateArn });
  return [
    {
      type: IOT_EVENT_TYPES.CaCertificateRegistered,
      schemaVersion: 1,
      data: {
        certificateId: command.certificateId,
        certificateArn: command.certificateArn,
        ownedBy: command.ownedBy,
        certificatePem: command.certificatePem,
        status: command.setAsActive ? 'ACTIVE' : 'INACTIVE',
        autoRegistrationStatus: command.allowAutoRegistration ? 'ENABLE' : 'DISABLE',
        certificateMode: command.certificateMode,
        registrationConfig: command.registrationConfig,
        tags: command.tags,
        subject: command.subject,
        notBefore: command.notBefore,
        notAfter: command.notAfter,
        stamp: { customerVersion: 1, generationId: command.generationId, at: command.now.toISOString() },
      },
    },
  ];
}

function update(command: UpdateCaCertificate, state: CaCertificateState): CaCertificateEvent[] {
  const ca = owned(state, command.caller, command.certificateId);
  if (command.removeAutoRegistration && command.registrationConfig) {
    throw iotErrors.invalidRequest('removeAutoRegistration and registrationConfig cannot be given together: one removes the registration configuration the other sets.');
  }
  const registrationConfig = command.removeAutoRegistration ? null : (command.registrationConfig ?? ca.registrationConfig);
  return [
    {
      type: IOT_EVENT_TYPES.CaCertificateUpdated,
      schemaVersion: 1,
      data: {
        certificateId: ca.certificateId,
        status: command.newStatus ?? ca.status,
        autoRegistrationStatus: command.newAutoRegistrationStatus ?? ca.autoRegistrationStatus,
        registrationConfig,
        stamp: { customerVersion: ca.customerVersion + 1, generationId: command.generationId, at: command.now.toISOString() },
      },
    },
  ];
}

function remove(command: DeleteCaCertificate, state: CaCertificateState): CaCertificateEvent[] {
  const ca = owned(state, command.caller, command.certificateId);
  // AWS IoT DeleteCACertificate: "the CA certificate must be INACTIVE" and must not have signed registered certificates.
  if (ca.status !== 'INACTIVE') {
    throw iotErrors.certificateState(`The CA certificate ${ca.certificateId} is ${ca.status}; deactivate it (UpdateCACertificate newStatus=INACTIVE) before deleting it.`);
  }
  if (command.deviceCertificateCount > 0) {
    throw iotErrors.certificateState(
      `The CA certificate ${ca.certificateId} still has ${command.deviceCertificateCount} registered device certificate(s); delete them before deleting the CA certificate.`,
    );
  }
  return [{ type: IOT_EVENT_TYPES.CaCertificateDeleted, schemaVersion: 1, data: { certificateId: ca.certificateId, deletedAt: command.now.toISOString() } }];
}

export function decideCaCertificate(command: CaCertificateCommand, state: CaCertificateState): CaCertificateEvent[] {
  switch (command.type) {
    case 'RegisterCaCertificate':
      return register(command, state);
    case 'UpdateCaCertificate':
      return update(command, state);
    case 'DeleteCaCertificate':
      return remove(command, state);
    default: {
      const exhaustive: never = command;
      throw new Error(`unknown command ${String((exhaustive as { type: string }).type)}`);
    }
  }
}

export function evolveCaCertificate(state: CaCertificateState, event: CaCertificateEvent): CaCertificateState {
  switch (event.type) {
    case IOT_EVENT_TYPES.CaCertificateRegistered: {
      const d = event.data;
      return {
        status: d.status,
        certificateId: d.certificateId,
        certificateArn: d.certificateArn,
        ownedBy: d.ownedBy,
        certificatePem: d.certificatePem,
        autoRegistrationStatus: d.autoRegistrationStatus,
        certificateMode: d.certificateMode,
        registrationConfig: d.registrationConfig,
        subject: d.subject,
        notBefore: d.notBefore,
        notAfter: d.notAfter,
        creationDate: d.stamp.at,
        lastModifiedDate: d.stamp.at,
        customerVersion: d.stamp.customerVersion,
        generationId: d.stamp.generationId,
      };
    }
    case IOT_EVENT_TYPES.CaCertificateUpdated: {
      if (state.status === 'Absent') return state;
      const d = event.data;
      return {
        ...state,
        status: d.status,
        autoRegistrationStatus: d.autoRegistrationStatus,
        registrationConfig: d.registrationConfig,
        lastModifiedDate: d.stamp.at,
        customerVersion: d.stamp.customerVersion,
        generationId: d.stamp.generationId,
      };
    }
    case IOT_EVENT_TYPES.CaCertificateDeleted:
      return initialCaCertificateState;
    default: {
      const exhaustive: never = event;
      throw new Error(`unknown event ${String((exhaustive as { type: string }).type)}`);
    }
  }
}
