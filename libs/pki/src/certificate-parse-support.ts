/**
 * Pieces shared by the certificate and CRL parsers (certificate-parse.ts, and the test-support crl-parse.spec-helper.ts): input
 * decoding with a size cap, Time (RFC 5280 §4.1.2.5), AlgorithmIdentifier for signatures,
 * Extensions (§4.1.2.9 / §5.1.2.7) and signature verification with node:crypto.
 * Everything here treats its input as hostile and reports failures only as PkiParseError.
 */
import { constants, createPublicKey, verify, type KeyObject } from 'node:crypto';
import { describePublicKey } from './algorithms';
import { decodeOidContents } from './der/der-oid';
import { children, contents, expectTag, readBitString, readBoolean, readElement, readOid, readWhole, whole, type DerElement } from './der/der-reader';
import { Tag } from './der/der-writer';
import { PkiParseError } from './errors';
import type { Extension } from './extensions';
import { mlDsaAlgorithmFromOid, verifyMlDsa } from './ml-dsa';
import { Oid } from './oids';
import { fromPem } from './pem';

/** Decodes PEM text, PEM bytes or DER bytes, applying `maxDerOctets` (PEM text may be up to twice that). */
export function inputToDer(input: Uint8Array | string, labels: readonly string[], what: string, maxDerOctets: number): Uint8Array {
  if (typeof input !== 'string' && !(input instanceof Uint8Array)) throw new PkiParseError(`${what} must be PEM text or DER bytes`);
  if (input.length === 0) throw new PkiParseError(`empty ${what}`);
  let der: Uint8Array;
  if (typeof input !== 'string' && input[0] === Tag.SEQUENCE) {
    der = input;
  } else {
    if (input.length > 2 * maxDerOctets + 1024) throw new PkiParseError(`${what} larger than ${maxDerOctets} octets`);
    const text = typeof input === 'string' ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength).toString('latin1');
    der = fromPem(text, labels);
  }
  if (der.length > maxDerOctets) throw new PkiParseError(`${what} larger than ${maxDerOctets} octets`);
  return der;
}

/**
 * Parses PEM or DER input with `parse`, reporting every failure as PkiParseError (defence in
 * depth: nothing else should escape, but hostile input must never surface as a crash).
 */
export function parseInput<T>(input: Uint8Array | string, labels: readonly string[], what: string, maxDerOctets: number, parse: (der: Uint8Array) => T): T {
  try {
    return parse(inputToDer(input, labels, what, maxDerOctets));
  } catch (error) {
    if (error instanceof PkiParseError) throw error;
    throw new PkiParseError(`malformed ${what}`, { cause: error });
  }
}

/** Runs `read` on a part of the input, prefixing any failure with `malformed <what>: `. */
export function readPart<T>(what: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    const reason = error instanceof PkiParseError ? error.reason : 'malformed';
    throw new PkiParseError(`malformed ${what}: ${reason}`, { cause: error });
  }
}

// ---------------------------------------------------------------------------------------------
// SIGNED{ToBeSigned} ::= SEQUENCE { toBeSigned, algorithmIdentifier, signature BIT STRING }
// (Certificate RFC 5280 §4.1.1, CertificateList §5.1.1)
// ---------------------------------------------------------------------------------------------

export interface SignedParts {
  /** The to-be-signed SEQUENCE (TBSCertificate, TBSCertList). */
  tbs: DerElement;
  /** Its fields. */
  fields: DerElement[];
  /** Reads the outer signatureAlgorithm and signatureValue; the algorithm must equal the TBS's own `tbsAlgorithm`. */
  signature(tbsAlgorithm: SignatureAlgorithmInfo, section: string): SignedSignature;
}

export interface SignedSignature {
  signatureAlgorithm: SignatureAlgorithmInfo;
  signature: Uint8Array;
  /** The BIT STRING's unused-bit count; non-zero is kept so the signature check (not the parser) fails it. */
  signatureUnusedBits: number;
}

