import { createHash, createHmac } from 'node:crypto';

/** SHA-256 (or HMAC-SHA-256) for the AWS SDK's SigV4 signer (`@smithy/signature-v4`), on node:crypto. */
export class Sha256 {
  private readonly hash;
  constructor(secret?: string | Uint8Array | ArrayBuffer) {
    this.hash = secret ? createHmac('sha256', secret as string | Uint8Array) : createHash('sha256');
  }
  update(data: string | Uint8Array): void {
    this.hash.update(data);
  }
  async digest(): Promise<Uint8Array> {
    return this.hash.digest();
  }
}
