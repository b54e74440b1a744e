import { nanos, StorageType, type JetStreamManager, type StreamConfig } from 'nats';
import { eventStreamName, eventWildcard, type ServiceName } from '@pki/contracts';
import { isJetStreamApiError, isStreamNotFound, JS_API_ERRORS } from './jetstream-api';

export interface EventStreamOptions {
  duplicateWindowMs?: number;
  storage?: 'file' | 'memory';
}

export const DEFAULT_DUPLICATE_WINDOW_MS = 2 * 60_000;

export function eventStreamConfig(prefix: string, service: ServiceName, opts: EventStreamOptions = {}): Partial<StreamConfig> & { name: string } {
  return {
    name: eventStreamName(prefix, service),
    subjects: [eventWildcard(prefix, service)],
    storage: opts.storage === 'memory' ? StorageType.Memory : StorageType.File,
    // Set explicitly: Nats-Msg-Id dedupe of the relay's republishes only works inside this window.
    duplicate_window: nanos(opts.duplicateWindowMs ?? DEFAULT_DUPLICATE_WINDOW_MS),
  };
}

/**
 * Creates the service's event stream if missing (idempotent, safe to race: relay replicas
 * and other services' projection runners may all call it), and brings the duplicate window
 * back to the configured value if someone changed it.
 */
export async function ensureEventStream(jsm: JetStreamManager, prefix: string, service: ServiceName, opts: EventStreamOptions = {}): Promise<void> {
  await ensureStream(jsm, eventStreamConfig(prefix, service, opts), ['duplicate_window']);
}

/**
 * Creates the stream `config` names if missing (safe to race: a concurrent creator's stream is
 * taken as it is), then puts back the members `kept` of `config` that differ in the stream
 * found (someone changed them, or the configuration did).
 */
export async function ensureStream(jsm: JetStreamManager, config: Partial<StreamConfig> & { name: string }, kept: ReadonlyArray<keyof StreamConfig>): Promise<void> {
  let info = await streamInfo(jsm, config.name);
  if (!info) {
    try {
      await jsm.streams.add(config);
      return;
    } catch (error) {
      // "stream name already in use": a racing creator won.
      if (!isJetStreamApiError(error, JS_API_ERRORS.StreamNameInUse)) throw error;
    }
    info = await jsm.streams.info(config.name);
  }
  const differing = kept.filter((member) => JSON.stringify(info.config[member]) !== JSON.stringify(config[member]));
  if (differing.length > 0) {
    await jsm.streams.update(config.name, { ...info.config, ...Object.fromEntries(differing.map((member) => [member, config[member]])) });
  }
}

async function streamInfo(jsm: JetStreamManager, name: string) {
  try {
    return await jsm.streams.info(name);
  } catch (error) {
    if (isStreamNotFound(error)) return undefined;
    throw error;
  }
}
