import type { CommandHandlers } from '@pki/service-kit';
import type { CaContext } from './ca-context';
import { createCertificateAuthorityHandler } from './create-certificate-authority.handler';
import { deleteCertificateAuthorityHandler } from './delete-certificate-authority.handler';
import { describeCertificateAuthorityHandler } from './describe-certificate-authority.handler';
import { getCertificateAuthorityCertificateHandler } from './get-certificate-authority-certificate.handler';
import { getCertificateAuthorityCsrHandler } from './get-certificate-authority-csr.handler';
import { importCertificateAuthorityCertificateHandler } from './import-certificate-authority-certificate.handler';
import { listCertificateAuthoritiesHandler } from './list-certificate-authorities.handler';
import { listTagsHandler } from './list-tags.handler';
import { restoreCertificateAuthorityHandler } from './restore-certificate-authority.handler';
import { tagCertificateAuthorityHandler, untagCertificateAuthorityHandler } from './tag-certificate-authority.handler';
import { updateCertificateAuthorityHandler } from './update-certificate-authority.handler';

/** The CA lifecycle operations. */
export function lifecycleHandlers(context: CaContext): CommandHandlers {
  return {
    CreateCertificateAuthority: createCertificateAuthorityHandler(context),
    DescribeCertificateAuthority: describeCertificateAuthorityHandler(context),
    ListCertificateAuthorities: listCertificateAuthoritiesHandler(context),
    GetCertificateAuthorityCsr: getCertificateAuthorityCsrHandler(context),
    ImportCertificateAuthorityCertificate: importCertificateAuthorityCertificateHandler(context),
    GetCertificateAuthorityCertificate: getCertificateAuthorityCertificateHandler(context),
    UpdateCertificateAuthority: updateCertificateAuthorityHandler(context),
    DeleteCertificateAuthority: deleteCertificateAuthorityHandler(context),
    RestoreCertificateAuthority: restoreCertificateAuthorityHandler(context),
    TagCertificateAuthority: tagCertificateAuthorityHandler(context),
    UntagCertificateAuthority: untagCertificateAuthorityHandler(context),
    ListTags: listTagsHandler(context),
  };
}
