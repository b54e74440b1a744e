import type { Kysely } from 'kysely';

/**
 * Whether a resource policy (PutPolicy) on the CA grants `accountId` the `action`
 * (e.g. `acm-pca:DescribeCertificateAuthority`). Resource policies are not accepted yet,
 * so nothing is granted.
 */
export async function policyAllows(_db: Kysely<any>, _caArn: string, _accountId: string, _action: string): Promise<boolean> {
  return false;
}
