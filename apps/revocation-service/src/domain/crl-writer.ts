/**
 * A CA's CRL (RFC 5280 §5.1, v2, complete) written straight into one growing buffer as its
 * entries stream in, with the octets @pki/pki's CrlBuilder emits (crl-writer.spec.ts builds the
 * same CRLs with both and compares them byte for byte):
 *
 *   CertificateList ::= SEQUENCE { tbsCertList, signatureAlgorithm, signatureValue BIT STRING }
 *   TBSCertList ::= SEQUENCE { version v2(1), signature, issuer, thisUpdate, nextUpdate,
 *       revokedCertificates SEQUENCE OF SEQUENCE { userCertificate CertificateSerialNumber,
 *           revocationDate Time, crlEntryExtensions Extensions OPTIONAL } OPTIONAL,
 *       crlExtensions [0] EXPLICIT Extensions { authorityKeyIdentifier, cRLNumber } }
 *
 * Each entry is a few dozen octets written in place (no object, no Buffer per entry): ~35 octets
 * for a 6-octet serial, so 1,000,000 entries are one ~35 MB buffer. DER puts every length before
 * its contents, so the two lengths that depend on the entries (revokedCertificates and
 * tbsCertList) are only known at the end: room for them and for the fields before the entries is
 * kept at the front of the buffer and filled in by finish(), right-aligned against the entries,
 * so the TBS and the whole CRL are each one contiguous slice (hashed, signed over and published
 * without being copied again).
 *
 * Pure: no I/O. The caller hands entries in whatever order it reads them.
 */
import { REVOCATION_REASON_CODES } from '@pki/contracts';
import { authorityKeyIdentifierExtension, der, derTime, encodeExtensions, issuingDistributionPointExtension, Oid, signatureAlgorithmIdentifier, type SigningAlgorithm } from '@pki/pki';

export interface CrlHeader {
  readonly issuerDer: Uint8Array;
  readonly signingAlgorithm: SigningAlgorithm;
  readonly thisUpdate: Date;
  readonly nextUpdate: Date;
  /** cRLNumber (RFC 5280 §5.2.3): non-negative, at most 20 octets, strictly increasing per CA. */
  readonly crlNumber: bigint;
  /** The CA's subject key identifier, for authorityKeyIdentifier (RFC 5280 §5.2.1). */
  readonly authorityKeyIdentifier: Uint8Array;
  /** A partition's CRL: the critical issuingDistributionPoint naming this URL, its certificates' CDP (RFC 5280 §5.2.5). */
  readonly issuingDistributionPointUrl?: string;
}

export class CrlEncodeError extends Error {
  override readonly name = 'CrlEncodeError';
}

/** Largest header (tag + 5 length octets) of any element written here. */
const MAX_HEADER = 6;
/** Largest entry: SEQUENCE header 2 + INTEGER 2 + 21 + GeneralizedTime 17 + reasonCode extensions 14. */
const MAX_ENTRY = 56;
const SECONDS_PER_DAY = 86_400;

/**
 * A buffer size that holds `entries` of the largest kind and the rest of the CRL: memory the
 * writer never reaches is reserved but not resident (a large allocation's pages are mapped on
 * first write), so sizing for the worst case costs no RSS.
 */
export function crlCapacityFor(entries: number): number {
  return Math.max(1 << 20, entries * MAX_ENTRY + (64 << 10));
}

/**
 * crlEntryExtensions { reasonCode } per CRLReason code (RFC 5280 §5.3.1), encoded once by
 * @pki/pki as CrlBuilder does; none for unspecified (0): "the reason code extension SHOULD be
 * absent instead of using the unspecified (0) reasonCode value".
 */
const REASON_EXTENSIONS: ReadonlyArray<Buffer | undefined> = (() => {
  const byCode: Array<Buffer | undefined> = [];
  for (const code of Object.values(REVOCATION_REASON_CODES)) {
    if (code !== 0) byCode[code] = encodeExtensions([{ oid: Oid.cRLReason, critical: false, value: der.enumerated(code) }]);
  }
  return byCode;
})();

/** Whether `code` is a CRLReason this platform records (RevocationReason's codes). */
export function isKnownReasonCode(code: number): boolean {
  return code === 0 || REASON_EXTENSIONS[code] !== undefined;
}

const quote = (text: Uint8Array, from: number, to: number): string => JSON.stringify(Buffer.from(text.subarray(from, to)).toString('latin1'));

/** Value of an ASCII hex digit, -1 for anything else. */
function nibble(c: number | undefined): number {
  if (c === undefined) return -1;
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const lower = c | 0x20;
  if (lower >= 0x61 && lower <= 0x66) return lower - 0x61 + 10;
  return -1;
}

