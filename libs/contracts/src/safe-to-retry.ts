import type { ServiceName } from './subjects';

/**
 * Operations a client may send a second time, to another replica, when the replica that took
 * the first copy died before answering. Only operations that change nothing are listed: a
 * write whose first copy may have committed is never repeated behind the caller's back (it
 * fails fast with a retryable error instead, and the caller decides, e.g. with AWS's
 * IdempotencyToken). When in doubt an operation stays out.
 */
export const SAFE_TO_RETRY: Readonly<Record<ServiceName, ReadonlySet<string>>> = {
  ca: new Set([
    'LookupCertificateAuthority', // internal (ca-lookup.ts): a read of ca-service's records
    'DescribeCertificateAuthority',
    'DescribeCertificateAuthorityAuditReport',
    'GetCertificateAuthorityCertificate',
    'GetCertificateAuthorityCsr',
    'GetPolicy',
    'ListCertificateAuthorities',
    'ListPermissions',
    'ListTags',
  ]),
  // LookupIssuedCertificate (internal) reads issuance's records: revocation-service asks it while a RevokeCertificate or OCSP request waits.
  issuance: new Set(['GetCertificate', 'LookupIssuedCertificate']),
  // OcspRequests signs fresh responses, which records more key uses and changes no state; a lease renewal is an idempotent upsert.
  revocation: new Set(['OcspRequests', 'OcspResponderLease', 'CrlLocation', 'CertificateStatus']),
  iot: new Set([
    'DescribeCACertificate',
    'ListCACertificates',
    'DescribeCertificate',
    'ListCertificates',
    'ListCertificatesByCA',
    'DescribeThing',
    'ListThings',
    'ListThingPrincipals',
    'ListPrincipalThings',
    'GetPolicy',
    'ListAttachedPolicies',
    'ListTargetsForPolicy',
    'GetPolicyVersion',
    'ListPolicyVersions',
    'ListPolicies',
    'ListPrincipalPolicies',
    'ListPolicyPrincipals',
    'ListThingPrincipalsV2',
    'ListPrincipalThingsV2',
    'DescribeThingType',
    'ListThingTypes',
    'DescribeEndpoint',
  ]),
  directory: new Set(['DescribeDirectories', 'DescribeCertificate', 'ListCertificates', 'DescribeClientAuthenticationSettings', 'DescribeLDAPSSettings', 'GetDirectoryLimits', 'ListTagsForResource', 'DescribeSettings']),
};

/** Whether `operation` of `service` may be sent again after its first copy was lost (see SAFE_TO_RETRY). */
export function isSafeToRetry(service: ServiceName, operation: string): boolean {
  return SAFE_TO_RETRY[service].has(operation);
}
