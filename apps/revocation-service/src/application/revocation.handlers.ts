import { REVOCATION_OPERATIONS } from '@pki/contracts';
import type { CommandHandlers } from '@pki/service-kit';
import { certificateStatus } from './certificate-status.handler';
import { crlLocation } from './crl-location.handler';
import { answerOcspRequests } from './ocsp.handler';
import { renewOcspLease } from './ocsp-responders';
import { revokeCertificate } from './revoke-certificate.handler';
import type { RevocationContext } from './revocation-context';

export function revocationHandlers(context: RevocationContext): CommandHandlers {
  return {
    RevokeCertificate: (message) => revokeCertificate(context, message),
    [REVOCATION_OPERATIONS.OcspRequests]: (message) => answerOcspRequests(context, message),
    [REVOCATION_OPERATIONS.OcspResponderLease]: (message) => renewOcspLease(context, message),
    [REVOCATION_OPERATIONS.CrlLocation]: (message) => crlLocation(context, message),
    [REVOCATION_OPERATIONS.CertificateStatus]: (message) => certificateStatus(context, message),
  };
}
