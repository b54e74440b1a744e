import { DomainError, parseCertificateAuthorityArn, type Caller } from '@pki/contracts';
import { caDb } from '../infrastructure/database';
import { findCertificateAuthorityById } from '../infrastructure/certificate-authority.queries';
import type { CertificateAuthorityRow } from '../infrastructure/tables/certificate-authority.table';
import type { CaContext } from './ca-context';
import { policyAllows } from './policy-access';

/**
 * Resolves a CA ARN for a caller: InvalidArnException for something that is not a CA ARN
 * of this region, ResourceNotFoundException for an unknown CA, AccessDeniedException for
 * another account's CA unless its resource policy grants `action` (`acm-pca:<Operation>`).
 */
export async function loadAccessibleCa(context: CaContext, caller: Caller, arn: string, action: string): Promise<CertificateAuthorityRow> {
  const parts = parseCertificateAuthorityArn(arn);
  if (!parts || parts.region !== context.region) {
    throw new DomainError('Malformed', `The ARN ${arn} is not a valid certificate authority ARN in ${context.region}.`, 'InvalidArnException');
  }
  const row = await findCertificateAuthorityById(caDb(context.db), parts.caId);
  if (!row || row.arn !== arn) {
    throw new DomainError('NotFound', `Could not find certificate authority ${arn}.`, 'ResourceNotFoundException');
  }
  if (row.owner_account !== caller.accountId && !(await policyAllows(context.db, row.arn, caller.accountId, action))) {
    throw new DomainError('Forbidden', `Account ${caller.accountId} is not authorized to access certificate authority ${arn}.`, 'AccessDeniedException');
  }
  return row;
}
