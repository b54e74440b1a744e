/**
 * AWS Private CA's EventBridge events as the user guide shows them ("Using CloudWatch Events":
 * CreateCertificateAuthority, IssueCertificate, RevokeCertificate, CRL generation, audit
 * reports), with its placeholders (`event_ID`, `account`, `region`, `CA_ID`, ...) filled with
 * values of the right form, and a comparison of the shape of a published event with them: what
 * code written for AWS's events reads must be there, in the same place, of the same type.
 */
const CA = 'arn:aws:acm-pca:us-east-1:111122223333:certificate-authority/11111111-2222-3333-4444-555555555555';
const CERT = `${CA}/certificate/0123456789abcdef0123456789abcdef`;

function example(detailType: string, time: string, resources: string[], detail: Record<string, string>) {
  return { version: '0', id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718', 'detail-type': detailType, source: 'aws.acm-pca', account: '111122223333', time, region: 'us-east-1', resources, detail };
}

/** Keyed by detail-type, then the example's name in the guide. */
export const AWS_PCA_EVENT_EXAMPLES = {
  'ACM Private CA Creation': {
    success: example('ACM Private CA Creation', '2019-11-04T19:14:56Z', [CA], { result: 'success' }),
    failure: example('ACM Private CA Creation', '2019-11-04T19:14:56Z', [CA], { result: 'failure' }),
  },
  'ACM Private CA Certificate Issuance': {
    success: example('ACM Private CA Certificate Issuance', '2019-11-04T19:57:46Z', [CA, CERT], { result: 'success' }),
    failure: example('ACM Private CA Certificate Issuance', '2019-11-04T19:57:46Z', [CA, CERT], { result: 'failure' }),
  },
  'ACM Private CA Certificate Revocation': {
    success: example('ACM Private CA Certificate Revocation', '2019-11-05T20:25:19Z', [CA, CERT], { result: 'success' }),
  },
  'ACM Private CA CRL Generation': {
    success: example('ACM Private CA CRL Generation', '2019-11-04T21:07:08Z', [CA], { result: 'success' }),
    'failure (S3 permissions)': example('ACM Private CA CRL Generation', '2019-11-07T23:01:25Z', [CA], { result: 'failure', reason: 'Failed to write CRL to S3. Check your S3 bucket permissions.' }),
    'failure (S3 internal)': example('ACM Private CA CRL Generation', '2019-11-07T23:01:25Z', [CA], { result: 'failure', reason: 'Failed to write CRL to S3. Internal failure.' }),
    'failure (generation)': example('ACM Private CA CRL Generation', '2019-11-07T23:01:25Z', [CA], { result: 'failure', reason: 'Failed to generate CRL. Internal failure.' }),
  },
  'ACM Private CA Audit Report Generation': {
    success: example('ACM Private CA Audit Report Generation', '2019-11-04T21:54:20Z', [CA, '9ae0ee34-0c5f-4bb5-89a3-6cba7a0bd5d2'], { result: 'success' }),
    failure: example('ACM Private CA Audit Report Generation', '2019-11-04T21:54:20Z', [CA, '9ae0ee34-0c5f-4bb5-89a3-6cba7a0bd5d2'], { result: 'failure' }),
  },
} as const;

const kind = (value: unknown): string => (Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value);
const CA_ARN = /^arn:aws[a-z-]*:acm-pca:[a-z0-9-]+:\d{12}:certificate-authority\/[0-9a-f-]{36}$/;
const CERT_ARN = /^arn:aws[a-z-]*:acm-pca:[a-z0-9-]+:\d{12}:certificate-authority\/[0-9a-f-]{36}\/certificate\/[^/]+$/;
const resourceKind = (r: unknown): string => (typeof r !== 'string' ? kind(r) : CERT_ARN.test(r) ? 'certificate ARN' : CA_ARN.test(r) ? 'CA ARN' : 'id');

/**
 * How `event` differs in shape from `aws` (empty: none): the same members at the top and in
 * `detail`, each of the same JSON type, the same constants (version, detail-type, source, result),
 * and the same resources in the same order (a CA ARN, a certificate ARN, a report id).
 */
export function shapeDifferences(event: Record<string, unknown>, aws: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const compareMembers = (ours: Record<string, unknown>, theirs: Record<string, unknown>, where: string) => {
    const keys = new Set([...Object.keys(ours), ...Object.keys(theirs)]);
    for (const key of keys) {
      if (!(key in ours)) problems.push(`${where}${key}: missing (AWS has it)`);
      else if (!(key in theirs)) problems.push(`${where}${key}: not in AWS's event`);
      else if (kind(ours[key]) !== kind(theirs[key])) problems.push(`${where}${key}: ${kind(ours[key])}, AWS: ${kind(theirs[key])}`);
    }
  };
  compareMembers(event, aws, '');
  for (const key of ['version', 'detail-type', 'source'] as const) if (event[key] !== aws[key]) problems.push(`${key}: ${JSON.stringify(event[key])}, AWS: ${JSON.stringify(aws[key])}`);
  const detail = (event.detail ?? {}) as Record<string, unknown>;
  const awsDetail = aws.detail as Record<string, unknown>;
  compareMembers(detail, awsDetail, 'detail.');
  if (detail.result !== awsDetail.result) problems.push(`detail.result: ${JSON.stringify(detail.result)}, AWS: ${JSON.stringify(awsDetail.result)}`);
  const ours = Array.isArray(event.resources) ? event.resources.map(resourceKind) : [];
  const theirs = (aws.resources as unknown[]).map(resourceKind);
  if (ours.join(',') !== theirs.join(',')) problems.push(`resources: [${ours.join(', ')}], AWS: [${theirs.join(', ')}]`);
  return problems;
}
