/** Object identifiers used across the library, with the document that assigns each. */
export const Oid = {
  // RFC 8017 / RFC 4055 §5 (PKCS #1)
  rsaEncryption: '1.2.840.113549.1.1.1',
  sha256WithRSAEncryption: '1.2.840.113549.1.1.11',
  sha384WithRSAEncryption: '1.2.840.113549.1.1.12',
  sha512WithRSAEncryption: '1.2.840.113549.1.1.13',
  sha1WithRSAEncryption: '1.2.840.113549.1.1.5',
  md5WithRSAEncryption: '1.2.840.113549.1.1.4',
  rsassaPss: '1.2.840.113549.1.1.10',
  // RFC 5480 §2.1.1, RFC 5758 §3.2
  ecPublicKey: '1.2.840.10045.2.1',
  prime256v1: '1.2.840.10045.3.1.7',
  secp384r1: '1.3.132.0.34',
  secp521r1: '1.3.132.0.35',
  ecdsaWithSHA1: '1.2.840.10045.4.1',
  ecdsaWithSHA256: '1.2.840.10045.4.3.2',
  ecdsaWithSHA384: '1.2.840.10045.4.3.3',
  ecdsaWithSHA512: '1.2.840.10045.4.3.4',
  // NIST CSOR sigAlgs arc, RFC 9881 §2 (ML-DSA, FIPS 204): key and signature algorithm alike
  idMlDsa44: '2.16.840.1.101.3.4.3.17',
  idMlDsa65: '2.16.840.1.101.3.4.3.18',
  idMlDsa87: '2.16.840.1.101.3.4.3.19',
  // RFC 2985 §5.4.2 (PKCS #9)
  extensionRequest: '1.2.840.113549.1.9.14',
  emailAddress: '1.2.840.113549.1.9.1',
  // RFC 5280 §4.2.1 certificate extensions
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  issuerAltName: '2.5.29.18',
  basicConstraints: '2.5.29.19',
  cRLNumber: '2.5.29.20',
  cRLReason: '2.5.29.21',
  issuingDistributionPoint: '2.5.29.28',
  cRLDistributionPoints: '2.5.29.31',
  certificatePolicies: '2.5.29.32',
  authorityKeyIdentifier: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
  authorityInfoAccess: '1.3.6.1.5.5.7.1.1',
  subjectInfoAccess: '1.3.6.1.5.5.7.1.11',
  // RFC 5280 §4.2.1.4 policy qualifiers
  cpsQualifier: '1.3.6.1.5.5.7.2.1',
  // RFC 5280 §4.2.2.1 / §4.2.2.2 access methods, RFC 6487 §4.8.8 (RPKI)
  ocsp: '1.3.6.1.5.5.7.48.1',
  caIssuers: '1.3.6.1.5.5.7.48.2',
  caRepository: '1.3.6.1.5.5.7.48.5',
  rpkiManifest: '1.3.6.1.5.5.7.48.10',
  rpkiNotify: '1.3.6.1.5.5.7.48.13',
} as const;
