import { createPublicKey, randomBytes, randomUUID, verify, createHash } from 'node:crypto';
import { sql } from 'kysely';
import { pqcleanVerifiesMlDsa, type TestDatabase } from '@pki/testing';
import { hashOf, SIGNING_ALGORITHMS, keyTypeOfSigningAlgorithm, describePublicKey, mlDsaMuHasher, type KeyAlgorithm } from '@pki/pki';
import { kekFrom, kekRing } from './envelope-encryption';
import { SoftwareKeyCustody } from './software-key-custody';
import { createCaTestDatabase } from './test/ca-test-database';

const ALGORITHMS: KeyAlgorithm[] = ['RSA_2048', 'RSA_3072', 'RSA_4096', 'EC_prime256v1', 'EC_secp384r1', 'EC_secp521r1'];

describe('SoftwareKeyCustody (Postgres)', () => {
  let database: TestDatabase;
  const kek = kekFrom(randomBytes(32));
  const keks = kekRing(kek);
  beforeAll(async () => {
    database = await createCaTestDatabase();
  });
  afterAll(() => database?.destroy());

  it.each(ALGORITHMS)('generates %s and signs data and digests with every matching algorithm, verifiable with node:crypto', async (keyAlgorithm) => {
    const custody = new SoftwareKeyCustody(database.db, keks);
    const caId = randomUUID();
    const { publicKeySpki } = await custody.generate(caId, keyAlgorithm);
    expect(describePublicKey(publicKeySpki).keyAlgorithm).toBe(keyAlgorithm);
    expect(await custody.publicKey(caId)).toEqual(publicKeySpki);
    const publicKey = createPublicKey({ key: Buffer.from(publicKeySpki), format: 'der', type: 'spki' });
    const family = keyAlgorithm.startsWith('RSA') ? 'rsa' : 'ec';
    const data = randomBytes(700);
    for (const algorithm of SIGNING_ALGORITHMS) {
      if (keyTypeOfSigningAlgorithm(algorithm) !== family) {
        await expect(custody.sign(caId, algorithm, data)).rejects.toMatchObject({ kind: 'Malformed', code: 'InvalidArgsException' });
        continue;
      }
      const viaData = await custody.sign(caId, algorithm, data);
      const viaDigest = await custody.signDigest(caId, algorithm, createHash(hashOf(algorithm)).update(data).digest());
      for (const signature of [viaData, viaDigest]) {
        expect(verify(hashOf(algorithm), data, { key: publicKey, dsaEncoding: 'der' }, signature)).toBe(true);
      }
    }
  });

  it('signs with the same key after a restart (new instance, same database)', async () => {
    const caId = randomUUID();
    const { publicKeySpki } = await new SoftwareKeyCustody(database.db, keks).generate(caId, 'EC_prime256v1');
    const restarted = new SoftwareKeyCustody(database.db, kekRing(kekFrom(Buffer.from(kek.key))));
    const data = Buffer.from('after restart');
    const signature = await restarted.sign(caId, 'SHA256WITHECDSA', data);
    expect(verify('sha256', data, createPublicKey({ key: Buffer.from(publicKeySpki), format: 'der', type: 'spki' }), signature)).toBe(true);
    // generate() again is idempotent: same key, no second row.
    expect((await restarted.generate(caId, 'EC_prime256v1')).publicKeySpki).toEqual(publicKeySpki);
  });

  it('creates exactly one key when many generate() calls race (two instances)', async () => {
    const caId = randomUUID();
    const a = new SoftwareKeyCustody(database.db, keks);
    const b = new SoftwareKeyCustody(database.db, keks);
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => (i % 2 ? a : b).generate(caId, 'EC_secp384r1')));
    const distinct = new Set(results.map((r) => Buffer.from(r.publicKeySpki).toString('hex')));
    expect(distinct.size).toBe(1);
    const rows = await database.db.withSchema('ca').selectFrom('ca_keys').select('ca_id').where('ca_id', '=', caId).execute();
    expect(rows).toHaveLength(1);
    // Every instance signs with the stored key (the losers' keys were dropped, not cached).
    const spki = Buffer.from(results[0].publicKeySpki);
    for (const custody of [a, b]) {
      const signature = await custody.sign(caId, 'SHA384WITHECDSA', Buffer.from('x'));
      expect(verify('sha384', Buffer.from('x'), createPublicKey({ key: spki, format: 'der', type: 'spki' }), signature)).toBe(true);
    }
  });

  it('refuses the model value SM2 with InvalidArgsException and stores nothing', async () => {
    const custody = new SoftwareKeyCustody(database.db, keks);
    const caId = randomUUID();
    await expect(custody.generate(caId, 'SM2' as KeyAlgorithm)).rejects.toMatchObject({
      kind: 'Malformed',
      code: 'InvalidArgsException',
      message: expect.stringMatching(/^SM2 .* is not supported by this platform.* Use RSA_2048, RSA_3072, RSA_4096, EC_prime256v1, EC_secp384r1, EC_secp521r1, ML_DSA_44, ML_DSA_65, ML_DSA_87\.$/),
    });
    expect(await custody.publicKey(caId)).toBeUndefined();
  });

  it.each(['ML_DSA_44', 'ML_DSA_65', 'ML_DSA_87'] as const)(
    'generates %s, keeps it sealed as its seed, and signs data and mu (after a restart too): PQClean verifies every signature',
    async (keyAlgorithm) => {
      const caId = randomUUID();
      const custody = new SoftwareKeyCustody(database.db, keks);
      const { publicKeySpki } = await custody.generate(caId, keyAlgorithm);
      expect(describePublicKey(publicKeySpki)).toMatchObject({ keyType: 'ml-dsa', keyAlgorithm });
      const row = (await database.db.withSchema('ca').selectFrom('ca_keys').selectAll().where('ca_id', '=', caId).executeTakeFirstOrThrow()) as Record<string, unknown>;
      // The sealed PKCS #8 is the 54-octet seed form (RFC 9881 §6), encrypted: nothing readable of it is stored.
      expect((row.ciphertext as Buffer).length).toBe(54);
      expect(row).toMatchObject({ backend: 'software', key_algorithm: keyAlgorithm });

      const data = randomBytes(3000);
      const mu = mlDsaMuHasher(publicKeySpki).update(data).digest();
      const restarted = new SoftwareKeyCustody(database.db, kekRing(kekFrom(Buffer.from(kek.key))));
      for (const signer of [custody, restarted]) {
        await expect(pqcleanVerifiesMlDsa(publicKeySpki, data, await signer.sign(caId, keyAlgorithm, data))).resolves.toBe(true);
        await expect(pqcleanVerifiesMlDsa(publicKeySpki, data, await signer.signDigest(caId, keyAlgorithm, mu))).resolves.toBe(true);
      }
      // Only its own parameter set, and mu of 64 octets.
      const other = keyAlgorithm === 'ML_DSA_65' ? 'ML_DSA_44' : 'ML_DSA_65';
      await expect(custody.sign(caId, other, data)).rejects.toMatchObject({ code: 'InvalidArgsException', message: expect.stringContaining(`use ${keyAlgorithm}.`) });
      await expect(custody.sign(caId, 'SHA256WITHECDSA', data)).rejects.toMatchObject({ code: 'InvalidArgsException' });
      await expect(custody.signDigest(caId, keyAlgorithm, mu.subarray(0, 32))).rejects.toMatchObject({ code: 'InvalidArgsException' });
    },
  );

  it('refuses a second key of another algorithm for the same CA', async () => {
    const custody = new SoftwareKeyCustody(database.db, keks);
    const caId = randomUUID();
    await custody.generate(caId, 'EC_prime256v1');
    await expect(custody.generate(caId, 'RSA_2048')).rejects.toThrow(`CA ${caId} already has a EC_prime256v1 key; it cannot also have a RSA_2048 key.`);
  });

  it('fails clearly, without key material, when started with another KEK or when the row was altered', async () => {
    const caId = randomUUID();
    await new SoftwareKeyCustody(database.db, keks).generate(caId, 'RSA_2048');
    const wrongKek = kekFrom(randomBytes(32));
    const error = await new SoftwareKeyCustody(database.db, kekRing(wrongKek)).sign(caId, 'SHA256WITHRSA', Buffer.from('x')).catch((e: Error) => e);
    expect((error as Error).message).toBe(
      `The private key of CA ${caId} is wrapped with key-encryption key ${kek.id}, which is not configured (PKI_KEK holds current ${wrongKek.id}): add the KEK with id ${kek.id} to PKI_KEK after the current one, restart ca-service, and re-wrap (README "Rotating the key-encryption key").`,
    );

    await sql`update ca.ca_keys set ciphertext = overlay(ciphertext placing '\\x00'::bytea from 10 for 1) where ca_id = ${caId}`.execute(database.db);
    await expect(new SoftwareKeyCustody(database.db, keks).sign(caId, 'SHA256WITHRSA', Buffer.from('x'))).rejects.toThrow(
      `The encrypted private key of CA ${caId} failed authentication: the stored row was altered or belongs to another CA.`,
    );
  });

  it('refuses to sign for a CA without a key, and forgets a destroyed key', async () => {
    const custody = new SoftwareKeyCustody(database.db, keks);
    const caId = randomUUID();
    await expect(custody.sign(caId, 'SHA256WITHRSA', Buffer.from('x'))).rejects.toThrow(`CA ${caId} has no key pair in this key store`);
    await custody.generate(caId, 'RSA_2048');
    await custody.sign(caId, 'SHA256WITHRSA', Buffer.from('x'));
    await custody.destroy(caId);
    expect(await custody.publicKey(caId)).toBeUndefined();
    await expect(custody.sign(caId, 'SHA256WITHRSA', Buffer.from('x'))).rejects.toThrow(`CA ${caId} has no key pair in this key store`);
  });
});
