import { ISSUANCE_OPERATIONS } from '@pki/contracts';
import type { CommandHandlers } from '@pki/service-kit';
import { getCertificateHandler } from './get-certificate.handler';
import type { IssuanceContext } from './issuance-context';
import { issueCertificateHandler } from './issue-certificate.handler';
import { lookupIssuedCertificateHandler } from './lookup-issued-certificate.handler';

/** The acm-pca operations issuance-service owns, and its internal queries (ISSUANCE_OPERATIONS). */
export function issuanceHandlers(context: IssuanceContext): CommandHandlers {
  return {
    IssueCertificate: issueCertificateHandler(context),
    GetCertificate: getCertificateHandler(context),
    [ISSUANCE_OPERATIONS.LookupIssuedCertificate]: lookupIssuedCertificateHandler(context),
  };
}
