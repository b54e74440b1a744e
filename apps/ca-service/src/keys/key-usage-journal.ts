/**
 * The key-use audit log: one `CaKeyUsed` event per signature, in the CA's own stream
 * `ca-key-usage-<caId>` of the event store (so it is relayed through the outbox like every
 * other event, and a subscriber can replay it).
 *
 * Why a per-CA stream and how it stays correct under load: the event store's optimistic
 * concurrency makes two writers of one stream conflict instead of overwriting, so every
 * signature gets exactly one version and none is lost. Within a process the appends of one
 * stream are queued (one transaction in flight per stream), so concurrent signatures do not
 * conflict with each other at all; the stream's version is remembered, so no append reloads
 * the stream. Only replicas racing for the same CA conflict; the loser learns the current
 * version from the ConcurrencyError and retries with jitter.
 *
 * Group commit: while one transaction of a stream is in flight, the records that arrive queue
 * up; the next transaction appends all of them (up to `maxBatch`) as consecutive events, each
 * with its own metadata (`EventStore.appendBatch`). So a CA's audit keeps up with concurrent
 * signing at one commit per batch instead of one per signature, and nothing is weakened: a
 * record's promise resolves only after the transaction holding it committed, and if that
 * transaction fails every record in it is rejected. A signature whose record cannot be written
 * is not returned (SigningService), so no signature escapes without its record.
 *
 * A certificate's signature (SignData for CERTIFICATE / CA_CERTIFICATE) is kept in
 * `certificate_signatures` by the same transaction as its CaKeyUsed event, with one multi-row
 * insert per batch. The in-process single flight (CertificateSignatures) means only two replicas
 * racing for one certificate can collide there: the row stored first wins, the loser's event is
 * left out (the batch is retried without it) and its record is rejected with
 * CertificateAlreadySigned, so its signature is dropped unreturned and the journal keeps one
 * signature per certificate.
 */
import type { CaKeyUsedV1, EventEnvelope, EventMetadata } from '@pki/contracts';
import { DomainError, KEY_USAGE_EVENT_TYPES, caKeyUsageStream } from '@pki/contracts';
import { ConcurrencyError, withActiveTrace, type EventStore } from '@pki/eventstore';
import type { Transaction } from 'kysely';
import { insertCertificateSignatures } from './certificate-signature.queries';

export interface KeyUsageJournalOptions {
  /** Appends tried per batch before giving up (conflicts with other replicas only). */
  readonly maxAttempts?: number;
  /** Records committed together in one transaction at most. */
  readonly maxBatch?: number;
}

/** The certificate a signature is the one signature of (kept with its CaKeyUsed record). */
export interface CertificateSignatureRecord {
  readonly certificateId: string;
  readonly signature: Uint8Array;
}

/** Another replica's signature of the same certificate committed first; this one was not recorded. */
export class CertificateAlreadySigned extends Error {
  constructor(readonly certificateId: string) {
    super(`Certificate ${certificateId} was signed by another request first.`);
  }
}

/** Thrown inside a batch's transaction to roll it back: these certificates already have their signature. */
class SignaturesTaken extends Error {
  constructor(readonly losers: ReadonlySet<Pending>) {
    super('certificate signatures already recorded');
  }
}

