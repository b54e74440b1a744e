import { CA_INTERNAL_OPERATIONS, DomainError, type LookupCertificateAuthorityInput, type LookupCertificateAuthorityOutput, isPlatformId } from '@pki/contracts';
import type { CommandHandlers } from '@pki/service-kit';
import { findCertificateAuthorityById } from '../infrastructure/certificate-authority.queries';
import { caDb } from '../infrastructure/database';
import type { CaContext } from './ca-context';


/**
 * LookupCertificateAuthority (internal, libs/contracts CA_INTERNAL_OPERATIONS): whether the CA
 * exists, from this service's read model, written in the transaction of its events (a
 * permanently deleted CA's row is gone), and its status there (so an asking service can tell its
 * projection is behind). Says nothing else about it: access is the asking service's business,
 * decided on its own projection once the CA's events reach it.
 */
export function lookupCertificateAuthorityHandlers(context: CaContext): CommandHandlers {
  return {
    [CA_INTERNAL_OPERATIONS.LookupCertificateAuthority]: async (message): Promise<LookupCertificateAuthorityOutput> => {
      const id = (message.input as Partial<LookupCertificateAuthorityInput> | null)?.certificateAuthorityId;
      if (!isPlatformId(id)) {
        throw new DomainError('Malformed', 'LookupCertificateAuthority needs a certificateAuthorityId (a lowercase UUID).', 'InvalidRequestException');
      }
      const row = await findCertificateAuthorityById(caDb(context.db), id);
      return row === undefined ? { exists: false } : { exists: true, status: row.status };
    },
  };
}
