import type { ColumnType, Insertable, Selectable } from 'kysely';

/** One row per directory: what DescribeDirectories lists and the provisioning worker polls. */
export interface DirectoryTable {
  id: string;
  account_id: string;
  directory_type: string;
  stage: string;
  stage_last_updated: Date;
  launch_time: Date;
  /** The directory's region; null for directories created before regions (the default region's). */
  region: string | null;
  /** The AWS DirectoryDescription as of `version` (epoch-second timestamps). */
  description: ColumnType<Record<string, unknown>, string, string>;
  version: number;
}

export type DirectoryRow = Selectable<DirectoryTable>;
export type NewDirectoryRow = Insertable<DirectoryTable>;
