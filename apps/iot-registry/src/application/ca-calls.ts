import { DomainError, type Caller, type CommandMessage, type Reply, type ServiceName } from '@pki/contracts';

/** Request/reply to another service of the platform (ServiceClient.request). */
export type ServiceRequest = <T>(service: ServiceName, operation: string, message: CommandMessage) => Promise<Reply<T>>;

/** How long GetCertificate is retried while the certificate is still being issued. */
const GET_CERTIFICATE_ATTEMPTS = 50;
const GET_CERTIFICATE_PAUSE_MS = 100;

/** Errors of issuance-service about the request (the CSR) become IoT's InvalidRequestException; the rest stays what it is. */
export function fromIssuance(error: { kind: string; message: string; code?: string }): DomainError {
  if (error.kind === 'Malformed') return new DomainError('Malformed', `The certificate signing request was refused: ${error.message}`, 'InvalidRequestException');
  if (error.kind === 'Unavailable') return new DomainError('Unavailable', error.message, 'ServiceUnavailableException');
  return new DomainError('Internal', `The IoT issuing CA could not issue the certificate: ${error.message}`, 'InternalFailureException');
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * issuance-service's IssueCertificate with `input` as `caller`, then GetCertificate (retried
 * while RequestInProgressException); answers the certificate PEM.
 */
export async function issueAndGet(request: ServiceRequest, caller: Caller, requestId: string, input: Record<string, unknown> & { CertificateAuthorityArn: string }): Promise<string> {
  const issued = await request<{ CertificateArn: string }>('issuance', 'IssueCertificate', { caller, requestId, input });
  if (!issued.ok) throw fromIssuance(issued.error);
  for (let attempt = 1; ; attempt++) {
    const got = await request<{ Certificate: string }>('issuance', 'GetCertificate', {
      caller,
      requestId,
      input: { CertificateAuthorityArn: input.CertificateAuthorityArn, CertificateArn: issued.result.CertificateArn },
    });
    if (got.ok) return got.result.Certificate;
    if (got.error.kind !== 'InProgress' || attempt >= GET_CERTIFICATE_ATTEMPTS) throw fromIssuance(got.error);
    await sleep(GET_CERTIFICATE_PAUSE_MS);
  }
}
