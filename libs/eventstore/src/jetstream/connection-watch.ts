import { DebugEvents, Events, type NatsConnection, type Status } from 'nats';

export interface ConnectionWatch {
  /** Increments on every disconnect/reconnect: work started in an older epoch spans a reconnect. */
  readonly epoch: number;
  stop(): void;
}

const INTERRUPTIONS: ReadonlySet<string> = new Set([Events.Disconnect, Events.Reconnect, DebugEvents.StaleConnection]);

/** Whether a connection status event means messages may have been lost meanwhile. */
export function isInterruption(status: { readonly type: string }): boolean {
  return INTERRUPTIONS.has(status.type);
}

/**
 * Counts connection interruptions. After a nats-server crash, JetStream may have lost
 * acknowledged writes, so relay and runner re-check the stream whenever the epoch moves.
 */
export function watchConnection(nc: NatsConnection, onChange?: () => void): ConnectionWatch {
  // A QueuedIterator at run time; its type only promises AsyncIterable.
  const iterator = nc.status() as AsyncIterable<Status> & { stop?: () => void };
  const watch = { epoch: 0, stop: () => iterator.stop?.() };
  void (async () => {
    try {
      for await (const status of iterator) {
        if (isInterruption(status)) {
          watch.epoch++;
          onChange?.();
        }
      }
    } catch {
      // the connection closed; nothing left to watch
    }
  })();
  return watch;
}
