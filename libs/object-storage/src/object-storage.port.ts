/**
 * Object storage as the platform uses it (CRLs, audit reports): a bucket/key store with the
 * two canned ACLs AWS Private CA writes with (`S3ObjectAcl` PUBLIC_READ and
 * BUCKET_OWNER_FULL_CONTROL) and the account that owns each object.
 */
export type ObjectAcl = 'PUBLIC_READ' | 'BUCKET_OWNER_FULL_CONTROL';

export interface ObjectMeta {
  readonly contentType: string;
  readonly acl: ObjectAcl;
  /** The 12-digit AWS account the object belongs to (the one that may read a private object). */
  readonly ownerAccount: string;
}

export interface StoredObject extends ObjectMeta {
  readonly body: Uint8Array;
  readonly lastModified: Date;
  /** Quoted hex MD5 of the body, as S3 reports a single-part upload's ETag. */
  readonly etag: string;
}

export interface ObjectStorage {
  /** Writes (or replaces) an object; readers see the old or the new object, never a mix. */
  put(bucket: string, key: string, body: Uint8Array, meta: ObjectMeta): Promise<void>;
  /**
   * `put` of a body given in chunks, never held whole in memory (an audit report over a million
   * certificates is hundreds of MB); the same visibility: the old object or the complete new one.
   * Answers the body's size in octets. A failing chunk source leaves the old object in place.
   */
  putStream(bucket: string, key: string, chunks: AsyncIterable<Uint8Array>, meta: ObjectMeta): Promise<number>;
  /** The object, or undefined when there is none. */
  get(bucket: string, key: string): Promise<StoredObject | undefined>;
}
