/**
 * Smithy `@pattern` is an ECMA-262 regex. AWS's validator applies it to the whole value
 * (Java `Matcher.matches()`): DynamoDB refuses table name `89hls;;f;d` against `[a-zA-Z0-9_.-]+`,
 * which an unanchored search would accept. So patterns are anchored here.
 */
const cache = new Map<string, RegExp>();

export const patternSource = (pattern: string | RegExp): string => (typeof pattern === 'string' ? pattern : pattern.source);

export const fullMatch = (pattern: string | RegExp, value: string): boolean => {
  const source = patternSource(pattern);
  let regex = cache.get(source);
  if (!regex) {
    const anchored = `^(?:${source})$`;
    try {
      regex = new RegExp(anchored, 'u');
    } catch {
      // Model patterns written for Java may use escapes that Unicode mode rejects (`\:`).
      regex = new RegExp(anchored);
    }
    cache.set(source, regex);
  }
  return regex.test(value);
};
