import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  NoSuchKey,
  PutObjectCommand,
  UploadPartCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
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

/** Parts of a multipart upload (S3's minimum is 5 MiB for every part but the last). */
export const MULTIPART_PART_SIZE = 8 * 1024 * 1024;

const isAcl = (value: string | undefined): value is ObjectAcl => value === 'PUBLIC_READ' || value === 'BUCKET_OWNER_FULL_CONTROL';

/** Real S3 buckets (or an S3-compatible server) through `@aws-sdk/client-s3`. */
export class S3ObjectStorage implements ObjectStorage {
  constructor(private readonly client: S3Client) {}

  async put(bucket: string, key: string, body: Uint8Array, meta: ObjectMeta): Promise<void> {
    await this.client.send(putObjectCommand(bucket, key, body, meta));
  }

  /**
   * A body that fits in one part is one PutObject; a larger one a multipart upload of
   * MULTIPART_PART_SIZE parts (S3 shows the object only once it is completed; an aborted upload
   * leaves the old one). Holds one part in memory at a time.
   */
  async putStream(bucket: string, key: string, chunks: AsyncIterable<Uint8Array>, meta: ObjectMeta): Promise<number> {
    const command = putObjectCommand(bucket, key, new Uint8Array(), meta); // validates, and is the template of the upload
    let pending: Uint8Array[] = [];
    let pendingSize = 0;
    let size = 0;
    let uploadId: string | undefined;
    const parts: Array<{ ETag: string; PartNumber: number }> = [];
    const flush = async () => {
      const body = Buffer.concat(pending, pendingSize);
      pending = [];
      pendingSize = 0;
      uploadId ??= (await this.client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ContentType: command.input.ContentType, ACL: command.input.ACL, Metadata: command.input.Metadata }))).UploadId!;
      const PartNumber = parts.length + 1;
      const { ETag } = await this.client.send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId: uploadId, PartNumber, Body: body, ContentLength: body.length }));
      parts.push({ ETag: ETag!, PartNumber });
    };
    try {
      for await (const chunk of chunks) {
        pending.push(chunk);
        pendingSize += chunk.length;
        size += chunk.length;
        if (pendingSize >= MULTIPART_PART_SIZE) await flush();
      }
      if (uploadId === undefined) {
        await this.client.send(putObjectCommand(bucket, key, Buffer.concat(pending, pendingSize), meta));
        return size;
      }
      if (pendingSize > 0) await flush();
      await this.client.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId, MultipartUpload: { Parts: parts } }));
      return size;
    } catch (error) {
      if (uploadId !== undefined) await this.client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId })).catch(() => undefined);
      throw error;
    }
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
