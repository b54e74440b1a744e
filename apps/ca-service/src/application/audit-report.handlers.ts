import type { CommandHandlers } from '@pki/service-kit';
import type { CaContext } from './ca-context';

/** CreateCertificateAuthorityAuditReport / DescribeCertificateAuthorityAuditReport (none yet). */
export function auditReportHandlers(_context: CaContext): CommandHandlers {
  return {};
}
