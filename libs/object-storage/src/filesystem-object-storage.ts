import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import { assertValidBucketName, assertValidMeta, assertValidObjectKey } from './object-names';
import type { ObjectAcl, ObjectMeta, ObjectStorage, StoredObject } from './object-storage.port';

/** The sidecar: everything about an object but its bytes. */
interface Sidecar {
  readonly version: 1;
  readonly bucket: string;
  readonly key: string;
  readonly contentType: string;
  readonly acl: ObjectAcl;
  readonly ownerAccount: string;
  readonly lastModified: string;
  readonly etag: string;
  readonly contentLength: number;
  /** File name of the body, next to the sidecar. */
  readonly bodyFile: string;
}

const isNotFound = (error: unknown) => (error as NodeJS.ErrnoException)?.code === 'ENOENT';

/** Writes `data` to `target` atomically: a temp file in the same directory, fsync, rename. */
async function writeAtomically(target: string, data: Uint8Array | string): Promise<void> {
  const temp = `${target}.tmp-${randomBytes(8).toString('hex')}`;
  const handle = await open(temp, 'wx', 0o600);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temp, target);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
}

/**
 * Buckets as directories under `root`. An object is stored under the SHA-256 of its key, so
 * the key never becomes a file path (no traversal, and keys `a` and `a/b` can coexist as on
 * S3): `<root>/<bucket>/<h[0..2]>/<h>.meta.json` (the sidecar, which names the key) and
 * `<h>.<md5>.body`. The body is renamed into place before the sidecar that points at it, so
 * a reader sees either the old object or the new one, never a new body with old metadata.
 */
export class FilesystemObjectStorage implements ObjectStorage {
  constructor(
    readonly root: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  private location(bucket: string, key: string): { dir: string; base: string } {
    assertValidBucketName(bucket);
    assertValidObjectKey(key);
    const hash = createHash('sha256').update(key, 'utf8').digest('hex');
    return { dir: path.join(this.root, bucket, hash.slice(0, 2)), base: hash };
  }

  async put(bucket: string, key: string, body: Uint8Array, meta: ObjectMeta): Promise<void> {
    await this.putStream(bucket, key, [body], meta);
  }

  async putStream(bucket: string, key: string, chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, meta: ObjectMeta): Promise<number> {
    assertValidMeta(meta);
    const { dir, base } = this.location(bucket, key);
    await mkdir(dir, { recursive: true });
    const sidecarPath = path.join(dir, `${base}.meta.json`);
    const previous = await this.readSidecar(sidecarPath);
    // The body goes to a temp file as it comes (its MD5 is known only at the end), then is renamed into place.
    const temp = path.join(dir, `${base}.tmp-${randomBytes(8).toString('hex')}`);
    const md5 = createHash('md5');
    let size = 0;
    let etag: string;
    let bodyFile: string;
    try {
      const handle = await open(temp, 'wx', 0o600);
      try {
        for await (const chunk of chunks) {
          md5.update(chunk);
          size += chunk.length;
          for (let written = 0; written < chunk.length; ) written += (await handle.write(chunk, written)).bytesWritten;
        }
        await handle.sync();
      } finally {
        await handle.close();
      }
      etag = md5.digest('hex');
      bodyFile = `${base}.${etag}.body`;
      await rename(temp, path.join(dir, bodyFile));
    } catch (error) {
      await unlink(temp).catch(() => undefined);
      throw error;
    }
    const sidecar: Sidecar = {
      version: 1,
      bucket,
      key,
      contentType: meta.contentType,
      acl: meta.acl,
      ownerAccount: meta.ownerAccount,
      lastModified: this.now().toISOString(),
      etag: `"${etag}"`,
      contentLength: size,
      bodyFile,
    };
    await writeAtomically(sidecarPath, JSON.stringify(sidecar, null, 2));
    if (previous && previous.bodyFile !== bodyFile) await unlink(path.join(dir, previous.bodyFile)).catch(() => undefined);
    return size;
  }

  async get(bucket: string, key: string): Promise<StoredObject | undefined> {
    const { dir, base } = this.location(bucket, key);
    const sidecarPath = path.join(dir, `${base}.meta.json`);
    // A concurrent put may replace the body between reading the sidecar and the body: re-read once.
    for (let attempt = 0; attempt < 3; attempt++) {
      const sidecar = await this.readSidecar(sidecarPath);
      if (!sidecar || sidecar.key !== key) return undefined;
      try {
        const body = new Uint8Array(await readFile(path.join(dir, sidecar.bodyFile)));
        return {
          body,
          contentType: sidecar.contentType,
          acl: sidecar.acl,
          ownerAccount: sidecar.ownerAccount,
          lastModified: new Date(sidecar.lastModified),
          etag: sidecar.etag,
        };
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
    }
    throw new Error(`object ${bucket}/${key} kept changing while being read`);
  }

  private async readSidecar(file: string): Promise<Sidecar | undefined> {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
    try {
      return JSON.parse(text) as Sidecar;
    } catch (error) {
      throw new Error(`corrupt object metadata ${file}`, { cause: error });
    }
  }
}
