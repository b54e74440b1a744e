import type { KeyObject } from 'node:crypto';
import { describePublicKey, publicKeyFromSpki } from '@pki/pki';

/**
 * Public keys this process imported, by their DER SubjectPublicKeyInfo: the issuing CAs' keys
 * (the lint verifies every signature with one) and the keys of CSRs (proof of possession), so a
 * key seen again (a CA, a device renewing with the same key) is not imported again. Importing a
 * key costs as much as the signature check it serves (libs/pki public-key.ts). Bounded: the
 * least recently used key goes first. Public keys only; nothing secret is kept.
 */
export class PublicKeys {
  private readonly keys = new Map<string, KeyObject>();

  constructor(private readonly maxEntries = 1024) {}

  of(spki: Uint8Array): KeyObject {
    const id = Buffer.from(spki.buffer, spki.byteOffset, spki.byteLength).toString('base64');
    let key = this.keys.get(id);
    if (key) {
      this.keys.delete(id); // most recently used last
    } else {
      key = publicKeyFromSpki(spki);
      if (this.keys.size >= this.maxEntries) this.keys.delete(this.keys.keys().next().value as string);
    }
    this.keys.set(id, key);
    return key;
  }
}

/**
 * What lintCertificate verifies an issuing CA's signatures with: the imported KeyObject, or for
 * an ML-DSA CA the SubjectPublicKeyInfo itself (node:crypto cannot import ML-DSA keys; the lint
 * verifies with @noble/post-quantum).
 */
export function caVerifyKey(keys: PublicKeys, spki: Uint8Array): KeyObject | Uint8Array {
  return describePublicKey(spki).keyType === 'ml-dsa' ? spki : keys.of(spki);
}

/** The process's keys, shared by every request. */
export const processPublicKeys = new PublicKeys();
