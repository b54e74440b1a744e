/**
 * PKCS #11 key custody (tested against SoftHSM2): CA key pairs are generated on the token as
 * token objects, the private half CKA_PRIVATE, CKA_SENSITIVE, not CKA_EXTRACTABLE, usable only
 * to sign. CKA_LABEL is the CA id; CKA_ID is random per generation and recorded in ca.ca_keys
 * (with the public key, no key material), so after a restart the key is found again, and a
 * key pair left by a generate() that lost a race (or crashed before recording) is never
 * mistaken for the CA's key.
 *
 * Mechanisms: RSA `sign` uses CKM_SHA{256,384,512}_RSA_PKCS, `signDigest` CKM_RSA_PKCS over the
 * DigestInfo. SoftHSM 2.6 has no combined ECDSA-with-SHA mechanisms, so ECDSA hashes here and
 * signs with CKM_ECDSA, whose raw r || s becomes a DER Ecdsa-Sig-Value.
 */
import { createHash, randomBytes } from 'node:crypto';
import * as graphene from 'graphene-pk11';
import type { Kysely } from 'kysely';
import type { KeyAlgorithm, SigningAlgorithm } from '@pki/contracts';
import { generateKeyPairSpec } from '@pki/pki';
import { caKeyDb, deleteCaKey, findCaKey, insertCaKeyIfAbsent } from '../ca-key.queries';
import type { CaKeyDatabase } from '../ca-key.table';
import { KeyMismatchError, KeyNotFoundError } from '../key-custody.errors';
import type { KeyCustody } from '../key-custody.port';
import { checkDigestLength, checkKeyBackendSupports, checkSigningAlgorithm, digestInfo, ecdsaRawToDer, keyTypeOf, truncateDigestForEcdsa } from '../signature-forms';
import { checkKeyAlgorithm, existingPublicKey } from '../software-key-custody';
import { acquireModule, releaseModule, serializeTokenWrite } from './pkcs11-module';
import { EC_PARAMS, ecSpki, rsaSpki } from './pkcs11-public-key';
import { SessionPool } from './session-pool';

export interface Pkcs11CustodyOptions {
  readonly library: string;
  readonly tokenLabel: string;
  /** The user PIN: used to log in, never logged or put in an error. */
  readonly pin: string;
  /** Concurrent token operations (one session each). */
  readonly sessions?: number;
}

interface KeyRef {
  readonly keyAlgorithm: KeyAlgorithm;
  readonly keyId: Buffer;
}

const RSA_SIGN_MECHANISM = { sha256: 'SHA256_RSA_PKCS', sha384: 'SHA384_RSA_PKCS', sha512: 'SHA512_RSA_PKCS' } as const;

function findSlot(module: graphene.Module, tokenLabel: string, library: string): graphene.Slot {
  const slots = module.getSlots(true);
  const labels: string[] = [];
  for (let i = 0; i < slots.length; i++) {
    const slot = slots.items(i);
    const label = slot.getToken().label.trim();
    if (label === tokenLabel) return slot;
    if (label) labels.push(JSON.stringify(label));
  }
  throw new Error(`no PKCS #11 token labelled ${JSON.stringify(tokenLabel)} (PKI_PKCS11_TOKEN_LABEL) in ${library}; tokens present: ${labels.join(', ') || 'none'}`);
}

function login(session: graphene.Session, pin: string, tokenLabel: string): void {
  try {
    session.login(pin, graphene.UserType.USER);
  } catch (cause) {
    const message = (cause as Error).message;
    if (/CKR_USER_ALREADY_LOGGED_IN/.test(message)) return;
    const reason = /CKR_[A-Z_]+/.exec(message)?.[0] ?? 'unknown error';
    throw new Error(`login to PKCS #11 token ${JSON.stringify(tokenLabel)} failed (${reason}): check PKI_PKCS11_PIN`);
  }
}

