import type { ColumnType, Selectable } from 'kysely';

/**
 * One row: the last revocation sequence taken. Every revocation's transaction increments it and
 * stamps its revocation row, so the row lock orders those commits: when a reader sees `last`,
 * every revocation up to it is committed and none is missing (no gaps, unlike an identity or a
 * sequence object). OCSP responders catch up by it (docs/DESIGN.md "OCSP freshness").
 */
export interface RevocationSequenceTable {
  id: ColumnType<boolean, boolean | undefined, never>;
  /** Bigint, read as a string. */
  last: ColumnType<string, string | number, string | number>;
}

export type RevocationSequenceRow = Selectable<RevocationSequenceTable>;
