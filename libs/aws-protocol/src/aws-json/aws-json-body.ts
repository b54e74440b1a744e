import type { AwsError } from '../http/wire-response.types';

/**
 * Reads an awsJson1_1 request body. The SDK always sends at least `{}`; an empty body,
 * text that is not JSON, or JSON that is not an object cannot be an operation input, and
 * AWS's JSON front end answers `SerializationException` (HTTP 400) for each.
 */
export const parseAwsJsonBody = (
  body: Buffer | string,
): { readonly ok: true; readonly value: Record<string, unknown> } | { readonly ok: false; readonly error: AwsError } => {
  const text = typeof body === 'string' ? body : body.toString('utf8');
  if (text.trim().length === 0) return serializationError('Request body is empty; an operation input is a JSON object');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return serializationError('Request body is not valid JSON');
  }
  if (Array.isArray(value)) return serializationError('Start of list found where not expected');
  if (value === null || typeof value !== 'object') return serializationError('Request body must be a JSON object');
  return { ok: true, value: value as Record<string, unknown> };
};

const serializationError = (message: string) => ({ ok: false as const, error: { code: 'SerializationException', message, status: 400 } });
