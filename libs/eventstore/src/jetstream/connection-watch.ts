import type { NatsConnection } from '@nats-io/nats-core';

export interface ConnectionWatch {
  /** Increments on every disconnect/reconnect: work started in an older epoch spans a reconnect. */
  readonly epoch: number;
  stop(): void;
}

/**
 * Counts connection interruptions. After a nats-server crash, JetStream may have lost
 * acknowledged writes, so relay and runner re-check the stream whenever the epoch moves.
 */
export function watchConnection(nc: NatsConnection, onChange?: () => void): ConnectionWatch {
  const iterator = nc.status() as AsyncIterable<{ type: string }> & { stop?: () => void };
  const watch = { epoch: 0, stop: () => iterator.stop?.() };
  void (async () => {
    try {
      for await (const status of iterator) {
        if (status.type === 'disconnect' || status.type === 'reconnect' || status.type === 'staleConnection') {
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
