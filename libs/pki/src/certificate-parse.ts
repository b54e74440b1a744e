/**
 * Parsing untrusted X.509 certificates (RFC 5280 §4.1), e.g. for ImportCertificateAuthority-
 * Certificate chain checks and device registration. Strict DER through the non-recursive reader,
 * a size cap, and every failure reported as PkiParseError with a reason. The certificate's own
 * TBSCertificate octets are kept for signature verification (never a re-encoding).
 *
 * What is refused: anything that is not DER, v1 certificates with extensions, unique IDs in v1,
 * a signature AlgorithmIdentifier differing from the TBS one (§4.1.1.2), malformed Time (§4.1.2.5),
 * duplicate extensions (§4.2), malformed basicConstraints/keyUsage/SKI/AKI/subjectAltName.
 * What is accepted but flagged: SHA-1/MD5 and unknown signature algorithms (`signatureAlgorithm.support`),
 * negative or over-long serial numbers (§4.1.2.2 asks relying parties to handle them gracefully).
 */
import { describePublicKey, type PublicKeyInfo } from './algorithms';
import { checkSignedSignature, parseInput, readFinalExtensions, readPart, readSigned, readSignatureAlgorithm, readSmallNonNegative, readTime, readValue, type SignatureAlgorithmInfo, type SignatureCheck } from './certificate-parse-support';
import { children, contents, expectTag, readBitString, readBoolean, readSerial, readWhole, whole, type DerElement } from './der/der-reader';
import { Tag } from './der/der-writer';
import { PkiParseError } from './errors';
import type { Extension, KeyUsage } from './extensions';
import { readGeneralNames, type ParsedGeneralName } from './general-names-parse';
import { nameToString } from './name-render';
import { Oid } from './oids';

/** Default cap on a certificate's DER size; PEM input may be up to twice as long. */
export const MAX_CERTIFICATE_OCTETS = 65536;

export interface ParseCertificateOptions {
  /** Largest accepted DER size in octets (default MAX_CERTIFICATE_OCTETS). */
  maxOctets?: number;
}

export interface BasicConstraints {
  ca: boolean;
  pathLenConstraint: number | undefined;
}

export interface AuthorityKeyIdentifier {
  keyIdentifier: Uint8Array | undefined;
  authorityCertIssuer: ParsedGeneralName[] | undefined;
  /** authorityCertSerialNumber as lowercase hex. */
  authorityCertSerialNumber: string | undefined;
}

export interface ParsedCertificate {
  /** The whole certificate, DER. */
  der: Uint8Array;
  /** 1, 2 or 3. */
  version: 1 | 2 | 3;
  /** Serial number contents octets (two's complement, as encoded). */
  serialNumber: Uint8Array;
  /** Lowercase hex of the serial without the DER sign octet; '-' prefixed when negative. */
  serialHex: string;
  /** AlgorithmIdentifier of the signature (identical to the TBS `signature` field). */
  signatureAlgorithm: SignatureAlgorithmInfo;
  issuerDer: Uint8Array;
  /** RFC 4514 text of the issuer. */
  issuer: string;
  subjectDer: Uint8Array;
  subject: string;
  notBefore: Date;
  notAfter: Date;
  /** SubjectPublicKeyInfo DER. */
  publicKeySpki: Uint8Array;
  publicKey: PublicKeyInfo;
  issuerUniqueId: Uint8Array | undefined;
  subjectUniqueId: Uint8Array | undefined;
  /** All extensions in certificate order. */
  extensions: Extension[];
  basicConstraints: BasicConstraints | undefined;
  /** keyUsage bits by name (only when the extension is present). */
  keyUsage: KeyUsage | undefined;
  subjectKeyIdentifier: Uint8Array | undefined;
  authorityKeyIdentifier: AuthorityKeyIdentifier | undefined;
  subjectAltNames: ParsedGeneralName[] | undefined;
  /** TBSCertificate octets exactly as signed. */
  tbsCertificate: Uint8Array;
  /** signatureValue BIT STRING octets (after the unused-bits octet). */
  signature: Uint8Array;
  /** The BIT STRING's unused-bit count; non-zero is kept so the signature check (not the parser) fails it. */
  signatureUnusedBits: number;
}

const KEY_USAGE_NAMES: ReadonlyArray<keyof KeyUsage> = [
  'DigitalSignature',
  'NonRepudiation',
  'KeyEncipherment',
  'DataEncipherment',
  'KeyAgreement',
  'KeyCertSign',
  'CRLSign',
  'EncipherOnly',
  'DecipherOnly',
];

