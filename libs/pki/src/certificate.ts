/**
 * X.509 v3 certificates (RFC 5280 §4.1), encoded directly:
 *   TBSCertificate ::= SEQUENCE { version [0] EXPLICIT v3(2), serialNumber, signature,
 *       issuer, validity, subject, subjectPublicKeyInfo, extensions [3] EXPLICIT Extensions }
 *   Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue BIT STRING }
 * The caller signs the TBS through the Signer port and hands the signature to assembleCertificate.
 */
import { signatureAlgorithmIdentifier, type SigningAlgorithm } from './algorithms';
import { readWhole } from './der/der-reader';
import { time } from './der/der-time';
import { bitString, contextConstructed, integer, sequence, Tag, unsignedBigInteger, unsignedInteger } from './der/der-writer';
import { PkiEncodeError } from './errors';
import { encodeExtensions, type Extension } from './extensions';
import type { SignFn } from './signing';

export interface TbsCertificateInput {
  /** Positive serial, at most 20 octets once encoded (RFC 5280 §4.1.2.2). Octets are big-endian unsigned. */
  serial: Uint8Array | bigint;
  signingAlgorithm: SigningAlgorithm;
  /** DER Name of the issuer: the issuing CA certificate's subject, byte for byte (RFC 5280 §4.1.2.4). */
  issuerDer: Uint8Array;
  notBefore: Date;
  notAfter: Date;
  subjectDer: Uint8Array;
  /** DER SubjectPublicKeyInfo. */
  publicKeySpki: Uint8Array;
  extensions: Extension[];
}

const VERSION_3 = contextConstructed(0, integer(2));

/** DER INTEGER of a serial, enforcing RFC 5280 §4.1.2.2 (positive, <= 20 octets). */
export function encodeSerial(serial: Uint8Array | bigint): Buffer {
  if (typeof serial === 'bigint' && serial <= 0n) throw new PkiEncodeError('serial number must be positive (RFC 5280 §4.1.2.2)');
  const encoded = typeof serial === 'bigint' ? unsignedBigInteger(serial) : unsignedInteger(serial);
  if (encoded.length === 3 && encoded[2] === 0) throw new PkiEncodeError('serial number must be positive (RFC 5280 §4.1.2.2)');
  if (encoded.length - 2 > 20) throw new PkiEncodeError('serial number exceeds 20 octets (RFC 5280 §4.1.2.2)');
  return encoded;
}

function checkElement(der: Uint8Array, what: string): void {
  try {
    readWhole(der, what, Tag.SEQUENCE);
  } catch (cause) {
    throw new PkiEncodeError(`${what} is not one DER SEQUENCE`, { cause });
  }
}

export function buildTbsCertificate(input: TbsCertificateInput): Buffer {
  if (input.notAfter.getTime() < input.notBefore.getTime()) throw new PkiEncodeError('notAfter is before notBefore');
  checkElement(input.issuerDer, 'issuer Name');
  checkElement(input.subjectDer, 'subject Name');
  checkElement(input.publicKeySpki, 'SubjectPublicKeyInfo');
  const algorithm = signatureAlgorithmIdentifier(input.signingAlgorithm);
  const parts = [
    VERSION_3,
    encodeSerial(input.serial),
    algorithm,
    input.issuerDer,
    sequence(time(input.notBefore), time(input.notAfter)),
    input.subjectDer,
    input.publicKeySpki,
  ];
  if (input.extensions.length) parts.push(contextConstructed(3, encodeExtensions(input.extensions)));
  return sequence(...parts);
}

/** Certificate DER from a TBS and its signature; the algorithm must be the one inside the TBS. */
export function assembleCertificate(tbs: Uint8Array, signingAlgorithm: SigningAlgorithm, signature: Uint8Array): Buffer {
  return sequence(tbs, signatureAlgorithmIdentifier(signingAlgorithm), bitString(signature));
}

/** buildTbsCertificate + sign + assembleCertificate. */
export async function buildCertificate(input: TbsCertificateInput & { sign: SignFn }): Promise<{ tbs: Buffer; der: Buffer }> {
  const tbs = buildTbsCertificate(input);
  const signature = await input.sign(tbs);
  return { tbs, der: assembleCertificate(tbs, input.signingAlgorithm, signature) };
}
