import { DomainError, SIGNING_OPERATIONS, type SignatureOutput } from '@pki/contracts';
import { ServiceClient } from '@pki/service-kit';
import type { RemoteSigner } from './revocation-context';

/**
 * ca-service's SignData / SignDigest over NATS request/reply. Connects on first use and
 * reconnects by itself afterwards; `close` drains the connection.
 */
export function caServiceSigner(natsUrl: string, prefix: string, timeoutMs: number): { signer: RemoteSigner; close(): Promise<void> } {
  let client: Promise<ServiceClient> | undefined;
  const connected = (): Promise<ServiceClient> => {
    client ??= ServiceClient.connect(natsUrl, prefix, timeoutMs, 'pki-revocation').catch((error: unknown) => {
      client = undefined;
      throw new DomainError('Unavailable', 'The signing service (ca-service) cannot be reached; try again later.', undefined, { cause: error });
    });
    return client;
  };
  const call = async (operation: string, input: unknown, on: { caller: { accountId: string; accessKeyId: string }; requestId: string }): Promise<Buffer> => {
    const reply = await (await connected()).request<SignatureOutput>('ca', operation, { caller: on.caller, requestId: on.requestId, input });
    if (!reply.ok) throw new DomainError(reply.error.kind, reply.error.message, reply.error.code);
    return Buffer.from(reply.result.signatureBase64, 'base64');
  };
  return {
    signer: {
      signData: (input, on) => call(SIGNING_OPERATIONS.SignData, input, on),
      signDigest: (input, on) => call(SIGNING_OPERATIONS.SignDigest, input, on),
    },
    async close() {
      if (client) await (await client.catch(() => undefined))?.drain();
    },
  };
}
