/**
 * Envelope encryption of software CA keys at rest (DESIGN.md "Keys and signing"):
 * a fresh 256-bit data key (DEK) encrypts the PKCS #8 private key with AES-256-GCM, the CA id
 * as additional authenticated data (a row copied to another CA does not decrypt); the
 * key-encryption key (KEK) from configuration wraps the DEK, also with AES-256-GCM, bound to
 * the CA id and the KEK id. The KEK is never stored beside the data: only its id (a short,
 * domain-separated SHA-256 fingerprint) is, so a rotation can tell which KEK opens a row, and
 * re-wrapping a row under a new KEK rewrites only the wrapped DEK (rewrapPrivateKey).
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

export interface Kek {
  readonly id: string;
  readonly key: Buffer;
}

export interface SealedPrivateKey {
  readonly kekId: string;
  readonly wrappedDek: Buffer;
  readonly dekIv: Buffer;
  readonly dekTag: Buffer;
  readonly ciphertext: Buffer;
  readonly iv: Buffer;
  readonly tag: Buffer;
}

/** A stored CA key could not be opened. The message names the CA and the reason, never key material. */
export class KeyUnsealError extends Error {
  override readonly name = 'KeyUnsealError';
}

/** 16 hex digits of SHA-256 over a label and the KEK: identifies the KEK without revealing it. */
export function kekId(key: Buffer): string {
  return createHash('sha256').update('pki-kek-id-v1\0').update(key).digest('hex').slice(0, 16);
}

export function kekFrom(key: Buffer): Kek {
  if (key.length !== 32) throw new Error(`a KEK is 32 octets (AES-256), got ${key.length}`);
  return { id: kekId(key), key: Buffer.from(key) };
}

function gcmEncrypt(key: Buffer, plaintext: Buffer, aad: Buffer): { iv: Buffer; ciphertext: Buffer; tag: Buffer } {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(aad);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { iv, ciphertext, tag: cipher.getAuthTag() };
}

function gcmDecrypt(key: Buffer, iv: Buffer, ciphertext: Buffer, tag: Buffer, aad: Buffer): Buffer {
  const decipher = createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAAD(aad);
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
}

const dekAad = (certificateAuthorityId: string, id: string) => Buffer.from(`pki-ca-key-dek-v1\0${certificateAuthorityId}\0${id}`);

export function sealPrivateKey(kek: Kek, certificateAuthorityId: string, pkcs8Der: Buffer): SealedPrivateKey {
  const dek = randomBytes(32);
  try {
    const sealed = gcmEncrypt(dek, pkcs8Der, Buffer.from(certificateAuthorityId));
    const wrapped = gcmEncrypt(kek.key, dek, dekAad(certificateAuthorityId, kek.id));
    return { kekId: kek.id, wrappedDek: wrapped.ciphertext, dekIv: wrapped.iv, dekTag: wrapped.tag, ciphertext: sealed.ciphertext, iv: sealed.iv, tag: sealed.tag };
  } finally {
    dek.fill(0);
  }
}

/**
 * The KEKs ca-service holds (PKI_KEK): the current one wraps every new or re-wrapped data key;
 * older ones only unwrap rows not yet re-wrapped. A row names its KEK by fingerprint, so a ring
 * is looked up by id, never tried key by key.
 */
export interface KekRing {
  readonly current: Kek;
  /** Every configured KEK by id, the current one included. */
  readonly byId: ReadonlyMap<string, Kek>;
}

export function kekRing(current: Kek, older: readonly Kek[] = []): KekRing {
  const byId = new Map<string, Kek>([[current.id, current]]);
  for (const kek of older) byId.set(kek.id, kek);
  return { current, byId };
}

/** The KEK ids of a ring, current first, for messages (ids only, never keys). */
export function describeKekRing(ring: KekRing): string {
  const older = [...ring.byId.keys()].filter((id) => id !== ring.current.id);
  return `current ${ring.current.id}${older.length ? `, older ${older.join(', ')}` : ''}`;
}

function kekOf(ring: KekRing, certificateAuthorityId: string, sealed: SealedPrivateKey): Kek {
  const kek = ring.byId.get(sealed.kekId);
  if (!kek) {
    throw new KeyUnsealError(
      `The private key of CA ${certificateAuthorityId} is wrapped with key-encryption key ${sealed.kekId}, which is not configured (PKI_KEK holds ${describeKekRing(ring)}): add the KEK with id ${sealed.kekId} to PKI_KEK after the current one, restart ca-service, and re-wrap (README "Rotating the key-encryption key").`,
    );
  }
  return kek;
}

/** The data key of a row, unwrapped with the KEK the row names; the caller zeroes it. */
function unwrapDek(ring: KekRing, certificateAuthorityId: string, sealed: SealedPrivateKey): Buffer {
  const kek = kekOf(ring, certificateAuthorityId, sealed);
  try {
    return gcmDecrypt(kek.key, sealed.dekIv, sealed.wrappedDek, sealed.dekTag, dekAad(certificateAuthorityId, kek.id));
  } catch {
    throw new KeyUnsealError(`The wrapped data key of CA ${certificateAuthorityId} failed authentication under KEK ${kek.id}: the stored row was altered or belongs to another CA.`);
  }
}

function decryptWithDek(dek: Buffer, certificateAuthorityId: string, sealed: SealedPrivateKey): Buffer {
  try {
    return gcmDecrypt(dek, sealed.iv, sealed.ciphertext, sealed.tag, Buffer.from(certificateAuthorityId));
  } catch {
    throw new KeyUnsealError(`The encrypted private key of CA ${certificateAuthorityId} failed authentication: the stored row was altered or belongs to another CA.`);
  }
}

/** The PKCS #8 DER of the CA key; the caller zeroes it once it has made a KeyObject. */
export function openPrivateKey(ring: KekRing, certificateAuthorityId: string, sealed: SealedPrivateKey): Buffer {
  const dek = unwrapDek(ring, certificateAuthorityId, sealed);
  try {
    return decryptWithDek(dek, certificateAuthorityId, sealed);
  } finally {
    dek.fill(0);
  }
}

/**
 * KEK rotation: the same data key wrapped under the ring's current KEK. The encrypted private
 * key (ciphertext, iv, tag) is kept as it is; it is decrypted once here only to prove the row is
 * whole before it is re-wrapped (a tampered row fails as it would on open, and is not touched).
 */
export function rewrapPrivateKey(ring: KekRing, certificateAuthorityId: string, sealed: SealedPrivateKey): SealedPrivateKey {
  const dek = unwrapDek(ring, certificateAuthorityId, sealed);
  try {
    decryptWithDek(dek, certificateAuthorityId, sealed).fill(0);
    const wrapped = gcmEncrypt(ring.current.key, dek, dekAad(certificateAuthorityId, ring.current.id));
    return { ...sealed, kekId: ring.current.id, wrappedDek: wrapped.ciphertext, dekIv: wrapped.iv, dekTag: wrapped.tag };
  } finally {
    dek.fill(0);
  }
}