export class CrlWriter {
  private buffer: Buffer;
  /** Where the entries begin: everything before is room for the headers and the fields before the entries. */
  private readonly entriesStart: number;
  private end: number;
  private count = 0;
  private readonly head: Buffer;
  private tbs: { start: number; end: number } | undefined;
  // The revocationDate of the previous entry's day, reused while entries fall on the same UTC day.
  private day = Number.NaN;
  private dayPrefix = Buffer.alloc(10);
  private dayPrefixLength = 0;

  constructor(
    private readonly header: CrlHeader,
    initialCapacity = 1 << 20,
  ) {
    if (header.nextUpdate.getTime() < header.thisUpdate.getTime()) throw new CrlEncodeError('nextUpdate is before thisUpdate');
    // version v2 is required when extensions are present (RFC 5280 §5.1.2.1).
    this.head = Buffer.concat([der.integer(1), signatureAlgorithmIdentifier(header.signingAlgorithm), header.issuerDer, derTime(header.thisUpdate), derTime(header.nextUpdate)]);
    this.entriesStart = 3 * MAX_HEADER + this.head.length;
    this.buffer = Buffer.allocUnsafe(Math.max(initialCapacity, this.entriesStart + MAX_ENTRY));
    this.end = this.entriesStart;
  }

  get entryCount(): number {
    return this.count;
  }

  /**
   * One revokedCertificates entry. The serial's magnitude is the hexadecimal text (ASCII, any
   * case, leading zeros allowed) in `text[from, to)`: the form the database holds, taken as it
   * arrives without making a string of it. `revokedAtSeconds` is the revocation time in whole
   * seconds since 1970 (UTC), `reasonCode` its CRLReason code (0, unspecified: no extension).
   */
  add(text: Uint8Array, from: number, to: number, revokedAtSeconds: number, reasonCode: number): void {
    if (this.tbs) throw new CrlEncodeError('the CRL is already finished');
    if (this.end + MAX_ENTRY > this.buffer.length) this.grow(MAX_ENTRY);
    const out = this.buffer;
    const start = this.end;
    let o = start + 2; // SEQUENCE header, its length written last (always < 128: short form)

    // userCertificate: INTEGER, minimal two's complement of a positive magnitude (X.690 §8.3.2),
    // at most 20 octets (RFC 5280 §4.1.2.2).
    let i = from;
    while (i < to && text[i] === 0x30) i++;
    const digits = to - i;
    if (digits === 0) throw new CrlEncodeError(`serial ${quote(text, from, to)} is not positive (RFC 5280 §4.1.2.2)`);
    const octets = (digits + 1) >> 1;
    let first: number;
    if (digits & 1) {
      first = nibble(text[i]);
      i += 1;
    } else {
      first = (nibble(text[i]) << 4) | nibble(text[i + 1]);
      i += 2;
    }
    const pad = first & 0x80 ? 1 : 0;
    if (octets + pad > 20) throw new CrlEncodeError(`serial ${quote(text, from, to)} exceeds 20 octets (RFC 5280 §4.1.2.2)`);
    out[o++] = 0x02;
    out[o++] = octets + pad;
    if (pad) out[o++] = 0;
    let bad = first < 0;
    out[o++] = first;
    for (; i < to; i += 2) {
      const high = nibble(text[i]);
      const low = nibble(text[i + 1]);
      bad ||= high < 0 || low < 0;
      out[o++] = (high << 4) | low;
    }
    if (bad) throw new CrlEncodeError(`serial ${quote(text, from, to)} is not hexadecimal`);

    // revocationDate: UTCTime through 2049, GeneralizedTime from 2050 (RFC 5280 §5.1.2.6, §4.1.2.5).
    o = this.writeTime(out, o, revokedAtSeconds);

    // crlEntryExtensions { reasonCode } unless unspecified.
    if (reasonCode !== 0) {
      const extension = REASON_EXTENSIONS[reasonCode];
      if (!extension) throw new CrlEncodeError(`unknown CRLReason code ${reasonCode}`);
      // A loop, not Buffer#copy: for a few octets its argument checks cost more than the copy.
      for (let k = 0; k < extension.length; k++) out[o++] = extension[k]!;
    }
    out[start] = 0x30;
    out[start + 1] = o - start - 2;
    this.end = o;
    this.count++;
  }

