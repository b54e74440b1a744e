/**
 * Parsing untrusted PKCS #10 requests (RFC 2986 §4) for IssueCertificate. Everything here
 * assumes hostile input: a size cap, a strict DER reader that never recurses on its own, and
 * every failure reported as PkiParseError with a reason fit for MalformedCSRException.
 * The signature is checked by verifyCsrSignature over the request's own
 * CertificationRequestInfo octets (never a re-encoding).
 */
import { verify, type KeyObject } from 'node:crypto';
import { isMlDsaAlgorithm } from '@pki/contracts';
import { describePublicKey, hashOf, keyTypeOfSigningAlgorithm, signingAlgorithmFromOid, type AlgorithmFamily, type KeyAlgorithm, type SigningAlgorithm } from './algorithms';
import { readExtensions } from './certificate-parse-support';
import { children, expectTag, readBitString, readInteger, readOid, readWhole, whole, type DerElement } from './der/der-reader';
import { Tag } from './der/der-writer';
import { PkiParseError } from './errors';
import type { Extension } from './extensions';
import { readGeneralNames, type ParsedGeneralName } from './general-names-parse';
import { nameToString, readName, type NameAttribute } from './name-render';
import { Oid } from './oids';
import { verifyMlDsa } from './ml-dsa';
import { fromPem } from './pem';
import { publicKeyFromSpki } from './public-key';

/** AWS IssueCertificate caps Csr at 32 KiB; PEM adds a third, so 64 KiB bounds every valid request. */
export const MAX_CSR_INPUT_OCTETS = 65536;
/** RSA keys below this are refused (NIST SP 800-131A); above the max are refused as a cost bound. */
export const MIN_RSA_BITS = 2048;
export const MAX_RSA_BITS = 16384;

const WEAK_SIGNATURES: Record<string, string> = {
  [Oid.sha1WithRSAEncryption]: 'sha1WithRSAEncryption',
  [Oid.md5WithRSAEncryption]: 'md5WithRSAEncryption',
  '1.2.840.113549.1.1.2': 'md2WithRSAEncryption',
  [Oid.ecdsaWithSHA1]: 'ecdsa-with-SHA1',
  '1.2.840.10040.4.3': 'dsa-with-sha1',
};

export interface ParsedCsr {
  /** The whole request, DER. */
  der: Uint8Array;
  /** CertificationRequestInfo octets exactly as signed. */
  certificationRequestInfo: Uint8Array;
  subjectDer: Uint8Array;
  /** RFC 4514 rendering of the subject, e.g. "CN=example.com,O=Corp,C=US". */
  subject: string;
  subjectAttributes: NameAttribute[][];
  /** First commonName in the subject, if any. */
  commonName: string | undefined;
  publicKeySpki: Uint8Array;
  /** The key's AWS KeyAlgorithm (RSA 2048/3072/4096, P-256/384/521, ML-DSA-44/65/87): a CA key, or a key IssueCertificate certifies; undefined otherwise. */
  keyAlgorithm: KeyAlgorithm | undefined;
  keyType: AlgorithmFamily | 'other';
  /** RSA modulus bits or EC field bits. */
  keyBits: number | undefined;
  curveOid: string | undefined;
  signatureAlgorithmOid: string;
  /** The AWS name of the request's signature algorithm. */
  signingAlgorithm: SigningAlgorithm;
  signature: Uint8Array;
  /** Extensions from the extensionRequest attribute, in request order. */
  extensions: Extension[];
  /** subjectAltName entries, if requested. */
  subjectAltNames: ParsedGeneralName[];
  /** Other attributes (e.g. challengePassword), values as DER. */
  otherAttributes: Array<{ oid: string; values: Uint8Array[] }>;
}

function toDer(input: Uint8Array | string): Uint8Array {
  if (input.length > MAX_CSR_INPUT_OCTETS) throw new PkiParseError(`CSR larger than ${MAX_CSR_INPUT_OCTETS} octets`);
  if (typeof input !== 'string' && input[0] === Tag.SEQUENCE) return input;
  const text = typeof input === 'string' ? input : Buffer.from(input).toString('latin1');
  return fromPem(text, ['CERTIFICATE REQUEST', 'NEW CERTIFICATE REQUEST']);
}

