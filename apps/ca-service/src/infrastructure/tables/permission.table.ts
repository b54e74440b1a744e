import type { ColumnType, Insertable, Selectable } from 'kysely';

/** Read model of the permissions CAs grant to AWS service principals (ca.ca_permissions). */
export interface PermissionTable {
  ca_id: string;
  ca_arn: string;
  principal: string;
  source_account: string;
  actions: ColumnType<string[], string, string>;
  policy: string;
  created_at: Date;
}

export type PermissionRow = Selectable<PermissionTable>;
export type NewPermissionRow = Insertable<PermissionTable>;