export function readSigned(der: Uint8Array, what: string, tbsWhat: string): SignedParts {
  const outer = readWhole(der, what, Tag.SEQUENCE);
  const [tbs, alg, sig, ...extra] = children(outer, what);
  if (!tbs || !alg || !sig || extra.length) throw new PkiParseError(`wrong structure: ${what} needs 3 fields`);
  expectTag(tbs, Tag.SEQUENCE, tbsWhat);
  return {
    tbs,
    fields: children(tbs, tbsWhat),
    signature(tbsAlgorithm, section) {
      const signatureAlgorithm = readSignatureAlgorithm(alg, 'signatureAlgorithm');
      if (Buffer.compare(signatureAlgorithm.der, tbsAlgorithm.der) !== 0) {
        throw new PkiParseError(`signatureAlgorithm differs from the ${tbsWhat} signature field (RFC 5280 ${section})`);
      }
      const { unusedBits, bytes } = readBitString(sig, 'signatureValue');
      return { signatureAlgorithm, signature: bytes, signatureUnusedBits: unusedBits };
    },
  };
}

/** Signature check of a parsed signed object with its reason; 'unsupported' for SHA-1/MD5, DSA and unknown algorithms. Never throws. */
export function checkSignedSignature(tbs: Uint8Array, signed: SignedSignature, issuerSpki: Uint8Array): SignatureCheck {
  if (signed.signatureUnusedBits !== 0) return { status: 'invalid', reason: 'signatureValue has unused bits' };
  return checkSignature(tbs, signed.signatureAlgorithm, signed.signature, issuerSpki);
}

// ---------------------------------------------------------------------------------------------
// Time ::= CHOICE { utcTime UTCTime, generalTime GeneralizedTime }
// ---------------------------------------------------------------------------------------------

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * RFC 5280 §4.1.2.5: UTCTime YYMMDDHHMMSSZ (YY >= 50 -> 19YY, else 20YY) or GeneralizedTime
 * YYYYMMDDHHMMSSZ, both in UTC with seconds and without fractions. Anything else is refused.
 * GeneralizedTime before 2050 is accepted when reading (RFC 5280 only forbids CAs to write it,
 * and PKITS 4.2.4 expects relying parties to accept it).
 */
export function readTime(e: DerElement, what: string): Date {
  const c = contents(e);
  let digits: number;
  if (e.tag === Tag.UTC_TIME) digits = 2;
  else if (e.tag === Tag.GENERALIZED_TIME) digits = 4;
  else throw new PkiParseError(`wrong structure: ${what} is neither UTCTime nor GeneralizedTime`);
  const length = digits + 11;
  if (c.length !== length || c[length - 1] !== 0x5a) {
    throw new PkiParseError(`${what} must be ${digits === 2 ? 'YYMMDDHHMMSSZ' : 'YYYYMMDDHHMMSSZ'} (RFC 5280 §4.1.2.5)`);
  }
  for (let i = 0; i < length - 1; i++) {
    if (c[i] < 0x30 || c[i] > 0x39) throw new PkiParseError(`${what} contains a non-digit`);
  }
  const num = (at: number, n: number): number => {
    let v = 0;
    for (let i = 0; i < n; i++) v = v * 10 + (c[at + i] - 0x30);
    return v;
  };
  let year = num(0, digits);
  if (digits === 2) year += year >= 50 ? 1900 : 2000;
  const month = num(digits, 2);
  const day = num(digits + 2, 2);
  const hour = num(digits + 4, 2);
  const minute = num(digits + 6, 2);
  const second = num(digits + 8, 2);
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const monthDays = month >= 1 && month <= 12 ? DAYS_IN_MONTH[month - 1] + (month === 2 && leap ? 1 : 0) : 0;
  if (month < 1 || month > 12 || day < 1 || day > monthDays || hour > 23 || minute > 59 || second > 59) {
    throw new PkiParseError(`${what} is not a valid date`);
  }
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, 0);
  return date;
}

// ---------------------------------------------------------------------------------------------
// Signature AlgorithmIdentifier
// ---------------------------------------------------------------------------------------------

export type SignatureHash = 'sha1' | 'sha224' | 'sha256' | 'sha384' | 'sha512' | 'md5' | 'md2';

