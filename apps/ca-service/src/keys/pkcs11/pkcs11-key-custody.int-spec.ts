import { createHash, createPublicKey, randomUUID, verify } from 'node:crypto';
import * as graphene from 'graphene-pk11';
import { X509Certificate } from '@peculiar/x509';
import type { TestDatabase } from '@pki/testing';
import { buildCertificate, buildCsr, describePublicKey, encodeName, hashOf, type KeyAlgorithm, type SigningAlgorithm } from '@pki/pki';
import { createCaTestDatabase } from '../test/ca-test-database';
import { createSoftHsmToken, type SoftHsmToken } from '../test/softhsm-token';
import { openssl, writeTemp } from '../test/openssl';
import { Pkcs11KeyCustody } from './pkcs11-key-custody';

const CASES: Array<[KeyAlgorithm, SigningAlgorithm[]]> = [
  ['RSA_2048', ['SHA256WITHRSA', 'SHA384WITHRSA', 'SHA512WITHRSA']],
  ['RSA_3072', ['SHA256WITHRSA', 'SHA384WITHRSA', 'SHA512WITHRSA']],
  ['RSA_4096', ['SHA512WITHRSA']],
  ['EC_prime256v1', ['SHA256WITHECDSA', 'SHA384WITHECDSA', 'SHA512WITHECDSA']],
  ['EC_secp384r1', ['SHA384WITHECDSA', 'SHA256WITHECDSA']],
  ['EC_secp521r1', ['SHA512WITHECDSA', 'SHA384WITHECDSA', 'SHA256WITHECDSA']],
];

const pem = (der: Uint8Array, label: string) => `-----BEGIN ${label}-----\n${Buffer.from(der).toString('base64').replace(/.{1,64}/g, '$&\n')}-----END ${label}-----\n`;

