import { sql } from 'kysely';
import type { ThingState } from '../domain/thing.decider';
import type { IotDb } from './database';
import { decodeNameToken, namePage, type NamePage } from './name-token';
import type { ThingPrincipalRow } from './tables/thing-principal.table';
import type { ThingRow } from './tables/thing.table';

/** Writes the thing's read model rows (the thing and its principals) after an append; deletes them when the thing is gone. */
export async function saveThing(db: IotDb, accountId: string, region: string, thingName: string, state: ThingState): Promise<void> {
  await db.deleteFrom('thing_principals').where('account_id', '=', accountId).where('region', '=', region).where('thing_name', '=', thingName).execute();
  if (state.status === 'Absent') {
    await db.deleteFrom('things').where('account_id', '=', accountId).where('region', '=', region).where('thing_name', '=', thingName).execute();
    return;
  }
  const row = {
    account_id: accountId,
    region,
    thing_name: thingName,
    thing_id: state.thingId,
    thing_arn: state.thingArn,
    attributes: JSON.stringify(state.attributes) as never,
    version: state.version,
    creation_date: new Date(state.creationDate),
    thing_type_name: state.thingTypeName,
  };
  await db
    .insertInto('things')
    .values(row)
    .onConflict((oc) => oc.columns(['account_id', 'region', 'thing_name']).doUpdateSet(row))
    .execute();
  if (state.principals.length > 0) {
    await db
      .insertInto('thing_principals')
      .values(state.principals.map((p) => ({ account_id: accountId, region, thing_name: thingName, certificate_id: p.certificateId, principal: p.principal, thing_principal_type: p.thingPrincipalType })))
      .execute();
  }
}

export async function findThing(db: IotDb, accountId: string, region: string, thingName: string): Promise<ThingRow | undefined> {
  return db.selectFrom('things').selectAll().where('account_id', '=', accountId).where('region', '=', region).where('thing_name', '=', thingName).executeTakeFirst();
}

export interface ThingFilter {
  readonly attributeName?: string;
  readonly attributeValue?: string;
  readonly usePrefixAttributeValue: boolean;
  readonly thingTypeName?: string;
}

/** One account's things of one region by name, optionally those with an attribute (of a value, or a value prefix). */
export async function listThings(db: IotDb, accountId: string, region: string, filter: ThingFilter, pageSize: number, token: string | undefined): Promise<NamePage<ThingRow>> {
  let query = db.selectFrom('things').selectAll().where('account_id', '=', accountId).where('region', '=', region);
  if (filter.attributeName !== undefined) {
    const name = filter.attributeName;
    query = query.where(sql<boolean>`jsonb_exists(attributes, ${name})`);
    if (filter.attributeValue !== undefined) {
      const value = filter.attributeValue;
      query = query.where(filter.usePrefixAttributeValue ? sql<boolean>`starts_with(attributes ->> ${name}, ${value})` : sql<boolean>`attributes ->> ${name} = ${value}`);
    }
  }
  if (filter.thingTypeName !== undefined) query = query.where('thing_type_name', '=', filter.thingTypeName);
  if (token !== undefined) query = query.where('thing_name', '>', decodeNameToken(token, 'nextToken'));
  const rows = await query.orderBy('thing_name').limit(pageSize + 1).execute();
  return namePage(rows, pageSize, (r) => r.thing_name);
}

/** One thing's principals (certificate ARNs) by ARN. */
export async function listThingPrincipals(db: IotDb, accountId: string, region: string, thingName: string, pageSize: number, token: string | undefined): Promise<NamePage<ThingPrincipalRow>> {
  let query = db.selectFrom('thing_principals').selectAll().where('account_id', '=', accountId).where('region', '=', region).where('thing_name', '=', thingName);
  if (token !== undefined) query = query.where('principal', '>', decodeNameToken(token, 'nextToken'));
  const rows = await query.orderBy('principal').limit(pageSize + 1).execute();
  return namePage(rows, pageSize, (r) => r.principal);
}

/** The things one certificate is attached to, by name. */
export async function listPrincipalThings(db: IotDb, accountId: string, certificateId: string, pageSize: number, token: string | undefined): Promise<NamePage<ThingPrincipalRow>> {
  let query = db.selectFrom('thing_principals').selectAll().where('account_id', '=', accountId).where('certificate_id', '=', certificateId);
  if (token !== undefined) query = query.where('thing_name', '>', decodeNameToken(token, 'nextToken'));
  const rows = await query.orderBy('thing_name').limit(pageSize + 1).execute();
  return namePage(rows, pageSize, (r) => r.thing_name);
}
