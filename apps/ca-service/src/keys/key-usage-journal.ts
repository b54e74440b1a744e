/**
 * The key-use audit log: one `CaKeyUsed` event per signature, in the CA's own stream
 * `ca-key-usage-<caId>` of the event store (so it is relayed through the outbox like every
 * other event, and a subscriber can replay it).
 *
 * Why a per-CA stream and how it stays correct under load: the event store's optimistic
 * concurrency makes two writers of one stream conflict instead of overwriting, so every
 * signature gets exactly one version and none is lost. Within a process the appends of one
 * stream are queued (one in flight), so concurrent signatures do not conflict with each other
 * at all; the stream's version is remembered, so no append reloads the stream. Only replicas
 * racing for the same CA conflict; the loser learns the current version from the
 * ConcurrencyError and retries with jitter. A signature whose record cannot be written is
 * not returned (SigningService), so no signature escapes without its record.
 */
import type { CaKeyUsedV1, EventMetadata } from '@pki/contracts';
import { DomainError, KEY_USAGE_EVENT_TYPES, caKeyUsageStream } from '@pki/contracts';
import { ConcurrencyError, type EventStore } from '@pki/eventstore';

export interface KeyUsageJournalOptions {
  /** Appends tried per record before giving up (conflicts with other replicas only). */
  readonly maxAttempts?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class KeyUsageJournal {
  private readonly versions = new Map<string, number>();
  private readonly tails = new Map<string, Promise<void>>();
  private readonly maxAttempts: number;

  constructor(
    private readonly store: EventStore,
    options: KeyUsageJournalOptions = {},
  ) {
    this.maxAttempts = options.maxAttempts ?? 50;
  }

  /** Resolves once the event is committed. */
  record(usage: CaKeyUsedV1, meta: EventMetadata): Promise<void> {
    const stream = caKeyUsageStream(usage.certificateAuthorityId);
    const previous = this.tails.get(stream) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(() => this.append(stream, usage, meta));
    this.tails.set(stream, next);
    next
      .finally(() => {
        if (this.tails.get(stream) === next) this.tails.delete(stream);
      })
      .catch(() => undefined);
    return next;
  }

  private async append(stream: string, usage: CaKeyUsedV1, meta: EventMetadata): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const expected = this.versions.get(stream) ?? 0;
      try {
        const stored = await this.store.append(stream, expected, [{ type: KEY_USAGE_EVENT_TYPES.CaKeyUsed, schemaVersion: 1, data: usage }], meta);
        this.versions.set(stream, stored[stored.length - 1].version);
        return;
      } catch (error) {
        if (!(error instanceof ConcurrencyError)) throw error;
        if (error.actualVersion >= 0) this.versions.set(stream, error.actualVersion);
        if (attempt >= this.maxAttempts) {
          throw new DomainError('Unavailable', `The key-use audit log of CA ${usage.certificateAuthorityId} is busy; the signature was discarded. Retry the request.`, undefined, { cause: error });
        }
        // The first conflict usually only means this process had not seen the stream yet.
        if (attempt > 1) await sleep(Math.floor(Math.random() * Math.min(50, 2 * attempt)) + 1);
      }
    }
  }
}
