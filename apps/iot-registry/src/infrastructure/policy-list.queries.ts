import { DomainError } from '@pki/contracts';
import type { IotDb } from './database';
import { decodeNameToken, encodeNameToken, type NamePage } from './name-token';
import type { PolicyRow } from './tables/policy.table';

/**
 * ListPolicies: the account's policies in creation order ("If true, the results are returned in
 * ascending creation order", AWS IoT ListPolicies `ascendingOrder`), newest first when false.
 * Keyset paging on (creation_date, policy_name): the marker carries both.
 */
export async function listPolicies(db: IotDb, accountId: string, region: string, pageSize: number, marker: string | undefined, ascending: boolean): Promise<NamePage<PolicyRow>> {
  let query = db.selectFrom('policies').selectAll().where('account_id', '=', accountId).where('region', '=', region);
  if (marker !== undefined) {
    const key = decodeNameToken(marker, 'marker');
    const separator = key.indexOf('|');
    const at = new Date(key.slice(0, separator));
    const name = key.slice(separator + 1);
    if (separator < 0 || Number.isNaN(at.getTime())) throw new DomainError('Malformed', 'The marker is not one this API returned; pass the value of the previous page unchanged.', 'InvalidRequestException');
    const after = ascending ? '>' : '<';
    query = query.where((eb) => eb.or([eb('creation_date', after, at), eb.and([eb('creation_date', '=', at), eb('policy_name', after, name)])]));
  }
  const order = ascending ? 'asc' : 'desc';
  const rows = await query.orderBy('creation_date', order).orderBy('policy_name', order).limit(pageSize + 1).execute();
  const page = rows.slice(0, pageSize);
  const last = page[page.length - 1];
  return { rows: page, next: rows.length > pageSize && last ? encodeNameToken(`${new Date(last.creation_date).toISOString()}|${last.policy_name}`) : undefined };
}
