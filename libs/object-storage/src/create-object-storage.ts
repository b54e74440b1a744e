import path from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { FilesystemObjectStorage } from './filesystem-object-storage';
import type { ObjectStorage } from './object-storage.port';
import { S3ObjectStorage } from './s3-object-storage';

export class ObjectStorageConfigError extends Error {
  override readonly name = 'ObjectStorageConfigError';
}

/**
 * The object storage a deployment configures:
 * - `PKI_OBJECT_STORE=filesystem` (default): buckets as directories under
 *   `PKI_OBJECT_STORE_DIR` (default `./.data/objects`, relative to the working directory),
 *   served by the api-gateway's object route.
 * - `PKI_OBJECT_STORE=s3`: real S3 buckets; region, credentials and endpoint come from the
 *   standard AWS variables (`AWS_REGION`, `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY` or any
 *   source of the default provider chain, `AWS_ENDPOINT_URL_S3` / `AWS_ENDPOINT_URL` for an
 *   S3-compatible server, which is then addressed path-style).
 */
export function createObjectStorage(env: NodeJS.ProcessEnv = process.env): ObjectStorage {
  const kind = env['PKI_OBJECT_STORE'] ?? 'filesystem';
  switch (kind) {
    case 'filesystem':
      return new FilesystemObjectStorage(path.resolve(process.cwd(), env['PKI_OBJECT_STORE_DIR'] || './.data/objects'));
    case 's3': {
      const endpoint = env['AWS_ENDPOINT_URL_S3'] || env['AWS_ENDPOINT_URL'] || undefined;
      return new S3ObjectStorage(new S3Client(endpoint ? { endpoint, forcePathStyle: true } : {}));
    }
    default:
      throw new ObjectStorageConfigError(`PKI_OBJECT_STORE must be "filesystem" or "s3", got ${JSON.stringify(kind)}`);
  }
}
