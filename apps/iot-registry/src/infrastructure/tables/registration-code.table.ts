import type { Selectable } from 'kysely';

/** iot.registration_codes: GetRegistrationCode's answer per account. */
export interface RegistrationCodeTable {
  account_id: string;
  registration_code: string;
}

export type RegistrationCodeRow = Selectable<RegistrationCodeTable>;
