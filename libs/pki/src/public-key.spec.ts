import { createPublicKey, ECDH, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { oid } from './der/der-oid';
import { bitString, sequence } from './der/der-writer';
import { Oid } from './oids';
import { publicKeyFromSpki } from './public-key';

const data = Buffer.from('the CertificationRequestInfo octets');
const spkiOf = (key: KeyObject): Buffer => key.export({ type: 'spki', format: 'der' });

describe('publicKeyFromSpki: the same key as createPublicKey on the DER, made without the decoders where it can', () => {
  it.each([
    ['RSA 2048', () => generateKeyPairSync('rsa', { modulusLength: 2048 })],
    ['RSA 3072 (exponent 3)', () => generateKeyPairSync('rsa', { modulusLength: 3072, publicExponent: 3 })],
    ['P-256', () => generateKeyPairSync('ec', { namedCurve: 'prime256v1' })],
    ['P-384', () => generateKeyPairSync('ec', { namedCurve: 'secp384r1' })],
    ['P-521', () => generateKeyPairSync('ec', { namedCurve: 'secp521r1' })],
    ['Ed25519 (DER path)', () => generateKeyPairSync('ed25519')],
  ])('%s: exports the same SPKI and verifies what the private key signed', (_name, make) => {
    const { publicKey, privateKey } = make();
    const spki = spkiOf(publicKey);
    const key = publicKeyFromSpki(spki);
    expect(spkiOf(key).equals(spki)).toBe(true);
    const hash = key.asymmetricKeyType === 'ed25519' ? null : 'sha256';
    const signature = sign(hash, data, privateKey);
    expect(verify(hash, data, key, signature)).toBe(true);
    expect(verify(hash, Buffer.from('other data'), key, signature)).toBe(false);
  });

  it('a compressed EC point (no JWK form as is) takes the DER path and is the same key', () => {
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const jwk = publicKey.export({ format: 'jwk' });
    const uncompressed = Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x!, 'base64url'), Buffer.from(jwk.y!, 'base64url')]);
    const compressed = ECDH.convertKey(uncompressed, 'prime256v1', undefined, undefined, 'compressed') as Buffer;
    const spki = sequence(sequence(oid(Oid.ecPublicKey), oid(Oid.prime256v1)), bitString(compressed));
    const key = publicKeyFromSpki(spki);
    expect(verify('sha256', data, key, sign('sha256', data, privateKey))).toBe(true);
  });

  it('refuses what createPublicKey refuses: a point off the curve, garbage', () => {
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const offCurve = Buffer.from(spkiOf(publicKey));
    offCurve[offCurve.length - 1]! ^= 1;
    expect(() => createPublicKey({ key: offCurve, format: 'der', type: 'spki' })).toThrow();
    expect(() => publicKeyFromSpki(offCurve)).toThrow();
    expect(() => publicKeyFromSpki(Buffer.from([0x30, 0x03, 0x02, 0x01, 0x00]))).toThrow();
  });
});
