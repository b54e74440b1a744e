import { CA_EVENT_TYPES, type CertificateAuthorityCreatedV1 } from '@pki/contracts';

/** The events of the CertificateAuthority aggregate (contracts live in libs/contracts). */
export type CertificateAuthorityCreated = {
  readonly type: typeof CA_EVENT_TYPES.CertificateAuthorityCreated;
  readonly schemaVersion: 1;
  readonly data: CertificateAuthorityCreatedV1;
};

export type CertificateAuthorityEvent = CertificateAuthorityCreated;

/** Stream name of one CA's events. */
export const caStream = (certificateAuthorityId: string): string => `ca-${certificateAuthorityId}`;