export interface SignatureAlgorithmInfo {
  oid: string;
  /** A readable name (OpenSSL-style), or the dotted OID when unknown. */
  name: string;
  /** The AlgorithmIdentifier DER exactly as encoded. */
  der: Uint8Array;
  /** Key family the algorithm needs, when known. */
  keyType: 'rsa' | 'rsa-pss' | 'ec' | 'dsa' | 'ed25519' | 'ed448' | 'ml-dsa' | undefined;
  hash: SignatureHash | undefined;
  /** RSASSA-PSS salt length (RFC 4055 §3.1), when keyType is 'rsa-pss' and the parameters are supported. */
  pssSaltLength?: number;
  /**
   * 'supported': verifyCertificateSignature/verifyCrlSignature check it.
   * 'weak': SHA-1/MD5/MD2 based; parsed, never verified (callers decide what to do with it).
   * 'unsupported': parsed, not verifiable here (DSA, Ed448, unusual PSS parameters, unknown OIDs).
   */
  support: 'supported' | 'weak' | 'unsupported';
  /** Why the algorithm is not 'supported'. */
  unsupportedReason?: string;
}

interface KnownAlgorithm {
  name: string;
  keyType: SignatureAlgorithmInfo['keyType'];
  hash: SignatureHash | undefined;
  /** 'null-or-absent' (RFC 4055 §5), 'absent' (RFC 5758 §3.2, RFC 8410 §3). */
  params: 'null-or-absent' | 'absent' | 'pss';
}

const KNOWN: Record<string, KnownAlgorithm> = {
  '1.2.840.113549.1.1.2': { name: 'md2WithRSAEncryption', keyType: 'rsa', hash: 'md2', params: 'null-or-absent' },
  [Oid.md5WithRSAEncryption]: { name: 'md5WithRSAEncryption', keyType: 'rsa', hash: 'md5', params: 'null-or-absent' },
  [Oid.sha1WithRSAEncryption]: { name: 'sha1WithRSAEncryption', keyType: 'rsa', hash: 'sha1', params: 'null-or-absent' },
  '1.2.840.113549.1.1.14': { name: 'sha224WithRSAEncryption', keyType: 'rsa', hash: 'sha224', params: 'null-or-absent' },
  [Oid.sha256WithRSAEncryption]: { name: 'sha256WithRSAEncryption', keyType: 'rsa', hash: 'sha256', params: 'null-or-absent' },
  [Oid.sha384WithRSAEncryption]: { name: 'sha384WithRSAEncryption', keyType: 'rsa', hash: 'sha384', params: 'null-or-absent' },
  [Oid.sha512WithRSAEncryption]: { name: 'sha512WithRSAEncryption', keyType: 'rsa', hash: 'sha512', params: 'null-or-absent' },
  [Oid.rsassaPss]: { name: 'rsassaPss', keyType: 'rsa-pss', hash: undefined, params: 'pss' },
  [Oid.ecdsaWithSHA1]: { name: 'ecdsa-with-SHA1', keyType: 'ec', hash: 'sha1', params: 'absent' },
  '1.2.840.10045.4.3.1': { name: 'ecdsa-with-SHA224', keyType: 'ec', hash: 'sha224', params: 'absent' },
  [Oid.ecdsaWithSHA256]: { name: 'ecdsa-with-SHA256', keyType: 'ec', hash: 'sha256', params: 'absent' },
  [Oid.ecdsaWithSHA384]: { name: 'ecdsa-with-SHA384', keyType: 'ec', hash: 'sha384', params: 'absent' },
  [Oid.ecdsaWithSHA512]: { name: 'ecdsa-with-SHA512', keyType: 'ec', hash: 'sha512', params: 'absent' },
  '1.2.840.10040.4.3': { name: 'dsa-with-sha1', keyType: 'dsa', hash: 'sha1', params: 'absent' },
  '2.16.840.1.101.3.4.3.2': { name: 'dsa-with-sha256', keyType: 'dsa', hash: 'sha256', params: 'absent' },
  '1.3.101.112': { name: 'Ed25519', keyType: 'ed25519', hash: undefined, params: 'absent' },
  '1.3.101.113': { name: 'Ed448', keyType: 'ed448', hash: undefined, params: 'absent' },
  // RFC 9881 §2: pure ML-DSA, parameters absent
  [Oid.idMlDsa44]: { name: 'id-ml-dsa-44', keyType: 'ml-dsa', hash: undefined, params: 'absent' },
  [Oid.idMlDsa65]: { name: 'id-ml-dsa-65', keyType: 'ml-dsa', hash: undefined, params: 'absent' },
  [Oid.idMlDsa87]: { name: 'id-ml-dsa-87', keyType: 'ml-dsa', hash: undefined, params: 'absent' },
};

const HASH_OIDS: Record<string, SignatureHash> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.4': 'sha224',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};
const MGF1 = '1.2.840.113549.1.1.8';
const STRONG_HASHES = new Set<SignatureHash>(['sha256', 'sha384', 'sha512']);

