/**
 * AWS IoT GetRegistrationCode: one code per account, generated once and then stable (the
 * verification certificate of RegisterCACertificate carries it as its common name).
 */
import { IOT_EVENT_TYPES, type IotRegistrationCodeGeneratedV1, type NewEvent } from '@pki/contracts';

export type RegistrationCodeEvent = NewEvent<IotRegistrationCodeGeneratedV1, typeof IOT_EVENT_TYPES.RegistrationCodeGenerated> & { schemaVersion: 1 };

export type RegistrationCodeState = { readonly status: 'None' } | { readonly status: 'Generated'; readonly registrationCode: string };

export const initialRegistrationCodeState: RegistrationCodeState = { status: 'None' };

export interface GenerateRegistrationCode {
  readonly type: 'GenerateRegistrationCode';
  readonly accountId: string;
  /** 64 lowercase hex characters from a CSPRNG, like AWS's codes. */
  readonly candidate: string;
  readonly now: Date;
}

export function decideRegistrationCode(command: GenerateRegistrationCode, state: RegistrationCodeState): RegistrationCodeEvent[] {
  if (state.status === 'Generated') return [];
  return [
    {
      type: IOT_EVENT_TYPES.RegistrationCodeGenerated,
      schemaVersion: 1,
      data: { accountId: command.accountId, registrationCode: command.candidate, generatedAt: command.now.toISOString() },
    },
  ];
}

export function evolveRegistrationCode(_state: RegistrationCodeState, event: RegistrationCodeEvent): RegistrationCodeState {
  return { status: 'Generated', registrationCode: event.data.registrationCode };
}
