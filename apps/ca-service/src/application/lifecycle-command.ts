import type { CommandMessage, EventMetadata } from '@pki/contracts';
import type { CertificateAuthorityRow } from '../infrastructure/tables/certificate-authority.table';
import { loadAccessibleCa } from './access';
import type { CaContext } from './ca-context';

/** Resolves the CA an operation names (InvalidArn / ResourceNotFound / AccessDenied) for `acm-pca:<operation>`. */
export function resolveCa(context: CaContext, message: CommandMessage, operation: string): Promise<CertificateAuthorityRow> {
  const input = message.input as { CertificateAuthorityArn: string };
  return loadAccessibleCa(context, message.caller, input.CertificateAuthorityArn, `acm-pca:${operation}`);
}

/** Events a request causes belong to the CA's account and carry the request id. */
export function requestMeta(message: CommandMessage, row: CertificateAuthorityRow): EventMetadata {
  return { accountId: row.owner_account, correlationId: message.requestId, causationId: null };
}
