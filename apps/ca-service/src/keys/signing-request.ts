/**
 * Parsing of the internal SignData / SignDigest requests (contract in libs/contracts
 * signing.ts). They come from other services, not through the gateway's shape validation, so
 * every member is checked here before anything is read or signed.
 */
import {
  BATCH_SIGNATURE_PURPOSES,
  CERTIFICATE_SIGNATURE_PURPOSES,
  SIGN_DATA_BATCH_MAX_ITEMS,
  DomainError,
  REMOTE_SIGNATURE_PURPOSES,
  SIGN_DATA_MAX_OCTETS,
  type RemoteSignaturePurpose,
  type SigningAlgorithm,
} from '@pki/contracts';
import { isSigningAlgorithm, SIGNING_ALGORITHMS } from '@pki/pki';
import { checkDigestLength } from './signature-forms';

export interface ParsedSignRequest {
  readonly certificateAuthorityId: string;
  readonly signingAlgorithm: SigningAlgorithm;
  readonly purpose: RemoteSignaturePurpose;
  readonly requestedBy: string;
  /** SignData of a certificate (CERTIFICATE, CA_CERTIFICATE): the certificate it signs once; otherwise null. */
  readonly certificateId: string | null;
  readonly bytes: Buffer;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

const invalid = (message: string) => new DomainError('Malformed', message, 'InvalidArgsException');

const printable = (value: string) => value.length >= 1 && value.length <= 256 && !/[\u0000-\u001f\u007f]/.test(value);

/** Certificates are signed once per certificate id, so their SignData names it and SignDigest never signs one. */
function certificateIdOf(input: Record<string, unknown>, purpose: RemoteSignaturePurpose, kind: 'data' | 'digest'): string | null {
  const forCertificate = CERTIFICATE_SIGNATURE_PURPOSES.includes(purpose);
  if (kind === 'digest') {
    if (forCertificate) throw invalid(`purpose ${purpose} is not available through SignDigest: use SignData with the certificateId, which signs each certificate once.`);
    return null;
  }
  if (input.certificateId === undefined) {
    if (forCertificate) throw invalid(`certificateId is required for purpose ${purpose}: a certificate is signed once, by its id.`);
    return null;
  }
  const id = member(input, 'certificateId');
  if (!printable(id)) throw invalid('certificateId must be 1-256 printable characters.');
  if (!forCertificate) throw invalid(`certificateId is only for purposes ${CERTIFICATE_SIGNATURE_PURPOSES.join(', ')}.`);
  return id;
}

function member(input: Record<string, unknown>, name: string): string {
  const value = input[name];
  if (typeof value !== 'string') throw invalid(`${name} is required and must be a string.`);
  return value;
}

function base64(name: string, value: string, maxOctets: number): Buffer {
  if (value.length > Math.ceil(maxOctets / 3) * 4) throw invalid(`${name} decodes to more than ${maxOctets} octets${name === 'dataBase64' ? ': hash the data and use SignDigest' : ''}.`);
  if (!BASE64.test(value)) throw invalid(`${name} is not valid base64.`);
  const bytes = Buffer.from(value, 'base64');
  if (bytes.length === 0) throw invalid(`${name} is empty.`);
  if (bytes.length > maxOctets) throw invalid(`${name} decodes to more than ${maxOctets} octets${name === 'dataBase64' ? ': hash the data and use SignDigest' : ''}.`);
  return bytes;
}

export function parseSignRequest(raw: unknown, kind: 'data' | 'digest'): ParsedSignRequest {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw invalid('The request must be a JSON object.');
  const input = raw as Record<string, unknown>;
  const certificateAuthorityId = member(input, 'certificateAuthorityId');
  if (!UUID.test(certificateAuthorityId)) throw invalid(`certificateAuthorityId ${JSON.stringify(certificateAuthorityId.slice(0, 64))} is not a CA id (a UUID).`);
  const signingAlgorithm = member(input, 'signingAlgorithm');
  if (!isSigningAlgorithm(signingAlgorithm)) throw invalid(`signingAlgorithm ${JSON.stringify(signingAlgorithm.slice(0, 64))} is not one of ${SIGNING_ALGORITHMS.join(', ')}.`);
  const purpose = member(input, 'purpose');
  if (purpose === 'CSR') throw invalid('purpose CSR is not available to other services: ca-service signs its CA CSRs itself.');
  if (!(REMOTE_SIGNATURE_PURPOSES as readonly string[]).includes(purpose)) throw invalid(`purpose ${JSON.stringify(purpose.slice(0, 64))} is not one of ${REMOTE_SIGNATURE_PURPOSES.join(', ')}.`);
  const requestedBy = member(input, 'requestedBy');
  if (!printable(requestedBy)) throw invalid('requestedBy must be 1-256 printable characters naming the calling service.');

  if (kind === 'data') {
    const bytes = base64('dataBase64', member(input, 'dataBase64'), SIGN_DATA_MAX_OCTETS);
    const certificateId = certificateIdOf(input, purpose as RemoteSignaturePurpose, kind);
    return { certificateAuthorityId: certificateAuthorityId.toLowerCase(), signingAlgorithm, purpose: purpose as RemoteSignaturePurpose, requestedBy, certificateId, bytes };
  }
  const bytes = base64('digestBase64', member(input, 'digestBase64'), 64);
  checkDigestLength(signingAlgorithm, bytes);
  const certificateId = certificateIdOf(input, purpose as RemoteSignaturePurpose, kind);
  return { certificateAuthorityId: certificateAuthorityId.toLowerCase(), signingAlgorithm, purpose: purpose as RemoteSignaturePurpose, requestedBy, certificateId, bytes };
}

/** A SignDataBatch: one CA, algorithm and purpose; each item its own data and correlation id. */
export interface ParsedSignBatchRequest {
  readonly certificateAuthorityId: string;
  readonly signingAlgorithm: SigningAlgorithm;
  readonly purpose: RemoteSignaturePurpose;
  readonly requestedBy: string;
  readonly items: readonly { readonly bytes: Buffer; readonly requestId: string }[];
}

export function parseSignBatchRequest(raw: unknown): ParsedSignBatchRequest {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw invalid('The request must be a JSON object.');
  const input = raw as Record<string, unknown>;
  const { items, ...common } = input;
  if (!Array.isArray(items) || items.length === 0 || items.length > SIGN_DATA_BATCH_MAX_ITEMS) throw invalid(`items must be a list of 1-${SIGN_DATA_BATCH_MAX_ITEMS} signing requests.`);
  // The members every item shares are checked as one SignData's (with the first item's data).
  const first = items[0] as Record<string, unknown> | null;
  const head = parseSignRequest({ ...common, dataBase64: typeof first === 'object' && first !== null ? first.dataBase64 : undefined }, 'data');
  if (!BATCH_SIGNATURE_PURPOSES.includes(head.purpose)) throw invalid(`purpose ${head.purpose} is not available through SignDataBatch (only ${BATCH_SIGNATURE_PURPOSES.join(', ')}).`);
  const parsed = items.map((item: unknown) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) throw invalid('Each item must be a JSON object.');
    const entry = item as Record<string, unknown>;
    const requestId = member(entry, 'requestId');
    if (!printable(requestId)) throw invalid('requestId must be 1-256 printable characters.');
    return { bytes: base64('dataBase64', member(entry, 'dataBase64'), SIGN_DATA_MAX_OCTETS), requestId };
  });
  return { certificateAuthorityId: head.certificateAuthorityId, signingAlgorithm: head.signingAlgorithm, purpose: head.purpose, requestedBy: head.requestedBy, items: parsed };
}
