import { sql } from 'kysely';
import type { PolicyDb } from './policy.queries';
import type { NewPermissionRow, PermissionRow } from './tables/permission.table';

export async function insertPermission(db: PolicyDb, row: NewPermissionRow): Promise<void> {
  await db.insertInto('ca_permissions').values(row).execute();
}

export async function deletePermission(db: PolicyDb, caId: string, principal: string, sourceAccount: string): Promise<void> {
  await db.deleteFrom('ca_permissions').where('ca_id', '=', caId).where('principal', '=', principal).where('source_account', '=', sourceAccount).execute();
}

/** Position in a CA's permissions (ListPermissions NextToken). */
export interface PermissionCursor {
  readonly createdAt: Date;
  readonly principal: string;
  readonly sourceAccount: string;
}

/** One page of a CA's permissions in creation order, after the cursor. */
export async function listPermissionsPage(db: PolicyDb, caId: string, limit: number, after: PermissionCursor | undefined): Promise<PermissionRow[]> {
  let query = db.selectFrom('ca_permissions').selectAll().where('ca_id', '=', caId);
  if (after) {
    query = query.where(sql<boolean>`(created_at, principal, source_account) > (${after.createdAt}, ${after.principal}, ${after.sourceAccount})`);
  }
  return query.orderBy('created_at').orderBy('principal').orderBy('source_account').limit(limit).execute();
}
