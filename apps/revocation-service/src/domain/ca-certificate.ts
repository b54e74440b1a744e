/**
 * What revocation needs from a CA certificate: the issuer name and key identifier of its CRLs
 * (RFC 5280 §5.1.2.3, §5.2.1), the OCSP CertID hashes that name it (RFC 6960 §4.1.1: hash of
 * the issuer's DER subject and of its subjectPublicKey BIT STRING value) and its ResponderID
 * byKey (SHA-1 of the key, §4.2.1). Pure.
 */
import { createHash } from 'node:crypto';
import { describePublicKey, keyIdentifierFromSpki, parseCertificate, type CertIdHash } from '@pki/pki';

export const CERT_ID_HASH_NAMES: readonly CertIdHash[] = ['sha1', 'sha256', 'sha384', 'sha512'];

export interface CaCertificateFacts {
  readonly serial: string;
  readonly subject: string;
  readonly subjectDer: Buffer;
  readonly publicKeySpki: Buffer;
  /** The certificate's subjectKeyIdentifier, else the RFC 5280 §4.2.1.2 (1) SHA-1 key id. */
  readonly keyIdentifier: Buffer;
  readonly responderKeyHash: Buffer;
  readonly certIdHashes: ReadonlyArray<{ readonly hash: CertIdHash; readonly keyHash: Buffer; readonly nameHash: Buffer }>;
}

export function caCertificateFacts(der: Uint8Array): CaCertificateFacts {
  const parsed = parseCertificate(der);
  const key = describePublicKey(parsed.publicKeySpki).subjectPublicKey;
  const digest = (hash: CertIdHash, bytes: Uint8Array) => createHash(hash).update(bytes).digest();
  return {
    serial: parsed.serialHex.replace(/^0+(?=.)/, ''),
    subject: parsed.subject,
    subjectDer: Buffer.from(parsed.subjectDer),
    publicKeySpki: Buffer.from(parsed.publicKeySpki),
    keyIdentifier: Buffer.from(parsed.subjectKeyIdentifier ?? keyIdentifierFromSpki(parsed.publicKeySpki)),
    responderKeyHash: digest('sha1', key),
    certIdHashes: CERT_ID_HASH_NAMES.map((hash) => ({ hash, keyHash: digest(hash, key), nameHash: digest(hash, parsed.subjectDer) })),
  };
}
