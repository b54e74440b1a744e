/**
 * How AWS's validator (Coral) words a violation: "Value '<value>' at '<path>' failed to
 * satisfy constraint: <constraint>", values printed the way Java prints them (lists as
 * `[a, b]`, maps as `{k=v}`), null unquoted, `@sensitive` values left out ("Value at").
 */

export const formatJavaValue = (value: unknown): string => {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map(formatJavaValue).join(', ')}]`;
  if (typeof value === 'object') {
    return `{${Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => `${k}=${formatJavaValue(v)}`)
      .join(', ')}}`;
  }
  return String(value);
};

export const violation = (value: unknown, path: string, constraint: string, sensitive = false): string => {
  const shown = sensitive ? 'Value' : value === null || value === undefined ? 'Value null' : `Value '${formatJavaValue(value)}'`;
  return `${shown} at '${path}' failed to satisfy constraint: ${constraint}`;
};

/** "1 validation error detected: A" / "2 validation errors detected: A; B" */
export const validationMessage = (errors: readonly string[]): string =>
  `${errors.length} validation error${errors.length === 1 ? '' : 's'} detected: ${errors.join('; ')}`;

/** AWS member paths are lowerCamelCase: `CertificateAuthorityConfiguration` -> `certificateAuthorityConfiguration`. */
export const memberPath = (parent: string, member: string): string => {
  const name = member.charAt(0).toLowerCase() + member.slice(1);
  return parent ? `${parent}.${name}` : name;
};

/** List elements: `tags.1.member` (1-based, as AWS prints them). */
export const listElementPath = (parent: string, index: number): string => `${parent}.${index + 1}.member`;
