import type { CommandHandlers } from '@pki/service-kit';
import type { CaContext } from './ca-context';
import { createCertificateAuthorityHandler } from './create-certificate-authority.handler';
import { describeCertificateAuthorityHandler } from './describe-certificate-authority.handler';
import { listCertificateAuthoritiesHandler } from './list-certificate-authorities.handler';

/** The CA lifecycle operations. */
export function lifecycleHandlers(context: CaContext): CommandHandlers {
  return {
    CreateCertificateAuthority: createCertificateAuthorityHandler(context),
    DescribeCertificateAuthority: describeCertificateAuthorityHandler(context),
    ListCertificateAuthorities: listCertificateAuthoritiesHandler(context),
  };
}
