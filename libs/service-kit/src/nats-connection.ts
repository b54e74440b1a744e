import { connect, ErrorCode, type NatsConnection } from 'nats';
import type { ReadinessCheck } from './health';

/**
 * The one NATS connection of a process (a service or the gateway): commands, replies, the
 * outbox relay, projections and service-to-service requests all share it. `servers` are the
 * seed URLs of the cluster (NATS_URL, comma-separated); the client learns the other members
 * from the server and reconnects for ever.
 */
export function connectNats(servers: readonly string[], name: string): Promise<NatsConnection> {
  return connect({
    servers: [...servers],
    name,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 500,
    // Every JetStream publish of the relay is a request, and capturing a stack trace for each (in
    // case it fails) costs more than the publish; failures still carry their message.
    noAsyncTraces: true,
  });
}

/** Readiness: the connection is open and the server answers a PING. */
export function natsReadinessCheck(nc: NatsConnection): ReadinessCheck {
  return {
    name: 'nats',
    check: async () => {
      if (nc.isClosed()) throw new Error('connection closed');
      await nc.flush();
    },
  };
}

/** Drains the connection (pending messages are delivered, subscriptions end), tolerating one already closed. */
export async function drainNats(nc: NatsConnection): Promise<void> {
  if (nc.isClosed()) return;
  try {
    await nc.drain();
  } catch {
    // closed meanwhile
  }
}

/**
 * A NATS error meaning the server cannot be reached now (the connection is closed, draining or
 * reconnecting, or JetStream did not answer in time), as opposed to a mistake in the request.
 */
export function isNatsUnreachable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return (
    code === ErrorCode.ConnectionClosed ||
    code === ErrorCode.ConnectionDraining ||
    code === ErrorCode.Disconnect ||
    code === ErrorCode.ConnectionRefused ||
    code === ErrorCode.NoResponders ||
    code === ErrorCode.Timeout
  );
}
