import {
  CA_INTERNAL_OPERATIONS,
  DomainError,
  SIGNING_OPERATIONS,
  type Caller,
  type LookupCertificateAuthorityInput,
  type LookupCertificateAuthorityOutput,
  type SignatureBatchOutput,
  type SignatureOutput,
  type SignDataBatchInput,
  type SignDataInput,
  type SignDigestInput,
} from '@pki/contracts';
import type { ServiceClient } from './service-client';

/** On whose behalf a signature is asked (carried to ca-service's key-use audit log). */
export interface SignOn {
  readonly caller: Caller;
  readonly requestId: string;
}

/** ca-service's operations for the platform's other services (signing, and whether a CA exists), as they call them. */
export interface CaSignerClient {
  signData(input: SignDataInput, on: SignOn): Promise<Buffer>;
  signDigest(input: SignDigestInput, on: SignOn): Promise<Buffer>;
  /** SignDataBatch: one signature per item, in order (every item's CaKeyUsed committed first). */
  signDataBatch(input: SignDataBatchInput, on: SignOn): Promise<Buffer[]>;
  /** LookupCertificateAuthority: whether ca-service has the CA, even if its events have not reached JetStream yet. */
  certificateAuthorityExists(certificateAuthorityId: string, on: SignOn): Promise<boolean>;
  /** LookupCertificateAuthority: the CA's status in ca-service (undefined: it does not exist), ahead of any projection of it. */
  certificateAuthorityStatus(certificateAuthorityId: string, on: SignOn): Promise<string | undefined>;
}

/**
 * ca-service's `SignData` / `SignDigest` over request/reply, on the process's one connection
 * (issuance-service for certificates, revocation-service for CRLs and OCSP). An error reply,
 * including "ca-service is not available", becomes the DomainError it names.
 */
export function caSignerClient(services: Pick<ServiceClient, 'request'>): CaSignerClient {
  const call = async <T>(operation: string, input: SignDataInput | SignDigestInput | SignDataBatchInput | LookupCertificateAuthorityInput, on: SignOn): Promise<T> => {
    const reply = await services.request<T>('ca', operation, { caller: on.caller, requestId: on.requestId, input });
    if (!reply.ok) throw new DomainError(reply.error.kind, reply.error.message, reply.error.code);
    return reply.result;
  };
  const sign = async (operation: string, input: SignDataInput | SignDigestInput, on: SignOn): Promise<Buffer> =>
    Buffer.from((await call<SignatureOutput>(operation, input, on)).signatureBase64, 'base64');
  return {
    signData: (input, on) => sign(SIGNING_OPERATIONS.SignData, input, on),
    signDigest: (input, on) => sign(SIGNING_OPERATIONS.SignDigest, input, on),
    signDataBatch: async (input, on) => (await call<SignatureBatchOutput>(SIGNING_OPERATIONS.SignDataBatch, input, on)).signaturesBase64.map((s) => Buffer.from(s, 'base64')),
    certificateAuthorityExists: async (certificateAuthorityId, on) =>
      (await call<LookupCertificateAuthorityOutput>(CA_INTERNAL_OPERATIONS.LookupCertificateAuthority, { certificateAuthorityId }, on)).exists,
    certificateAuthorityStatus: async (certificateAuthorityId, on) => {
      const found = await call<LookupCertificateAuthorityOutput>(CA_INTERNAL_OPERATIONS.LookupCertificateAuthority, { certificateAuthorityId }, on);
      return found.exists ? found.status : undefined;
    },
  };
}
