import { toBase64 } from './blob.serde';
import { toEpochSeconds } from './timestamp.serde';

/**
 * Converts a response value to what awsJson1_1 / restJson1 put in a JSON body: Dates as
 * epoch seconds, bytes as base64, `undefined` members dropped (Smithy: absent members are
 * omitted, never `null`). Plain objects and arrays are walked; other values pass through.
 */
export const toWireJson = (value: unknown): unknown => {
  if (value instanceof Date) return toEpochSeconds(value);
  if (value instanceof Uint8Array) return toBase64(value);
  if (Array.isArray(value)) return value.map(toWireJson);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, member] of Object.entries(value)) {
      if (member !== undefined) out[key] = toWireJson(member);
    }
    return out;
  }
  return value;
};