function parseExtensions(set: DerElement): Extension[] {
  const values = children(set, 'extensionRequest values');
  if (values.length !== 1) throw new PkiParseError('extensionRequest must hold exactly one Extensions value');
  return readExtensions(values[0], 'Extensions', { allowEmpty: true, duplicate: (oid) => `extension ${oid} requested twice (RFC 5280 §4.2)` });
}

function parseSignatureAlgorithm(alg: DerElement): { oid: string; algorithm: SigningAlgorithm } {
  expectTag(alg, Tag.SEQUENCE, 'signatureAlgorithm');
  const [id, params, ...rest] = children(alg, 'signatureAlgorithm');
  if (!id || rest.length) throw new PkiParseError('wrong structure: signatureAlgorithm');
  const dotted = readOid(id, 'signature algorithm');
  const weak = WEAK_SIGNATURES[dotted];
  if (weak) throw new PkiParseError(`unsupported signature algorithm ${weak}: SHA-1 and MD5 signatures are not accepted`);
  const algorithm = signingAlgorithmFromOid(dotted);
  if (!algorithm) throw new PkiParseError(`unsupported signature algorithm ${dotted}`);
  if (keyTypeOfSigningAlgorithm(algorithm) === 'rsa') {
    // RFC 4055 §5: NULL; absent parameters are tolerated as many encoders emit them.
    if (params && !(params.tag === Tag.NULL && params.end === params.valueStart)) {
      throw new PkiParseError(`${algorithm} parameters must be NULL`);
    }
  } else if (params) {
    throw new PkiParseError(`${algorithm} must not have parameters (RFC 5758 §3.2, RFC 9881 §2)`);
  }
  return { oid: dotted, algorithm };
}

function parse(der: Uint8Array): ParsedCsr {
  const request = readWhole(der, 'CertificationRequest', Tag.SEQUENCE);
  const [info, alg, sig, ...extra] = children(request, 'CertificationRequest');
  if (!info || !alg || !sig || extra.length) throw new PkiParseError('wrong structure: CertificationRequest needs 3 fields');
  expectTag(info, Tag.SEQUENCE, 'CertificationRequestInfo');

  const fields = children(info, 'CertificationRequestInfo');
  if (fields.length < 3 || fields.length > 4) throw new PkiParseError('wrong structure: CertificationRequestInfo needs 4 fields');
  const [version, subject, spki, attributes] = fields;
  if (readInteger(version, 'version') !== 0n) throw new PkiParseError('unsupported CSR version (RFC 2986 §4.1 requires v1 = 0)');
  expectTag(subject, Tag.SEQUENCE, 'subject');
  const subjectDer = whole(subject);
  const subjectAttributes = readName(subjectDer);
  expectTag(spki, Tag.SEQUENCE, 'subjectPKInfo');
  const publicKeySpki = whole(spki);
  const key = describePublicKey(publicKeySpki);
  if (key.keyType === 'rsa' && (key.keyBits ?? 0) < MIN_RSA_BITS) {
    throw new PkiParseError(`RSA key of ${key.keyBits} bits is below the ${MIN_RSA_BITS}-bit minimum`);
  }
  if (key.keyType === 'rsa' && (key.keyBits ?? 0) > MAX_RSA_BITS) {
    throw new PkiParseError(`RSA key of ${key.keyBits} bits is above the supported ${MAX_RSA_BITS}-bit maximum`);
  }

  let extensions: Extension[] = [];
  const otherAttributes: ParsedCsr['otherAttributes'] = [];
  if (attributes) {
    expectTag(attributes, 0xa0, 'attributes [0]');
    let sawExtensionRequest = false;
    for (const attribute of children(attributes, 'attributes')) {
      expectTag(attribute, Tag.SEQUENCE, 'Attribute');
      const [type, values, ...more] = children(attribute, 'Attribute');
      if (!type || !values || more.length) throw new PkiParseError('wrong structure: Attribute needs type and values');
      const id = readOid(type, 'attribute type');
      expectTag(values, Tag.SET, `values of attribute ${id}`);
      if (id === Oid.extensionRequest) {
        if (sawExtensionRequest) throw new PkiParseError('extensionRequest attribute appears twice');
        sawExtensionRequest = true;
        extensions = parseExtensions(values);
      } else {
        otherAttributes.push({ oid: id, values: children(values, `values of attribute ${id}`).map(whole) });
      }
    }
  }

  const signatureAlgorithm = parseSignatureAlgorithm(alg);
  const { unusedBits, bytes: signature } = readBitString(sig, 'signature');
  if (unusedBits !== 0) throw new PkiParseError('signature BIT STRING has unused bits');
  if (keyTypeOfSigningAlgorithm(signatureAlgorithm.algorithm) !== key.keyType) {
    throw new PkiParseError(`${signatureAlgorithm.algorithm} does not match the request's ${key.keyType} key`);
  }
  if (key.keyType === 'ml-dsa' && signatureAlgorithm.algorithm !== key.keyAlgorithm) {
    // An ML-DSA key signs only with its own parameter set (FIPS 204; RFC 9881 §2).
    throw new PkiParseError(`${signatureAlgorithm.algorithm} does not match the request's ${key.keyAlgorithm} key`);
  }

  const san = extensions.find((e) => e.oid === Oid.subjectAltName);
  const commonName = subjectAttributes.flat().find((a) => a.oid === '2.5.4.3')?.value;
  return {
    der,
    certificationRequestInfo: whole(info),
    subjectDer,
    subject: nameToString(subjectDer),
    subjectAttributes,
    commonName,
    publicKeySpki,
    keyAlgorithm: key.keyAlgorithm,
    keyType: key.keyType,
    keyBits: key.keyBits,
    curveOid: key.curveOid,
    signatureAlgorithmOid: signatureAlgorithm.oid,
    signingAlgorithm: signatureAlgorithm.algorithm,
    signature,
    extensions,
    subjectAltNames: san ? readGeneralNames(san.value) : [],
    otherAttributes,
  };
}

