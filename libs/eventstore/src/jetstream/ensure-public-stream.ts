import { nanos, StorageType, type JetStreamManager, type StreamConfig } from 'nats';
import { publicEventsWildcard } from '@pki/contracts';
import { ensureStream } from './ensure-event-stream';

/** The public feed's stream (issue #15): every account's public events, kept `maxAgeMs`. */
export interface PublicStreamOptions {
  /** PKI_PUBLIC_EVENTS_STREAM (default `<PREFIX>_PUBLIC_EVENTS`). */
  readonly name: string;
  /** PKI_PUBLIC_EVENTS_MAX_AGE_HOURS, in milliseconds (default 7 days): how far back subscribers can replay. */
  readonly maxAgeMs: number;
  /** Nats-Msg-Id deduplication of a relay's republish after a crash (default 5 minutes). */
  readonly duplicateWindowMs?: number;
}

const DEFAULT_PUBLIC_DUPLICATE_WINDOW_MS = 5 * 60_000;

function publicStreamConfig(prefix: string, opts: PublicStreamOptions): Partial<StreamConfig> & { name: string } {
  return {
    name: opts.name,
    subjects: [publicEventsWildcard(prefix)],
    storage: StorageType.File,
    max_age: nanos(opts.maxAgeMs),
    duplicate_window: nanos(opts.duplicateWindowMs ?? DEFAULT_PUBLIC_DUPLICATE_WINDOW_MS),
  };
}

/**
 * Creates the public stream if missing (every service's relay calls this; safe to race) and
 * brings its subjects (a stream named by PKI_PUBLIC_EVENTS_STREAM under another PKI_NATS_PREFIX
 * takes this prefix's), retention and duplicate window back to the configured values.
 */
export async function ensurePublicStream(jsm: JetStreamManager, prefix: string, opts: PublicStreamOptions): Promise<void> {
  await ensureStream(jsm, publicStreamConfig(prefix, opts), ['subjects', 'max_age', 'duplicate_window']);
}
