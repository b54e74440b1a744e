/**
 * Smithy `@pattern` is an ECMA-262 regex. AWS's validator applies it to the whole value
 * (Java `Matcher.matches()`): DynamoDB refuses table name `89hls;;f;d` against `[a-zA-Z0-9_.-]+`,
 * which an unanchored search would accept. So patterns are anchored here.
 */
const cache = new Map<string, RegExp>();

/**
 * Java's POSIX classes, which some models use (IoT ThingTypeDescription `[\p{Graph}\x20]*`) and
 * which ECMA-262 lacks: in Java (without UNICODE_CHARACTER_CLASS) they are ASCII ranges, written
 * here for use inside a character class, where the models use them.
 */
const JAVA_POSIX_CLASSES: ReadonlyArray<readonly [string, string]> = [
  [String.raw`\p{Graph}`, String.raw`\x21-\x7E`],
  [String.raw`\p{Print}`, String.raw`\x20-\x7E`],
];

const javaToEcma = (source: string): string => JAVA_POSIX_CLASSES.reduce((s, [java, ecma]) => s.split(java).join(ecma), source);

export const patternSource = (pattern: string | RegExp): string => (typeof pattern === 'string' ? pattern : pattern.source);

export const fullMatch = (pattern: string | RegExp, value: string): boolean => {
  const source = patternSource(pattern);
  let regex = cache.get(source);
  if (!regex) {
    const anchored = `^(?:${javaToEcma(source)})$`;
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