/** BasicConstraints ::= SEQUENCE { cA BOOLEAN DEFAULT FALSE, pathLenConstraint INTEGER (0..MAX) OPTIONAL } */
function readBasicConstraints(value: Uint8Array): BasicConstraints {
  const seq = readValue(value, Tag.SEQUENCE, 'basicConstraints');
  const fields = children(seq, 'basicConstraints');
  let ca = false;
  let pathLenConstraint: number | undefined;
  let i = 0;
  if (fields[i]?.tag === Tag.BOOLEAN) {
    ca = readBoolean(fields[i++], 'basicConstraints cA');
    if (!ca) throw new PkiParseError('basicConstraints encodes the DEFAULT cA=FALSE, which DER forbids');
  }
  if (fields[i]?.tag === Tag.INTEGER) pathLenConstraint = readSmallNonNegative(fields[i++], 'pathLenConstraint');
  if (i !== fields.length) throw new PkiParseError('wrong structure: basicConstraints');
  return { ca, pathLenConstraint };
}

/** KeyUsage ::= BIT STRING (RFC 5280 §4.2.1.3); trailing zero bits are tolerated. */
function readKeyUsage(value: Uint8Array): KeyUsage {
  const { unusedBits, bytes } = readBitString(readValue(value, Tag.BIT_STRING, 'keyUsage'), 'keyUsage');
  if (unusedBits > 0 && bytes[bytes.length - 1] & ((1 << unusedBits) - 1)) throw new PkiParseError('keyUsage sets unused bits');
  const usage: KeyUsage = {};
  KEY_USAGE_NAMES.forEach((name, bit) => {
    if ((bytes[bit >> 3] ?? 0) & (0x80 >> (bit & 7))) usage[name] = true;
  });
  return usage;
}

/** An [n] IMPLICIT SEQUENCE OF GeneralName re-read as GeneralNames. */
function implicitGeneralNames(e: DerElement, what: string): ParsedGeneralName[] {
  if (e.tag & 0x20) {
    const copy = Uint8Array.from(whole(e));
    copy[0] = Tag.SEQUENCE;
    return readGeneralNames(copy);
  }
  throw new PkiParseError(`wrong structure: ${what}`);
}

/** AuthorityKeyIdentifier ::= SEQUENCE { [0] KeyIdentifier OPTIONAL, [1] GeneralNames OPTIONAL, [2] CertificateSerialNumber OPTIONAL } */
export function readAuthorityKeyIdentifier(value: Uint8Array): AuthorityKeyIdentifier {
  const seq = readValue(value, Tag.SEQUENCE, 'authorityKeyIdentifier');
  const out: AuthorityKeyIdentifier = { keyIdentifier: undefined, authorityCertIssuer: undefined, authorityCertSerialNumber: undefined };
  let last = -1;
  for (const field of children(seq, 'authorityKeyIdentifier')) {
    if (field.tag === 0x80 && last < 0) out.keyIdentifier = contents(field);
    else if (field.tag === 0xa1 && last < 1) out.authorityCertIssuer = implicitGeneralNames(field, 'authorityCertIssuer');
    else if (field.tag === 0x82 && last < 2) {
      const copy = Uint8Array.from(whole(field));
      copy[0] = Tag.INTEGER;
      out.authorityCertSerialNumber = readSerial(readWhole(copy, 'authorityCertSerialNumber'), 'authorityCertSerialNumber').hex;
    } else throw new PkiParseError('wrong structure: authorityKeyIdentifier');
    last = field.tag & 0x1f;
  }
  if ((out.authorityCertIssuer === undefined) !== (out.authorityCertSerialNumber === undefined)) {
    throw new PkiParseError('authorityKeyIdentifier needs both or neither of authorityCertIssuer and authorityCertSerialNumber');
  }
  return out;
}

function decodeExtension<T>(ext: Extension | undefined, read: (value: Uint8Array) => T): T | undefined {
  return ext && readPart(`extension ${ext.oid}`, () => read(ext.value));
}

function readValidity(e: DerElement): { notBefore: Date; notAfter: Date } {
  expectTag(e, Tag.SEQUENCE, 'validity');
  const [notBefore, notAfter, ...rest] = children(e, 'validity');
  if (!notBefore || !notAfter || rest.length) throw new PkiParseError('wrong structure: validity needs notBefore and notAfter');
  return { notBefore: readTime(notBefore, 'notBefore'), notAfter: readTime(notAfter, 'notAfter') };
}

function readNameField(e: DerElement, what: string): { der: Uint8Array; text: string } {
  expectTag(e, Tag.SEQUENCE, what);
  const der = whole(e);
  return { der, text: readPart(what, () => nameToString(der)) };
}

