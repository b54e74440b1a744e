/**
 * awsJson1_1 routes every call to `POST /` and names the operation in the `X-Amz-Target`
 * header as `<targetPrefix>.<OperationName>` (Smithy `aws.protocols#awsJson1_1`; e.g.
 * `ACMPrivateCA.IssueCertificate`, `DirectoryService_20150416.RegisterCertificate`).
 */
export interface AwsJsonTarget {
  readonly prefix: string;
  readonly operation: string;
}

export const parseAwsJsonTarget = (header: string | readonly string[] | undefined): AwsJsonTarget | undefined => {
  if (typeof header !== 'string') return undefined;
  const value = header.trim();
  const dot = value.lastIndexOf('.');
  if (dot <= 0 || dot === value.length - 1) return undefined;
  const prefix = value.slice(0, dot);
  const operation = value.slice(dot + 1);
  // Operation names are Smithy identifiers; anything else cannot name an operation.
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(operation) || /\s/.test(prefix)) return undefined;
  return { prefix, operation };
};
