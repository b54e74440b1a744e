import { callerRegion, DomainError, parseCertificateAuthorityArn, type Caller } from '@pki/contracts';
import { caDb } from '../infrastructure/database';
import { findCertificateAuthorityById } from '../infrastructure/certificate-authority.queries';
import type { CertificateAuthorityRow } from '../infrastructure/tables/certificate-authority.table';
import type { CaContext } from './ca-context';
import { policyAllows } from './policy-access';

/**
 * Resolves a CA ARN for a caller: InvalidArnException for something that is not a CA ARN,
 * ResourceNotFoundException for an unknown CA or one of another region than the caller's (each
 * region keeps its own CAs, as on AWS), AccessDeniedException for another account's CA unless
 * its resource policy grants `action` (`acm-pca:<Operation>`).
 */
export async function loadAccessibleCa(context: CaContext, caller: Caller, arn: string, action: string): Promise<CertificateAuthorityRow> {
  const parts = parseCertificateAuthorityArn(arn);
  if (!parts) {
    throw new DomainError('Malformed', `The ARN ${arn} is not a valid certificate authority ARN.`, 'InvalidArnException');
  }
  const row = parts.region === callerRegion(caller, context.region) ? await findCertificateAuthorityById(caDb(context.db), parts.caId) : undefined;
  // The stored ARN names the CA's region: an ARN naming another one is not this CA.
  if (!row || row.arn !== arn) {
    throw new DomainError('NotFound', `Could not find certificate authority ${arn}.`, 'ResourceNotFoundException');
  }
  if (row.owner_account !== caller.accountId && !(await policyAllows(context.db, row.arn, caller.accountId, action))) {
    throw new DomainError('Forbidden', `Account ${caller.accountId} is not authorized to access certificate authority ${arn}.`, 'AccessDeniedException');
  }
  return row;
}
