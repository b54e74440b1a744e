import { generateKeyPairSync } from 'node:crypto';
import { isKeyAlgorithm, isSigningAlgorithm, KEY_ALGORITHMS, SIGNING_ALGORITHMS, UNSUPPORTED_KEY_ALGORITHMS, UNSUPPORTED_SIGNING_ALGORITHMS } from '@pki/contracts';
import {
  describePublicKey,
  generateKeyPairSpec,
  hashOf,
  keyAlgorithmOfSpki,
  signatureAlgorithmIdentifier,
  signingAlgorithmFromOid,
  signingAlgorithmMatchesKey,
  unsupportedAlgorithmReason,
} from './algorithms';
import { decodeOidContents } from './der/der-oid';
import { PkiParseError } from './errors';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('signature AlgorithmIdentifier', () => {
  it('writes NULL parameters for RSA (RFC 4055 §5) and none for ECDSA (RFC 5758 §3.2)', () => {
    expect(hex(signatureAlgorithmIdentifier('SHA256WITHRSA'))).toBe('300d06092a864886f70d01010b0500');
    expect(hex(signatureAlgorithmIdentifier('SHA384WITHRSA'))).toBe('300d06092a864886f70d01010c0500');
    expect(hex(signatureAlgorithmIdentifier('SHA512WITHRSA'))).toBe('300d06092a864886f70d01010d0500');
    expect(hex(signatureAlgorithmIdentifier('SHA256WITHECDSA'))).toBe('300a06082a8648ce3d040302');
    expect(hex(signatureAlgorithmIdentifier('SHA384WITHECDSA'))).toBe('300a06082a8648ce3d040303');
    expect(hex(signatureAlgorithmIdentifier('SHA512WITHECDSA'))).toBe('300a06082a8648ce3d040304');
  });

  it('maps hashes and OIDs both ways', () => {
    expect(hashOf('SHA384WITHECDSA')).toBe('sha384');
    expect(hashOf('SHA512WITHRSA')).toBe('sha512');
    for (const a of SIGNING_ALGORITHMS) {
      const der = signatureAlgorithmIdentifier(a);
      const dotted = describeOid(der);
      expect(signingAlgorithmFromOid(dotted)).toBe(a);
    }
    expect(signingAlgorithmFromOid('1.2.840.113549.1.1.5')).toBeUndefined();
  });
});

function describeOid(algId: Uint8Array): string {
  // second TLV inside the SEQUENCE is the OID; lengths here are short-form
  const oidLen = algId[3];
  const body = algId.subarray(4, 4 + oidLen);
  return decodeOidContents(body) as string;
}

