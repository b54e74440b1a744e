import { GetObjectCommand, NoSuchKey, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { assertValidBucketName, assertValidMeta, assertValidObjectKey } from './object-names';
import type { ObjectAcl, ObjectMeta, ObjectStorage, StoredObject } from './object-storage.port';

/** S3 canned ACLs for AWS Private CA's `S3ObjectAcl` values. */
const CANNED_ACL = { PUBLIC_READ: 'public-read', BUCKET_OWNER_FULL_CONTROL: 'bucket-owner-full-control' } as const;

/**
 * User metadata (`x-amz-meta-*`) carrying the platform's view of the object: S3 reports an
 * ACL grant list and a canonical user id, not the canned ACL and account it was written with.
 */
export const META_ACL = 'pki-acl';
export const META_OWNER_ACCOUNT = 'pki-owner-account';

export function putObjectCommand(bucket: string, key: string, body: Uint8Array, meta: ObjectMeta): PutObjectCommand {
  assertValidBucketName(bucket);
  assertValidObjectKey(key);
  assertValidMeta(meta);
  return new PutObjectCommand({
    Bucket: bucket,
    Key: key,
    Body: body,
    ContentType: meta.contentType,
    ContentLength: body.length,
    ACL: CANNED_ACL[meta.acl],
    Metadata: { [META_ACL]: meta.acl, [META_OWNER_ACCOUNT]: meta.ownerAccount },
  });
}

export function getObjectCommand(bucket: string, key: string): GetObjectCommand {
  assertValidBucketName(bucket);
  assertValidObjectKey(key);
  return new GetObjectCommand({ Bucket: bucket, Key: key });
}

const isAcl = (value: string | undefined): value is ObjectAcl => value === 'PUBLIC_READ' || value === 'BUCKET_OWNER_FULL_CONTROL';

/** Real S3 buckets (or an S3-compatible server) through `@aws-sdk/client-s3`. */
export class S3ObjectStorage implements ObjectStorage {
  constructor(private readonly client: S3Client) {}

  async put(bucket: string, key: string, body: Uint8Array, meta: ObjectMeta): Promise<void> {
    await this.client.send(putObjectCommand(bucket, key, body, meta));
  }

  async get(bucket: string, key: string): Promise<StoredObject | undefined> {
    try {
      const output = await this.client.send(getObjectCommand(bucket, key));
      const body = output.Body ? await output.Body.transformToByteArray() : new Uint8Array();
      const acl = output.Metadata?.[META_ACL];
      const ownerAccount = output.Metadata?.[META_OWNER_ACCOUNT];
      if (!isAcl(acl) || !ownerAccount) {
        throw new Error(`s3://${bucket}/${key} was not written by this platform (no ${META_ACL}/${META_OWNER_ACCOUNT} metadata)`);
      }
      return {
        body,
        contentType: output.ContentType ?? 'application/octet-stream',
        acl,
        ownerAccount,
        lastModified: output.LastModified ?? new Date(0),
        etag: output.ETag ?? '',
      };
    } catch (error) {
      if (error instanceof NoSuchKey || (error as { name?: string })?.name === 'NoSuchKey') return undefined;
      throw error;
    }
  }
}
