import type { EventEnvelope } from '@pki/contracts';

export type ParsedEnvelope = { ok: true; envelope: EventEnvelope } | { ok: false; error: Error };

/** A message body that is not a well-formed envelope can never succeed: the runner parks it. */
export function parseEnvelope(body: string): ParsedEnvelope {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (error) {
    return { ok: false, error: new Error('message body is not JSON', { cause: error }) };
  }
  const e = value as Partial<EventEnvelope> | null;
  const problems: string[] = [];
  if (typeof e !== 'object' || e === null) return { ok: false, error: new Error('message body is not an object') };
  for (const key of ['id', 'stream', 'type', 'occurredAt', 'correlationId', 'accountId'] as const) {
    if (typeof e[key] !== 'string' || !e[key]) problems.push(key);
  }
  for (const key of ['version', 'schemaVersion'] as const) {
    if (!Number.isInteger(e[key])) problems.push(key);
  }
  if (e.causationId !== null && typeof e.causationId !== 'string') problems.push('causationId');
  if (!('data' in e)) problems.push('data');
  if (problems.length) return { ok: false, error: new Error(`not an event envelope (bad ${problems.join(', ')})`) };
  return { ok: true, envelope: e as EventEnvelope };
}
