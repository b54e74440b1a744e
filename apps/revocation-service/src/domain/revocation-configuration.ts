/**
 * The parts of the AWS `RevocationConfiguration` (as ca-service accepted it) this service acts
 * on. Values the API leaves out take AWS's defaults: ExpirationInDays 7 (CrlConfiguration),
 * S3ObjectAcl PUBLIC_READ.
 */
export interface RevocationSettings {
  readonly crlEnabled: boolean;
  readonly crlExpirationInDays: number;
  readonly crlS3BucketName: string | null;
  readonly crlCustomCname: string | null;
  readonly crlS3ObjectAcl: 'PUBLIC_READ' | 'BUCKET_OWNER_FULL_CONTROL';
  readonly ocspEnabled: boolean;
  readonly ocspCustomCname: string | null;
}

export const DEFAULT_CRL_EXPIRATION_DAYS = 7;

export function revocationSettings(configuration: Record<string, unknown> | null | undefined): RevocationSettings {
  const crl = (configuration?.CrlConfiguration ?? {}) as { Enabled?: unknown; ExpirationInDays?: unknown; S3BucketName?: unknown; CustomCname?: unknown; S3ObjectAcl?: unknown };
  const ocsp = (configuration?.OcspConfiguration ?? {}) as { Enabled?: unknown; OcspCustomCname?: unknown };
  const days = typeof crl.ExpirationInDays === 'number' && Number.isInteger(crl.ExpirationInDays) && crl.ExpirationInDays > 0 ? crl.ExpirationInDays : DEFAULT_CRL_EXPIRATION_DAYS;
  const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : null);
  return {
    crlEnabled: crl.Enabled === true,
    crlExpirationInDays: days,
    crlS3BucketName: text(crl.S3BucketName),
    crlCustomCname: text(crl.CustomCname),
    crlS3ObjectAcl: crl.S3ObjectAcl === 'BUCKET_OWNER_FULL_CONTROL' ? 'BUCKET_OWNER_FULL_CONTROL' : 'PUBLIC_READ',
    ocspEnabled: ocsp.Enabled === true,
    ocspCustomCname: text(ocsp.OcspCustomCname),
  };
}

/** The object key of a CA's CRL in its bucket. */
export const crlObjectKey = (caId: string): string => `crl/${caId}.crl`;

/** Where relying parties fetch the CRL: the URL issuance writes into the CRL distribution point. */
export function crlUrl(caId: string, settings: Pick<RevocationSettings, 'crlCustomCname' | 'crlS3BucketName'>, publicUrl: string): string | null {
  if (settings.crlCustomCname) return `http://${settings.crlCustomCname}/${crlObjectKey(caId)}`;
  if (!settings.crlS3BucketName) return null;
  return `${publicUrl.replace(/\/+$/, '')}/${settings.crlS3BucketName}/${crlObjectKey(caId)}`;
}
