/**
 * Group commit for the certificate appends of concurrent IssueCertificate requests: the same
 * contract as `EventStore.append` (events, outbox rows and the read-model writes of `project`
 * commit together; the promise resolves only after the commit), but appends that arrive while
 * `maxInFlight` transactions are running wait and are then committed together in ONE
 * transaction (`EventStore.appendBatch`), each with its own stream, metadata and projection.
 * Fewer commits and fewer statements per certificate; no weaker durability: nobody is answered
 * before the transaction holding their events committed.
 *
 * A batch is all or nothing, so one failing append (a serial collision, a conflict, a
 * projection error) would fail the others; when a batch fails, each of its appends is tried
 * again alone, exactly as `EventStore.append` would run it, and gets its own result or error.
 */
import type { EventEnvelope, EventMetadata, NewEvent } from '@pki/contracts';
import type { EventStore, ProjectInTransaction } from '@pki/eventstore';

export interface GroupCommitOptions {
  /** Transactions of this committer running at once (each holds a pool connection). */
  readonly maxInFlight?: number;
  /** Appends committed together at most. */
  readonly maxBatch?: number;
}

interface PendingAppend {
  readonly stream: string;
  readonly expectedVersion: number;
  readonly events: NewEvent[];
  readonly meta: EventMetadata;
  readonly project?: ProjectInTransaction;
  resolve(stored: EventEnvelope[]): void;
  reject(error: unknown): void;
}

export class GroupCommit {
  private readonly queue: PendingAppend[] = [];
  private inFlight = 0;
  private readonly maxInFlight: number;
  private readonly maxBatch: number;

  constructor(
    private readonly store: EventStore,
    options: GroupCommitOptions = {},
  ) {
    this.maxInFlight = options.maxInFlight ?? 2;
    this.maxBatch = options.maxBatch ?? 64;
  }

  /** `EventStore.append`, possibly committed together with other concurrent appends. */
  append(stream: string, expectedVersion: number, events: NewEvent[], meta: EventMetadata, project?: ProjectInTransaction): Promise<EventEnvelope[]> {
    return new Promise<EventEnvelope[]>((resolve, reject) => {
      this.queue.push({ stream, expectedVersion, events, meta, project, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < this.maxInFlight && this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      this.inFlight++;
      void this.commit(batch).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  private async commit(batch: PendingAppend[]): Promise<void> {
    if (batch.length === 1) return this.alone(batch[0]!);
    let stored: EventEnvelope[][];
    try {
      stored = await this.store.appendBatch(batch, async (trx, envelopes) => {
        for (let i = 0; i < batch.length; i++) await batch[i]!.project?.(trx, envelopes[i]!);
      });
    } catch {
      // Someone's append failed the whole batch: give each its own transaction and answer.
      await Promise.all(batch.map((p) => this.alone(p)));
      return;
    }
    batch.forEach((p, i) => p.resolve(stored[i]!));
  }

  private async alone(p: PendingAppend): Promise<void> {
    try {
      p.resolve(await this.store.append(p.stream, p.expectedVersion, p.events, p.meta, p.project));
    } catch (error) {
      p.reject(error);
    }
  }
}