describe('Pkcs11KeyCustody (SoftHSM2, Postgres)', () => {
  let token: SoftHsmToken;
  let database: TestDatabase;
  let custody: Pkcs11KeyCustody;

  beforeAll(async () => {
    token = createSoftHsmToken('pki-ca-keys');
    database = await createCaTestDatabase();
    custody = Pkcs11KeyCustody.open(database.db, token);
  });
  afterAll(async () => {
    custody?.close();
    await database?.destroy();
    token?.remove();
  });

  /** Looks at the token through a session of its own. */
  function onToken<T>(fn: (session: graphene.Session) => T): T {
    const other = Pkcs11KeyCustody.open(database.db, token);
    // The custody's module is shared; open a plain session on the same slot for inspection.
    const module = graphene.Module.load(token.library);
    try {
      const slots = module.getSlots(true);
      for (let i = 0; i < slots.length; i++) {
        const slot = slots.items(i);
        if (slot.getToken().label === token.tokenLabel) {
          const session = slot.open(graphene.SessionFlag.SERIAL_SESSION);
          try {
            return fn(session);
          } finally {
            session.close();
          }
        }
      }
      throw new Error('token not found');
    } finally {
      other.close();
    }
  }

  it.each(CASES)('generates %s on the token, signs a CSR that openssl verifies and a certificate node:crypto verifies', async (keyAlgorithm, signingAlgorithms) => {
    const caId = randomUUID();
    const { publicKeySpki } = await custody.generate(caId, keyAlgorithm);
    expect(describePublicKey(publicKeySpki).keyAlgorithm).toBe(keyAlgorithm);
    const publicKey = createPublicKey({ key: Buffer.from(publicKeySpki), format: 'der', type: 'spki' });

    for (const signingAlgorithm of signingAlgorithms) {
      const csr = await buildCsr({
        subject: { CommonName: `HSM ${keyAlgorithm}`, Organization: 'Example' },
        publicKeySpki,
        signingAlgorithm,
        sign: (tbs) => custody.sign(caId, signingAlgorithm, tbs),
      });
      const result = openssl('req', '-in', writeTemp(`${caId}-${signingAlgorithm}.csr`, pem(csr, 'CERTIFICATE REQUEST')), '-noout', '-verify');
      expect(result.output).toMatch(/verify OK/);
      expect(result.output).not.toMatch(/verify failure|bad signature/i);

      // A certificate signed by digest (the SignDigest path): verify the signature over the TBS.
      const name = encodeName({ CommonName: `HSM ${keyAlgorithm}` });
      const { tbs, der } = await buildCertificate({
        serial: 0x1234n,
        signingAlgorithm,
        issuerDer: name,
        subjectDer: name,
        notBefore: new Date('2026-01-01T00:00:00Z'),
        notAfter: new Date('2027-01-01T00:00:00Z'),
        publicKeySpki,
        extensions: [],
        sign: async (bytes) => custody.signDigest(caId, signingAlgorithm, createHash(hashOf(signingAlgorithm)).update(bytes).digest()),
      });
      const parsedSignature = Buffer.from(new X509Certificate(der).signature);
      expect(verify(hashOf(signingAlgorithm), tbs, { key: publicKey, dsaEncoding: 'der' }, parsedSignature)).toBe(true);
      const text = openssl('x509', '-in', writeTemp(`${caId}-${signingAlgorithm}.pem`, pem(der, 'CERTIFICATE')), '-noout', '-text');
      expect(text.status).toBe(0);
      const selfCheck = openssl('verify', '-CAfile', writeTemp(`${caId}-${signingAlgorithm}-ca.pem`, pem(der, 'CERTIFICATE')), '-partial_chain', '-check_ss_sig', writeTemp(`${caId}-${signingAlgorithm}-leaf.pem`, pem(der, 'CERTIFICATE')));
      expect(selfCheck.output).toMatch(/: OK/);
    }
  });

  it('keeps the private key on the token: token object, private, sensitive, not extractable, sign only', async () => {
    const caId = randomUUID();
    await custody.generate(caId, 'EC_prime256v1');
    const attributes = onToken((session) => {
      const found = session.find({ class: graphene.ObjectClass.PRIVATE_KEY, label: caId });
      expect(found.length).toBe(1);
      return found.items(0).getAttribute({ token: null, private: null, sensitive: null, extractable: null, sign: null, decrypt: null, alwaysSensitive: null, neverExtractable: null });
    });
    expect(attributes).toEqual({ token: true, private: true, sensitive: true, extractable: false, sign: true, decrypt: false, alwaysSensitive: true, neverExtractable: true });
    const row = await database.db.withSchema('ca').selectFrom('ca_keys').selectAll().where('ca_id', '=', caId).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ backend: 'pkcs11', key_algorithm: 'EC_prime256v1', kek_id: null, wrapped_dek: null, ciphertext: null });
    expect(row.pkcs11_key_id).toHaveLength(16);
  });

  it('finds the key again after a restart (custody closed, library finalized, reopened)', async () => {
    const caId = randomUUID();
    const { publicKeySpki } = await custody.generate(caId, 'RSA_2048');
    custody.close();
    custody = Pkcs11KeyCustody.open(database.db, token);
    const data = Buffer.from('after restart');
    const signature = await custody.sign(caId, 'SHA256WITHRSA', data);
    expect(verify('sha256', data, createPublicKey({ key: Buffer.from(publicKeySpki), format: 'der', type: 'spki' }), signature)).toBe(true);
  });

  it('creates one key pair when generate() races, removing the losers from the token', async () => {
    const caId = randomUUID();
    const second = Pkcs11KeyCustody.open(database.db, token);
    try {
      const results = await Promise.all(Array.from({ length: 6 }, (_, i) => (i % 2 ? custody : second).generate(caId, 'EC_secp384r1')));
      expect(new Set(results.map((r) => Buffer.from(r.publicKeySpki).toString('hex'))).size).toBe(1);
    } finally {
      second.close();
    }
    expect(onToken((session) => session.find({ class: graphene.ObjectClass.PRIVATE_KEY, label: caId }).length)).toBe(1);
    expect(onToken((session) => session.find({ class: graphene.ObjectClass.PUBLIC_KEY, label: caId }).length)).toBe(1);
  });

  it('signs concurrently through its session pool', async () => {
    const caId = randomUUID();
    const { publicKeySpki } = await custody.generate(caId, 'EC_prime256v1');
    const publicKey = createPublicKey({ key: Buffer.from(publicKeySpki), format: 'der', type: 'spki' });
    const signatures = await Promise.all(Array.from({ length: 40 }, (_, i) => custody.sign(caId, 'SHA256WITHECDSA', Buffer.from(`m${i}`))));
    signatures.forEach((signature, i) => expect(verify('sha256', Buffer.from(`m${i}`), publicKey, signature)).toBe(true));
  });

  it('refuses the wrong algorithm family and a wrong digest length', async () => {
    const caId = randomUUID();
    await custody.generate(caId, 'RSA_2048');
    await expect(custody.sign(caId, 'SHA256WITHECDSA', Buffer.from('x'))).rejects.toMatchObject({ kind: 'Malformed', code: 'InvalidArgsException' });
    await expect(custody.signDigest(caId, 'SHA384WITHRSA', Buffer.alloc(32))).rejects.toThrow('A SHA384 digest for SHA384WITHRSA is 48 octets, got 32.');
  });

  it.each(['ML_DSA_44', 'ML_DSA_65', 'ML_DSA_87'] as const)('refuses an %s key with a clear InvalidArgsException, creating nothing on the token', async (keyAlgorithm) => {
    const caId = randomUUID();
    await expect(custody.generate(caId, keyAlgorithm)).rejects.toMatchObject({
      kind: 'Malformed',
      code: 'InvalidArgsException',
      message: expect.stringMatching(new RegExp(`^KeyAlgorithm ${keyAlgorithm} \\(ML-DSA, FIPS 204\\) is not supported by the PKCS #11 key backend: .*CKM_ML_DSA.*PKI_KEY_BACKEND=software`)),
    });
    expect(onToken((session) => session.find({ label: caId }).length)).toBe(0);
    expect(await custody.publicKey(caId)).toBeUndefined();
    // An RSA or EC key on the token cannot sign ML-DSA either.
    await custody.generate(caId, 'EC_prime256v1');
    await expect(custody.sign(caId, keyAlgorithm, Buffer.from('x'))).rejects.toMatchObject({ code: 'InvalidArgsException' });
  });

  it('destroys the key pair on the token and the row', async () => {
    const caId = randomUUID();
    await custody.generate(caId, 'EC_prime256v1');
    await custody.sign(caId, 'SHA256WITHECDSA', Buffer.from('x'));
    await custody.destroy(caId);
    expect(onToken((session) => session.find({ label: caId }).length)).toBe(0);
    expect(await custody.publicKey(caId)).toBeUndefined();
    await expect(custody.sign(caId, 'SHA256WITHECDSA', Buffer.from('x'))).rejects.toThrow(`CA ${caId} has no key pair in this key store`);
  });

  it('fails to open with a clear message for a wrong PIN or an unknown token, never echoing the PIN', async () => {
    // Login state is per process and token (PKCS #11 §5.6): finalize the library so the PIN is checked again.
    custody.close();
    let message = '';
    try {
      Pkcs11KeyCustody.open(database.db, { ...token, pin: '999999' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toBe(`login to PKCS #11 token "${token.tokenLabel}" failed (CKR_PIN_INCORRECT): check PKI_PKCS11_PIN`);
    expect(() => Pkcs11KeyCustody.open(database.db, { ...token, tokenLabel: 'nope' })).toThrow(`no PKCS #11 token labelled "nope" (PKI_PKCS11_TOKEN_LABEL) in ${token.library}; tokens present: "${token.tokenLabel}"`);
    expect(() => Pkcs11KeyCustody.open(database.db, { ...token, library: '/nonexistent/libpkcs11.so' })).toThrow(/^cannot load the PKCS #11 library \/nonexistent\/libpkcs11.so \(PKI_PKCS11_LIBRARY\)/);
    // Failed opens leave nothing behind: the right PIN still opens and signs.
    custody = Pkcs11KeyCustody.open(database.db, token);
    const caId = randomUUID();
    await custody.generate(caId, 'EC_prime256v1');
    await expect(custody.sign(caId, 'SHA256WITHECDSA', Buffer.from('x'))).resolves.toBeInstanceOf(Uint8Array);
  });
});
