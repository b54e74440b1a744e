import { DomainError, type Caller } from '@pki/contracts';
import type { CertificateAuthorityRow } from '../infrastructure/tables/certificate-authority.table';
import { loadAccessibleCa } from './access';
import type { CaContext } from './ca-context';

/**
 * Resolves a CA only its owning account may manage the sharing of (PutPolicy, GetPolicy,
 * DeletePolicy, CreatePermission, DeletePermission). These are not actions a resource policy
 * can grant, so another account is refused even when the CA is shared with it.
 */
export async function loadOwnedCa(context: CaContext, caller: Caller, arn: string, operation: string): Promise<CertificateAuthorityRow> {
  const row = await loadAccessibleCa(context, caller, arn, `acm-pca:${operation}`);
  if (row.owner_account !== caller.accountId) {
    throw new DomainError('Forbidden', `Only the account that owns certificate authority ${arn} can call ${operation} on it.`, 'AccessDeniedException');
  }
  return row;
}
