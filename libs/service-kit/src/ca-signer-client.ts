import { DomainError, SIGNING_OPERATIONS, type Caller, type SignatureOutput, type SignDataInput, type SignDigestInput } from '@pki/contracts';
import type { ServiceClient } from './service-client';

/** On whose behalf a signature is asked (carried to ca-service's key-use audit log). */
export interface SignOn {
  readonly caller: Caller;
  readonly requestId: string;
}

/** ca-service's signing operations, as another service of the platform calls them. */
export interface CaSignerClient {
  signData(input: SignDataInput, on: SignOn): Promise<Buffer>;
  signDigest(input: SignDigestInput, on: SignOn): Promise<Buffer>;
}

/**
 * ca-service's `SignData` / `SignDigest` over request/reply, on the process's one connection
 * (issuance-service for certificates, revocation-service for CRLs and OCSP). An error reply,
 * including "ca-service is not available", becomes the DomainError it names.
 */
export function caSignerClient(services: Pick<ServiceClient, 'request'>): CaSignerClient {
  const call = async (operation: string, input: SignDataInput | SignDigestInput, on: SignOn): Promise<Buffer> => {
    const reply = await services.request<SignatureOutput>('ca', operation, { caller: on.caller, requestId: on.requestId, input });
    if (!reply.ok) throw new DomainError(reply.error.kind, reply.error.message, reply.error.code);
    return Buffer.from(reply.result.signatureBase64, 'base64');
  };
  return {
    signData: (input, on) => call(SIGNING_OPERATIONS.SignData, input, on),
    signDigest: (input, on) => call(SIGNING_OPERATIONS.SignDigest, input, on),
  };
}
