import { randomBytes } from 'node:crypto';
import type { NatsConnection } from 'nats';
import { canConnect } from './free-port';

const START_HINT = 'start the local servers with `bash scripts/ensure-services.sh` (or set NATS_URL)';

/** The shared NATS server tests use: NATS_URL, else the local default port. */
export function testNatsUrl(): string {
  return process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
}

export async function assertNatsReachable(url = testNatsUrl()): Promise<void> {
  const parsed = new URL(url.replace(/^nats:/, 'http:'));
  const port = Number(parsed.port || 4222);
  if (!(await canConnect(parsed.hostname, port))) {
    throw new Error(`NATS (with JetStream) is not reachable at ${url}: ${START_HINT}`);
  }
}

/**
 * A namespace for one test: a valid NATS subject token and stream-name part, so that tests
 * sharing one server never see each other's subjects or streams.
 */
export function uniquePrefix(): string {
  return `t${randomBytes(6).toString('hex')}`;
}

/** Deletes every stream whose name starts with the prefix (eventStreamName upper-cases it). */
export async function cleanupNatsPrefix(nc: NatsConnection, prefix: string): Promise<void> {
  const jsm = await nc.jetstreamManager();
  const wanted = `${prefix}_`.toUpperCase().replace(/-/g, '_');
  for await (const name of jsm.streams.names()) {
    if (name.toUpperCase().startsWith(wanted)) await jsm.streams.delete(name);
  }
}
