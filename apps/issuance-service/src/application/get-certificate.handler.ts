import { DomainError, parseCertificateArn, type CommandMessage } from '@pki/contracts';
import { toPem } from '@pki/pki';
import { serialCandidates } from '../domain/certificate-request';
import { issuanceDb } from '../infrastructure/database';
import { findCertificate } from '../infrastructure/certificate.queries';
import type { CertificateRow } from '../infrastructure/tables/certificate.table';
import type { IssuanceContext } from './issuance-context';
import { loadIssuingCa } from './issuing-ca.loader';

interface GetCertificateInput {
  readonly CertificateAuthorityArn: string;
  readonly CertificateArn: string;
}

function answer(certificateDer: Uint8Array, chainPem: string | null): { Certificate: string; CertificateChain?: string } {
  const certificate = toPem(certificateDer, 'CERTIFICATE');
  return chainPem ? { Certificate: certificate, CertificateChain: chainPem } : { Certificate: certificate };
}

/**
 * GetCertificate: the certificate (PEM) and CertificateChain (the issuing CA certificate and its
 * chain to the root, PEM; absent for a self-signed certificate). RequestInProgressException until
 * the signature is recorded (the SDK's CertificateIssued waiter retries on it), RequestFailedException
 * when issuance failed, ResourceNotFoundException for any ARN that is not a certificate of this CA.
 * A certificate this process just issued is answered from `context.recentlyIssued`, as committed.
 */
export function getCertificateHandler(context: IssuanceContext) {
  return async (message: CommandMessage): Promise<{ Certificate: string; CertificateChain?: string }> => {
    const input = message.input as GetCertificateInput;
    const ca = await loadIssuingCa(context, message.caller, input.CertificateAuthorityArn, () => true, { action: 'acm-pca:GetCertificate' });
    if (!parseCertificateArn(input.CertificateArn)) {
      throw new DomainError('Malformed', `${JSON.stringify(input.CertificateArn)} is not a certificate ARN (<CA ARN>/certificate/<serial>)`, 'InvalidArnException');
    }
    const notFound = () => new DomainError('NotFound', `Certificate ${input.CertificateArn} was not issued by ${ca.arn}.`, 'ResourceNotFoundException');
    const serials = serialCandidates(ca.arn, input.CertificateArn);
    if (!serials) throw notFound();
    for (const serial of serials) {
      const issued = context.recentlyIssued?.find(ca.id, serial);
      if (issued) return answer(issued.certificateDer, issued.certificateChainPem);
    }
    let row: CertificateRow | undefined;
    for (const serial of serials) {
      row = await findCertificate(issuanceDb(context.db), ca.id, serial);
      if (row) break;
    }
    if (!row) throw notFound();
    switch (row.status) {
      case 'REQUESTED':
        throw new DomainError('InProgress', `Certificate ${row.arn} is still being issued; try again shortly.`, 'RequestInProgressException');
      case 'FAILED':
        throw new DomainError('Internal', `Issuing certificate ${row.arn} failed: ${row.failure_reason ?? 'unknown reason'}`, 'RequestFailedException');
      case 'ISSUED':
        return answer(row.certificate_der!, row.certificate_chain_pem);
      default: {
        const _exhaustive: never = row.status;
        throw new Error(`unknown certificate status ${String(_exhaustive)}`);
      }
    }
  };
}
