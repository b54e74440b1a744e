import type { CommandHandlers } from '@pki/service-kit';
import { getCertificateHandler } from './get-certificate.handler';
import type { IssuanceContext } from './issuance-context';
import { issueCertificateHandler } from './issue-certificate.handler';

/** The acm-pca operations issuance-service owns. */
export function issuanceHandlers(context: IssuanceContext): CommandHandlers {
  return {
    IssueCertificate: issueCertificateHandler(context),
    GetCertificate: getCertificateHandler(context),
  };
}
