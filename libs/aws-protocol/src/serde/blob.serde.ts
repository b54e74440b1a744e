/**
 * Smithy blobs travel in JSON bodies as base64 strings (RFC 4648 §4, standard alphabet,
 * padded), which is what the SDK writes with `context.base64Encoder`.
 */

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export const isBase64 = (value: string): boolean => BASE64.test(value);

export const toBase64 = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');

/** Strict decode: undefined for anything that is not canonical padded base64 (no whitespace, no URL alphabet). */
export const fromBase64 = (value: unknown): Buffer | undefined =>
  typeof value === 'string' && isBase64(value) ? Buffer.from(value, 'base64') : undefined;
