/**
 * The one way code in ca-service signs with a CA key: KeyCustody for the signature, then the
 * key-use audit record (DESIGN.md "Every use of a CA key is recorded (who, what, when)").
 * The signature is returned only after its `CaKeyUsed` event has committed; if recording
 * fails, the signature is dropped and the caller gets the error.
 */
import { createHash } from 'node:crypto';
import type { CaKeyUsedV1, SignaturePurpose, SigningAlgorithm } from '@pki/contracts';
import type { EventStore } from '@pki/eventstore';
import { hashOf } from '@pki/pki';
import type { KeyCustody } from './key-custody.port';
import { KeyUsageJournal, type CertificateSignatureRecord } from './key-usage-journal';
import { observeSigning } from './signing-metrics';

export interface SigningRequest {
  readonly certificateAuthorityId: string;
  readonly signingAlgorithm: SigningAlgorithm;
  readonly purpose: SignaturePurpose;
  /** Who asks: the service (and operation), e.g. `ca-service/GetCertificateAuthorityCsr`. */
  readonly requestedBy: string;
  /** The CA owner's account: the audit event belongs to it. */
  readonly ownerAccountId: string;
  /** The account the originating request came from (the owner, or another via a resource policy). */
  readonly requestedForAccount: string;
  /** The originating request id. */
  readonly correlationId: string;
}

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

export class SigningService {
  private readonly journal: KeyUsageJournal;

  constructor(
    private readonly keys: KeyCustody,
    store: EventStore,
    private readonly now: () => Date,
  ) {
    this.journal = new KeyUsageJournal(store);
  }

  get backend(): KeyCustody['backend'] {
    return this.keys.backend;
  }

  /**
   * Signs `data`. With `certificateId` the signature is the certificate's one signature, kept
   * with its CaKeyUsed record (CertificateSignatures decides whether to sign at all); the
   * journal rejects it with CertificateAlreadySigned if another replica's came first.
   */
  async sign(request: SigningRequest, data: Uint8Array, certificateId?: string): Promise<Uint8Array> {
    const signature = await observeSigning(this.keys.backend, request.purpose, () => this.keys.sign(request.certificateAuthorityId, request.signingAlgorithm, data));
    const sha256 = createHash('sha256').update(data).digest('hex');
    const hash = hashOf(request.signingAlgorithm);
    const digest = hash === 'sha256' ? sha256 : createHash(hash).update(data).digest('hex');
    await this.record(request, 'DATA', sha256, digest, signature, certificateId === undefined ? undefined : { certificateId, signature });
    return signature;
  }

  async signDigest(request: SigningRequest, digest: Uint8Array): Promise<Uint8Array> {
    const signature = await observeSigning(this.keys.backend, request.purpose, () => this.keys.signDigest(request.certificateAuthorityId, request.signingAlgorithm, digest));
    await this.record(request, 'DIGEST', null, hex(digest), signature);
    return signature;
  }

  private async record(
    request: SigningRequest,
    input: CaKeyUsedV1['input'],
    sha256: string | null,
    digest: string,
    signature: Uint8Array,
    certificate?: CertificateSignatureRecord,
  ): Promise<void> {
    const usage: CaKeyUsedV1 = {
      certificateAuthorityId: request.certificateAuthorityId,
      purpose: request.purpose,
      signingAlgorithm: request.signingAlgorithm,
      input,
      sha256,
      digest,
      signatureSha256: createHash('sha256').update(signature).digest('hex'),
      requestedBy: request.requestedBy,
      requestedForAccount: request.requestedForAccount,
      keyBackend: this.keys.backend,
      at: this.now().toISOString(),
    };
    await this.journal.record(usage, { correlationId: request.correlationId, causationId: null, accountId: request.ownerAccountId }, certificate);
  }
}

/** One SigningService per context (its journal queues appends per CA stream for the whole process). */
const services = new WeakMap<object, SigningService>();
export function signingServiceFor(context: { readonly keys: KeyCustody; readonly store: EventStore; readonly now: () => Date }): SigningService {
  let service = services.get(context);
  if (!service) {
    service = new SigningService(context.keys, context.store, context.now);
    services.set(context, service);
  }
  return service;
}
