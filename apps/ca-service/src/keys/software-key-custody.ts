/**
 * Software key custody: key pairs made by node:crypto, kept in ca.ca_keys envelope-encrypted
 * (envelope-encryption.ts) under the current KEK from configuration; a key stored under an older
 * configured KEK opens too (KEK rotation, kek-rewrap.ts). Opened keys are cached in memory as
 * KeyObjects (never exported again, never logged); re-wrapping a row does not change its key,
 * so a cached key stays valid through a rotation.
 */
import { constants, createPrivateKey, generateKeyPair, privateEncrypt, sign as cryptoSign, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import type { Kysely } from 'kysely';
import { DomainError, type KeyAlgorithm, type SigningAlgorithm } from '@pki/contracts';
import { generateKeyPairSpec, hashOf, isKeyAlgorithm, isMlDsaAlgorithm, KEY_ALGORITHMS, unsupportedAlgorithmReason } from '@pki/pki';
import { caKeyDb, deleteCaKey, findCaKey, insertCaKeyIfAbsent, sealedPrivateKeyOf } from './ca-key.queries';
import type { CaKeyDatabase, CaKeyRow } from './ca-key.table';
import { signEcdsaDigest } from './ecdsa-digest-signer';
import { openPrivateKey, sealPrivateKey, type KekRing } from './envelope-encryption';
import { KeyMismatchError, KeyNotFoundError } from './key-custody.errors';
import type { KeyCustody } from './key-custody.port';
import { generateMlDsaKey, mlDsaAlgorithmOfPkcs8, openMlDsaKey, signMlDsa, signMlDsaMu, type MlDsaKey } from './ml-dsa-software-key';
import { checkDigestLength, checkSigningAlgorithm, digestInfo, keyTypeOf } from './signature-forms';

const generateKeyPairAsync = promisify(generateKeyPair);
const signAsync = promisify(cryptoSign);

/** An opened key: a node:crypto KeyObject (RSA, EC) or an ML-DSA key pair (ml-dsa-software-key.ts). */
type OpenKey = { readonly keyAlgorithm: KeyAlgorithm; readonly privateKey: KeyObject; readonly mlDsa?: undefined } | { readonly keyAlgorithm: KeyAlgorithm; readonly mlDsa: MlDsaKey };

/**
 * Only KEY_ALGORITHMS values are keys at all; anything else is refused before a key is made. (The
 * software backend generates every one; PKCS #11 refuses ML-DSA: signature-forms.ts keyBackendRefusal.)
 */
export function checkKeyAlgorithm(keyAlgorithm: KeyAlgorithm): void {
  if (!isKeyAlgorithm(keyAlgorithm)) {
    const reason = unsupportedAlgorithmReason(String(keyAlgorithm)) ?? `Unsupported key algorithm ${JSON.stringify(keyAlgorithm)}.`;
    throw new DomainError('Malformed', `${reason} Use ${KEY_ALGORITHMS.join(', ')}.`, 'InvalidArgsException');
  }
}

/** generate() found a stored key: it is the answer when it is the same kind of key. */
export function existingPublicKey(row: CaKeyRow, backend: 'software' | 'pkcs11', keyAlgorithm: KeyAlgorithm): { publicKeySpki: Uint8Array } {
  if (row.backend !== backend) {
    throw new KeyMismatchError(`The key of CA ${row.ca_id} is held by the ${row.backend} backend, but ca-service runs with PKI_KEY_BACKEND=${backend}.`);
  }
  if (row.key_algorithm !== keyAlgorithm) {
    throw new KeyMismatchError(`CA ${row.ca_id} already has a ${row.key_algorithm} key; it cannot also have a ${keyAlgorithm} key.`);
  }
  return { publicKeySpki: new Uint8Array(row.public_key_spki) };
}

export class SoftwareKeyCustody implements KeyCustody {
  readonly backend = 'software' as const;
  private readonly db: Kysely<CaKeyDatabase>;
  private readonly open = new Map<string, OpenKey>();

  constructor(
    db: Kysely<any>,
    private readonly keks: KekRing,
  ) {
    this.db = caKeyDb(db);
  }

  /** The KEK id new keys are wrapped under. */
  get kekId(): string {
    return this.keks.current.id;
  }

  async generate(certificateAuthorityId: string, keyAlgorithm: KeyAlgorithm): Promise<{ readonly publicKeySpki: Uint8Array }> {
    checkKeyAlgorithm(keyAlgorithm);
    const existing = await findCaKey(this.db, certificateAuthorityId);
    if (existing) return existingPublicKey(existing, this.backend, keyAlgorithm);

    const { opened, publicKeySpki, pkcs8 } = await this.newKeyPair(keyAlgorithm);
    const sealed = sealPrivateKey(this.keks.current, certificateAuthorityId, pkcs8);
    pkcs8.fill(0);

    const stored = await insertCaKeyIfAbsent(this.db, {
      ca_id: certificateAuthorityId,
      backend: this.backend,
      key_algorithm: keyAlgorithm,
      public_key_spki: publicKeySpki,
      kek_id: sealed.kekId,
      wrapped_dek: sealed.wrappedDek,
      dek_iv: sealed.dekIv,
      dek_tag: sealed.dekTag,
      ciphertext: sealed.ciphertext,
      iv: sealed.iv,
      tag: sealed.tag,
      pkcs11_key_id: null,
    });
    if (!stored) {
      // A concurrent generate() won the primary key: its key is the CA's key, ours is dropped.
      const winner = await findCaKey(this.db, certificateAuthorityId);
      if (!winner) throw new Error(`the key of CA ${certificateAuthorityId} disappeared while it was being generated`);
      return existingPublicKey(winner, this.backend, keyAlgorithm);
    }
    this.open.set(certificateAuthorityId, opened);
    return { publicKeySpki: new Uint8Array(publicKeySpki) };
  }

  /** node:crypto makes RSA and EC keys; @noble/post-quantum ML-DSA keys (kept as their PKCS #8 seed form, RFC 9881 §6). */
  private async newKeyPair(keyAlgorithm: KeyAlgorithm): Promise<{ opened: OpenKey; publicKeySpki: Buffer; pkcs8: Buffer }> {
    if (isMlDsaAlgorithm(keyAlgorithm)) {
      const { key, publicKeySpki, pkcs8 } = generateMlDsaKey(keyAlgorithm);
      return { opened: { keyAlgorithm, mlDsa: key }, publicKeySpki, pkcs8 };
    }
    const spec = generateKeyPairSpec(keyAlgorithm);
    const { privateKey, publicKey } = spec.type === 'rsa' ? await generateKeyPairAsync('rsa', spec.options) : await generateKeyPairAsync('ec', spec.options);
    return { opened: { keyAlgorithm, privateKey }, publicKeySpki: publicKey.export({ type: 'spki', format: 'der' }), pkcs8: privateKey.export({ type: 'pkcs8', format: 'der' }) };
  }

  async sign(certificateAuthorityId: string, signingAlgorithm: SigningAlgorithm, data: Uint8Array): Promise<Uint8Array> {
    const key = await this.key(certificateAuthorityId);
    const hash = checkSigningAlgorithm(certificateAuthorityId, key.keyAlgorithm, signingAlgorithm);
    // ML-DSA: pure ML-DSA over the data, empty context (RFC 9881 §3).
    if (key.mlDsa) return signMlDsa(key.mlDsa, data);
    // RSA: PKCS #1 v1.5 is node's default padding; ECDSA: DER Ecdsa-Sig-Value.
    return signAsync(hash ?? null, data, { key: key.privateKey, dsaEncoding: 'der' });
  }

  async signDigest(certificateAuthorityId: string, signingAlgorithm: SigningAlgorithm, digest: Uint8Array): Promise<Uint8Array> {
    const key = await this.key(certificateAuthorityId);
    checkSigningAlgorithm(certificateAuthorityId, key.keyAlgorithm, signingAlgorithm);
    checkDigestLength(signingAlgorithm, digest);
    // ML-DSA: the digest is mu (FIPS 204 external mu), giving the pure ML-DSA signature of the message.
    if (key.mlDsa) return signMlDsaMu(key.mlDsa, digest);
    if (keyTypeOf(key.keyAlgorithm) === 'rsa') {
      // RSASSA-PKCS1-v1_5 (RFC 8017 §8.2.1): EMSA padding (block type 1) over DigestInfo.
      return privateEncrypt({ key: key.privateKey, padding: constants.RSA_PKCS1_PADDING }, digestInfo(hashOf(signingAlgorithm), digest));
    }
    return signEcdsaDigest(key.keyAlgorithm, key.privateKey, digest);
  }

  async publicKey(certificateAuthorityId: string): Promise<Uint8Array | undefined> {
    const row = await findCaKey(this.db, certificateAuthorityId);
    return row ? new Uint8Array(row.public_key_spki) : undefined;
  }

  async destroy(certificateAuthorityId: string): Promise<void> {
    // An ML-DSA secret key is plain bytes in this process (a KeyObject is not): zero the cached copy.
    this.open.get(certificateAuthorityId)?.mlDsa?.secretKey.fill(0);
    this.open.delete(certificateAuthorityId);
    await deleteCaKey(this.db, certificateAuthorityId);
  }

  private async key(certificateAuthorityId: string): Promise<OpenKey> {
    const cached = this.open.get(certificateAuthorityId);
    if (cached) return cached;
    const row = await findCaKey(this.db, certificateAuthorityId);
    if (!row) throw new KeyNotFoundError(certificateAuthorityId);
    if (row.backend !== this.backend) throw new KeyMismatchError(`The key of CA ${certificateAuthorityId} is held by the ${row.backend} backend, but ca-service runs with PKI_KEY_BACKEND=${this.backend}.`);
    const pkcs8 = openPrivateKey(this.keks, certificateAuthorityId, sealedPrivateKeyOf(row));
    try {
      const keyAlgorithm = row.key_algorithm as KeyAlgorithm;
      const key: OpenKey = mlDsaAlgorithmOfPkcs8(pkcs8)
        ? { keyAlgorithm, mlDsa: openMlDsaKey(pkcs8) }
        : { keyAlgorithm, privateKey: createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' }) };
      this.open.set(certificateAuthorityId, key);
      return key;
    } finally {
      pkcs8.fill(0);
    }
  }
}
