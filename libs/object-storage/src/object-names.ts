/**
 * Bucket and key validation. Bucket names follow S3's general-purpose bucket naming rules;
 * keys are S3 keys (1..1024 UTF-8 bytes) restricted so that no key can name anything outside
 * its bucket: no leading `/`, no empty, `.` or `..` segment, no backslash, no control characters.
 */
export class InvalidObjectNameError extends Error {
  override readonly name = 'InvalidObjectNameError';
}

const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;
const RESERVED_PREFIXES = ['xn--', 'sthree-', 'amzn-s3-demo-'];
const RESERVED_SUFFIXES = ['-s3alias', '--ol-s3', '.mrap', '--x-s3'];
const MAX_KEY_BYTES = 1024;
const CONTROL = /[\u0000-\u001f\u007f]/;

/** Why `bucket` is not a valid S3 bucket name, or undefined when it is one. */
export function bucketNameProblem(bucket: string): string | undefined {
  if (bucket.length < 3 || bucket.length > 63) return 'Bucket names must be between 3 and 63 characters long.';
  if (!BUCKET.test(bucket)) {
    return 'Bucket names can consist only of lowercase letters, numbers, dots (.) and hyphens (-), and must begin and end with a letter or number.';
  }
  if (bucket.includes('..')) return 'Bucket names must not contain two adjacent periods.';
  if (IPV4.test(bucket)) return 'Bucket names must not be formatted as an IP address.';
  const prefix = RESERVED_PREFIXES.find((p) => bucket.startsWith(p));
  if (prefix) return `Bucket names must not start with the reserved prefix ${prefix}.`;
  const suffix = RESERVED_SUFFIXES.find((s) => bucket.endsWith(s));
  if (suffix) return `Bucket names must not end with the reserved suffix ${suffix}.`;
  return undefined;
}

/** Why `key` is not an acceptable object key, or undefined when it is one. */
export function objectKeyProblem(key: string): string | undefined {
  const bytes = Buffer.byteLength(key, 'utf8');
  if (bytes === 0 || bytes > MAX_KEY_BYTES) return `Object keys must be 1 to ${MAX_KEY_BYTES} bytes long (UTF-8).`;
  if (key.startsWith('/')) return 'Object keys must not start with "/".';
  if (key.includes('\\')) return 'Object keys must not contain a backslash.';
  if (CONTROL.test(key)) return 'Object keys must not contain control characters.';
  if (key.split('/').some((segment) => segment === '' || segment === '.' || segment === '..')) {
    return 'Object keys must not contain empty, "." or ".." path segments.';
  }
  return undefined;
}

export function assertValidBucketName(bucket: string): void {
  const problem = bucketNameProblem(bucket);
  if (problem) throw new InvalidObjectNameError(`Invalid bucket name ${JSON.stringify(bucket)}: ${problem}`);
}

export function assertValidObjectKey(key: string): void {
  const problem = objectKeyProblem(key);
  if (problem) throw new InvalidObjectNameError(`Invalid object key ${JSON.stringify(key)}: ${problem}`);
}

const ACCOUNT = /^\d{12}$/;

export function assertValidMeta(meta: { contentType: string; acl: string; ownerAccount: string }): void {
  if (meta.acl !== 'PUBLIC_READ' && meta.acl !== 'BUCKET_OWNER_FULL_CONTROL') throw new InvalidObjectNameError(`Unknown object ACL ${JSON.stringify(meta.acl)}.`);
  if (!ACCOUNT.test(meta.ownerAccount)) throw new InvalidObjectNameError(`The owner account must be 12 digits, got ${JSON.stringify(meta.ownerAccount)}.`);
  if (meta.contentType.length === 0 || CONTROL.test(meta.contentType)) throw new InvalidObjectNameError('The content type must be a non-empty header value.');
}
