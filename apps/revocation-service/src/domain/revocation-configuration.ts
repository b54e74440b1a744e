import type { CrlPublication } from '@pki/pki';

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
  readonly crlType: 'COMPLETE' | 'PARTITIONED';
  readonly crlCustomPath: string | null;
  readonly ocspEnabled: boolean;
  readonly ocspCustomCname: string | null;
}

export const DEFAULT_CRL_EXPIRATION_DAYS = 7;

export function revocationSettings(configuration: Record<string, unknown> | null | undefined): RevocationSettings {
  const crl = (configuration?.CrlConfiguration ?? {}) as { Enabled?: unknown; ExpirationInDays?: unknown; S3BucketName?: unknown; CustomCname?: unknown; S3ObjectAcl?: unknown; CrlType?: unknown; CustomPath?: unknown };
  const ocsp = (configuration?.OcspConfiguration ?? {}) as { Enabled?: unknown; OcspCustomCname?: unknown };
  const days = typeof crl.ExpirationInDays === 'number' && Number.isInteger(crl.ExpirationInDays) && crl.ExpirationInDays > 0 ? crl.ExpirationInDays : DEFAULT_CRL_EXPIRATION_DAYS;
  const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : null);
  return {
    crlEnabled: crl.Enabled === true,
    crlExpirationInDays: days,
    crlS3BucketName: text(crl.S3BucketName),
    crlCustomCname: text(crl.CustomCname),
    crlS3ObjectAcl: crl.S3ObjectAcl === 'BUCKET_OWNER_FULL_CONTROL' ? 'BUCKET_OWNER_FULL_CONTROL' : 'PUBLIC_READ',
    crlType: crl.CrlType === 'PARTITIONED' ? 'PARTITIONED' : 'COMPLETE',
    crlCustomPath: text(crl.CustomPath),
    ocspEnabled: ocsp.Enabled === true,
    ocspCustomCname: text(ocsp.OcspCustomCname),
  };
}

/** Where a CA publishes its CRLs (libs/pki crl-location.ts), from its projected row. */
export function crlPublicationOf(ca: { id: string; crl_custom_path: string | null; crl_custom_cname: string | null; crl_s3_bucket_name: string | null }): CrlPublication {
  return { caId: ca.id, customPath: ca.crl_custom_path, customCname: ca.crl_custom_cname, s3BucketName: ca.crl_s3_bucket_name };
}
