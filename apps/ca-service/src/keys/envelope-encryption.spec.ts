import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { KeyUnsealError, describeKekRing, kekFrom, kekId, kekRing, openPrivateKey, rewrapPrivateKey, sealPrivateKey, type SealedPrivateKey } from './envelope-encryption';

describe('envelope encryption of CA keys', () => {
  const caId = '3f1b0a52-6a6e-4c59-9a71-0b9a3c1d2e4f';
  const kek = kekFrom(randomBytes(32));
  const keks = kekRing(kek);
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
    expect(openPrivateKey(keks, caId, sealed).equals(pkcs8)).toBe(true);
  });

  it('uses a fresh data key and IVs for every seal', () => {
    const a = sealPrivateKey(kek, caId, pkcs8);
    const b = sealPrivateKey(kek, caId, pkcs8);
    expect(a.wrappedDek.equals(b.wrappedDek)).toBe(false);
    expect(a.ciphertext.equals(b.ciphertext)).toBe(false);
    expect(a.iv.equals(b.iv)).toBe(false);
  });

  it.each(['wrappedDek', 'dekIv', 'dekTag', 'ciphertext', 'iv', 'tag'] as const)('refuses to open, or to re-wrap under a new KEK, a row whose %s was altered', (field) => {
    const sealed = sealPrivateKey(kek, caId, pkcs8);
    const tampered: SealedPrivateKey = { ...sealed, [field]: flip(sealed[field]) };
    const rotating = kekRing(kekFrom(randomBytes(32)), [kek]);
    for (const use of [() => openPrivateKey(keks, caId, tampered), () => rewrapPrivateKey(rotating, caId, tampered)]) {
      expect(use).toThrow(KeyUnsealError);
      expect(use).toThrow(/failed authentication/);
    }
  });

  it('refuses a row copied to another CA (the CA id is authenticated)', () => {
    const sealed = sealPrivateKey(kek, caId, pkcs8);
    expect(() => openPrivateKey(keks, '00000000-0000-4000-8000-000000000000', sealed)).toThrow(/failed authentication/);
  });

  it('names the row\'s KEK id, the configured ones and what to do, and no key material, when the row\'s KEK is not configured', () => {
    const sealed = sealPrivateKey(kek, caId, pkcs8);
    const other = kekFrom(randomBytes(32));
    const older = kekFrom(randomBytes(32));
    let message = '';
    try {
      openPrivateKey(kekRing(other, [older]), caId, sealed);
    } catch (error) {
      expect(error).toBeInstanceOf(KeyUnsealError);
      message = (error as Error).message;
    }
    expect(message).toBe(
      `The private key of CA ${caId} is wrapped with key-encryption key ${kek.id}, which is not configured (PKI_KEK holds current ${other.id}, older ${older.id}): add the KEK with id ${kek.id} to PKI_KEK after the current one, restart ca-service, and re-wrap (README "Rotating the key-encryption key").`,
    );
    for (const secret of [kek.key, other.key, older.key, pkcs8]) {
      expect(message).not.toContain(secret.toString('base64'));
      expect(message).not.toContain(secret.toString('hex'));
    }
  });

  it('opens a row with whichever configured KEK its id names: the current one or an older one', () => {
    const next = kekFrom(randomBytes(32));
    const underOld = sealPrivateKey(kek, caId, pkcs8);
    const underNew = sealPrivateKey(next, caId, pkcs8);
    const during = kekRing(next, [kek]);
    expect(openPrivateKey(during, caId, underOld).equals(pkcs8)).toBe(true);
    expect(openPrivateKey(during, caId, underNew).equals(pkcs8)).toBe(true);
    expect(describeKekRing(during)).toBe(`current ${next.id}, older ${kek.id}`);
  });

  describe('re-wrapping under a new KEK', () => {
    const next = kekFrom(randomBytes(32));
    const during = kekRing(next, [kek]);

    it('re-wraps only the data key: same ciphertext, new KEK id and wrapping, and only the new KEK is needed afterwards', () => {
      const sealed = sealPrivateKey(kek, caId, pkcs8);
      const rewrapped = rewrapPrivateKey(during, caId, sealed);
      expect(rewrapped.kekId).toBe(next.id);
      expect(rewrapped.ciphertext.equals(sealed.ciphertext) && rewrapped.iv.equals(sealed.iv) && rewrapped.tag.equals(sealed.tag)).toBe(true);
      expect(rewrapped.wrappedDek.equals(sealed.wrappedDek)).toBe(false);
      expect(rewrapped.dekIv.equals(sealed.dekIv)).toBe(false);
      expect(openPrivateKey(kekRing(next), caId, rewrapped).equals(pkcs8)).toBe(true);
      // The old KEK alone no longer opens it: the row names the new KEK.
      expect(() => openPrivateKey(kekRing(kek), caId, rewrapped)).toThrow(`is wrapped with key-encryption key ${next.id}, which is not configured`);
    });

    it('binds the new wrapping to the new KEK id and the CA: a row relabelled or copied fails authentication', () => {
      const rewrapped = rewrapPrivateKey(during, caId, sealPrivateKey(kek, caId, pkcs8));
      expect(() => openPrivateKey(during, caId, { ...rewrapped, kekId: kek.id })).toThrow(`The wrapped data key of CA ${caId} failed authentication under KEK ${kek.id}`);
      expect(() => openPrivateKey(during, '00000000-0000-4000-8000-000000000000', rewrapped)).toThrow(/failed authentication/);
    });

    it('re-wrapping a row already under the current KEK gives a fresh wrapping of the same key', () => {
      const sealed = sealPrivateKey(next, caId, pkcs8);
      const again = rewrapPrivateKey(during, caId, sealed);
      expect(again.kekId).toBe(next.id);
      expect(openPrivateKey(kekRing(next), caId, again).equals(pkcs8)).toBe(true);
    });

    it('refuses a row whose KEK is not configured, naming it', () => {
      const sealed = sealPrivateKey(kekFrom(randomBytes(32)), caId, pkcs8);
      expect(() => rewrapPrivateKey(during, caId, sealed)).toThrow(`which is not configured (PKI_KEK holds current ${next.id}, older ${kek.id})`);
    });
  });

  it('also fails, clearly, when a wrong KEK is presented under the right id (forged kek_id)', () => {
    const sealed = sealPrivateKey(kek, caId, pkcs8);
    const impostor = { id: kek.id, key: randomBytes(32) };
    expect(() => openPrivateKey(kekRing(impostor), caId, sealed)).toThrow(`The wrapped data key of CA ${caId} failed authentication`);
  });

  it('derives the KEK id from the key (rotation can tell KEKs apart) and rejects keys that are not 32 octets', () => {
    const key = randomBytes(32);
    expect(kekId(key)).toBe(kekId(Buffer.from(key)));
    expect(kekId(key)).not.toBe(kekId(randomBytes(32)));
    expect(() => kekFrom(randomBytes(16))).toThrow('a KEK is 32 octets');
  });
});
