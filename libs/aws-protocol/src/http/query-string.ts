import { percentDecode } from './uri-encoding';

/** One `key=value` pair of a raw query string, still percent-encoded. */
export interface RawQueryPair {
  readonly rawKey: string;
  readonly rawValue: string;
}

/**
 * Splits a raw query string (without the leading `?`) into its pairs, in order.
 * Empty pieces (`a=1&&b=2`) are skipped; a key without `=` has the empty value, as SigV4
 * specifies for canonical query strings ("`key=`").
 */
export const splitRawQuery = (query: string): RawQueryPair[] => {
  const raw = query.startsWith('?') ? query.slice(1) : query;
  const pairs: RawQueryPair[] = [];
  for (const piece of raw.split('&')) {
    if (piece.length === 0) continue;
    const eq = piece.indexOf('=');
    pairs.push(eq < 0 ? { rawKey: piece, rawValue: '' } : { rawKey: piece.slice(0, eq), rawValue: piece.slice(eq + 1) });
  }
  return pairs;
};

/**
 * Decodes a raw query string into `key -> values` (repeated keys keep every value, in
 * order). Pairs that are not valid percent-encoded UTF-8 are dropped: restJson1 binds
 * query members by name (Smithy `@httpQuery`), and an undecodable name can bind nothing.
 */
export const parseQueryString = (query: string): Record<string, string[]> => {
  const out: Record<string, string[]> = Object.create(null);
  for (const { rawKey, rawValue } of splitRawQuery(query)) {
    const key = percentDecode(rawKey);
    const value = percentDecode(rawValue);
    if (key === undefined || value === undefined) continue;
    (out[key] ??= []).push(value);
  }
  return out;
};
