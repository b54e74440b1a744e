import { ACM_PCA_OPERATIONS, DIRECTORY_OPERATIONS } from '@pki/contracts';
import { IOT_OPERATION_SPECS } from '../shapes';

/** The APIs the gateway throttles, by their SigV4 signing names (`execute-api` IoT requests count as `iot`). */
export type ThrottledApi = 'acm-pca' | 'iot' | 'ds';

/** Every operation the gateway routes, per API: what PKI_THROTTLE may name and what has a default. */
export const THROTTLED_OPERATIONS: Readonly<Record<ThrottledApi, readonly string[]>> = {
  'acm-pca': Object.keys(ACM_PCA_OPERATIONS),
  iot: Object.keys(IOT_OPERATION_SPECS),
  ds: [...DIRECTORY_OPERATIONS],
};

/**
 * A private deployment serves one organisation's workloads on hardware it sized for them, so the
 * defaults are AWS's per-account quotas times this factor: the same proportions between operations
 * (reads above writes, CA creation rare), with room for fleet-wide renewals. Per gateway replica.
 */
export const AWS_QUOTA_SCALE = 10;

/** Burst (bucket size) as a multiple of the rate: a client may send two seconds' worth at once. */
export const BURST_SECONDS = 2;

/**
 * AWS Private CA's default request-rate quotas, requests per second per account and Region
 * (Service Quotas, "AWS Certificate Manager Private Certificate Authority (ACM PCA)": "Rate of
 * <Operation> requests"; none of them adjustable except IssueCertificate and GetCertificate).
 */
export const ACM_PCA_AWS_QUOTAS: Readonly<Record<string, number>> = {
  CreateCertificateAuthority: 1,
  CreateCertificateAuthorityAuditReport: 1,
  CreatePermission: 1,
  DeleteCertificateAuthority: 10,
  DeletePermission: 1,
  DeletePolicy: 5,
  DescribeCertificateAuthority: 20,
  DescribeCertificateAuthorityAuditReport: 20,
  GetCertificate: 75,
  GetCertificateAuthorityCertificate: 20,
  GetCertificateAuthorityCsr: 10,
  GetPolicy: 5,
  ImportCertificateAuthorityCertificate: 10,
  IssueCertificate: 25,
  ListCertificateAuthorities: 20,
  ListPermissions: 5,
  ListTags: 20,
  PutPolicy: 5,
  RestoreCertificateAuthority: 20,
  RevokeCertificate: 20,
  TagCertificateAuthority: 10,
  UntagCertificateAuthority: 10,
  UpdateCertificateAuthority: 10,
};

/**
 * AWS IoT Core gives each control-plane API its own "<Operation> API TPS" quota (Service Quotas,
 * AWS IoT Core), whose values could not be checked when these defaults were set: every routed IoT
 * operation gets the common AWS control-plane figure of 10 requests per second as its baseline
 * (override per operation with PKI_THROTTLE).
 */
export const IOT_AWS_BASELINE = 10;

/**
 * AWS Directory Service publishes no per-operation request rate and models no throttling
 * exception; the same 10 requests per second baseline applies.
 */
export const DS_AWS_BASELINE = 10;

/** The AWS figure each default derives from (requests per second per account). */
export const awsQuota = (api: ThrottledApi, operation: string): number =>
  api === 'acm-pca' ? (ACM_PCA_AWS_QUOTAS[operation] ?? 1) : api === 'iot' ? IOT_AWS_BASELINE : DS_AWS_BASELINE;
