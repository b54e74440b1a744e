import type { Msg } from 'nats';
import type { CommandMessage, Reply } from '@pki/contracts';

/**
 * The wire format of a command: the request body is a `CommandMessage` as JSON, the reply
 * body a `Reply` as JSON. Both ends live in this library (CommandServer, ServiceClient).
 * Before the reply a server may send "working" messages (an empty body without headers; NATS's
 * own "no responders" status is empty too, but carries a 503 header) to say the request is still
 * in hand.
 */
export function encodeJson(value: unknown): string {
  return JSON.stringify(value);
}

export function decodeJson(data: Uint8Array): unknown {
  try {
    // A view on the message's bytes (Buffer.from(data) alone would copy them first).
    return JSON.parse(Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8'));
  } catch {
    return undefined;
  }
}

export function isCommandMessage(value: unknown): value is CommandMessage {
  if (typeof value !== 'object' || value === null) return false;
  const message = value as Partial<CommandMessage>;
  return (
    typeof message.requestId === 'string' &&
    typeof message.caller === 'object' &&
    message.caller !== null &&
    typeof message.caller.accountId === 'string' &&
    typeof message.caller.accessKeyId === 'string' &&
    (message.caller.region === undefined || typeof message.caller.region === 'string')
  );
}

export function isReply(value: unknown): value is Reply<unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const reply = value as { ok?: unknown; result?: unknown; error?: { kind?: unknown; message?: unknown } };
  if (reply.ok === true) return 'result' in reply;
  return reply.ok === false && typeof reply.error?.kind === 'string' && typeof reply.error.message === 'string';
}

/** The body of a "working" message: nothing (see isWorking). */
export const WORKING = new Uint8Array(0);

/** A "working" message: empty and without headers, which no reply and no NATS status message is. */
export function isWorking(msg: Msg): boolean {
  return msg.data.length === 0 && !msg.headers;
}
