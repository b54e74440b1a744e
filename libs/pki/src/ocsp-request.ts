/**
 * OCSPRequest parsing (RFC 6960 §4.1.1) through the strict DER reader. Pure; every failure is a
 * PkiParseError, which a responder answers with `malformedRequest` (§2.3), never an exception.
 *
 *   OCSPRequest ::= SEQUENCE { tbsRequest TBSRequest, optionalSignature [0] EXPLICIT Signature OPTIONAL }
 *   TBSRequest  ::= SEQUENCE { version [0] EXPLICIT Version DEFAULT v1, requestorName [1] EXPLICIT GeneralName OPTIONAL,
 *                              requestList SEQUENCE OF Request, requestExtensions [2] EXPLICIT Extensions OPTIONAL }
 *   Request     ::= SEQUENCE { reqCert CertID, singleRequestExtensions [0] EXPLICIT Extensions OPTIONAL }
 *   CertID      ::= SEQUENCE { hashAlgorithm AlgorithmIdentifier, issuerNameHash OCTET STRING,
 *                              issuerKeyHash OCTET STRING, serialNumber CertificateSerialNumber }
 */
import { children, contents, expectTag, readOid, readSerial, readWhole, whole, type DerElement } from './der/der-reader';
import { Tag } from './der/der-writer';
import { PkiParseError } from './errors';

/** Largest request the responder reads (RFC 5019 §5 expects a few hundred octets). */
export const MAX_OCSP_REQUEST_OCTETS = 16 * 1024;
/** Most CertIDs in one request (RFC 5019 §2.1.1 allows one; OpenSSL can send several). */
export const MAX_OCSP_REQUESTS = 10;

export const OCSP_NONCE_OID = '1.3.6.1.5.5.7.48.1.2';

/** CertID hash algorithms a client may use (RFC 6960 §4.1.1; RFC 5019 §2.1.1 requires SHA-1). */
export const CERT_ID_HASHES: Readonly<Record<string, CertIdHash>> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};
export type CertIdHash = 'sha1' | 'sha256' | 'sha384' | 'sha512';
const HASH_LENGTH: Record<CertIdHash, number> = { sha1: 20, sha256: 32, sha384: 48, sha512: 64 };

/** Bound on the elements of any one SEQUENCE of a request (the request itself is at most 16 KiB). */
const MAX_ELEMENTS = 1000;
const childrenOf = (e: DerElement, what: string, max = MAX_ELEMENTS): DerElement[] => children(e, what, max);

export interface OcspCertId {
  readonly hash: CertIdHash;
  readonly issuerNameHash: Buffer;
  readonly issuerKeyHash: Buffer;
  /** Lowercase hex of the serial, no leading zeros (as issuance records serials). */
  readonly serialHex: string;
  /** The CertID exactly as sent: echoed in the SingleResponse (§4.2.1). */
  readonly der: Buffer;
}

export interface OcspRequest {
  readonly certIds: readonly OcspCertId[];
  /** The nonce extension's extnValue contents (RFC 8954), echoed unchanged; null when absent. */
  readonly nonce: Buffer | null;
}

function parseCertId(e: DerElement): OcspCertId {
  const [alg, nameHash, keyHash, serial, ...rest] = childrenOf(expectTag(e, Tag.SEQUENCE, 'CertID'), 'CertID');
  if (!alg || !nameHash || !keyHash || !serial || rest.length) throw new PkiParseError('CertID must have four fields');
  const [algOid, params, ...more] = childrenOf(expectTag(alg, Tag.SEQUENCE, 'hashAlgorithm'), 'hashAlgorithm');
  if (!algOid || more.length || (params && !(params.tag === Tag.NULL && params.end === params.valueStart))) throw new PkiParseError('malformed hashAlgorithm');
  const oid = readOid(algOid, 'hashAlgorithm');
  const hash = CERT_ID_HASHES[oid];
  if (!hash) throw new PkiParseError(`unsupported CertID hash algorithm ${oid}`);
  const name = contents(expectTag(nameHash, Tag.OCTET_STRING, 'issuerNameHash'));
  const key = contents(expectTag(keyHash, Tag.OCTET_STRING, 'issuerKeyHash'));
  if (name.length !== HASH_LENGTH[hash] || key.length !== HASH_LENGTH[hash]) throw new PkiParseError(`CertID hashes are not ${hash} digests`);
  const number = readSerial(serial, 'serialNumber');
  if (number.negative) throw new PkiParseError('negative INTEGER in serialNumber');
  if (number.hex.length > 40) throw new PkiParseError('serialNumber exceeds 20 octets');
  return {
    hash,
    issuerNameHash: Buffer.from(name),
    issuerKeyHash: Buffer.from(key),
    serialHex: number.hex.replace(/^0+(?=.)/, ''),
    der: Buffer.from(whole(e)),
  };
}