  /**
   * Writes crlExtensions and the two headers that needed the entries' length; returns the
   * TBSCertList (a view into the buffer: sign its digest, then call assemble).
   */
  finish(): Buffer {
    if (this.tbs) return this.buffer.subarray(this.tbs.start, this.tbs.end);
    const { crlNumber, authorityKeyIdentifier } = this.header;
    if (crlNumber < 0n) throw new CrlEncodeError('cRLNumber must be non-negative (RFC 5280 §5.2.3)');
    const number = der.integer(crlNumber);
    if (number.length - 2 > 20) throw new CrlEncodeError('cRLNumber exceeds 20 octets (RFC 5280 §5.2.3)');
    const extensions = [authorityKeyIdentifierExtension(authorityKeyIdentifier), { oid: Oid.cRLNumber, critical: false, value: number }];
    if (this.header.issuingDistributionPointUrl !== undefined) extensions.push(issuingDistributionPointExtension(this.header.issuingDistributionPointUrl));
    const tail = der.contextConstructed(0, encodeExtensions(extensions));
    const entriesLength = this.end - this.entriesStart;
    this.append(tail);
    // §5.1.2.6: with no revoked certificates the list MUST be absent, not empty.
    const revokedHeader = this.count ? der.encodeHeader(der.Tag.SEQUENCE, entriesLength) : Buffer.alloc(0);
    const tbsHeader = der.encodeHeader(der.Tag.SEQUENCE, this.head.length + revokedHeader.length + entriesLength + tail.length);
    let start = this.entriesStart - revokedHeader.length;
    revokedHeader.copy(this.buffer, start);
    this.head.copy(this.buffer, (start -= this.head.length));
    tbsHeader.copy(this.buffer, (start -= tbsHeader.length));
    this.tbs = { start, end: this.end };
    return this.buffer.subarray(start, this.end);
  }

  /** CertificateList: the TBS, signatureAlgorithm and the signature (X.509 form), as one view into the buffer. */
  assemble(signature: Uint8Array): Buffer {
    const tbs = this.tbs ?? (this.finish(), this.tbs!);
    this.end = tbs.end;
    this.append(signatureAlgorithmIdentifier(this.header.signingAlgorithm));
    this.append(der.bitString(signature));
    const outer = der.encodeHeader(der.Tag.SEQUENCE, this.end - tbs.start);
    const start = tbs.start - outer.length;
    outer.copy(this.buffer, start);
    return this.buffer.subarray(start, this.end);
  }

  private append(bytes: Buffer): void {
    if (this.end + bytes.length > this.buffer.length) this.grow(bytes.length);
    bytes.copy(this.buffer, this.end);
    this.end += bytes.length;
  }

  /** Doubles the buffer (amortized: every octet is copied about once more in all). */
  private grow(atLeast: number): void {
    const next = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.end + atLeast));
    this.buffer.copy(next, 0, 0, this.end);
    this.buffer = next;
  }

  /**
   * Time as @pki/pki's derTime writes it: the date part is computed once per UTC day (entries
   * are mostly revoked on a few days), the time of day from the remainder (UTC has no leap
   * seconds in either JavaScript or Postgres time).
   */
  private writeTime(out: Buffer, o: number, seconds: number): number {
    if (!Number.isSafeInteger(seconds)) throw new CrlEncodeError(`invalid revocation time ${seconds}`);
    const day = Math.floor(seconds / SECONDS_PER_DAY);
    if (day !== this.day) this.startDay(day);
    const prefix = this.dayPrefix;
    for (let k = 0; k < this.dayPrefixLength; k++) out[o++] = prefix[k]!;
    let rest = seconds - day * SECONDS_PER_DAY;
    const hours = Math.floor(rest / 3600);
    rest -= hours * 3600;
    const minutes = Math.floor(rest / 60);
    rest -= minutes * 60;
    out[o] = 0x30 + Math.floor(hours / 10);
    out[o + 1] = 0x30 + (hours % 10);
    out[o + 2] = 0x30 + Math.floor(minutes / 10);
    out[o + 3] = 0x30 + (minutes % 10);
    out[o + 4] = 0x30 + Math.floor(rest / 10);
    out[o + 5] = 0x30 + (rest % 10);
    out[o + 6] = 0x5a; // 'Z'
    return o + 7;
  }

  /** Tag, length and YYMMDD or YYYYMMDD of a UTC day, taken from derTime of its midnight (so the year rules are its own). */
  private startDay(day: number): void {
    const date = new Date(day * SECONDS_PER_DAY * 1000);
    let encoded: Buffer;
    try {
      encoded = derTime(date);
    } catch (cause) {
      throw new CrlEncodeError(`revocation time on day ${day} cannot be encoded: ${(cause as Error).message}`, { cause });
    }
    // encoded = tag, length, date digits, HHMMSS, 'Z': keep all but the last 7 octets.
    this.dayPrefixLength = encoded.length - 7;
    encoded.copy(this.dayPrefix, 0, 0, this.dayPrefixLength);
    this.day = day;
  }
}
