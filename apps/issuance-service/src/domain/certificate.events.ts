import type {
  CertificateIssuanceFailedV1,
  CertificateIssuedV1,
  CertificateRequestedV1,
  ISSUANCE_EVENT_TYPES,
} from '@pki/contracts';

/** One versioned event of the Certificate aggregate (payload contracts in libs/contracts). */
type CertificateEventOf<K extends keyof typeof ISSUANCE_EVENT_TYPES, D> = {
  readonly type: (typeof ISSUANCE_EVENT_TYPES)[K];
  readonly schemaVersion: 1;
  readonly data: D;
};

export type CertificateRequested = CertificateEventOf<'CertificateRequested', CertificateRequestedV1>;
export type CertificateIssued = CertificateEventOf<'CertificateIssued', CertificateIssuedV1>;
export type CertificateIssuanceFailed = CertificateEventOf<'CertificateIssuanceFailed', CertificateIssuanceFailedV1>;

export type CertificateEvent = CertificateRequested | CertificateIssued | CertificateIssuanceFailed;