function findNonce(extensions: DerElement): Buffer | null {
  let nonce: Buffer | null = null;
  for (const ext of childrenOf(expectTag(extensions, Tag.SEQUENCE, 'requestExtensions'), 'requestExtensions', 50)) {
    const fields = childrenOf(expectTag(ext, Tag.SEQUENCE, 'Extension'), 'Extension');
    const id = fields[0] && readOid(fields[0], 'extnID');
    const value = fields[fields.length - 1];
    if (fields.length < 2 || fields.length > 3 || !value) throw new PkiParseError('malformed Extension');
    if (fields.length === 3) expectTag(fields[1]!, Tag.BOOLEAN, 'critical');
    expectTag(value, Tag.OCTET_STRING, 'extnValue');
    if (id === OCSP_NONCE_OID) {
      const octets = contents(value);
      // RFC 8954 §2.1: the nonce is 1 to 32 octets (its OCTET STRING encoding fits in 34).
      if (octets.length === 0 || octets.length > 34) throw new PkiParseError('nonce must be 1-32 octets');
      nonce = Buffer.from(octets);
    }
  }
  return nonce;
}

/** Parses a DER OCSPRequest; throws PkiParseError (only) when it is not one this responder reads. */
export function parseOcspRequest(der: Uint8Array): OcspRequest {
  if (der.length === 0) throw new PkiParseError('empty OCSP request');
  if (der.length > MAX_OCSP_REQUEST_OCTETS) throw new PkiParseError(`OCSP request of ${der.length} octets exceeds ${MAX_OCSP_REQUEST_OCTETS}`);
  try {
    const top = childrenOf(readWhole(der, 'OCSPRequest', Tag.SEQUENCE), 'OCSPRequest');
    if (top.length < 1 || top.length > 2 || (top[1] && top[1].tag !== 0xa0)) throw new PkiParseError('OCSPRequest must be tbsRequest [optionalSignature]');
    const fields = childrenOf(expectTag(top[0]!, Tag.SEQUENCE, 'TBSRequest'), 'TBSRequest');
    let i = 0;
    if (fields[i]?.tag === 0xa0) {
      const [version, ...extra] = childrenOf(fields[i]!, 'version');
      if (!version || extra.length || version.tag !== Tag.INTEGER || version.end - version.valueStart !== 1 || version.buf[version.valueStart] !== 0) {
        throw new PkiParseError('only OCSP version 1 is supported');
      }
      i++;
    }
    if (fields[i]?.tag === 0xa1) i++; // requestorName: informative only (§4.1.2)
    const list = fields[i++];
    if (!list) throw new PkiParseError('requestList is missing');
    const requests = childrenOf(expectTag(list, Tag.SEQUENCE, 'requestList'), 'requestList', MAX_OCSP_REQUESTS);
    if (requests.length === 0) throw new PkiParseError('requestList is empty');
    let nonce: Buffer | null = null;
    if (fields[i]?.tag === 0xa2) {
      const [extensions, ...extra] = childrenOf(fields[i]!, 'requestExtensions');
      if (!extensions || extra.length) throw new PkiParseError('malformed requestExtensions');
      nonce = findNonce(extensions);
      i++;
    }
    if (i !== fields.length) throw new PkiParseError('unexpected fields in TBSRequest');
    const certIds = requests.map((request) => {
      const [certId, extensions, ...extra] = childrenOf(expectTag(request, Tag.SEQUENCE, 'Request'), 'Request');
      if (!certId || extra.length || (extensions && extensions.tag !== 0xa0)) throw new PkiParseError('malformed Request');
      return parseCertId(certId);
    });
    return { certIds, nonce };
  } catch (error) {
    if (error instanceof PkiParseError) throw error;
    // Defence in depth: nothing else should escape, but hostile input must never surface as a crash.
    throw new PkiParseError('malformed OCSP request', { cause: error });
  }
}
