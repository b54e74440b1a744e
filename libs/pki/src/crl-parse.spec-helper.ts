/**
 * Test support, not part of the library's runtime index: parsing untrusted CRLs (RFC 5280 §5.1),
 * for the hostile-input suites and tests of CRL output. Strict DER, a size cap, PkiParseError for
 * anything malformed; the TBSCertList octets are kept for signature verification.
 *
 * Why not a lint gate that parses back every CRL before revocation-service publishes it (as
 * issuance does with certificates): measured on the 2-core development machine, parseCrl of a
 * 1,000,000-entry CRL (46 MB) takes ~19 s and ~1 GB, against a budget of 6 s for reading,
 * building, signing and publishing that CRL (issue #14). revocation-service instead checks the
 * signature over the streamed TBS chunks before publishing (crl-generation.ts).
 *
 *   CertificateList ::= SEQUENCE { tbsCertList TBSCertList, signatureAlgorithm, signatureValue BIT STRING }
 *   TBSCertList ::= SEQUENCE { version INTEGER OPTIONAL (v2), signature AlgorithmIdentifier, issuer Name,
 *       thisUpdate Time, nextUpdate Time OPTIONAL,
 *       revokedCertificates SEQUENCE OF SEQUENCE { userCertificate, revocationDate, crlEntryExtensions OPTIONAL } OPTIONAL,
 *       crlExtensions [0] EXPLICIT Extensions OPTIONAL }
 */
import { readAuthorityKeyIdentifier, type AuthorityKeyIdentifier } from './certificate-parse';
import { checkSignedSignature, parseInput, readExtensions, readFinalExtensions, readPart, readSigned, readSignatureAlgorithm, readSmallNonNegative, readTime, readValue, type SignatureAlgorithmInfo, type SignatureCheck } from './certificate-parse-support';
import { children, expectTag, readSerial, readWhole, whole, type DerElement } from './der/der-reader';
import { Tag } from './der/der-writer';
import { PkiParseError } from './errors';
import type { Extension } from './extensions';
import { nameToString } from './name-render';
import { Oid } from './oids';

/** Default cap on a CRL's DER size (16 MiB); PEM input may be up to twice as long. */
export const MAX_CRL_OCTETS = 16 * 1024 * 1024;

export interface ParseCrlOptions {
  /** Largest accepted DER size in octets (default MAX_CRL_OCTETS). */
  maxOctets?: number;
}

export interface ParsedCrlEntry {
  /** Serial contents octets as encoded. */
  serialNumber: Uint8Array;
  /** Lowercase hex without the DER sign octet; '-' prefixed when negative. */
  serialHex: string;
  revocationDate: Date;
  /** CRLReason (RFC 5280 §5.3.1) when the entry carries one. */
  reasonCode: number | undefined;
  extensions: Extension[];
}

export interface ParsedCrl {
  der: Uint8Array;
  /** 1 or 2. */
  version: 1 | 2;
  signatureAlgorithm: SignatureAlgorithmInfo;
  issuerDer: Uint8Array;
  issuer: string;
  thisUpdate: Date;
  nextUpdate: Date | undefined;
  entries: ParsedCrlEntry[];
  extensions: Extension[];
  /** cRLNumber (RFC 5280 §5.2.3) as lowercase hex. */
  crlNumber: string | undefined;
  /** deltaCRLIndicator's BaseCRLNumber (RFC 5280 §5.2.4) as lowercase hex, for delta CRLs. */
  deltaCrlIndicator: string | undefined;
  authorityKeyIdentifier: AuthorityKeyIdentifier | undefined;
  tbsCertList: Uint8Array;
  signature: Uint8Array;
  signatureUnusedBits: number;
}

/** CRLReason values defined by RFC 5280 §5.3.1 (7 is unused). */
const REASONS = new Set([0, 1, 2, 3, 4, 5, 6, 8, 9, 10]);
const DELTA_CRL_INDICATOR = '2.5.29.27';

function readNonNegativeHex(value: Uint8Array, what: string): string {
  const serial = readSerial(readValue(value, Tag.INTEGER, what), what);
  if (serial.negative) throw new PkiParseError(`${what} must not be negative`);
  return serial.hex;
}

function readEntry(e: DerElement, version: 1 | 2): ParsedCrlEntry {
  expectTag(e, Tag.SEQUENCE, 'revoked certificate entry');
  const [serialE, dateE, extsE, ...rest] = children(e, 'revoked certificate entry');
  if (!serialE || !dateE || rest.length) throw new PkiParseError('wrong structure: revoked certificate entry');
  const serial = readSerial(serialE, 'userCertificate');
  const revocationDate = readTime(dateE, 'revocationDate');
  let extensions: Extension[] = [];
  let reasonCode: number | undefined;
  if (extsE) {
    if (version !== 2) throw new PkiParseError('CRL entry extensions require version 2 (RFC 5280 §5.1.2.6)');
    extensions = readExtensions(extsE, 'crlEntryExtensions');
    const reason = extensions.find((x) => x.oid === Oid.cRLReason);
    if (reason) {
      reasonCode = readPart('reasonCode', () => {
        const enumerated = readValue(reason.value, Tag.ENUMERATED, 'reasonCode');
        const copy = Uint8Array.from(whole(enumerated));
        copy[0] = Tag.INTEGER;
        const code = readSmallNonNegative(readWhole(copy, 'reasonCode'), 'reasonCode');
        if (!REASONS.has(code)) throw new PkiParseError(`unknown CRLReason ${code}`);
        return code;
      });
    }
  }
  return { serialNumber: serial.bytes, serialHex: serial.hex, revocationDate, reasonCode, extensions };
}

