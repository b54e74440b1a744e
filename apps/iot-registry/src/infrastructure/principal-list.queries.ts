import type { IotThingPrincipalType } from '@pki/contracts';
import type { IotDb } from './database';
import { decodeNameToken, namePage, type NamePage } from './name-token';
import type { ThingPrincipalRow } from './tables/thing-principal.table';

/** ListPrincipalPolicies: the policies attached to one certificate by name, ascending or not (`isAscendingOrder`). */
export async function listPrincipalPolicies(
  db: IotDb,
  accountId: string,
  region: string,
  certificateId: string,
  page: { readonly size: number; readonly marker: string | undefined; readonly ascending: boolean },
): Promise<NamePage<{ policy_name: string; policy_arn: string }>> {
  let query = db
    .selectFrom('policy_targets')
    .innerJoin('policies', (join) => join.onRef('policies.account_id', '=', 'policy_targets.account_id').onRef('policies.policy_name', '=', 'policy_targets.policy_name'))
    .select(['policy_targets.policy_name', 'policies.policy_arn'])
    .where('policy_targets.account_id', '=', accountId)
    .where('policy_targets.region', '=', region)
    .where('policy_targets.certificate_id', '=', certificateId);
  if (page.marker !== undefined) query = query.where('policy_targets.policy_name', page.ascending ? '>' : '<', decodeNameToken(page.marker, 'marker'));
  const rows = await query.orderBy('policy_targets.policy_name', page.ascending ? 'asc' : 'desc').limit(page.size + 1).execute();
  return namePage(rows, page.size, (r) => r.policy_name);
}

/** ListPolicyPrincipals: one policy's principals (certificate ARNs), ascending or not. */
export async function listPolicyPrincipals(
  db: IotDb,
  accountId: string,
  region: string,
  policyName: string,
  page: { readonly size: number; readonly marker: string | undefined; readonly ascending: boolean },
): Promise<NamePage<{ target: string }>> {
  let query = db.selectFrom('policy_targets').select('target').where('account_id', '=', accountId).where('region', '=', region).where('policy_name', '=', policyName);
  if (page.marker !== undefined) query = query.where('target', page.ascending ? '>' : '<', decodeNameToken(page.marker, 'marker'));
  const rows = await query.orderBy('target', page.ascending ? 'asc' : 'desc').limit(page.size + 1).execute();
  return namePage(rows, page.size, (r) => r.target);
}

/** ListThingPrincipalsV2: one thing's principals by ARN, with their relation, optionally of one type. */
export async function listThingPrincipalsOfType(
  db: IotDb,
  accountId: string,
  region: string,
  thingName: string,
  type: IotThingPrincipalType | undefined,
  pageSize: number,
  token: string | undefined,
): Promise<NamePage<ThingPrincipalRow>> {
  let query = db.selectFrom('thing_principals').selectAll().where('account_id', '=', accountId).where('region', '=', region).where('thing_name', '=', thingName);
  if (type !== undefined) query = query.where('thing_principal_type', '=', type);
  if (token !== undefined) query = query.where('principal', '>', decodeNameToken(token, 'nextToken'));
  const rows = await query.orderBy('principal').limit(pageSize + 1).execute();
  return namePage(rows, pageSize, (r) => r.principal);
}

/** ListPrincipalThingsV2: the things one certificate is attached to by name, with the relation, optionally of one type. */
export async function listPrincipalThingsOfType(
  db: IotDb,
  accountId: string,
  region: string,
  certificateId: string,
  type: IotThingPrincipalType | undefined,
  pageSize: number,
  token: string | undefined,
): Promise<NamePage<ThingPrincipalRow>> {
  let query = db.selectFrom('thing_principals').selectAll().where('account_id', '=', accountId).where('region', '=', region).where('certificate_id', '=', certificateId);
  if (type !== undefined) query = query.where('thing_principal_type', '=', type);
  if (token !== undefined) query = query.where('thing_name', '>', decodeNameToken(token, 'nextToken'));
  const rows = await query.orderBy('thing_name').limit(pageSize + 1).execute();
  return namePage(rows, pageSize, (r) => r.thing_name);
}
