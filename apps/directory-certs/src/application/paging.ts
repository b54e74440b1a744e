import { DomainError } from '@pki/contracts';
import type { PageCursor } from '../infrastructure/directory.queries';

/** Opaque NextToken: the position (timestamp, id) after which the next page starts. */
export function encodeNextToken(cursor: PageCursor): string {
  return Buffer.from(JSON.stringify({ a: cursor.at.toISOString(), i: cursor.id })).toString('base64url');
}

export function decodeNextToken(token: string): PageCursor {
  const invalid = () => new DomainError('Malformed', 'The NextToken is not valid; pass the NextToken of a previous response unchanged.', 'InvalidNextTokenException');
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  const value = parsed as { a?: unknown; i?: unknown };
  if (typeof value !== 'object' || value === null || typeof value.a !== 'string' || typeof value.i !== 'string' || !/^[cd]-[0-9a-f]{10}$/.test(value.i)) throw invalid();
  const at = new Date(value.a);
  if (Number.isNaN(at.getTime())) throw invalid();
  return { at, id: value.i };
}

/** One page of `limit` from `limit + 1` rows, and the token of the next one when there is more. */
export function page<T>(rows: readonly T[], limit: number, cursorOf: (row: T) => PageCursor): { items: T[]; nextToken?: string } {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return rows.length > limit && last ? { items, nextToken: encodeNextToken(cursorOf(last)) } : { items };
}
