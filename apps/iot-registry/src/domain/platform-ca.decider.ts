/**
 * The platform's own IoT CA hierarchy (the counterpart of the AWS IoT CA that signs
 * CreateKeysAndCertificate certificates): a root and an issuing CA held by ca-service, owned by
 * the platform account. Provisioning is a sequence of calls to ca-service; each CA is recorded
 * here as soon as ca-service answers its ARN, so a replica that dies half-way leaves a stream
 * the next one resumes from (never a second root), and the hierarchy is "provisioned" once, in
 * one event every replica reads.
 */
import {
  DomainError,
  IOT_EVENT_TYPES,
  type IotPlatformCaProvisionedV1,
  type IotPlatformIssuingCaCreatedV1,
  type IotPlatformRootCaCreatedV1,
  type NewEvent,
} from '@pki/contracts';

export type PlatformCaEvent =
  | (NewEvent<IotPlatformRootCaCreatedV1, typeof IOT_EVENT_TYPES.PlatformRootCaCreated> & { schemaVersion: 1 })
  | (NewEvent<IotPlatformIssuingCaCreatedV1, typeof IOT_EVENT_TYPES.PlatformIssuingCaCreated> & { schemaVersion: 1 })
  | (NewEvent<IotPlatformCaProvisionedV1, typeof IOT_EVENT_TYPES.PlatformCaProvisioned> & { schemaVersion: 1 });

export type PlatformCaState =
  | { readonly status: 'None' }
  | { readonly status: 'RootCreated'; readonly rootCaArn: string }
  | { readonly status: 'IssuingCreated'; readonly rootCaArn: string; readonly issuingCaArn: string }
  | {
      readonly status: 'Provisioned';
      readonly rootCaArn: string;
      readonly issuingCaArn: string;
      readonly rootCertificatePem: string;
      readonly issuingCertificatePem: string;
    };

export const initialPlatformCaState: PlatformCaState = { status: 'None' };

export type PlatformCaCommand =
  | { readonly type: 'RecordRootCa'; readonly caArn: string; readonly now: Date }
  | { readonly type: 'RecordIssuingCa'; readonly caArn: string; readonly now: Date }
  | { readonly type: 'CompleteProvisioning'; readonly rootCertificatePem: string; readonly issuingCertificatePem: string; readonly now: Date };

const conflict = (message: string) => new DomainError('Conflict', `Platform IoT CA: ${message}`, 'InternalFailureException');

export function decidePlatformCa(command: PlatformCaCommand, state: PlatformCaState): PlatformCaEvent[] {
  switch (command.type) {
    case 'RecordRootCa':
      if (state.status === 'None') return [{ type: IOT_EVENT_TYPES.PlatformRootCaCreated, schemaVersion: 1, data: { caArn: command.caArn, createdAt: command.now.toISOString() } }];
      if (state.rootCaArn === command.caArn) return [];
      throw conflict(`the root CA is already ${state.rootCaArn}, not ${command.caArn}`);
    case 'RecordIssuingCa':
      if (state.status === 'None') throw conflict('an issuing CA cannot be recorded before the root CA');
      if (state.status === 'RootCreated') return [{ type: IOT_EVENT_TYPES.PlatformIssuingCaCreated, schemaVersion: 1, data: { caArn: command.caArn, createdAt: command.now.toISOString() } }];
      if (state.issuingCaArn === command.caArn) return [];
      throw conflict(`the issuing CA is already ${state.issuingCaArn}, not ${command.caArn}`);
    case 'CompleteProvisioning':
      if (state.status === 'Provisioned') return [];
      if (state.status !== 'IssuingCreated') throw conflict(`provisioning cannot complete in state ${state.status}`);
      return [
        {
          type: IOT_EVENT_TYPES.PlatformCaProvisioned,
          schemaVersion: 1,
          data: {
            rootCaArn: state.rootCaArn,
            issuingCaArn: state.issuingCaArn,
            rootCertificatePem: command.rootCertificatePem,
            issuingCertificatePem: command.issuingCertificatePem,
            provisionedAt: command.now.toISOString(),
          },
        },
      ];
    default: {
      const _exhaustive: never = command;
      throw new Error(`unknown command ${JSON.stringify(_exhaustive)}`);
    }
  }
}

export function evolvePlatformCa(state: PlatformCaState, event: PlatformCaEvent): PlatformCaState {
  switch (event.type) {
    case IOT_EVENT_TYPES.PlatformRootCaCreated:
      return { status: 'RootCreated', rootCaArn: event.data.caArn };
    case IOT_EVENT_TYPES.PlatformIssuingCaCreated:
      return state.status === 'None' ? state : { status: 'IssuingCreated', rootCaArn: state.rootCaArn, issuingCaArn: event.data.caArn };
    case IOT_EVENT_TYPES.PlatformCaProvisioned:
      return {
        status: 'Provisioned',
        rootCaArn: event.data.rootCaArn,
        issuingCaArn: event.data.issuingCaArn,
        rootCertificatePem: event.data.rootCertificatePem,
        issuingCertificatePem: event.data.issuingCertificatePem,
      };
    default: {
      const _exhaustive: never = event;
      return _exhaustive;
    }
  }
}

/** A CA's status as ca-service describes it (ACM PCA `CertificateAuthorityStatus`), or absent when it does not exist. */
export type CaStatus = 'CREATING' | 'PENDING_CERTIFICATE' | 'ACTIVE' | 'DISABLED' | 'EXPIRED' | 'FAILED' | 'DELETED' | 'ABSENT';

/** What provisioning does next for one CA of the hierarchy, from its status in ca-service. */
export type CaStep = 'wait' | 'certify' | 'done' | 'broken';

/**
 * CREATING: its key and CSR are still being made (wait); PENDING_CERTIFICATE: sign its CSR and
 * import the certificate (certify); ACTIVE: nothing left. Anything else (an operator disabled or
 * deleted it, key creation failed) is not repaired behind anyone's back: provisioning stops
 * and says so, and IoT answers ServiceUnavailableException naming the CA.
 */
export function caStep(status: CaStatus): CaStep {
  switch (status) {
    case 'CREATING':
      return 'wait';
    case 'PENDING_CERTIFICATE':
      return 'certify';
    case 'ACTIVE':
      return 'done';
    case 'DISABLED':
    case 'EXPIRED':
    case 'FAILED':
    case 'DELETED':
    case 'ABSENT':
      return 'broken';
    default: {
      const _exhaustive: never = status;
      return _exhaustive;
    }
  }
}
