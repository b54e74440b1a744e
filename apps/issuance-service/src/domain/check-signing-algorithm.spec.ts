/**
 * checkSigningAlgorithm: IssueCertificate's SigningAlgorithm against the CA key. AWS: "the specified
 * signing algorithm family (RSA or ECDSA) must match the algorithm family of the CA's private key"
 * ("Supported cryptographic algorithms"), for every CA key size and curve, RSA_3072 and
 * EC_secp521r1 included; an ML-DSA CA signs only with its own parameter set (ML_DSA_65 for an
 * ML_DSA_65 key). The model's SM3WITHSM2 is refused as unsupported.
 */
import { errorOf } from '@pki/testing';
import { isMlDsaAlgorithm, KEY_ALGORITHMS, SIGNING_ALGORITHMS, type SigningAlgorithm } from '@pki/pki';
import { checkSigningAlgorithm } from './certificate-request';

describe('checkSigningAlgorithm', () => {
  it.each(KEY_ALGORITHMS.filter((k) => !isMlDsaAlgorithm(k)))('lets a %s CA sign with each algorithm of its family and refuses the other family and ML-DSA', (keyAlgorithm) => {
    const family = keyAlgorithm.startsWith('RSA_') ? 'WITHRSA' : 'WITHECDSA';
    for (const signingAlgorithm of SIGNING_ALGORITHMS) {
      if (signingAlgorithm.endsWith(family)) {
        expect(() => checkSigningAlgorithm(signingAlgorithm, keyAlgorithm)).not.toThrow();
      } else {
        const error = errorOf(() => checkSigningAlgorithm(signingAlgorithm, keyAlgorithm));
        expect(error).toMatchObject({ kind: 'Malformed', code: 'InvalidArgsException' });
        expect(error.message).toBe(`SigningAlgorithm ${signingAlgorithm} does not match the CA's ${keyAlgorithm} key; use the ${family === 'WITHRSA' ? 'RSA' : 'ECDSA'} family`);
      }
    }
  });

  it.each(['ML_DSA_44', 'ML_DSA_65', 'ML_DSA_87'] as const)('lets an %s CA sign with its own parameter set only', (keyAlgorithm) => {
    for (const signingAlgorithm of SIGNING_ALGORITHMS) {
      if (signingAlgorithm === keyAlgorithm) {
        expect(() => checkSigningAlgorithm(signingAlgorithm, keyAlgorithm)).not.toThrow();
      } else {
        const error = errorOf(() => checkSigningAlgorithm(signingAlgorithm, keyAlgorithm));
        expect(error).toMatchObject({ kind: 'Malformed', code: 'InvalidArgsException' });
        expect(error.message).toBe(`SigningAlgorithm ${signingAlgorithm} does not match the CA's ${keyAlgorithm} key; use ${keyAlgorithm}`);
      }
    }
  });

  it('refuses the model value SM3WITHSM2 as unsupported by this platform (InvalidArgsException)', () => {
    const error = errorOf(() => checkSigningAlgorithm('SM3WITHSM2' as SigningAlgorithm, 'EC_secp521r1'));
    expect(error).toMatchObject({ kind: 'Malformed', code: 'InvalidArgsException' });
    expect(error.message).toMatch(/^SM3WITHSM2 \(.*\) is not supported by this platform[:.].* Use SigningAlgorithm SHA256WITHECDSA, SHA384WITHECDSA, SHA512WITHECDSA \(the family of the CA's EC_secp521r1 key\)\.$/);
  });
});