/** A hash AlgorithmIdentifier: OID with absent or NULL parameters. */
function readHashAlgorithm(e: DerElement, what: string): SignatureHash | undefined {
  expectTag(e, Tag.SEQUENCE, what);
  const [id, params, ...rest] = children(e, what);
  if (!id || rest.length) throw new PkiParseError(`wrong structure: ${what}`);
  const dotted = readOid(id, what);
  if (params && !(params.tag === Tag.NULL && params.end === params.valueStart)) throw new PkiParseError(`${what} parameters must be NULL or absent`);
  return HASH_OIDS[dotted];
}

/**
 * RSASSA-PSS-params (RFC 4055 §3.1). Only the "simple" form is verified: a SHA-2 hash, MGF1 with
 * the same hash, trailerField 1. Anything else parses but is reported as unsupported.
 */
function readPssParams(params: DerElement | undefined, info: SignatureAlgorithmInfo): void {
  if (!params) throw new PkiParseError('rsassaPss signature algorithm without parameters (RFC 4055 §3.1)');
  expectTag(params, Tag.SEQUENCE, 'RSASSA-PSS-params');
  let hash: SignatureHash | undefined = 'sha1';
  let mgfHash: SignatureHash | undefined = 'sha1';
  let salt = 20;
  let trailer = 1;
  let last = -1;
  for (const field of children(params, 'RSASSA-PSS-params')) {
    const n = field.tag - 0xa0;
    if (n < 0 || n > 3 || n <= last) throw new PkiParseError('wrong structure: RSASSA-PSS-params');
    last = n;
    const [inner, ...more] = children(field, 'RSASSA-PSS-params field');
    if (!inner || more.length) throw new PkiParseError('wrong structure: RSASSA-PSS-params field');
    if (n === 0) hash = readHashAlgorithm(inner, 'PSS hashAlgorithm');
    if (n === 1) {
      expectTag(inner, Tag.SEQUENCE, 'PSS maskGenAlgorithm');
      const [mgfId, mgfParams, ...extra] = children(inner, 'PSS maskGenAlgorithm');
      if (!mgfId || !mgfParams || extra.length) throw new PkiParseError('wrong structure: PSS maskGenAlgorithm');
      mgfHash = readOid(mgfId, 'PSS maskGenAlgorithm') === MGF1 ? readHashAlgorithm(mgfParams, 'MGF1 hash') : undefined;
    }
    if (n === 2 || n === 3) {
      const v = readSmallNonNegative(inner, n === 2 ? 'PSS saltLength' : 'PSS trailerField');
      if (n === 2) salt = v;
      else trailer = v;
    }
  }
  info.hash = hash;
  if (!hash || !STRONG_HASHES.has(hash) || mgfHash !== hash || trailer !== 1) {
    info.support = hash === 'sha1' ? 'weak' : 'unsupported';
    info.unsupportedReason = 'RSASSA-PSS parameters other than SHA-2 with MGF1 of the same hash and trailerField 1';
    return;
  }
  info.pssSaltLength = salt;
}

/** A non-negative INTEGER that fits comfortably in a number (lengths, counts, pathLenConstraint). */
export function readSmallNonNegative(e: DerElement, what: string): number {
  expectTag(e, Tag.INTEGER, what);
  const c = contents(e);
  if (c.length === 0) throw new PkiParseError(`empty INTEGER in ${what}`);
  if (c.length > 1 && c[0] === 0 && !(c[1] & 0x80)) throw new PkiParseError(`non-minimal INTEGER in ${what}`);
  if (c[0] & 0x80) throw new PkiParseError(`${what} must not be negative`);
  if (c.length > 5 || (c.length === 5 && c[0] !== 0)) throw new PkiParseError(`${what} is too large`);
  let v = 0;
  for (const b of c) v = v * 256 + b;
  return v;
}

