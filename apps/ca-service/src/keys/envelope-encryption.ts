/**
 * Envelope encryption of software CA keys at rest (DESIGN.md "Keys and signing"):
 * a fresh 256-bit data key (DEK) encrypts the PKCS #8 private key with AES-256-GCM, the CA id
 * as additional authenticated data (a row copied to another CA does not decrypt); the
 * key-encryption key (KEK) from configuration wraps the DEK, also with AES-256-GCM, bound to
 * the CA id and the KEK id. The KEK is never stored beside the data: only its id (a short,
 * domain-separated SHA-256 fingerprint) is, so a rotation can tell which KEK opens a row.
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

/** The PKCS #8 DER of the CA key; the caller zeroes it once it has made a KeyObject. */
export function openPrivateKey(kek: Kek, certificateAuthorityId: string, sealed: SealedPrivateKey): Buffer {
  if (sealed.kekId !== kek.id) {
    throw new KeyUnsealError(
      `The private key of CA ${certificateAuthorityId} is wrapped with key-encryption key ${sealed.kekId}, but the configured PKI_KEK has id ${kek.id}: start ca-service with the KEK the key was stored under.`,
    );
  }
  let dek: Buffer;
  try {
    dek = gcmDecrypt(kek.key, sealed.dekIv, sealed.wrappedDek, sealed.dekTag, dekAad(certificateAuthorityId, kek.id));
  } catch {
    throw new KeyUnsealError(`The wrapped data key of CA ${certificateAuthorityId} failed authentication under KEK ${kek.id}: the stored row was altered or belongs to another CA.`);
  }
  try {
    return gcmDecrypt(dek, sealed.iv, sealed.ciphertext, sealed.tag, Buffer.from(certificateAuthorityId));
  } catch {
    throw new KeyUnsealError(`The encrypted private key of CA ${certificateAuthorityId} failed authentication: the stored row was altered or belongs to another CA.`);
  } finally {
    dek.fill(0);
  }
}