/**
 * Parses a CSR given as PEM text, PEM bytes or DER bytes. Throws PkiParseError (only) when the
 * input is not a well-formed request this platform accepts.
 */
export function parseCsr(input: Uint8Array | string): ParsedCsr {
  try {
    return parse(toDer(input));
  } catch (error) {
    if (error instanceof PkiParseError) throw error;
    // Defence in depth: nothing else should escape, but a hostile input must never surface as a crash.
    throw new PkiParseError('malformed CSR', { cause: error });
  }
}

/**
 * Checks the request's self-signature with its own public key (RFC 2986 §3 proof of possession).
 * `publicKey` makes the KeyObject from the request's SPKI: publicKeyFromSpki, or a caller's
 * cache of it (a key seen before need not be imported again).
 */
export function verifyCsrSignature(csr: ParsedCsr, publicKey: (spki: Uint8Array) => KeyObject = publicKeyFromSpki): boolean {
  // OpenSSL 3.0 cannot read ML-DSA keys: @noble/post-quantum verifies those (ml-dsa.ts).
  if (isMlDsaAlgorithm(csr.signingAlgorithm)) return verifyMlDsa(csr.signingAlgorithm, csr.publicKeySpki, csr.certificationRequestInfo, csr.signature);
  try {
    const key = publicKey(csr.publicKeySpki);
    const expected = keyTypeOfSigningAlgorithm(csr.signingAlgorithm);
    if (key.asymmetricKeyType !== expected) return false;
    return verify(hashOf(csr.signingAlgorithm), csr.certificationRequestInfo, { key, dsaEncoding: 'der' }, csr.signature);
  } catch {
    return false;
  }
}

/** parseCsr + verifyCsrSignature, failing with PkiParseError("bad signature") when it does not verify. */
export function parseAndVerifyCsr(input: Uint8Array | string): ParsedCsr {
  const csr = parseCsr(input);
  if (!verifyCsrSignature(csr)) throw new PkiParseError('bad signature: the CSR is not signed by its own key');
  return csr;
}

