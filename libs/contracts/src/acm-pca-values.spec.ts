import {
  ACM_PCA_KEY_ALGORITHMS,
  ACM_PCA_SIGNING_ALGORITHMS,
  isKeyAlgorithm,
  isSigningAlgorithm,
  KEY_ALGORITHMS,
  SIGNING_ALGORITHMS,
  UNSUPPORTED_KEY_ALGORITHMS,
  UNSUPPORTED_SIGNING_ALGORITHMS,
} from './acm-pca-algorithms';
import { isRevocationReason, REVOCATION_REASON_CODES, REVOCATION_REASONS } from './revocation-reasons';

describe('ACM Private CA values', () => {
  it('lists the model enums in order, the supported values first', () => {
    expect(ACM_PCA_KEY_ALGORITHMS).toEqual(['RSA_2048', 'RSA_3072', 'RSA_4096', 'EC_prime256v1', 'EC_secp384r1', 'EC_secp521r1', 'ML_DSA_44', 'ML_DSA_65', 'ML_DSA_87', 'SM2']);
    expect(ACM_PCA_SIGNING_ALGORITHMS).toEqual(['SHA256WITHECDSA', 'SHA384WITHECDSA', 'SHA512WITHECDSA', 'SHA256WITHRSA', 'SHA384WITHRSA', 'SHA512WITHRSA', 'SM3WITHSM2', 'ML_DSA_44', 'ML_DSA_65', 'ML_DSA_87']);
    for (const a of KEY_ALGORITHMS) expect(isKeyAlgorithm(a)).toBe(true);
    for (const a of SIGNING_ALGORITHMS) expect(isSigningAlgorithm(a)).toBe(true);
    expect(KEY_ALGORITHMS).toEqual(expect.arrayContaining(['ML_DSA_44', 'ML_DSA_65', 'ML_DSA_87']));
    expect(SIGNING_ALGORITHMS).toEqual(expect.arrayContaining(['ML_DSA_44', 'ML_DSA_65', 'ML_DSA_87']));
    for (const a of [...UNSUPPORTED_KEY_ALGORITHMS, ...UNSUPPORTED_SIGNING_ALGORITHMS, 'RSA_1024', '', undefined]) {
      expect(isKeyAlgorithm(a)).toBe(false);
      expect(isSigningAlgorithm(a)).toBe(false);
    }
  });

  it('maps every RevocationReason to its RFC 5280 §5.3.1 CRLReason code', () => {
    expect(REVOCATION_REASONS).toEqual(['UNSPECIFIED', 'KEY_COMPROMISE', 'CERTIFICATE_AUTHORITY_COMPROMISE', 'AFFILIATION_CHANGED', 'SUPERSEDED', 'CESSATION_OF_OPERATION', 'PRIVILEGE_WITHDRAWN', 'A_A_COMPROMISE']);
    // unspecified(0), keyCompromise(1), cACompromise(2), affiliationChanged(3), superseded(4),
    // cessationOfOperation(5), privilegeWithdrawn(9), aACompromise(10); 6 and 8 have no AWS reason.
    expect(REVOCATION_REASONS.map((r) => REVOCATION_REASON_CODES[r])).toEqual([0, 1, 2, 3, 4, 5, 9, 10]);
    for (const r of REVOCATION_REASONS) expect(isRevocationReason(r)).toBe(true);
    for (const r of ['LOST', 'toString', 'constructor', '', undefined, 1]) expect(isRevocationReason(r)).toBe(false);
  });
});
