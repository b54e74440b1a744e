import type { CommandMessage, Reply } from '@pki/contracts';

/**
 * The wire format of a command: the request body is a `CommandMessage` as JSON, the reply
 * body a `Reply` as JSON. Both ends live in this library (CommandServer, ServiceClient).
 */
export function encodeJson(value: unknown): string {
  return JSON.stringify(value);
}

export function decodeJson(data: Uint8Array): unknown {
  try {
    return JSON.parse(Buffer.from(data).toString('utf8'));
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
    typeof message.caller.accessKeyId === 'string'
  );
}

export function isReply(value: unknown): value is Reply<unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const reply = value as { ok?: unknown; result?: unknown; error?: { kind?: unknown; message?: unknown } };
  if (reply.ok === true) return 'result' in reply;
  return reply.ok === false && typeof reply.error?.kind === 'string' && typeof reply.error.message === 'string';
}
