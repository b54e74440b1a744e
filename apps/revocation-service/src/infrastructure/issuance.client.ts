import { DomainError, ISSUANCE_OPERATIONS, type Caller, type LookupIssuedCertificateInput, type LookupIssuedCertificateOutput } from '@pki/contracts';
import type { ServiceClient } from '@pki/service-kit';

/** issuance-service's internal queries, as revocation-service asks them. */
export interface IssuanceQueries {
  /** Throws the DomainError of an error reply, Unavailable when issuance-service cannot answer now. */
  lookupIssuedCertificate(input: LookupIssuedCertificateInput, on: { readonly caller: Caller; readonly requestId: string }): Promise<LookupIssuedCertificateOutput>;
}

/** LookupIssuedCertificate over request/reply, on the process's one connection. */
export function issuanceClient(services: Pick<ServiceClient, 'request'>): IssuanceQueries {
  return {
    async lookupIssuedCertificate(input, on) {
      const reply = await services.request<LookupIssuedCertificateOutput>('issuance', ISSUANCE_OPERATIONS.LookupIssuedCertificate, { caller: on.caller, requestId: on.requestId, input });
      if (!reply.ok) throw new DomainError(reply.error.kind, reply.error.message, reply.error.code);
      return reply.result;
    },
  };
}
