import type { PolicyState } from '../domain/policy.decider';
import type { IotDb } from './database';
import { decodeNameToken, namePage, type NamePage } from './name-token';
import type { PolicyTargetRow } from './tables/policy-target.table';
import type { PolicyRow } from './tables/policy.table';

/** Writes the policy's read model rows (the policy and its targets) after an append; deletes them when the policy is gone. */
export async function savePolicy(db: IotDb, accountId: string, region: string, policyName: string, state: PolicyState): Promise<void> {
  await db.deleteFrom('policy_targets').where('account_id', '=', accountId).where('region', '=', region).where('policy_name', '=', policyName).execute();
  if (state.status === 'Absent') {
    await db.deleteFrom('policies').where('account_id', '=', accountId).where('region', '=', region).where('policy_name', '=', policyName).execute();
    return;
  }
  const row = {
    account_id: accountId,
    region,
    policy_name: policyName,
    policy_arn: state.policyArn,
    policy_document: state.policyDocument,
    default_version_id: state.defaultVersionId,
    generation_id: state.generationId,
    creation_date: new Date(state.creationDate),
    last_modified_date: new Date(state.lastModifiedDate),
  };
  await db
    .insertInto('policies')
    .values(row)
    .onConflict((oc) => oc.columns(['account_id', 'region', 'policy_name']).doUpdateSet(row))
    .execute();
  if (state.targets.length > 0) {
    await db
      .insertInto('policy_targets')
      .values(state.targets.map((t) => ({ account_id: accountId, region, policy_name: policyName, certificate_id: t.certificateId, target: t.target })))
      .execute();
  }
}

export async function findPolicy(db: IotDb, accountId: string, region: string, policyName: string): Promise<PolicyRow | undefined> {
  return db.selectFrom('policies').selectAll().where('account_id', '=', accountId).where('region', '=', region).where('policy_name', '=', policyName).executeTakeFirst();
}

/** The policies attached to one certificate, by name, with their ARNs. */
export async function listAttachedPolicies(
  db: IotDb,
  accountId: string,
  certificateId: string,
  pageSize: number,
  marker: string | undefined,
): Promise<NamePage<{ policy_name: string; policy_arn: string }>> {
  let query = db
    .selectFrom('policy_targets')
    .innerJoin('policies', (join) =>
      join.onRef('policies.account_id', '=', 'policy_targets.account_id').onRef('policies.region', '=', 'policy_targets.region').onRef('policies.policy_name', '=', 'policy_targets.policy_name'),
    )
    .select(['policy_targets.policy_name', 'policies.policy_arn'])
    .where('policy_targets.account_id', '=', accountId)
    .where('policy_targets.certificate_id', '=', certificateId);
  if (marker !== undefined) query = query.where('policy_targets.policy_name', '>', decodeNameToken(marker, 'marker'));
  const rows = await query.orderBy('policy_targets.policy_name').limit(pageSize + 1).execute();
  return namePage(rows, pageSize, (r) => r.policy_name);
}

/** One policy's targets (certificate ARNs), by ARN. */
export async function listTargetsForPolicy(db: IotDb, accountId: string, region: string, policyName: string, pageSize: number, marker: string | undefined): Promise<NamePage<PolicyTargetRow>> {
  let query = db.selectFrom('policy_targets').selectAll().where('account_id', '=', accountId).where('region', '=', region).where('policy_name', '=', policyName);
  if (marker !== undefined) query = query.where('target', '>', decodeNameToken(marker, 'marker'));
  const rows = await query.orderBy('target').limit(pageSize + 1).execute();
  return namePage(rows, pageSize, (r) => r.target);
}
