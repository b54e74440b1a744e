import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { KeyUnsealError, kekFrom, kekId, openPrivateKey, sealPrivateKey, type SealedPrivateKey } from './envelope-encryption';

describe('envelope encryption of CA keys', () => {
  const caId = '3f1b0a52-6a6e-4c59-9a71-0b9a3c1d2e4f';
  const kek = kekFrom(randomBytes(32));
  const pkcs8 = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ type: 'pkcs8', format: 'der' });

  const flip = (b: Buffer) => {
    const copy = Buffer.from(b);
    copy[copy.length - 1] ^= 0x01;
    return copy;
  };

  it('round-trips the PKCS #8 key and stores neither it nor the KEK in the clear', () => {
    const sealed = sealPrivateKey(kek, caId, pkcs8);
    expect(sealed.kekId).toBe(kek.id);
    expect(sealed.kekId).toMatch(/^[0-9a-f]{16}$/);
    const stored = Buffer.concat([sealed.wrappedDek, sealed.dekIv, sealed.dekTag, sealed.ciphertext, sealed.iv, sealed.tag]);
    expect(stored.includes(pkcs8.subarray(30, 62))).toBe(false);
    expect(stored.includes(kek.key)).toBe(false);
    expect(openPrivateKey(kek, caId, sealed).equals(pkcs8)).toBe(true);
  });

  it('uses a fresh data key and IVs for every seal', () => {
    const a = sealPrivateKey(kek, caId, pkcs8);
    const b = sealPrivateKey(kek, caId, pkcs8);
    expect(a.wrappedDek.equals(b.wrappedDek)).toBe(false);
    expect(a.ciphertext.equals(b.ciphertext)).toBe(false);
    expect(a.iv.equals(b.iv)).toBe(false);
  });

  it.each(['wrappedDek', 'dekIv', 'dekTag', 'ciphertext', 'iv', 'tag'] as const)('refuses a row whose %s was altered', (field) => {
    const sealed = sealPrivateKey(kek, caId, pkcs8);
    const tampered: SealedPrivateKey = { ...sealed, [field]: flip(sealed[field]) };
    expect(() => openPrivateKey(kek, caId, tampered)).toThrow(KeyUnsealError);
    expect(() => openPrivateKey(kek, caId, tampered)).toThrow(/failed authentication/);
  });

  it('refuses a row copied to another CA (the CA id is authenticated)', () => {
    const sealed = sealPrivateKey(kek, caId, pkcs8);
    expect(() => openPrivateKey(kek, '00000000-0000-4000-8000-000000000000', sealed)).toThrow(/failed authentication/);
  });

  it('names both KEK ids, and no key material, when the configured KEK is not the one the key was stored under', () => {
    const sealed = sealPrivateKey(kek, caId, pkcs8);
    const other = kekFrom(randomBytes(32));
    let message = '';
    try {
      openPrivateKey(other, caId, sealed);
    } catch (error) {
      expect(error).toBeInstanceOf(KeyUnsealError);
      message = (error as Error).message;
    }
    expect(message).toContain(`wrapped with key-encryption key ${kek.id}`);
    expect(message).toContain(`configured PKI_KEK has id ${other.id}`);
    for (const secret of [kek.key, other.key, pkcs8]) {
      expect(message).not.toContain(secret.toString('base64'));
      expect(message).not.toContain(secret.toString('hex'));
    }
  });

  it('also fails, clearly, when a wrong KEK is presented under the right id (forged kek_id)', () => {
    const sealed = sealPrivateKey(kek, caId, pkcs8);
    const impostor = { id: kek.id, key: randomBytes(32) };
    expect(() => openPrivateKey(impostor, caId, sealed)).toThrow(`The wrapped data key of CA ${caId} failed authentication`);
  });

  it('derives the KEK id from the key (rotation can tell KEKs apart) and rejects keys that are not 32 octets', () => {
    const key = randomBytes(32);
    expect(kekId(key)).toBe(kekId(Buffer.from(key)));
    expect(kekId(key)).not.toBe(kekId(randomBytes(32)));
    expect(() => kekFrom(randomBytes(16))).toThrow('a KEK is 32 octets');
  });
});
