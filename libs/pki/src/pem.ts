/**
 * PEM (RFC 7468): base64 DER between "-----BEGIN <label>-----" and "-----END <label>-----",
 * 64 characters per line when writing. Reading is strict about labels and base64 and lenient
 * about line lengths and surrounding whitespace (RFC 7468 §3 "lax" parsers).
 */
import { PkiParseError } from './errors';

export type PemLabel = 'CERTIFICATE' | 'CERTIFICATE REQUEST' | 'X509 CRL' | 'PUBLIC KEY' | (string & {});

export function toPem(der: Uint8Array, label: PemLabel): string {
  const b64 = Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += 64) lines.push(b64.slice(i, i + 64));
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

const BLOCK = /-----BEGIN ([A-Z0-9 ]{1,64})-----([\s\S]*?)-----END ([A-Z0-9 ]{1,64})-----/g;

export interface PemBlock {
  label: string;
  der: Buffer;
}

function decodeBody(body: string, label: string): Buffer {
  const compact = body.replace(/[\s]+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 !== 0) {
    throw new PkiParseError(`bad PEM: the ${label} block is not valid base64`);
  }
  if (compact.length === 0) throw new PkiParseError(`bad PEM: the ${label} block is empty`);
  return Buffer.from(compact, 'base64');
}

/** Every PEM block in `text`, in order (e.g. a certificate chain). */
export function pemBlocks(text: string): PemBlock[] {
  const out: PemBlock[] = [];
  for (const m of text.matchAll(BLOCK)) {
    if (m[1] !== m[3]) throw new PkiParseError(`bad PEM: BEGIN ${m[1]} closed by END ${m[3]}`);
    out.push({ label: m[1], der: decodeBody(m[2], m[1]) });
  }
  return out;
}

/**
 * The DER of the single PEM block in `text`. With `labels`, the block's label must be one of
 * them. Text outside the block other than whitespace is refused, so "trailing data" is caught.
 */
export function fromPem(text: string, labels?: string | readonly string[]): Buffer {
  const blocks = pemBlocks(text);
  if (blocks.length === 0) throw new PkiParseError('bad PEM: no -----BEGIN ...----- block found');
  if (blocks.length > 1) throw new PkiParseError(`bad PEM: expected one block, found ${blocks.length}`);
  const outside = text.replace(BLOCK, '');
  if (outside.trim() !== '') throw new PkiParseError('bad PEM: unexpected text outside the PEM block');
  const wanted = labels === undefined ? undefined : typeof labels === 'string' ? [labels] : labels;
  if (wanted && !wanted.includes(blocks[0].label)) {
    throw new PkiParseError(`bad PEM: expected ${wanted.join(' or ')}, found ${blocks[0].label}`);
  }
  return blocks[0].der;
}
