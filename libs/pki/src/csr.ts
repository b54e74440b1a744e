/**
 * PKCS #10 certification requests (RFC 2986 §4), e.g. for GetCertificateAuthorityCsr:
 *   CertificationRequestInfo ::= SEQUENCE { version INTEGER { v1(0) }, subject Name,
 *       subjectPKInfo SubjectPublicKeyInfo, attributes [0] IMPLICIT SET OF Attribute }
 *   CertificationRequest ::= SEQUENCE { certificationRequestInfo, signatureAlgorithm, signature BIT STRING }
 * Requested extensions travel in the PKCS #9 extensionRequest attribute (RFC 2985 §5.4.2).
 * ECDSA signatures stay in the DER ECDSA-Sig-Value form node:crypto produces by default.
 */
import { describePublicKey, keyTypeOfSigningAlgorithm, signatureAlgorithmIdentifier, type SigningAlgorithm } from './algorithms';
import { oid } from './der/der-oid';
import { bitString, contextConstructed, integer, sequence, setOf } from './der/der-writer';
import { PkiEncodeError } from './errors';
import { encodeExtensions, type Extension } from './extensions';
import { encodeName, type ASN1Subject } from './names';
import { Oid } from './oids';
import type { SignFn } from './signing';

export interface BuildCsrInput {
  /** AWS ASN1Subject, or an already-encoded Name (DER). */
  subject: ASN1Subject | Uint8Array;
  /** DER SubjectPublicKeyInfo of the key being certified. */
  publicKeySpki: Uint8Array;
  signingAlgorithm: SigningAlgorithm;
  /** Requested extensions, sent as the extensionRequest attribute. */
  extensions?: Extension[];
  sign: SignFn;
}

/** The DER CertificationRequestInfo that gets signed. */
export function buildCertificationRequestInfo(input: Omit<BuildCsrInput, 'sign'>): Buffer {
  const keyType = describePublicKey(input.publicKeySpki).keyType;
  if (keyType !== keyTypeOfSigningAlgorithm(input.signingAlgorithm)) {
    throw new PkiEncodeError(`${input.signingAlgorithm} cannot be used with a ${keyType} key`);
  }
  const subject = input.subject instanceof Uint8Array ? input.subject : encodeName(input.subject);
  const attributes = input.extensions?.length
    ? [sequence(oid(Oid.extensionRequest), setOf(encodeExtensions(input.extensions)))]
    : [];
  return sequence(integer(0), subject, input.publicKeySpki, contextConstructed(0, ...attributes));
}

/** Builds and signs a DER CertificationRequest. */
export async function buildCsr(input: BuildCsrInput): Promise<Buffer> {
  const info = buildCertificationRequestInfo(input);
  const signature = await input.sign(info);
  return sequence(info, signatureAlgorithmIdentifier(input.signingAlgorithm), bitString(signature));
}
