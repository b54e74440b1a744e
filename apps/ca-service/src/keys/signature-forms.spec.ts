import { DomainError } from '@pki/contracts';
import { checkDigestLength, checkKeyBackendSupports, checkSigningAlgorithm, digestInfo, ecdsaRawToDer, keyBackendRefusal, truncateDigestForEcdsa } from './signature-forms';

describe('signature forms', () => {
  it('encodes raw r || s as a DER Ecdsa-Sig-Value (sign octet added, leading zeros dropped)', () => {
    const r = Buffer.alloc(32, 0);
    r[1] = 0x01; // leading zero octet dropped
    const s = Buffer.alloc(32, 0xff); // high bit set: a 0x00 is prepended
    const der = ecdsaRawToDer(Buffer.concat([r, s]));
    expect(der.toString('hex')).toBe(`3044` + `021f` + r.subarray(1).toString('hex') + `022100` + s.toString('hex'));
  });

  it('uses the long length form for large P-384 signatures only when needed', () => {
    const der = ecdsaRawToDer(Buffer.alloc(96, 0xff));
    expect(der.subarray(0, 2).toString('hex')).toBe('3066');
    expect(der.length).toBe(2 + 2 * (2 + 49));
  });

  it('refuses a signing algorithm of the other key family with InvalidArgsException', () => {
    expect(checkSigningAlgorithm('ca-1', 'RSA_2048', 'SHA384WITHRSA')).toBe('sha384');
    expect(checkSigningAlgorithm('ca-1', 'EC_secp384r1', 'SHA512WITHECDSA')).toBe('sha512');
    let error: unknown;
    try {
      checkSigningAlgorithm('ca-1', 'EC_prime256v1', 'SHA256WITHRSA');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ kind: 'Malformed', code: 'InvalidArgsException' });
    expect((error as Error).message).toBe('Signing algorithm SHA256WITHRSA cannot be used with the EC_prime256v1 key of CA ca-1: use a *WITHECDSA algorithm.');
  });

  it('checks digest lengths and builds DigestInfo (RFC 8017 §9.2)', () => {
    expect(() => checkDigestLength('SHA384WITHRSA', Buffer.alloc(32))).toThrow('A SHA384 digest for SHA384WITHRSA is 48 octets, got 32.');
    expect(() => checkDigestLength('SHA256WITHECDSA', Buffer.alloc(32))).not.toThrow();
    expect(digestInfo('sha256', Buffer.alloc(32, 1)).toString('hex')).toBe('3031300d060960864801650304020105000420' + '01'.repeat(32));
  });

  it('truncates digests longer than the EC group order (FIPS 186-4 §6.4)', () => {
    const digest = Buffer.from(Array.from({ length: 64 }, (_, i) => i));
    expect(truncateDigestForEcdsa('EC_prime256v1', digest)).toEqual(digest.subarray(0, 32));
    expect(truncateDigestForEcdsa('EC_secp384r1', digest)).toEqual(digest.subarray(0, 48));
    expect(truncateDigestForEcdsa('EC_secp384r1', digest.subarray(0, 32))).toEqual(digest.subarray(0, 32));
    // P-521's order has 521 bits: a SHA-512 digest (512 bits) is used whole.
    expect(truncateDigestForEcdsa('EC_secp521r1', digest)).toEqual(digest);
    expect(() => truncateDigestForEcdsa('RSA_3072', digest)).toThrow('RSA_3072 is not an EC key algorithm');
  });

  it('encodes P-521 signatures (66-octet r and s) with the long length form', () => {
    const der = ecdsaRawToDer(Buffer.alloc(132, 0xff));
    expect(der.subarray(0, 3).toString('hex')).toBe('30818a');
    expect(der.length).toBe(3 + 2 * (2 + 67));
  });

  it('pairs RSA_3072 with *WITHRSA and EC_secp521r1 with *WITHECDSA', () => {
    expect(checkSigningAlgorithm('ca-1', 'RSA_3072', 'SHA512WITHRSA')).toBe('sha512');
    expect(checkSigningAlgorithm('ca-1', 'EC_secp521r1', 'SHA256WITHECDSA')).toBe('sha256');
    expect(() => checkSigningAlgorithm('ca-1', 'EC_secp521r1', 'SHA512WITHRSA')).toThrow('use a *WITHECDSA algorithm');
    expect(() => checkSigningAlgorithm('ca-1', 'RSA_3072', 'SHA384WITHECDSA')).toThrow('use a *WITHRSA algorithm');
  });

  it('refuses the model value SM3WITHSM2 as unsupported by this platform', () => {
    expect(() => checkSigningAlgorithm('ca-1', 'EC_prime256v1', 'SM3WITHSM2' as never)).toThrow(expect.objectContaining({ code: 'InvalidArgsException', message: expect.stringMatching(/^SM3WITHSM2 .* is not supported by this platform/) }));
  });

  it('pairs an ML-DSA key with its own parameter set only; it has no hash; its digest is the 64-octet mu', () => {
    expect(checkSigningAlgorithm('ca-1', 'ML_DSA_65', 'ML_DSA_65')).toBeUndefined();
    expect(() => checkSigningAlgorithm('ca-1', 'ML_DSA_65', 'ML_DSA_44')).toThrow('use ML_DSA_65.');
    expect(() => checkSigningAlgorithm('ca-1', 'ML_DSA_87', 'SHA512WITHECDSA')).toThrow('use ML_DSA_87.');
    expect(() => checkSigningAlgorithm('ca-1', 'EC_prime256v1', 'ML_DSA_65')).toThrow('use a *WITHECDSA algorithm');
    expect(() => checkDigestLength('ML_DSA_65', Buffer.alloc(64))).not.toThrow();
    expect(() => checkDigestLength('ML_DSA_65', Buffer.alloc(32))).toThrow(expect.objectContaining({ code: 'InvalidArgsException', message: expect.stringContaining('64 octets, got 32') }));
  });

  it('the PKCS #11 backend refuses ML-DSA keys with a clear InvalidArgsException; the software backend holds them', () => {
    for (const algorithm of ['ML_DSA_44', 'ML_DSA_65', 'ML_DSA_87'] as const) {
      expect(() => checkKeyBackendSupports('pkcs11', algorithm)).toThrow(
        expect.objectContaining({ code: 'InvalidArgsException', message: expect.stringMatching(new RegExp(`^KeyAlgorithm ${algorithm} \\(ML-DSA, FIPS 204\\) is not supported by the PKCS #11 key backend: .*PKI_KEY_BACKEND=software`)) }),
      );
      expect(keyBackendRefusal('software', algorithm)).toBeUndefined();
    }
    expect(keyBackendRefusal('pkcs11', 'EC_prime256v1')).toBeUndefined();
  });
});