describe('key algorithms', () => {
  it('pairs RSA keys with *WITHRSA and EC keys with *WITHECDSA', () => {
    expect(signingAlgorithmMatchesKey('RSA_2048', 'SHA256WITHRSA')).toBe(true);
    expect(signingAlgorithmMatchesKey('RSA_4096', 'SHA512WITHRSA')).toBe(true);
    expect(signingAlgorithmMatchesKey('RSA_2048', 'SHA256WITHECDSA')).toBe(false);
    expect(signingAlgorithmMatchesKey('EC_prime256v1', 'SHA384WITHECDSA')).toBe(true);
    expect(signingAlgorithmMatchesKey('EC_secp384r1', 'SHA256WITHRSA')).toBe(false);
  });

  it('names RSA-3072 and P-521 keys (AWS KeyAlgorithm RSA_3072, EC_secp521r1)', () => {
    const p521 = generateKeyPairSync('ec', { namedCurve: 'secp521r1' }).publicKey.export({ type: 'spki', format: 'der' });
    expect(describePublicKey(p521)).toMatchObject({ keyType: 'ec', keyBits: 521, keyAlgorithm: 'EC_secp521r1' });
    const rsa3072 = generateKeyPairSync('rsa', { modulusLength: 3072 }).publicKey.export({ type: 'spki', format: 'der' });
    expect(describePublicKey(rsa3072)).toMatchObject({ keyType: 'rsa', keyBits: 3072, keyAlgorithm: 'RSA_3072' });
  });

  it('pairs RSA_3072 and EC_secp521r1 keys with their families only', () => {
    for (const s of ['SHA256WITHRSA', 'SHA384WITHRSA', 'SHA512WITHRSA'] as const) {
      expect(signingAlgorithmMatchesKey('RSA_3072', s)).toBe(true);
      expect(signingAlgorithmMatchesKey('EC_secp521r1', s)).toBe(false);
    }
    for (const s of ['SHA256WITHECDSA', 'SHA384WITHECDSA', 'SHA512WITHECDSA'] as const) {
      expect(signingAlgorithmMatchesKey('EC_secp521r1', s)).toBe(true);
      expect(signingAlgorithmMatchesKey('RSA_3072', s)).toBe(false);
    }
  });

  it('gives a reason for every model value this platform cannot do, and none for what it does', () => {
    for (const a of [...UNSUPPORTED_KEY_ALGORITHMS, ...UNSUPPORTED_SIGNING_ALGORITHMS]) {
      expect(unsupportedAlgorithmReason(a)).toMatch(new RegExp(`^${a} \\(.*\\) is not supported by this platform`));
      expect(isKeyAlgorithm(a)).toBe(false);
      expect(isSigningAlgorithm(a)).toBe(false);
    }
    expect(unsupportedAlgorithmReason('ML_DSA_65')).toBeUndefined(); // supported: software key backend
    expect(unsupportedAlgorithmReason('SM3WITHSM2')).toMatch(/China Regions/);
    for (const a of [...KEY_ALGORITHMS, ...SIGNING_ALGORITHMS, 'RSA_1024', 'ML_DSA_99']) expect(unsupportedAlgorithmReason(a)).toBeUndefined();
  });

  it('gives generateKeyPair options that produce keys of the named algorithm', () => {
    for (const algorithm of KEY_ALGORITHMS) {
      if (algorithm === 'RSA_4096' || algorithm === 'RSA_3072') continue; // slow; same code path as RSA_2048
      if (algorithm.startsWith('ML_DSA_')) continue; // not node:crypto keys (ml-dsa.spec.ts)
      const spec = generateKeyPairSpec(algorithm);
      const { publicKey } = spec.type === 'rsa' ? generateKeyPairSync('rsa', spec.options) : generateKeyPairSync('ec', spec.options);
      const spki = publicKey.export({ type: 'spki', format: 'der' });
      expect(keyAlgorithmOfSpki(spki)).toBe(algorithm);
    }
    expect(generateKeyPairSpec('RSA_4096')).toEqual({ type: 'rsa', options: { modulusLength: 4096, publicExponent: 65537 } });
    expect(generateKeyPairSpec('RSA_3072')).toEqual({ type: 'rsa', options: { modulusLength: 3072, publicExponent: 65537 } });
    expect(() => generateKeyPairSpec('ML_DSA_65' as never)).toThrow(/unsupported key algorithm/);
  });

  it('describes unsupported keys without naming an AWS algorithm', () => {
    const rsa1024 = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'der' });
    expect(describePublicKey(rsa1024)).toMatchObject({ keyType: 'rsa', keyBits: 1024, keyAlgorithm: undefined });
    const rsa2560 = generateKeyPairSync('rsa', { modulusLength: 2560 }).publicKey.export({ type: 'spki', format: 'der' });
    expect(describePublicKey(rsa2560)).toMatchObject({ keyType: 'rsa', keyBits: 2560, keyAlgorithm: undefined });
    const k256 = generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).publicKey.export({ type: 'spki', format: 'der' });
    expect(describePublicKey(k256)).toMatchObject({ keyType: 'ec', keyAlgorithm: undefined });
    const ed = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'der' });
    expect(describePublicKey(ed)).toMatchObject({ keyType: 'other', algorithmOid: '1.3.101.112', keyAlgorithm: undefined });
  });

  it('rejects malformed SPKI', () => {
    expect(() => describePublicKey(Buffer.from('3000', 'hex'))).toThrow(PkiParseError);
    expect(keyAlgorithmOfSpki(Buffer.from('300a', 'hex'))).toBeUndefined();
  });
});