function parse(der: Uint8Array): ParsedCrl {
  const signed = readSigned(der, 'CertificateList', 'TBSCertList');
  const { tbs, fields } = signed;
  let i = 0;
  let version: 1 | 2 = 1;
  if (fields[i]?.tag === Tag.INTEGER) {
    const v = readSmallNonNegative(fields[i++], 'CRL version');
    if (v !== 1) throw new PkiParseError(`unsupported CRL version ${v + 1} (only v2 is encoded, RFC 5280 §5.1.2.1)`);
    version = 2;
  }
  const [algE, issuerE, thisUpdateE] = fields.slice(i, i + 3);
  if (!thisUpdateE) throw new PkiParseError('wrong structure: TBSCertList is missing fields');
  i += 3;
  const tbsAlgorithm = readSignatureAlgorithm(algE, 'TBSCertList signature');
  expectTag(issuerE, Tag.SEQUENCE, 'issuer');
  const issuerDer = whole(issuerE);
  const issuer = readPart('issuer', () => nameToString(issuerDer));
  const thisUpdate = readTime(thisUpdateE, 'thisUpdate');
  let nextUpdate: Date | undefined;
  if (fields[i]?.tag === Tag.UTC_TIME || fields[i]?.tag === Tag.GENERALIZED_TIME) nextUpdate = readTime(fields[i++], 'nextUpdate');
  let entries: ParsedCrlEntry[] = [];
  if (fields[i]?.tag === Tag.SEQUENCE) entries = children(fields[i++], 'revokedCertificates').map((e) => readEntry(e, version));
  const extensions = readFinalExtensions(fields, i, 0xa0, 'crlExtensions', 'TBSCertList', version !== 2 ? 'crlExtensions require version 2 (RFC 5280 §5.1.2.1)' : undefined);

  const { signatureAlgorithm, signature, signatureUnusedBits } = signed.signature(tbsAlgorithm, '§5.1.1.2');

  const find = (oid: string): Extension | undefined => extensions.find((e) => e.oid === oid);
  const number = find(Oid.cRLNumber);
  const delta = find(DELTA_CRL_INDICATOR);
  const aki = find(Oid.authorityKeyIdentifier);
  return {
    der,
    version,
    signatureAlgorithm,
    issuerDer,
    issuer,
    thisUpdate,
    nextUpdate,
    entries,
    extensions,
    crlNumber: number && readPart('cRLNumber', () => readNonNegativeHex(number.value, 'cRLNumber')),
    deltaCrlIndicator: delta && readPart('deltaCRLIndicator', () => readNonNegativeHex(delta.value, 'BaseCRLNumber')),
    authorityKeyIdentifier: aki && readPart('authorityKeyIdentifier', () => readAuthorityKeyIdentifier(aki.value)),
    tbsCertList: whole(tbs),
    signature,
    signatureUnusedBits,
  };
}

/**
 * Parses one CRL given as PEM text ("X509 CRL"), PEM bytes or DER bytes. Throws PkiParseError
 * (only) when the input is not a well-formed CRL. The CRL's contents are not judged here
 * (e.g. whether it is current, or whether its critical extensions are understood).
 */
export function parseCrl(pemOrDer: Uint8Array | string, options: ParseCrlOptions = {}): ParsedCrl {
  return parseInput(pemOrDer, ['X509 CRL'], 'CRL', options.maxOctets ?? MAX_CRL_OCTETS, parse);
}

/** Signature check with its reason; 'unsupported' for SHA-1/MD5, DSA and unknown algorithms. Never throws. */
export function checkCrlSignature(crl: ParsedCrl, issuerSpki: Uint8Array): SignatureCheck {
  return checkSignedSignature(crl.tbsCertList, crl, issuerSpki);
}

/** True when `crl` is signed by the key in `issuerSpki` with a supported algorithm (see verifyCertificateSignature). */
export function verifyCrlSignature(crl: ParsedCrl, issuerSpki: Uint8Array): boolean {
  return checkCrlSignature(crl, issuerSpki).status === 'valid';
}

/** The entry revoking `serialHex` (as ParsedCertificate.serialHex), if any. */
export function findCrlEntry(crl: ParsedCrl, serialHex: string): ParsedCrlEntry | undefined {
  return crl.entries.find((e) => e.serialHex === serialHex);
}