function generateKeyPair(session: graphene.Session, mechanism: graphene.KeyGenMechanism, pub: graphene.ITemplate, priv: graphene.ITemplate): Promise<graphene.IKeyPair> {
  return new Promise((resolve, reject) => session.generateKeyPair(mechanism, pub, priv, (error, keys) => (error || !keys ? reject(error ?? new Error('C_GenerateKeyPair returned no keys')) : resolve(keys))));
}

function signOnce(session: graphene.Session, mechanism: graphene.MechanismType, key: graphene.PrivateKey, data: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => session.createSign(mechanism, key).once(data, (error, signature) => (error ? reject(error) : resolve(signature))));
}

export class Pkcs11KeyCustody implements KeyCustody {
  readonly backend = 'pkcs11' as const;
  private readonly db: Kysely<CaKeyDatabase>;
  private readonly refs = new Map<string, KeyRef>();
  /** Private-key objects found per session (object lookups cost a round trip to the token). */
  private readonly handles = new WeakMap<graphene.Session, Map<string, graphene.PrivateKey>>();
  private closed = false;

  private constructor(
    db: Kysely<any>,
    private readonly options: Pkcs11CustodyOptions,
    private readonly pool: SessionPool,
  ) {
    this.db = caKeyDb(db);
  }

  /** Loads the library, finds the token by label and logs in; throws a start-up error that says what is wrong. */
  static open(db: Kysely<any>, options: Pkcs11CustodyOptions): Pkcs11KeyCustody {
    const module = acquireModule(options.library);
    try {
      const slot = findSlot(module, options.tokenLabel, options.library);
      const first = SessionPool.openSession(slot);
      login(first, options.pin, options.tokenLabel);
      return new Pkcs11KeyCustody(db, options, new SessionPool(slot, options.sessions ?? 4, first));
    } catch (error) {
      releaseModule(options.library);
      throw error;
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.pool.close();
    releaseModule(this.options.library);
  }

  async generate(certificateAuthorityId: string, keyAlgorithm: KeyAlgorithm): Promise<{ readonly publicKeySpki: Uint8Array }> {
    checkKeyAlgorithm(keyAlgorithm);
    checkKeyBackendSupports(this.backend, keyAlgorithm); // no ML-DSA on the token (signature-forms.ts)
    const existing = await findCaKey(this.db, certificateAuthorityId);
    if (existing) return existingPublicKey(existing, this.backend, keyAlgorithm);

    const keyId = randomBytes(16);
    const publicKeySpki = await this.pool.use((session) =>
      this.tokenWrite(async () => {
        const pair = await this.generateOnToken(session, certificateAuthorityId, keyId, keyAlgorithm);
        try {
          return this.exportPublicKey(pair.publicKey, keyAlgorithm);
        } catch (error) {
          this.destroyObjects(session, { id: keyId });
          throw error;
        }
      }),
    );
    let stored = false;
    try {
      stored = await insertCaKeyIfAbsent(this.db, {
        ca_id: certificateAuthorityId,
        backend: this.backend,
        key_algorithm: keyAlgorithm,
        public_key_spki: publicKeySpki,
        kek_id: null,
        wrapped_dek: null,
        dek_iv: null,
        dek_tag: null,
        ciphertext: null,
        iv: null,
        tag: null,
        pkcs11_key_id: keyId,
      });
    } finally {
      // A concurrent generate() won (or recording failed): this key pair is nobody's, remove it.
      if (!stored) await this.pool.use((session) => this.tokenWrite(async () => this.destroyObjects(session, { id: keyId })));
    }
    if (!stored) {
      const winner = await findCaKey(this.db, certificateAuthorityId);
      if (!winner) throw new Error(`the key of CA ${certificateAuthorityId} disappeared while it was being generated`);
      return existingPublicKey(winner, this.backend, keyAlgorithm);
    }
    this.refs.set(certificateAuthorityId, { keyAlgorithm, keyId });
    return { publicKeySpki: new Uint8Array(publicKeySpki) };
  }

  async sign(certificateAuthorityId: string, signingAlgorithm: SigningAlgorithm, data: Uint8Array): Promise<Uint8Array> {
    const ref = await this.ref(certificateAuthorityId);
    const hash = this.hashFor(certificateAuthorityId, ref.keyAlgorithm, signingAlgorithm);
    if (keyTypeOf(ref.keyAlgorithm) === 'rsa') {
      return this.signWith(certificateAuthorityId, ref, RSA_SIGN_MECHANISM[hash], Buffer.from(data));
    }
    const digest = createHash(hash).update(data).digest();
    return this.signEcdsa(certificateAuthorityId, ref, digest);
  }

  /** The hash of an RSA or ECDSA signature; a token key is never ML-DSA (generate refuses it). */
  private hashFor(certificateAuthorityId: string, keyAlgorithm: KeyAlgorithm, signingAlgorithm: SigningAlgorithm) {
    const hash = checkSigningAlgorithm(certificateAuthorityId, keyAlgorithm, signingAlgorithm);
    if (!hash) {
      checkKeyBackendSupports(this.backend, keyAlgorithm);
      throw new Error(`CA ${certificateAuthorityId}: ${signingAlgorithm} has no hash`);
    }
    return hash;
  }

  async signDigest(certificateAuthorityId: string, signingAlgorithm: SigningAlgorithm, digest: Uint8Array): Promise<Uint8Array> {
    const ref = await this.ref(certificateAuthorityId);
    const hash = this.hashFor(certificateAuthorityId, ref.keyAlgorithm, signingAlgorithm);
    checkDigestLength(signingAlgorithm, digest);
    if (keyTypeOf(ref.keyAlgorithm) === 'rsa') return this.signWith(certificateAuthorityId, ref, 'RSA_PKCS', digestInfo(hash, digest));
    return this.signEcdsa(certificateAuthorityId, ref, digest);
  }

  async publicKey(certificateAuthorityId: string): Promise<Uint8Array | undefined> {
    const row = await findCaKey(this.db, certificateAuthorityId);
    return row ? new Uint8Array(row.public_key_spki) : undefined;
  }

  /** Removes every token object labelled with the CA id (its key pair and any orphan), then the row. */
  async destroy(certificateAuthorityId: string): Promise<void> {
    this.refs.delete(certificateAuthorityId);
    await this.pool.use((session) => this.tokenWrite(async () => this.destroyObjects(session, { label: certificateAuthorityId })));
    for (const session of this.pool.sessions()) this.handles.get(session)?.clear();
    await deleteCaKey(this.db, certificateAuthorityId);
  }

  private async signEcdsa(certificateAuthorityId: string, ref: KeyRef, digest: Buffer | Uint8Array): Promise<Uint8Array> {
    const raw = await this.signWith(certificateAuthorityId, ref, 'ECDSA', Buffer.from(truncateDigestForEcdsa(ref.keyAlgorithm, digest)));
    return ecdsaRawToDer(raw);
  }

  private signWith(certificateAuthorityId: string, ref: KeyRef, mechanism: graphene.MechanismType, input: Buffer): Promise<Buffer> {
    return this.pool.use(async (session) => signOnce(session, mechanism, this.privateKey(session, certificateAuthorityId, ref), input));
  }

  private privateKey(session: graphene.Session, certificateAuthorityId: string, ref: KeyRef): graphene.PrivateKey {
    let perSession = this.handles.get(session);
    if (!perSession) this.handles.set(session, (perSession = new Map()));
    const cacheKey = ref.keyId.toString('hex');
    const cached = perSession.get(cacheKey);
    if (cached) return cached;
    const found = session.find({ class: graphene.ObjectClass.PRIVATE_KEY, token: true, id: ref.keyId });
    if (found.length === 0) {
      throw new KeyNotFoundError(certificateAuthorityId, `its private key (CKA_ID ${cacheKey}) is not on PKCS #11 token ${JSON.stringify(this.options.tokenLabel)}`);
    }
    const key = found.items(0).toType<graphene.PrivateKey>();
    perSession.set(cacheKey, key);
    return key;
  }

  private async ref(certificateAuthorityId: string): Promise<KeyRef> {
    const cached = this.refs.get(certificateAuthorityId);
    if (cached) return cached;
    const row = await findCaKey(this.db, certificateAuthorityId);
    if (!row) throw new KeyNotFoundError(certificateAuthorityId);
    if (row.backend !== this.backend || !row.pkcs11_key_id) {
      throw new KeyMismatchError(`The key of CA ${certificateAuthorityId} is held by the ${row.backend} backend, but ca-service runs with PKI_KEY_BACKEND=${this.backend}.`);
    }
    const ref: KeyRef = { keyAlgorithm: row.key_algorithm as KeyAlgorithm, keyId: row.pkcs11_key_id };
    this.refs.set(certificateAuthorityId, ref);
    return ref;
  }

  /** Token object writes go one at a time per library: see serializeTokenWrite. */
  private tokenWrite<T>(write: () => Promise<T>): Promise<T> {
    return serializeTokenWrite(this.options.library, write);
  }

  private generateOnToken(session: graphene.Session, label: string, id: Buffer, keyAlgorithm: KeyAlgorithm): Promise<graphene.IKeyPair> {
    const common = { token: true, label, id };
    const privateTemplate: graphene.ITemplate = {
      ...common,
      class: graphene.ObjectClass.PRIVATE_KEY,
      private: true,
      sensitive: true,
      extractable: false,
      sign: true,
      decrypt: false,
      unwrap: false,
      derive: false,
    };
    const spec = generateKeyPairSpec(keyAlgorithm);
    if (spec.type === 'rsa') {
      const publicTemplate: graphene.ITemplate = {
        ...common,
        class: graphene.ObjectClass.PUBLIC_KEY,
        keyType: graphene.KeyType.RSA,
        private: false,
        verify: true,
        encrypt: false,
        wrap: false,
        modulusBits: spec.options.modulusLength, // CKA_MODULUS_BITS (PKCS #11 v2.40 §2.1.4)
        publicExponent: Buffer.from([0x01, 0x00, 0x01]),
      };
      return generateKeyPair(session, graphene.KeyGenMechanism.RSA, publicTemplate, { ...privateTemplate, keyType: graphene.KeyType.RSA });
    }
    const publicTemplate: graphene.ITemplate = {
      ...common,
      class: graphene.ObjectClass.PUBLIC_KEY,
      keyType: graphene.KeyType.EC,
      private: false,
      verify: true,
      paramsEC: EC_PARAMS[keyAlgorithm],
    };
    return generateKeyPair(session, graphene.KeyGenMechanism.EC, publicTemplate, { ...privateTemplate, keyType: graphene.KeyType.EC });
  }

  private exportPublicKey(publicKey: graphene.PublicKey, keyAlgorithm: KeyAlgorithm): Buffer {
    if (keyTypeOf(keyAlgorithm) === 'rsa') {
      const { modulus, publicExponent } = publicKey.getAttribute({ modulus: null, publicExponent: null });
      if (!modulus || !publicExponent) throw new Error('the token returned an RSA public key without modulus or exponent');
      return rsaSpki(modulus, publicExponent);
    }
    const attributes = publicKey.getAttribute({ paramsEC: null, pointEC: null });
    // graphene names CKA_EC_PARAMS by its first alias (paramsECDSA) when reading it back.
    const paramsEC = attributes.paramsEC ?? attributes.paramsECDSA;
    const pointEC = attributes.pointEC;
    if (!paramsEC || !pointEC) throw new Error('the token returned an EC public key without CKA_EC_PARAMS or CKA_EC_POINT');
    return ecSpki(keyAlgorithm, paramsEC, pointEC);
  }

  private destroyObjects(session: graphene.Session, template: graphene.ITemplate): void {
    session.destroy({ ...template, token: true });
  }
}
