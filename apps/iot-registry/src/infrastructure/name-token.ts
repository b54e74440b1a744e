/**
 * Paging tokens of the thing and policy lists (ListThings nextToken, ListAttachedPolicies marker,
 * ...): the last row's sort key as base64, which satisfies the model's Marker pattern
 * `[A-Za-z0-9+/]+={0,2}`. Keyset pagination, so every row appears exactly once however many are
 * added between pages.
 */
import { DomainError } from '@pki/contracts';

const PREFIX = 'k1|';

export function encodeNameToken(key: string): string {
  return Buffer.from(`${PREFIX}${key}`, 'utf8').toString('base64');
}

export function decodeNameToken(token: string, member: string): string {
  const text = /^[A-Za-z0-9+/]+={0,2}$/.test(token) ? Buffer.from(token, 'base64').toString('utf8') : '';
  if (!text.startsWith(PREFIX) || text.length === PREFIX.length) {
    throw new DomainError('Malformed', `The ${member} is not one this API returned; pass the value of the previous page unchanged.`, 'InvalidRequestException');
  }
  return text.slice(PREFIX.length);
}

export interface NamePage<T> {
  readonly rows: T[];
  readonly next: string | undefined;
}

/** The page out of `pageSize + 1` fetched rows, with the token after its last row when more follow. */
export function namePage<T>(rows: T[], pageSize: number, keyOf: (row: T) => string): NamePage<T> {
  const page = rows.slice(0, pageSize);
  const last = page[page.length - 1];
  return { rows: page, next: rows.length > pageSize && last !== undefined ? encodeNameToken(keyOf(last)) : undefined };
}
