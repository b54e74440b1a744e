/**
 * ACM Private CA ARNs, built and parsed by one rule for the whole platform:
 *
 *   arn:<partition>:acm-pca:<region>:<account>:certificate-authority/<CA id>    (CertificateAuthorityArn)
 *   <CA ARN>/certificate/<certificate id>                                       (CertificateArn)
 *
 * partition `aws` or `aws…` (aws-cn, aws-us-gov), region lowercase letters, digits and '-',
 * account twelve digits, CA id a lowercase UUID (the form CreateCertificateAuthority assigns),
 * certificate id any non-empty text without '/' (the serial; GetCertificate reads it further).
 * Anything else is not an ARN of this service: callers answer InvalidArnException (or their own
 * error) when a parser returns undefined.
 */
/** A lowercase UUID: the form of the ids this platform assigns (CAs, audit reports). */
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const UUID_PATTERN = new RegExp(`^${UUID}$`);
const CA_ARN = String.raw`arn:(aws[a-z-]*):acm-pca:([a-z0-9-]+):(\d{12}):certificate-authority/(${UUID})`;
const CA_ARN_PATTERN = new RegExp(`^${CA_ARN}$`);
const CERTIFICATE_ARN_PATTERN = new RegExp(`^(${CA_ARN})/certificate/([^/]+)$`);

export interface CertificateAuthorityArnParts {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  readonly caId: string;
}

export interface CertificateArnParts extends CertificateAuthorityArnParts {
  /** The issuing CA's ARN (the certificate ARN up to `/certificate/`). */
  readonly caArn: string;
  readonly certificateId: string;
}

/** Whether `value` is an id in the form this platform assigns: a lowercase UUID (a CA id, an audit report id). */
export function isPlatformId(value: unknown): value is string {
  return typeof value === 'string' && UUID_PATTERN.test(value);
}

export function certificateAuthorityArn(region: string, account: string, caId: string, partition = 'aws'): string {
  return `arn:${partition}:acm-pca:${region}:${account}:certificate-authority/${caId}`;
}

/** `<CA ARN>/certificate/<serial lowercase hex>`, as AWS returns CertificateArn. */
export function issuedCertificateArn(caArn: string, certificateId: string): string {
  return `${caArn}/certificate/${certificateId}`;
}

/** The parts of a CA ARN; undefined when `arn` is not one (see the rule above). */
export function parseCertificateAuthorityArn(arn: unknown): CertificateAuthorityArnParts | undefined {
  const match = typeof arn === 'string' ? CA_ARN_PATTERN.exec(arn) : null;
  if (!match) return undefined;
  const [, partition, region, account, caId] = match as unknown as [string, string, string, string, string];
  return { partition, region, account, caId };
}

/** The parts of a certificate ARN; undefined when `arn` is not one (see the rule above). */
export function parseCertificateArn(arn: unknown): CertificateArnParts | undefined {
  const match = typeof arn === 'string' ? CERTIFICATE_ARN_PATTERN.exec(arn) : null;
  if (!match) return undefined;
  const [, caArn, partition, region, account, caId, certificateId] = match as unknown as [string, string, string, string, string, string, string];
  return { partition, region, account, caId, caArn, certificateId };
}
