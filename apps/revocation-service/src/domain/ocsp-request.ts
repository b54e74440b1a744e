/**
 * OCSPRequest parsing (RFC 6960 §4.1.1). Pure; every failure is an OcspMalformed, which the
 * responder answers with `malformedRequest` (§2.3), never an exception.
 *
 *   OCSPRequest ::= SEQUENCE { tbsRequest TBSRequest, optionalSignature [0] EXPLICIT Signature OPTIONAL }
 *   TBSRequest  ::= SEQUENCE { version [0] EXPLICIT Version DEFAULT v1, requestorName [1] EXPLICIT GeneralName OPTIONAL,
 *                              requestList SEQUENCE OF Request, requestExtensions [2] EXPLICIT Extensions OPTIONAL }
 *   Request     ::= SEQUENCE { reqCert CertID, singleRequestExtensions [0] EXPLICIT Extensions OPTIONAL }
 *   CertID      ::= SEQUENCE { hashAlgorithm AlgorithmIdentifier, issuerNameHash OCTET STRING,
 *                              issuerKeyHash OCTET STRING, serialNumber CertificateSerialNumber }
 */
import { bytesOf, childrenOf, DerError, expect, readOidValue, readOnly, readPositiveInteger, valueOf, type Der } from './der-read';

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

export class OcspMalformed extends Error {
  override readonly name = 'OcspMalformed';
}

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

function parseCertId(e: Der): OcspCertId {
  const [alg, nameHash, keyHash, serial, ...rest] = childrenOf(expect(e, 0x30, 'CertID'), 'CertID');
  if (!alg || !nameHash || !keyHash || !serial || rest.length) throw new DerError('CertID must have four fields');
  const [algOid, params, ...more] = childrenOf(expect(alg, 0x30, 'hashAlgorithm'), 'hashAlgorithm');
  if (!algOid || more.length || (params && !(params.tag === 0x05 && params.end === params.valueStart))) throw new DerError('malformed hashAlgorithm');
  const oid = readOidValue(algOid, 'hashAlgorithm');
  const hash = CERT_ID_HASHES[oid];
  if (!hash) throw new DerError(`unsupported CertID hash algorithm ${oid}`);
  const name = valueOf(expect(nameHash, 0x04, 'issuerNameHash'));
  const key = valueOf(expect(keyHash, 0x04, 'issuerKeyHash'));
  if (name.length !== HASH_LENGTH[hash] || key.length !== HASH_LENGTH[hash]) throw new DerError(`CertID hashes are not ${hash} digests`);
  const magnitude = readPositiveInteger(serial, 'serialNumber');
  if (magnitude.length > 20) throw new DerError('serialNumber exceeds 20 octets');
  return {
    hash,
    issuerNameHash: Buffer.from(name),
    issuerKeyHash: Buffer.from(key),
    serialHex: Buffer.from(magnitude).toString('hex').replace(/^0+(?=.)/, ''),
    der: Buffer.from(bytesOf(e)),
  };
}

function findNonce(extensions: Der): Buffer | null {
  let nonce: Buffer | null = null;
  for (const ext of childrenOf(expect(extensions, 0x30, 'requestExtensions'), 'requestExtensions', 50)) {
    const fields = childrenOf(expect(ext, 0x30, 'Extension'), 'Extension');
    const id = fields[0] && readOidValue(fields[0], 'extnID');
    const value = fields[fields.length - 1];
    if (fields.length < 2 || fields.length > 3 || !value) throw new DerError('malformed Extension');
    if (fields.length === 3) expect(fields[1]!, 0x01, 'critical');
    expect(value, 0x04, 'extnValue');
    if (id === OCSP_NONCE_OID) {
      const contents = valueOf(value);
      // RFC 8954 §2.1: the nonce is 1 to 32 octets (its OCTET STRING encoding fits in 34).
      if (contents.length === 0 || contents.length > 34) throw new DerError('nonce must be 1-32 octets');
      nonce = Buffer.from(contents);
    }
  }
  return nonce;
}

export function parseOcspRequest(der: Uint8Array): OcspRequest {
  if (der.length === 0) throw new OcspMalformed('empty OCSP request');
  if (der.length > MAX_OCSP_REQUEST_OCTETS) throw new OcspMalformed(`OCSP request of ${der.length} octets exceeds ${MAX_OCSP_REQUEST_OCTETS}`);
  try {
    const top = childrenOf(readOnly(der, 0x30, 'OCSPRequest'), 'OCSPRequest');
    if (top.length < 1 || top.length > 2 || (top[1] && top[1].tag !== 0xa0)) throw new DerError('OCSPRequest must be tbsRequest [optionalSignature]');
    const fields = childrenOf(expect(top[0]!, 0x30, 'TBSRequest'), 'TBSRequest');
    let i = 0;
    if (fields[i]?.tag === 0xa0) {
      const [version, ...extra] = childrenOf(fields[i]!, 'version');
      if (!version || extra.length || version.tag !== 0x02 || version.end - version.valueStart !== 1 || version.buf[version.valueStart] !== 0) {
        throw new DerError('only OCSP version 1 is supported');
      }
      i++;
    }
    if (fields[i]?.tag === 0xa1) i++; // requestorName: informative only (§4.1.2)
    const list = fields[i++];
    if (!list) throw new DerError('requestList is missing');
    const requests = childrenOf(expect(list, 0x30, 'requestList'), 'requestList', MAX_OCSP_REQUESTS);
    if (requests.length === 0) throw new DerError('requestList is empty');
    let nonce: Buffer | null = null;
    if (fields[i]?.tag === 0xa2) {
      const [extensions, ...extra] = childrenOf(fields[i]!, 'requestExtensions');
      if (!extensions || extra.length) throw new DerError('malformed requestExtensions');
      nonce = findNonce(extensions);
      i++;
    }
    if (i !== fields.length) throw new DerError('unexpected fields in TBSRequest');
    const certIds = requests.map((request) => {
      const [certId, extensions, ...extra] = childrenOf(expect(request, 0x30, 'Request'), 'Request');
      if (!certId || extra.length || (extensions && extensions.tag !== 0xa0)) throw new DerError('malformed Request');
      return parseCertId(certId);
    });
    return { certIds, nonce };
  } catch (error) {
    if (error instanceof DerError) throw new OcspMalformed(error.message, { cause: error });
    throw error;
  }
}
