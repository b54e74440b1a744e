/**
 * How AWS names become proto names. Field names are lower_snake_case of the member name, enum
 * values UPPER_SNAKE_CASE of the enum and of the AWS value. Words are split as buf's lint rules
 * split them (ENUM_VALUE_PREFIX derives the prefix from the enum name), so what is generated
 * passes them. A new word starts
 *   - at an upper-case letter after a lower-case letter (certificateArn -> certificate_arn,
 *     IsCA -> is_ca);
 *   - at a capitalised word after a digit (S3BucketName -> s3_bucket_name,
 *     ASN1Subject -> asn1_subject), not inside an all-capitals run (SHA256WITHRSA stays one word);
 *   - at the last capital of an acronym followed by a lower-case word
 *     (CACertificateId -> ca_certificate_id, OCSPUrl -> ocsp_url), unless a digit follows that
 *     word, as in a version (IPv4 -> IPV4, MS-CHAPv2 -> MS_CHAPV2);
 *   - at anything that is not a letter or digit (EC_prime256v1 -> EC_PRIME256V1).
 * Digits stay with the word before them (Sha256Rsa -> sha256_rsa).
 */

/** The words of one run of letters and digits. */
const camelWords = (run: string): string[] =>
  run
    .replace(/([A-Z]+)([A-Z][a-z]+)(?![0-9])/g, '$1 $2')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/([0-9])([A-Z][a-z])/g, '$1 $2')
    .split(' ')
    .filter((word) => word.length > 0);

/** Words of any AWS name or value: runs of letters and digits, split at case changes. */
export const words = (name: string): string[] => name.split(/[^A-Za-z0-9]+/).flatMap(camelWords);

/** `CertificateAuthorityArn` -> `certificate_authority_arn`. Only for member names (letters and digits). */
export const lowerSnake = (name: string): string => {
  if (!/^[A-Za-z][A-Za-z0-9]*$/.test(name)) throw new Error(`member name ${JSON.stringify(name)} is not made of letters and digits`);
  return words(name).join('_').toLowerCase();
};

/** `KeyAlgorithm` -> `KEY_ALGORITHM`; `EC_prime256v1` -> `EC_PRIME256V1`. */
export const upperSnake = (name: string): string => {
  const result = words(name).join('_').toUpperCase();
  if (result === '') throw new Error(`${JSON.stringify(name)} has no letter or digit to name a proto value by`);
  return result;
};

/** The zero value every proto3 enum starts with: `KEY_ALGORITHM_UNSPECIFIED` (buf's ENUM_ZERO_VALUE_SUFFIX). */
export const unspecifiedValueName = (enumName: string): string => `${upperSnake(enumName)}_UNSPECIFIED`;

/**
 * proto3 enum value of one AWS value: `KEY_ALGORITHM_EC_PRIME256V1`. An AWS value that is itself
 * `UNSPECIFIED` (ACM PCA's RevocationReason, X.509's reason code 0) would take the zero value's
 * name, which means "not set": it becomes `<ENUM>_AWS_UNSPECIFIED` instead.
 */
export const enumValueName = (enumName: string, awsValue: string): string => {
  const value = upperSnake(awsValue);
  return `${upperSnake(enumName)}_${value === 'UNSPECIFIED' ? 'AWS_UNSPECIFIED' : value}`;
};

/** protoc's default JSON name (lowerCamelCase of the field name): two fields must not share it. */
export const protoCamel = (field: string): string => field.replace(/_([a-z0-9])/g, (_match, c: string) => c.toUpperCase());

const ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

const MAX_SUMMARY = 160;

/**
 * The first sentence of botocore's HTML documentation as one line of plain text (tags
 * dropped, entities decoded, whitespace collapsed, at most 160 characters cut at a word), or
 * undefined when there is none. Only a summary: the rest stays in the AWS API Reference.
 */
export const summary = (html: string | undefined): string | undefined => {
  if (!html) return undefined;
  const text = html
    .replace(/<[^>]*>/g, ' ')
    .replace(/&(#\d+|[a-z]+);/g, (entity, code: string) => (code.startsWith('#') ? String.fromCharCode(Number(code.slice(1))) : (ENTITIES[code] ?? entity)))
    .replace(/\s+/g, ' ')
    .replace(/\( /g, '(')
    .replace(/ ([).,;:!?])/g, '$1')
    .replace(/\*\//g, '* /') // protoc-gen-es copies comments into /** */ blocks
    .trim();
  if (text === '') return undefined;
  // The first sentence: up to a full stop followed by a space and an upper-case letter (so "e.g. x" does not end it).
  const sentence = /^(.*?[.!?])(?=\s+[A-Z(]|$)/.exec(text)?.[1] ?? text;
  if (sentence.length <= MAX_SUMMARY) return sentence;
  const cut = sentence.slice(0, MAX_SUMMARY - 3);
  return `${cut.slice(0, cut.lastIndexOf(' ') > 0 ? cut.lastIndexOf(' ') : cut.length).replace(/[\s,;:]+$/, '')}...`;
};
