// @pki/pki: pure X.509 building blocks (no I/O, no clock, no randomness, no CA private keys).
// Every signature comes from a caller-supplied callback routed to ca-service's Signer port.
export { PkiEncodeError, PkiParseError } from './errors';
export type { SignDigestFn, SignFn } from './signing';
export { Oid } from './oids';

// The AWS value lists are defined in @pki/contracts; re-exported here for callers that encode with them.
export {
  KEY_ALGORITHMS,
  SIGNING_ALGORITHMS,
  UNSUPPORTED_KEY_ALGORITHMS,
  UNSUPPORTED_SIGNING_ALGORITHMS,
  ML_DSA_ALGORITHMS,
  isMlDsaAlgorithm,
  isKeyAlgorithm,
  isSigningAlgorithm,
  type KeyAlgorithm,
  type MlDsaAlgorithm,
  type SigningAlgorithm,
} from '@pki/contracts';
export {
  describePublicKey,
  generateKeyPairSpec,
  hashOf,
  keyAlgorithmOfSpki,
  keyTypeOfKeyAlgorithm,
  keyTypeOfSigningAlgorithm,
  mlDsaSigningAlgorithmOf,
  signatureAlgorithmIdentifier,
  signatureAlgorithmOid,
  signingAlgorithmFromOid,
  signingAlgorithmMatchesKey,
  unsupportedAlgorithmReason,
} from './algorithms';
export type { AlgorithmFamily, HashName, KeyPairSpec, PublicKeyInfo } from './algorithms';
export {
  ML_DSA_MU_OCTETS,
  mlDsaAlgorithmFromOid,
  mlDsaMuHasher,
  mlDsaOid,
  mlDsaPublicKeyOctets,
  mlDsaSignatureOctets,
  mlDsaSpki,
  readMlDsaSpki,
  verifyMlDsa,
  verifyMlDsaMu,
} from './ml-dsa';
export { signingDigestHasher, verifySignature } from './signature-verify';

export { SUBJECT_ATTRIBUTE_ORDER, encodeName } from './names';
export type { ASN1Subject, CustomAttribute } from './names';
export { nameToString, readName } from './name-render';
export type { NameAttribute } from './name-render';

export { encodeGeneralName, encodeGeneralNames } from './general-names';
export type { EdiPartyName, GeneralName, OtherName } from './general-names';
export { readGeneralNames } from './general-names-parse';
export type { GeneralNameKind, ParsedGeneralName } from './general-names-parse';
export { formatIpAddress, parseIpAddress } from './ip-address';

export {
  EXTENDED_KEY_USAGE_OIDS,
  authorityKeyIdentifierExtension,
  basicConstraintsExtension,
  customExtension,
  encodeExtension,
  encodeExtensions,
  extendedKeyUsageExtension,
  extendedKeyUsageOid,
  keyIdentifierFromSpki,
  keyUsageExtension,
  subjectAltNameExtension,
  subjectKeyIdentifierExtension,
} from './extensions';
export type { ExtendedKeyUsage, ExtendedKeyUsageType, Extension, KeyUsage } from './extensions';
export {
  ACCESS_METHOD_OIDS,
  authorityInfoAccessExtension,
  certificatePoliciesExtension,
  crlDistributionPointsExtension,
  issuingDistributionPointExtension,
  subjectInfoAccessExtension,
} from './access-extensions';
export { crlObjectKey, crlPublicationUrl, crlPartitionOfKey, isCrlPartitionId, type CrlPublication } from './crl-location';
export type { AccessDescription, AccessMethod, AccessMethodType, PolicyInformation } from './access-extensions';

export { buildCertificationRequestInfo, buildCsr } from './csr';
export type { BuildCsrInput } from './csr';
export { MAX_CSR_INPUT_OCTETS, MAX_RSA_BITS, MIN_RSA_BITS, parseAndVerifyCsr, parseCsr, verifyCsrSignature } from './csr-parse';
export type { ParsedCsr } from './csr-parse';
export { publicKeyFromSpki } from './public-key';
export { checkPublicKeyQuality, type PublicKeyQuality } from './key-quality';

export { assembleCertificate, buildCertificate, buildTbsCertificate, encodeSerial } from './certificate';
export type { TbsCertificateInput } from './certificate';
export { fromPem, pemBlocks, toPem } from './pem';
export type { PemBlock, PemLabel } from './pem';

export { CrlBuilder, assembleCrl, assembleCrlChunks, buildCrl, encodeCrlEntry } from './crl';
export type { BuiltCrlTbs, CrlEntry, CrlInput } from './crl';
export { MAX_CERTIFICATE_OCTETS, checkCertificateSignature, parseCertificate, verifyCertificateSignature } from './certificate-parse';
export type { AuthorityKeyIdentifier, BasicConstraints, ParseCertificateOptions, ParsedCertificate } from './certificate-parse';
export type { SignatureAlgorithmInfo, SignatureCheck } from './certificate-parse-support';
export { CERT_ID_HASHES, MAX_OCSP_REQUESTS, MAX_OCSP_REQUEST_OCTETS, OCSP_NONCE_OID, parseOcspRequest } from './ocsp-request';
export type { CertIdHash, OcspCertId, OcspRequest } from './ocsp-request';
export { OCSP_RESPONSE_STATUS, assembleOcspResponse, encodeResponseData, ocspStatusOnly } from './ocsp-response';
export type { CertStatus, OcspResponseStatus, ResponseDataInput, SingleResponseInput } from './ocsp-response';
export { verifyChain } from './chain';
export type { ChainResult, VerifyChainOptions } from './chain';

// The DER writer and the one strict DER reader, for sibling encoders and for code that picks
// fields out of DER (e.g. issuance-service's lint of what the signer returned).
export * as der from './der/der-writer';
export * as derReader from './der/der-reader';
export { oid as derOid, decodeOidContents, isValidOid } from './der/der-oid';
export { generalizedTime, time as derTime, utcTime } from './der/der-time';