/** Reads a signature AlgorithmIdentifier (RFC 5280 §4.1.1.2) without judging whether it is acceptable. */
export function readSignatureAlgorithm(e: DerElement, what: string): SignatureAlgorithmInfo {
  expectTag(e, Tag.SEQUENCE, what);
  const [id, params, ...rest] = children(e, what);
  if (!id || rest.length) throw new PkiParseError(`wrong structure: ${what}`);
  const dotted = readOid(id, what);
  const known = KNOWN[dotted];
  const info: SignatureAlgorithmInfo = {
    oid: dotted,
    name: known?.name ?? dotted,
    der: whole(e),
    keyType: known?.keyType,
    hash: known?.hash,
    support: 'supported',
  };
  if (!known) {
    info.support = 'unsupported';
    info.unsupportedReason = `unknown signature algorithm ${dotted}`;
    return info;
  }
  if (known.params === 'null-or-absent') {
    if (params && !(params.tag === Tag.NULL && params.end === params.valueStart)) throw new PkiParseError(`${known.name} parameters must be NULL (RFC 4055 §5)`);
  } else if (known.params === 'absent') {
    if (params) throw new PkiParseError(`${known.name} must not have parameters`);
  } else {
    readPssParams(params, info);
  }
  if (info.support === 'supported') {
    if (known.hash === 'sha1' || known.hash === 'md5' || known.hash === 'md2') {
      info.support = 'weak';
      info.unsupportedReason = `${known.name}: ${known.hash.toUpperCase()} signatures are not verified`;
    } else if (known.keyType === 'dsa' || known.keyType === 'ed448' || known.hash === 'sha224') {
      info.support = 'unsupported';
      info.unsupportedReason = `${known.name} signatures are not supported`;
    }
  }
  return info;
}

// ---------------------------------------------------------------------------------------------
// Extensions
// ---------------------------------------------------------------------------------------------

export interface ReadExtensionsOptions {
  /** Accept an empty list (a CSR's extensionRequest); certificates and CRLs need SIZE (1..MAX). */
  allowEmpty?: boolean;
  /** The refusal of a repeated extension. */
  duplicate?: (oid: string, what: string) => string;
}

/** Extensions ::= SEQUENCE SIZE (1..MAX) OF Extension, each OID at most once (RFC 5280 §4.2). */
export function readExtensions(list: DerElement, what: string, options: ReadExtensionsOptions = {}): Extension[] {
  expectTag(list, Tag.SEQUENCE, what);
  const items = children(list, what);
  if (items.length === 0 && !options.allowEmpty) throw new PkiParseError(`${what} must not be empty (SIZE (1..MAX))`);
  const duplicate = options.duplicate ?? ((oid: string) => `duplicate extension ${oid} in ${what} (RFC 5280 §4.2)`);
  const seen = new Set<string>();
  return items.map((ext) => {
    expectTag(ext, Tag.SEQUENCE, 'Extension');
    const fields = children(ext, 'Extension');
    if (fields.length < 2 || fields.length > 3) throw new PkiParseError('wrong structure: Extension needs 2 or 3 fields');
    const id = readOid(fields[0], 'extnID');
    if (seen.has(id)) throw new PkiParseError(duplicate(id, what));
    seen.add(id);
    let critical = false;
    if (fields.length === 3) {
      critical = readBoolean(fields[1], `critical flag of ${id}`);
      if (!critical) throw new PkiParseError(`extension ${id} encodes the DEFAULT critical=FALSE, which DER forbids`);
    }
    const value = expectTag(fields[fields.length - 1], Tag.OCTET_STRING, `extnValue of ${id}`);
    return { oid: id, critical, value: contents(value) };
  });
}

/**
 * The optional `[tag] EXPLICIT Extensions` that ends a TBS (RFC 5280 §4.1.2.9, §5.1.2.7) at
 * `fields[i]`, and nothing after it. `versionError` is the refusal when the extensions are present
 * but the TBS version does not allow them (undefined when it does).
 */
export function readFinalExtensions(fields: DerElement[], i: number, tag: number, what: string, tbsWhat: string, versionError: string | undefined): Extension[] {
  let extensions: Extension[] = [];
  if (fields[i]?.tag === tag) {
    if (versionError) throw new PkiParseError(versionError);
    const [list, ...more] = children(fields[i++], what);
    if (!list || more.length) throw new PkiParseError(`wrong structure: ${what}`);
    extensions = readExtensions(list, what);
  }
  if (i !== fields.length) throw new PkiParseError(`wrong structure: unexpected field with tag 0x${fields[i].tag.toString(16)} in ${tbsWhat}`);
  return extensions;
}

/** Reads exactly one element filling `bytes` (an extension value) with the given tag. */
export function readValue(bytes: Uint8Array, tag: number, what: string): DerElement {
  const e = readElement(bytes, 0, bytes.length, what);
  if (e.end !== bytes.length) throw new PkiParseError(`trailing data after ${what}`);
  return expectTag(e, tag, what);
}

