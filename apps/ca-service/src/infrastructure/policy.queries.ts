import { sql, type Kysely, type Transaction } from 'kysely';
import { CA_SCHEMA } from './database';
import { regionArnPattern, type PageCursor } from './certificate-authority.queries';
import type { CertificateAuthorityRow, CertificateAuthorityTable } from './tables/certificate-authority.table';
import type { PermissionTable } from './tables/permission.table';
import type { PolicyGrantTable } from './tables/policy-grant.table';
import type { PolicyRow, PolicyTable } from './tables/policy.table';

/** The tables resource policies and permissions use (the CA table only to list shared CAs). */
export interface PolicyDatabase {
  certificate_authorities: CertificateAuthorityTable;
  ca_policies: PolicyTable;
  ca_policy_grants: PolicyGrantTable;
  ca_permissions: PermissionTable;
}

export type PolicyDb = Kysely<PolicyDatabase> | Transaction<PolicyDatabase>;

/** ca-service's schema, typed for these tables (queries use unqualified names). */
export function policyDb(db: Kysely<any>): Kysely<PolicyDatabase> {
  return db.withSchema(CA_SCHEMA) as Kysely<PolicyDatabase>;
}

export async function findPolicyByCaId(db: PolicyDb, caId: string): Promise<PolicyRow | undefined> {
  return db.selectFrom('ca_policies').selectAll().where('ca_id', '=', caId).executeTakeFirst();
}

export async function findPolicyByCaArn(db: PolicyDb, caArn: string): Promise<PolicyRow | undefined> {
  return db.selectFrom('ca_policies').selectAll().where('ca_arn', '=', caArn).executeTakeFirst();
}

/** Replaces a CA's policy and the accounts it grants something to. */
export async function savePolicy(
  db: PolicyDb,
  row: PolicyRow,
  grants: ReadonlyMap<string, readonly string[]>,
): Promise<void> {
  await db
    .insertInto('ca_policies')
    .values(row)
    .onConflict((oc) => oc.column('ca_id').doUpdateSet({ policy: row.policy, updated_at: row.updated_at, version: row.version }))
    .execute();
  await db.deleteFrom('ca_policy_grants').where('ca_id', '=', row.ca_id).execute();
  if (grants.size > 0) {
    await db
      .insertInto('ca_policy_grants')
      .values([...grants].map(([account_id, actions]) => ({ ca_id: row.ca_id, account_id, actions: JSON.stringify(actions) })))
      .execute();
  }
}

export async function deletePolicy(db: PolicyDb, caId: string): Promise<void> {
  await db.deleteFrom('ca_policy_grants').where('ca_id', '=', caId).execute();
  await db.deleteFrom('ca_policies').where('ca_id', '=', caId).execute();
}

/** One page of the CAs of one region of other accounts whose policy grants `accountId` something, in creation order. */
export async function listCertificateAuthoritiesSharedWith(
  db: PolicyDb,
  accountId: string,
  region: string,
  limit: number,
  after: PageCursor | undefined,
): Promise<CertificateAuthorityRow[]> {
  let query = db
    .selectFrom('certificate_authorities as ca')
    .innerJoin('ca_policy_grants as g', 'g.ca_id', 'ca.id')
    .selectAll('ca')
    .where('g.account_id', '=', accountId)
    .where('ca.owner_account', '<>', accountId)
    .where('ca.arn', 'like', regionArnPattern(region));
  if (after) {
    query = query.where(sql<boolean>`(ca.created_at, ca.id) > (${after.createdAt}, ${after.id}::uuid)`);
  }
  return query.orderBy('ca.created_at').orderBy('ca.id').limit(limit).execute();
}
