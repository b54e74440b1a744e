/**
 * Streaming v2 CRLs (RFC 5280 §5.1):
 *   TBSCertList ::= SEQUENCE { version v2(1), signature, issuer, thisUpdate, nextUpdate,
 *       revokedCertificates SEQUENCE OF SEQUENCE { userCertificate, revocationDate,
 *           crlEntryExtensions OPTIONAL } OPTIONAL, crlExtensions [0] EXPLICIT Extensions }
 * revokedCertificates needs its length before its contents, so entries are encoded as they
 * arrive into 1 MiB chunks (~46 octets each: 1,000,000 entries is ~46 MB, never a million
 * objects), the headers are written once the length is known, and the digest is computed over
 * the chunks without concatenating them. The CA key signs the digest (signDigest) or, for
 * signers that need the message, the concatenated TBS (sign).
 *
 * revocation-service publishes its CRLs with its own streaming writer (one binary COPY into one
 * buffer, apps/revocation-service/src/domain/crl-writer.ts), whose tests compare its octets with
 * this builder's: change both together.
 */
import { createHash } from 'node:crypto';
import { REVOCATION_REASON_CODES, type RevocationReason } from '@pki/contracts';
import { isMlDsaAlgorithm } from '@pki/contracts';
import { hashOf, signatureAlgorithmIdentifier, type HashName, type SigningAlgorithm } from './algorithms';
import { time } from './der/der-time';
import { bitString, contextConstructed, encodeHeader, enumerated, integer, sequence, Tag } from './der/der-writer';
import { encodeSerial } from './certificate';
import { PkiEncodeError } from './errors';
import { authorityKeyIdentifierExtension, encodeExtensions, type Extension } from './extensions';
import { issuingDistributionPointExtension } from './access-extensions';
import { Oid } from './oids';
import type { SignDigestFn, SignFn } from './signing';

export interface CrlEntry {
  serial: Uint8Array | bigint;
  revocationDate: Date;
  reason?: RevocationReason;
}

export interface CrlInput {
  issuerDer: Uint8Array;
  signingAlgorithm: SigningAlgorithm;
  thisUpdate: Date;
  nextUpdate: Date;
  /** cRLNumber (RFC 5280 §5.2.3): monotonically increasing, at most 20 octets. */
  crlNumber: bigint;
  /** The issuing CA's subject key identifier, for authorityKeyIdentifier (RFC 5280 §5.2.1). */
  authorityKeyIdentifier: Uint8Array;
  /** Written as a critical issuingDistributionPoint with this one URI (RFC 5280 §5.2.5) when given. */
  issuingDistributionPointUrl?: string;
  entries: AsyncIterable<CrlEntry> | Iterable<CrlEntry>;
}

export interface BuiltCrlTbs {
  signingAlgorithm: SigningAlgorithm;
  /** The TBSCertList, in order; concatenated they are its DER. */
  tbsChunks: Buffer[];
  tbsLength: number;
  entryCount: number;
  /**
   * Digest of the TBS with the signing algorithm's hash. Empty for ML-DSA, which has no hash: its
   * digest signer takes mu, which needs the CA's public key (signingDigestHasher).
   */
  digest: Buffer;
  digestWith(hash: HashName): Buffer;
  tbsDer(): Buffer;
}

const CHUNK_SIZE = 1 << 20;

/**
 * CRL entry extension carrying reasonCode (RFC 5280 §5.3.1), precomputed per code. Omitted for
 * unspecified, as §5.3.1 recommends ("reason code unspecified (0) SHOULD be absent").
 */
const REASON_EXTENSIONS = new Map<number, Buffer>(
  Object.values(REVOCATION_REASON_CODES)
    .filter((code) => code !== 0)
    .map((code) => [code, encodeExtensions([{ oid: Oid.cRLReason, critical: false, value: enumerated(code) }])]),
);

export function encodeCrlEntry(entry: CrlEntry): Buffer {
  const parts = [encodeSerial(entry.serial), time(entry.revocationDate)];
  if (entry.reason !== undefined) {
    const code = REVOCATION_REASON_CODES[entry.reason];
    if (code === undefined) throw new PkiEncodeError(`unknown revocation reason ${entry.reason}`);
    const ext = REASON_EXTENSIONS.get(code);
    if (ext) parts.push(ext);
  }
  return sequence(...parts);
}

/** Packs many small encodings into large chunks. */
class ChunkWriter {
  readonly chunks: Buffer[] = [];
  length = 0;
  private current = Buffer.allocUnsafe(CHUNK_SIZE);
  private used = 0;

  write(bytes: Buffer): void {
    if (this.used + bytes.length > this.current.length) this.flush(Math.max(CHUNK_SIZE, bytes.length));
    bytes.copy(this.current, this.used);
    this.used += bytes.length;
    this.length += bytes.length;
  }

  finish(): Buffer[] {
    this.flush(0);
    return this.chunks;
  }