/** The OID of an OBJECT IDENTIFIER-shaped implicit element (e.g. registeredID) or throws. */
export function oidOf(bytes: Uint8Array, what: string): string {
  const dotted = decodeOidContents(bytes);
  if (!dotted) throw new PkiParseError(`malformed object identifier in ${what}`);
  return dotted;
}

// ---------------------------------------------------------------------------------------------
// Signature verification
// ---------------------------------------------------------------------------------------------

const EC_CURVES = new Set<string>([Oid.prime256v1, Oid.secp384r1, Oid.secp521r1]);

function describeQuietly(spki: Uint8Array): string | undefined {
  try {
    return describePublicKey(spki).keyAlgorithm;
  } catch {
    return undefined;
  }
}

export type SignatureCheck = { status: 'valid' } | { status: 'invalid'; reason: string } | { status: 'unsupported'; reason: string };

/**
 * Verifies `signature` over `tbs` under `algorithm` with the issuer's SubjectPublicKeyInfo.
 * RSA PKCS #1 v1.5 and simple RSASSA-PSS with SHA-256/384/512, ECDSA on P-256/P-384/P-521 with
 * SHA-256/384/512, Ed25519. Never throws.
 */
export function checkSignature(tbs: Uint8Array, algorithm: SignatureAlgorithmInfo, signature: Uint8Array, issuerSpki: Uint8Array): SignatureCheck {
  if (algorithm.support !== 'supported') return { status: 'unsupported', reason: algorithm.unsupportedReason ?? `${algorithm.name} is not supported` };
  const mlDsa = mlDsaAlgorithmFromOid(algorithm.oid);
  if (mlDsa) {
    // OpenSSL 3.0 cannot read ML-DSA keys: @noble/post-quantum verifies (ml-dsa.ts).
    if (describeQuietly(issuerSpki) !== mlDsa) return { status: 'invalid', reason: `${algorithm.name} needs an ${mlDsa} issuer key` };
    return verifyMlDsa(mlDsa, issuerSpki, tbs, signature) ? { status: 'valid' } : { status: 'invalid', reason: 'the signature does not verify with the issuer key' };
  }
  let key: KeyObject;
  let curveOid: string | undefined;
  try {
    curveOid = describePublicKey(issuerSpki).curveOid;
    key = createPublicKey({ key: Buffer.from(issuerSpki), format: 'der', type: 'spki' });
  } catch {
    return { status: 'invalid', reason: 'the issuer public key cannot be read' };
  }
  const keyType = key.asymmetricKeyType;
  try {
    let ok: boolean;
    switch (algorithm.keyType) {
      case 'rsa':
        if (keyType !== 'rsa') return { status: 'invalid', reason: `${algorithm.name} needs an RSA issuer key, found ${keyType}` };
        ok = verify(algorithm.hash!, tbs, { key, padding: constants.RSA_PKCS1_PADDING }, signature);
        break;
      case 'rsa-pss':
        if (keyType !== 'rsa' && keyType !== 'rsa-pss') return { status: 'invalid', reason: `RSASSA-PSS needs an RSA issuer key, found ${keyType}` };
        ok = verify(algorithm.hash!, tbs, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: algorithm.pssSaltLength }, signature);
        break;
      case 'ec':
        if (keyType !== 'ec') return { status: 'invalid', reason: `${algorithm.name} needs an EC issuer key, found ${keyType}` };
        if (!curveOid || !EC_CURVES.has(curveOid)) return { status: 'unsupported', reason: `EC curve ${curveOid ?? '(explicit parameters)'} is not supported` };
        ok = verify(algorithm.hash!, tbs, { key, dsaEncoding: 'der' }, signature);
        break;
      case 'ed25519':
        if (keyType !== 'ed25519') return { status: 'invalid', reason: `Ed25519 needs an Ed25519 issuer key, found ${keyType}` };
        ok = verify(null, tbs, key, signature);
        break;
      default:
        return { status: 'unsupported', reason: `${algorithm.name} is not supported` };
    }
    return ok ? { status: 'valid' } : { status: 'invalid', reason: 'the signature does not verify with the issuer key' };
  } catch {
    return { status: 'invalid', reason: 'the signature does not verify with the issuer key' };
  }
}