function parse(der: Uint8Array): ParsedCertificate {
  const signed = readSigned(der, 'Certificate', 'TBSCertificate');
  const { tbs, fields } = signed;
  let i = 0;

  let version: 1 | 2 | 3 = 1;
  if (fields[i]?.tag === 0xa0) {
    const [v, ...more] = children(fields[i++], 'version');
    if (!v || more.length) throw new PkiParseError('wrong structure: version');
    const n = readSmallNonNegative(v, 'version');
    if (n === 0) throw new PkiParseError('version encodes the DEFAULT v1 explicitly, which DER forbids');
    if (n > 2) throw new PkiParseError(`unsupported certificate version ${n + 1}`);
    version = (n + 1) as 2 | 3;
  }
  const [serialE, sigAlgE, issuerE, validityE, subjectE, spkiE] = fields.slice(i, i + 6);
  if (!spkiE) throw new PkiParseError('wrong structure: TBSCertificate is missing fields');
  i += 6;
  const serial = readSerial(serialE, 'serialNumber');
  const tbsAlgorithm = readSignatureAlgorithm(sigAlgE, 'TBSCertificate signature');
  const issuer = readNameField(issuerE, 'issuer');
  const { notBefore, notAfter } = readValidity(validityE);
  const subject = readNameField(subjectE, 'subject');
  expectTag(spkiE, Tag.SEQUENCE, 'subjectPublicKeyInfo');
  const publicKeySpki = whole(spkiE);
  const publicKey = readPart('subjectPublicKeyInfo', () => describePublicKey(publicKeySpki));

  let issuerUniqueId: Uint8Array | undefined;
  let subjectUniqueId: Uint8Array | undefined;
  if (fields[i]?.tag === 0x81) issuerUniqueId = contents(fields[i++]);
  if (fields[i]?.tag === 0x82) subjectUniqueId = contents(fields[i++]);
  if ((issuerUniqueId || subjectUniqueId) && version === 1) throw new PkiParseError('unique identifiers require version 2 or 3 (RFC 5280 §4.1.2.8)');
  const extensions = readFinalExtensions(fields, i, 0xa3, 'extensions', 'TBSCertificate', version !== 3 ? 'extensions require version 3 (RFC 5280 §4.1.2.9)' : undefined);

  const { signatureAlgorithm, signature, signatureUnusedBits } = signed.signature(tbsAlgorithm, '§4.1.1.2');

  const find = (oid: string): Extension | undefined => extensions.find((e) => e.oid === oid);
  return {
    der,
    version,
    serialNumber: serial.bytes,
    serialHex: serial.hex,
    signatureAlgorithm,
    issuerDer: issuer.der,
    issuer: issuer.text,
    subjectDer: subject.der,
    subject: subject.text,
    notBefore,
    notAfter,
    publicKeySpki,
    publicKey,
    issuerUniqueId,
    subjectUniqueId,
    extensions,
    basicConstraints: decodeExtension(find(Oid.basicConstraints), readBasicConstraints),
    keyUsage: decodeExtension(find(Oid.keyUsage), readKeyUsage),
    subjectKeyIdentifier: decodeExtension(find(Oid.subjectKeyIdentifier), (v) => contents(readValue(v, Tag.OCTET_STRING, 'subjectKeyIdentifier'))),
    authorityKeyIdentifier: decodeExtension(find(Oid.authorityKeyIdentifier), readAuthorityKeyIdentifier),
    subjectAltNames: decodeExtension(find(Oid.subjectAltName), readGeneralNames),
    tbsCertificate: whole(tbs),
    signature,
    signatureUnusedBits,
  };
}

/**
 * Parses one X.509 certificate given as PEM text, PEM bytes or DER bytes. Throws PkiParseError
 * (only) when the input is not a well-formed certificate.
 */
export function parseCertificate(pemOrDer: Uint8Array | string, options: ParseCertificateOptions = {}): ParsedCertificate {
  return parseInput(pemOrDer, ['CERTIFICATE', 'X509 CERTIFICATE'], 'certificate', options.maxOctets ?? MAX_CERTIFICATE_OCTETS, parse);
}

/** Signature check with its reason; 'unsupported' for SHA-1/MD5, DSA and unknown algorithms. Never throws. */
export function checkCertificateSignature(cert: ParsedCertificate, issuerSpki: Uint8Array): SignatureCheck {
  return checkSignedSignature(cert.tbsCertificate, cert, issuerSpki);
}

/**
 * True when `cert` is signed by the key in `issuerSpki` (DER SubjectPublicKeyInfo) with a
 * supported algorithm. False for bad signatures and for algorithms reported as 'weak' or
 * 'unsupported' in `cert.signatureAlgorithm.support` (use checkCertificateSignature to tell them apart).
 */
export function verifyCertificateSignature(cert: ParsedCertificate, issuerSpki: Uint8Array): boolean {
  return checkCertificateSignature(cert, issuerSpki).status === 'valid';
}