  private flush(nextSize: number): void {
    if (this.used) this.chunks.push(this.current.subarray(0, this.used));
    this.current = Buffer.allocUnsafe(nextSize);
    this.used = 0;
  }
}

function crlExtensions(input: CrlInput): Buffer {
  if (input.crlNumber < 0n) throw new PkiEncodeError('cRLNumber must be non-negative (RFC 5280 §5.2.3)');
  const number = integer(input.crlNumber);
  if (number.length - 2 > 20) throw new PkiEncodeError('cRLNumber exceeds 20 octets (RFC 5280 §5.2.3)');
  const extensions: Extension[] = [
    authorityKeyIdentifierExtension(input.authorityKeyIdentifier),
    { oid: Oid.cRLNumber, critical: false, value: number },
  ];
  if (input.issuingDistributionPointUrl !== undefined) extensions.push(issuingDistributionPointExtension(input.issuingDistributionPointUrl));
  return contextConstructed(0, encodeExtensions(extensions));
}

/** Builds TBSCertList from a stream of entries without holding them as objects. */
export class CrlBuilder {
  constructor(private readonly input: CrlInput) {}

  async build(): Promise<BuiltCrlTbs> {
    const input = this.input;
    if (input.nextUpdate.getTime() < input.thisUpdate.getTime()) throw new PkiEncodeError('nextUpdate is before thisUpdate');
    const head = Buffer.concat([
      integer(1), // v2, required when extensions are present (RFC 5280 §5.1.2.1)
      signatureAlgorithmIdentifier(input.signingAlgorithm),
      input.issuerDer,
      time(input.thisUpdate),
      time(input.nextUpdate),
    ]);
    const tail = crlExtensions(input);

    const writer = new ChunkWriter();
    let entryCount = 0;
    for await (const entry of input.entries) {
      writer.write(encodeCrlEntry(entry));
      entryCount++;
    }
    const entryChunks = writer.finish();

    // §5.1.2.6: with no revoked certificates the list MUST be absent, not empty.
    const revokedHeader = entryCount ? encodeHeader(Tag.SEQUENCE, writer.length) : Buffer.alloc(0);
    const bodyLength = head.length + revokedHeader.length + writer.length + tail.length;
    const tbsChunks = [encodeHeader(Tag.SEQUENCE, bodyLength), head, revokedHeader, ...entryChunks, tail].filter((c) => c.length);
    const tbsLength = tbsChunks.reduce((n, c) => n + c.length, 0);
    const digestWith = (hash: HashName): Buffer => {
      const h = createHash(hash);
      for (const chunk of tbsChunks) h.update(chunk);
      return h.digest();
    };
    return {
      signingAlgorithm: input.signingAlgorithm,
      tbsChunks,
      tbsLength,
      entryCount,
      digest: isMlDsaAlgorithm(input.signingAlgorithm) ? Buffer.alloc(0) : digestWith(hashOf(input.signingAlgorithm)),
      digestWith,
      tbsDer: () => Buffer.concat(tbsChunks, tbsLength),
    };
  }
}

/** CertificateList ::= SEQUENCE { tbsCertList, signatureAlgorithm, signatureValue BIT STRING } as chunks. */
export function assembleCrlChunks(tbs: BuiltCrlTbs | Uint8Array, signingAlgorithm: SigningAlgorithm, signature: Uint8Array): Buffer[] {
  const tbsChunks = tbs instanceof Uint8Array ? [Buffer.from(tbs.buffer, tbs.byteOffset, tbs.byteLength)] : tbs.tbsChunks;
  const tbsLength = tbs instanceof Uint8Array ? tbs.length : tbs.tbsLength;
  const trailer = Buffer.concat([signatureAlgorithmIdentifier(signingAlgorithm), bitString(signature)]);
  return [encodeHeader(Tag.SEQUENCE, tbsLength + trailer.length), ...tbsChunks, trailer];
}

export function assembleCrl(tbs: BuiltCrlTbs | Uint8Array, signingAlgorithm: SigningAlgorithm, signature: Uint8Array): Buffer {
  return Buffer.concat(assembleCrlChunks(tbs, signingAlgorithm, signature));
}

/** Builds, signs (by digest when signDigest is given, else over the TBS) and assembles a CRL. */
export async function buildCrl(input: CrlInput & ({ signDigest: SignDigestFn } | { sign: SignFn })): Promise<Buffer> {
  const built = await new CrlBuilder(input).build();
  if ('signDigest' in input && isMlDsaAlgorithm(input.signingAlgorithm)) throw new PkiEncodeError(`${input.signingAlgorithm} CRLs are signed with sign (or a SignDigestFn given mu), not a hash digest`);
  const signature = 'signDigest' in input ? await input.signDigest(built.digest) : await input.sign(built.tbsDer());
  return assembleCrl(built, input.signingAlgorithm, signature);
}

