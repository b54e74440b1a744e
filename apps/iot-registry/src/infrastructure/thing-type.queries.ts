import type { ThingTypeState } from '../domain/thing-type.decider';
import type { IotDb } from './database';
import { decodeNameToken, namePage, type NamePage } from './name-token';
import type { ThingTypeRow } from './tables/thing-type.table';

/** Writes the thing type's read model row after an append; deletes it when the type is gone. */
export async function saveThingType(db: IotDb, accountId: string, thingTypeName: string, state: ThingTypeState): Promise<void> {
  if (state.status === 'Absent') {
    await db.deleteFrom('thing_types').where('account_id', '=', accountId).where('thing_type_name', '=', thingTypeName).execute();
    return;
  }
  const row = {
    account_id: accountId,
    thing_type_name: thingTypeName,
    thing_type_id: state.thingTypeId,
    thing_type_arn: state.thingTypeArn,
    thing_type_description: state.properties.thingTypeDescription,
    searchable_attributes: JSON.stringify(state.properties.searchableAttributes) as never,
    deprecated: state.deprecated,
    deprecation_date: state.deprecationDate === null ? null : new Date(state.deprecationDate),
    creation_date: new Date(state.creationDate),
  };
  await db
    .insertInto('thing_types')
    .values(row)
    .onConflict((oc) => oc.columns(['account_id', 'thing_type_name']).doUpdateSet(row))
    .execute();
}

export async function findThingType(db: IotDb, accountId: string, thingTypeName: string): Promise<ThingTypeRow | undefined> {
  return db.selectFrom('thing_types').selectAll().where('account_id', '=', accountId).where('thing_type_name', '=', thingTypeName).executeTakeFirst();
}

/** ListThingTypes: one account's thing types by name, or the one named. */
export async function listThingTypes(db: IotDb, accountId: string, thingTypeName: string | undefined, pageSize: number, token: string | undefined): Promise<NamePage<ThingTypeRow>> {
  let query = db.selectFrom('thing_types').selectAll().where('account_id', '=', accountId);
  if (thingTypeName !== undefined) query = query.where('thing_type_name', '=', thingTypeName);
  if (token !== undefined) query = query.where('thing_type_name', '>', decodeNameToken(token, 'nextToken'));
  const rows = await query.orderBy('thing_type_name').limit(pageSize + 1).execute();
  return namePage(rows, pageSize, (r) => r.thing_type_name);
}

/** How many things have the type (DeleteThingType refuses a type that has any). */
export async function countThingsOfType(db: IotDb, accountId: string, thingTypeName: string): Promise<number> {
  const row = await db.selectFrom('things').select((eb) => eb.fn.countAll<string>().as('n')).where('account_id', '=', accountId).where('thing_type_name', '=', thingTypeName).executeTakeFirstOrThrow();
  return Number(row.n);
}
