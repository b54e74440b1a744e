/**
 * CA ARNs: `arn:aws:acm-pca:<region>:<account>:certificate-authority/<uuid>` (the form
 * CreateCertificateAuthority documents for CertificateAuthorityArn).
 */
const CA_ARN = /^arn:(aws[a-z-]*):acm-pca:([a-z0-9-]+):(\d{12}):certificate-authority\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

export interface CaArnParts {
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
  readonly certificateAuthorityId: string;
}

export function caArn(region: string, accountId: string, certificateAuthorityId: string): string {
  return `arn:aws:acm-pca:${region}:${accountId}:certificate-authority/${certificateAuthorityId}`;
}

/** Parses a CA ARN; undefined when it is not one (the caller answers InvalidArnException). */
export function parseCaArn(arn: string): CaArnParts | undefined {
  const match = CA_ARN.exec(arn);
  if (!match) return undefined;
  const [, partition, region, accountId, certificateAuthorityId] = match as unknown as [string, string, string, string, string];
  return { partition, region, accountId, certificateAuthorityId };
}
