import { REVOCATION_OPERATIONS } from '@pki/contracts';
import type { CommandHandlers } from '@pki/service-kit';
import { crlLocation } from './crl-location.handler';
import { answerOcsp } from './ocsp.handler';
import { revokeCertificate } from './revoke-certificate.handler';
import type { RevocationContext } from './revocation-context';

export function revocationHandlers(context: RevocationContext): CommandHandlers {
  return {
    RevokeCertificate: (message) => revokeCertificate(context, message),
    [REVOCATION_OPERATIONS.OcspRequest]: (message) => answerOcsp(context, message),
    [REVOCATION_OPERATIONS.CrlLocation]: (message) => crlLocation(context, message),
  };
}
