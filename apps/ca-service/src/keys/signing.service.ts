/**
 * The one way code in ca-service signs with a CA key: KeyCustody for the signature, then the
 * key-use audit record (DESIGN.md "Every use of a CA key is recorded (who, what, when)").
 * The signature is returned only after its `CaKeyUsed` event has committed; if recording
 * fails, the signature is dropped and the caller gets the error.
 */
import { createHash } from 'node:crypto';
import type { CaKeyUsedV1, SignaturePurpose, SigningAlgorithm } from '@pki/contracts';
import type { EventStore } from '@pki/eventstore';
import { hashOf, isMlDsaAlgorithm, mlDsaMuHasher } from '@pki/pki';
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
  /** ML-DSA CA public keys by CA id, for mu in the audit record (digestOf). */
  private readonly publicKeys = new Map<string, Uint8Array>();

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
    const digest = await this.digestOf(request, data, sha256);
    await this.record(request, 'DATA', sha256, digest, signature, certificateId === undefined ? undefined : { certificateId, signature });
    return signature;
  }

  /**
   * Signs each item with one CA key (SignDataBatch); every signature gets its own CaKeyUsed record
   * (its own correlation id), all queued at once so they commit in one journal transaction, and
   * none is returned before that commit.
   */
  async signMany(request: Omit<SigningRequest, 'correlationId'>, items: readonly { readonly bytes: Uint8Array; readonly requestId: string }[]): Promise<Uint8Array[]> {
    const signatures: Uint8Array[] = [];
    const records = [];
    for (const item of items) {
      const signature = await observeSigning(this.keys.backend, request.purpose, () => this.keys.sign(request.certificateAuthorityId, request.signingAlgorithm, item.bytes));
      const sha256 = createHash('sha256').update(item.bytes).digest('hex');
      const digest = await this.digestOf(request, item.bytes, sha256);
      signatures.push(signature);
      records.push({ usage: this.usage({ ...request, correlationId: item.requestId }, 'DATA', sha256, digest, signature), meta: { correlationId: item.requestId, causationId: null, accountId: request.ownerAccountId } });
    }
    await this.journal.recordMany(records);
    return signatures;
  }

  async signDigest(request: SigningRequest, digest: Uint8Array): Promise<Uint8Array> {
    const signature = await observeSigning(this.keys.backend, request.purpose, () => this.keys.signDigest(request.certificateAuthorityId, request.signingAlgorithm, digest));
    await this.record(request, 'DIGEST', null, hex(digest), signature);
    return signature;
  }

  /**
   * CaKeyUsed's `digest`: what the signature covers. The signing algorithm's hash of the data,
   * or for ML-DSA, which hashes nothing first, mu (FIPS 204 Algorithm 7 line 6: SHAKE256 of
   * H(pk) || 0x00 || 0x00 || data), the value a SignDigest caller would have sent. The CA's
   * public key, which mu needs, is read once per CA (a CA's key never changes).
   */
  private async digestOf(request: Pick<SigningRequest, 'certificateAuthorityId' | 'signingAlgorithm'>, data: Uint8Array, sha256: string): Promise<string> {
    if (isMlDsaAlgorithm(request.signingAlgorithm)) {
      let spki = this.publicKeys.get(request.certificateAuthorityId);
      if (!spki) {
        spki = await this.keys.publicKey(request.certificateAuthorityId);
        if (!spki) throw new Error(`CA ${request.certificateAuthorityId} signed with a key that has no public key on record`);
        this.publicKeys.set(request.certificateAuthorityId, spki);
      }
      return mlDsaMuHasher(spki).update(data).digest('hex');
    }
    const hash = hashOf(request.signingAlgorithm);
    return hash === 'sha256' ? sha256 : createHash(hash).update(data).digest('hex');
  }

  private async record(
    request: SigningRequest,
    input: CaKeyUsedV1['input'],
    sha256: string | null,
    digest: string,
    signature: Uint8Array,
    certificate?: CertificateSignatureRecord,
  ): Promise<void> {
    await this.journal.record(this.usage(request, input, sha256, digest, signature), { correlationId: request.correlationId, causationId: null, accountId: request.ownerAccountId }, certificate);
  }

  private usage(request: SigningRequest, input: CaKeyUsedV1['input'], sha256: string | null, digest: string, signature: Uint8Array): CaKeyUsedV1 {
    return {
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