interface Pending {
  readonly usage: CaKeyUsedV1;
  readonly meta: EventMetadata;
  readonly certificate: CertificateSignatureRecord | undefined;
  resolve(): void;
  reject(error: unknown): void;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class KeyUsageJournal {
  private readonly versions = new Map<string, number>();
  /** Records waiting for the next transaction of their stream; a stream is listed while it is being flushed. */
  private readonly queues = new Map<string, Pending[]>();
  private readonly maxAttempts: number;
  private readonly maxBatch: number;

  constructor(
    private readonly store: EventStore,
    options: KeyUsageJournalOptions = {},
  ) {
    this.maxAttempts = options.maxAttempts ?? 50;
    this.maxBatch = options.maxBatch ?? 256;
  }

  /**
   * Resolves once the event (and the certificate's signature, if given) is committed; rejects
   * with CertificateAlreadySigned when the certificate's signature was recorded first elsewhere.
   */
  record(usage: CaKeyUsedV1, meta: EventMetadata, certificate?: CertificateSignatureRecord): Promise<void> {
    return this.enqueue([{ usage, meta, certificate }])[0]!;
  }

  /**
   * Several records of one CA at once (SignDataBatch): queued together, so they commit in one
   * transaction (up to `maxBatch`), each resolving once it committed.
   */
  recordMany(records: readonly { readonly usage: CaKeyUsedV1; readonly meta: EventMetadata }[]): Promise<void[]> {
    return Promise.all(this.enqueue(records.map((r) => ({ ...r, certificate: undefined }))));
  }

  private enqueue(records: readonly { usage: CaKeyUsedV1; meta: EventMetadata; certificate: CertificateSignatureRecord | undefined }[]): Promise<void>[] {
    const promises: Promise<void>[] = [];
    const started = new Set<string>();
    for (const { usage, meta, certificate } of records) {
      const stream = caKeyUsageStream(usage.certificateAuthorityId);
      promises.push(
        new Promise<void>((resolve, reject) => {
          // The trace is this signature's request, not the one whose turn commits the batch.
          const pending: Pending = { usage, meta: withActiveTrace(meta), certificate, resolve, reject };
          const queue = this.queues.get(stream);
          if (queue) {
            queue.push(pending); // a flush is running (or about to start): it takes this one in its next transaction
            return;
          }
          this.queues.set(stream, [pending]);
          started.add(stream);
        }),
      );
    }
    // Started after every record of the call is queued, so they share the first transaction.
    for (const stream of started) void this.flush(stream);
    return promises;
  }

  /** Commits the stream's queue batch by batch until it is empty, then forgets the queue. */
  private async flush(stream: string): Promise<void> {
    const queue = this.queues.get(stream)!;
    while (queue.length > 0) {
      const batch = queue.splice(0, this.maxBatch);
      try {
        for (const p of await this.appendUntaken(stream, batch)) p.resolve();
      } catch (error) {
        for (const p of batch) p.reject(error); // a no-op for those already rejected
      }
    }
    this.queues.delete(stream);
  }

  /**
   * Appends the batch; a record whose certificate another replica's signature took first is
   * rejected (CertificateAlreadySigned) and the rest appended without it. Answers what committed.
   */
  private async appendUntaken(stream: string, batch: readonly Pending[]): Promise<readonly Pending[]> {
    for (let left = batch; ; ) {
      try {
        if (left.length > 0) await this.append(stream, left);
        return left;
      } catch (error) {
        if (!(error instanceof SignaturesTaken)) throw error;
        for (const p of error.losers) p.reject(new CertificateAlreadySigned(p.certificate!.certificateId));
        left = left.filter((p) => !error.losers.has(p));
      }
    }
  }

  private async append(stream: string, batch: readonly Pending[]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const expected = this.versions.get(stream) ?? 0;
      try {
        const stored = await this.store.appendBatch(
          batch.map((p, i) => ({ stream, expectedVersion: expected + i, events: [{ type: KEY_USAGE_EVENT_TYPES.CaKeyUsed, schemaVersion: 1, data: p.usage }], meta: p.meta })),
          batch.some((p) => p.certificate) ? (trx, envelopes) => keepCertificateSignatures(trx, batch, envelopes) : undefined,
        );
        this.versions.set(stream, stored[stored.length - 1]![0]!.version);
        return;
      } catch (error) {
        if (!(error instanceof ConcurrencyError)) throw error;
        if (error.actualVersion >= 0) this.versions.set(stream, error.actualVersion);
        if (attempt >= this.maxAttempts) {
          const ca = batch[0]!.usage.certificateAuthorityId;
          throw new DomainError('Unavailable', `The key-use audit log of CA ${ca} is busy; the signature was discarded. Retry the request.`, undefined, { cause: error });
        }
        // The first conflict usually only means this process had not seen the stream yet.
        if (attempt > 1) await sleep(Math.floor(Math.random() * Math.min(50, 2 * attempt)) + 1);
      }
    }
  }
}

/** Writes the batch's certificate signatures beside their CaKeyUsed events; any already kept rolls the batch back. */
async function keepCertificateSignatures(trx: Transaction<any>, batch: readonly Pending[], envelopes: EventEnvelope[][]): Promise<void> {
  const signed = batch.flatMap((p, i) => (p.certificate ? [{ p, certificate: p.certificate, event: envelopes[i]![0]! }] : []));
  const kept = await insertCertificateSignatures(
    trx,
    signed.map(({ p, certificate, event }) => ({
      certificate_id: certificate.certificateId,
      certificate_authority_id: p.usage.certificateAuthorityId,
      signing_algorithm: p.usage.signingAlgorithm,
      tbs_sha256: p.usage.sha256!,
      signature: Buffer.from(certificate.signature),
      key_used_event_id: event.id,
      signed_at: new Date(p.usage.at),
    })),
  );
  // A certificate not kept, or named twice in one batch (its first row is the one kept).
  const seen = new Set<string>();
  const losers = new Set<Pending>();
  for (const { p, certificate } of signed) {
    if (!kept.has(certificate.certificateId) || seen.has(certificate.certificateId)) losers.add(p);
    seen.add(certificate.certificateId);
  }
  if (losers.size > 0) throw new SignaturesTaken(losers);
}
