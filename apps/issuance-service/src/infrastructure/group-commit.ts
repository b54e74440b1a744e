/**
 * Group commit for the certificate appends of concurrent IssueCertificate requests: the same
 * contract as `EventStore.append` (events, outbox rows and the read-model writes of `project`
 * commit together; the promise resolves only after the commit), but appends that arrive while
 * `maxInFlight` transactions are running wait and are then committed together in ONE
 * transaction (`EventStore.appendBatch`), each with its own stream, metadata and projection.
 * Fewer commits and fewer statements per certificate; no weaker durability: nobody is answered
 * before the transaction holding their events committed.
 *
 * An append's read-model write is a `BatchedWrite`: the item of a writer that writes the items
 * of every append of the batch it serves at once (one multi-row statement for the whole batch
 * instead of one statement per append).
 *
 * A batch is all or nothing, so one failing append (a serial collision, a conflict, a
 * projection error) would fail the others; when a batch fails, each of its appends is tried
 * again alone, exactly as `EventStore.append` would run it, and gets its own result or error.
 */
import type { Transaction } from 'kysely';
import type { EventEnvelope, EventMetadata, NewEvent } from '@pki/contracts';
import { withActiveTrace, type EventStore } from '@pki/eventstore';

/** Writes the read-model rows of several appends in the appends' transaction (each item with its stored events). */
export type BatchWriter<T> = (trx: Transaction<any>, items: ReadonlyArray<{ readonly item: T; readonly stored: EventEnvelope[] }>) => Promise<void>;

/** One append's share of a BatchWriter's work. */
export interface BatchedWrite<T = any> {
  readonly writer: BatchWriter<T>;
  readonly item: T;
}

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
  readonly project?: BatchedWrite;
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
  append(stream: string, expectedVersion: number, events: NewEvent[], meta: EventMetadata, project?: BatchedWrite): Promise<EventEnvelope[]> {
    return new Promise<EventEnvelope[]>((resolve, reject) => {
      // The trace is this request's, not the one whose turn commits the batch.
      this.queue.push({ stream, expectedVersion, events, meta: withActiveTrace(meta), project, resolve, reject });
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
      stored = await this.store.appendBatch(batch, (trx, envelopes) => projectAll(trx, batch, envelopes));
    } catch {
      // Someone's append failed the whole batch: give each its own transaction and answer.
      await Promise.all(batch.map((p) => this.alone(p)));
      return;
    }
    batch.forEach((p, i) => p.resolve(stored[i]!));
  }

  private async alone(p: PendingAppend): Promise<void> {
    try {
      p.resolve(await this.store.append(p.stream, p.expectedVersion, p.events, p.meta, p.project && ((trx, stored) => projectAll(trx, [p], [stored]))));
    } catch (error) {
      p.reject(error);
    }
  }
}

/** The read-model writes of `batch`: each writer once, with the items of all its appends. */
async function projectAll(trx: Transaction<any>, batch: readonly PendingAppend[], stored: EventEnvelope[][]): Promise<void> {
  const byWriter = new Map<BatchWriter<unknown>, Array<{ item: unknown; stored: EventEnvelope[] }>>();
  for (let i = 0; i < batch.length; i++) {
    const project = batch[i]!.project;
    if (project === undefined) continue;
    let items = byWriter.get(project.writer);
    if (!items) byWriter.set(project.writer, (items = []));
    items.push({ item: project.item, stored: stored[i]! });
  }
  for (const [writer, items] of byWriter) await writer(trx, items);
}
