import { DomainError, SIGNING_OPERATIONS, type SignatureOutput } from '@pki/contracts';
import { ServiceClient } from '@pki/service-kit';
import type { CertificateSigner } from './issuance-context';

/**
 * The real Signer: ca-service's `SignData` over NATS request/reply. Connects on first use (the
 * handler factory is synchronous) and reconnects by itself afterwards; `close` drains it.
 */
export function caServiceSigner(natsUrl: string, prefix: string, timeoutMs: number): { signer: CertificateSigner; close(): Promise<void> } {
  let client: Promise<ServiceClient> | undefined;
  const connected = (): Promise<ServiceClient> => {
    client ??= ServiceClient.connect(natsUrl, prefix, timeoutMs, 'pki-issuance').catch((error: unknown) => {
      client = undefined;
      throw new DomainError('Unavailable', 'The signing service (ca-service) cannot be reached; try again later.', undefined, { cause: error });
    });
    return client;
  };
  const signer: CertificateSigner = async (input, on) => {
    const reply = await (await connected()).request<SignatureOutput>('ca', SIGNING_OPERATIONS.SignData, { caller: on.caller, requestId: on.requestId, input });
    if (!reply.ok) throw new DomainError(reply.error.kind, reply.error.message, reply.error.code);
    return Buffer.from(reply.result.signatureBase64, 'base64');
  };
  return {
    signer,
    async close() {
      if (client) await (await client.catch(() => undefined))?.drain();
    },
  };
}
