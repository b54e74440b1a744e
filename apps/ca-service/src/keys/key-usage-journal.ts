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
 */
import type { CaKeyUsedV1, EventMetadata } from '@pki/contracts';
import { DomainError, KEY_USAGE_EVENT_TYPES, caKeyUsageStream } from '@pki/contracts';
import { ConcurrencyError, type EventStore } from '@pki/eventstore';

export interface KeyUsageJournalOptions {
  /** Appends tried per batch before giving up (conflicts with other replicas only). */
  readonly maxAttempts?: number;
  /** Records committed together in one transaction at most. */
  readonly maxBatch?: number;
}

interface Pending {
  readonly usage: CaKeyUsedV1;
  readonly meta: EventMetadata;
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

  /** Resolves once the event is committed. */
  record(usage: CaKeyUsedV1, meta: EventMetadata): Promise<void> {
    const stream = caKeyUsageStream(usage.certificateAuthorityId);
    return new Promise<void>((resolve, reject) => {
      const queue = this.queues.get(stream);
      const pending: Pending = { usage, meta, resolve, reject };
      if (queue) {
        queue.push(pending); // a flush is running: it takes this one in its next transaction
        return;
      }
      this.queues.set(stream, [pending]);
      void this.flush(stream);
    });
  }

  /** Commits the stream's queue batch by batch until it is empty, then forgets the queue. */
  private async flush(stream: string): Promise<void> {
    const queue = this.queues.get(stream)!;
    while (queue.length > 0) {
      const batch = queue.splice(0, this.maxBatch);
      try {
        await this.append(stream, batch);
        for (const p of batch) p.resolve();
      } catch (error) {
        for (const p of batch) p.reject(error);
      }
    }
    this.queues.delete(stream);
  }

  private async append(stream: string, batch: readonly Pending[]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const expected = this.versions.get(stream) ?? 0;
      try {
        const stored = await this.store.appendBatch(
          batch.map((p, i) => ({ stream, expectedVersion: expected + i, events: [{ type: KEY_USAGE_EVENT_TYPES.CaKeyUsed, schemaVersion: 1, data: p.usage }], meta: p.meta })),
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
