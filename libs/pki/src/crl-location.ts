/**
 * Where a CA's CRLs live: the object key in its S3BucketName and the URL certificates name in
 * their CRL distribution point. Issuance writes the URL, revocation publishes at the key and the
 * gateway serves it behind a CustomCname: the three must agree, so the rule lives here once.
 *
 * AWS (API_CrlConfiguration, "Set up a CRL"): a complete CRL is `crl/<CA id>.crl`; CustomPath
 * designates "a custom file path in S3 for CRL(s)", e.g. `http://<CustomCname>/<CustomPath>/<CrlPartition_GUID>.crl`.
 *
 *   COMPLETE     <CustomPath | crl>/<CA id>.crl
 *   PARTITIONED  <CustomPath | crl/<CA id>>/<partition id>.crl   (the partition id is a UUID)
 *
 * The URL is `http://<CustomCname>/<key>` when CustomCname is set, else the platform's public
 * URL followed by `/<S3BucketName>/<key>` (path-style, served by the gateway's object route).
 */
export interface CrlPublication {
  readonly caId: string;
  readonly customPath: string | null;
  readonly customCname: string | null;
  readonly s3BucketName: string | null;
}

const PARTITION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Whether `id` has the form of a CRL partition id (a lower-case UUID). */
export const isCrlPartitionId = (id: string): boolean => PARTITION_ID.test(id);

/** The folder partition CRLs are written under. */
const partitionFolder = (p: Pick<CrlPublication, 'caId' | 'customPath'>): string => p.customPath ?? `crl/${p.caId}`;

/** The object key of the CA's complete CRL, or of partition `partition`'s CRL. */
export function crlObjectKey(p: Pick<CrlPublication, 'caId' | 'customPath'>, partition?: string | null): string {
  if (partition) return `${partitionFolder(p)}/${partition}.crl`;
  return `${p.customPath ?? 'crl'}/${p.caId}.crl`;
}

/** The partition whose CRL `key` is (undefined when `key` is not one of this CA's partition keys). */
export function crlPartitionOfKey(p: Pick<CrlPublication, 'caId' | 'customPath'>, key: string): string | undefined {
  const folder = `${partitionFolder(p)}/`;
  if (!key.startsWith(folder) || !key.endsWith('.crl')) return undefined;
  const id = key.slice(folder.length, -'.crl'.length);
  return isCrlPartitionId(id) ? id : undefined;
}

/** The URL relying parties fetch the CRL from; null when the configuration names no bucket. */
export function crlPublicationUrl(p: CrlPublication, publicUrl: string, partition?: string | null): string | null {
  const key = crlObjectKey(p, partition);
  if (p.customCname) return `http://${p.customCname}/${key}`;
  if (!p.s3BucketName) return null;
  return `${publicUrl.replace(/\/+$/, '')}/${p.s3BucketName}/${key}`;
}
