import type { IotDb } from './database';

export async function findRegistrationCode(db: IotDb, accountId: string): Promise<string | undefined> {
  const row = await db.selectFrom('registration_codes').select('registration_code').where('account_id', '=', accountId).executeTakeFirst();
  return row?.registration_code;
}

export async function saveRegistrationCode(db: IotDb, accountId: string, registrationCode: string): Promise<void> {
  await db.insertInto('registration_codes').values({ account_id: accountId, registration_code: registrationCode }).onConflict((oc) => oc.column('account_id').doNothing()).execute();
}
