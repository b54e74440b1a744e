/**
 * IssueCertificate's input turned into the intent to record: the CSR checked, the template and
 * signing algorithm checked, the profile built (templates.ts + certificate-profile.ts), and the
 * exact TBSCertificate for a given serial. Pure: serial, ids and time arrive as arguments.
 */
import { createHash, type KeyObject } from 'node:crypto';
import { DomainError, issuedCertificateArn, parseCertificateArn, type CertificateRequestedV1, type CrlPartitionBinding } from '@pki/contracts';
import {
  buildTbsCertificate,
  checkPublicKeyQuality,
  isMlDsaAlgorithm,
  nameToString,
  parseCsr,
  PkiParseError,
  signingAlgorithmMatchesKey,
  SIGNING_ALGORITHMS,
  toPem,
  unsupportedAlgorithmReason,
  verifyCsrSignature,
  type ParsedCsr,
  type SigningAlgorithm,
} from '@pki/pki';
import type { ApiPassthrough } from './api-passthrough';
import { buildProfile, type CertificateProfile, type IssuingCaFacts } from './certificate-profile';
import type { KeyUsageProfile } from './key-usage';
import type { SignPurpose } from './issuing-ca';
import { templateArn, templateByArn, type CertificateTemplate } from './templates';
import type { Validity } from './validity';

/** IssueCertificate's members as the gateway forwards them (Csr is the base64 blob of the PEM bytes). */
export interface IssueCertificateInput {
  readonly CertificateAuthorityArn: string;
  readonly Csr: string;
  readonly SigningAlgorithm: SigningAlgorithm;
  readonly TemplateArn?: string;
  readonly Validity: Validity;
  readonly ValidityNotBefore?: Validity;
  readonly ApiPassthrough?: ApiPassthrough;
  readonly IdempotencyToken?: string;
}

const malformedCsr = (reason: string, cause?: unknown) =>
  new DomainError('Malformed', `The CSR is not acceptable: ${reason}`, 'MalformedCSRException', cause === undefined ? undefined : { cause });

/** What IssueCertificate certifies, for error messages: AWS's RSA, ECDSA and ML-DSA key algorithms (KEY_ALGORITHMS). */
export const ACCEPTED_CSR_KEYS = 'RSA 2048, 3072 or 4096 bits, ECDSA on P-256 (prime256v1), P-384 (secp384r1) or P-521 (secp521r1), or ML-DSA-44, -65 or -87';

function describeKey(csr: ParsedCsr): string {
  if (csr.keyType === 'rsa') return `RSA ${csr.keyBits} bits`;
  if (csr.keyType === 'ec') return `EC on curve ${csr.curveOid ?? '(none)'}`;
  return 'a key that is neither RSA, EC nor ML-DSA';
}

/**
 * Parses and verifies the request (RFC 2986): PEM or DER, its self-signature (proof of
 * possession), a key AWS Private CA certifies (RSA 2048/3072/4096, ECDSA P-256/P-384/P-521,
 * ML-DSA-44/65/87: "Supported cryptographic algorithms"), no weak key, no SHA-1/MD5. Anything
 * else: MalformedCSRException.
 * The subject key's algorithm is independent of the CA's (a P-256 CA certifies an RSA-3072 key);
 * only the signing algorithm must match the CA key (checkSigningAlgorithm). `publicKey` makes
 * the request key's KeyObject (default: imported afresh; the handler passes its cache).
 */
export function checkedCsr(csrBlobBase64: string, publicKey?: (spki: Uint8Array) => KeyObject): ParsedCsr {
  const bytes = Buffer.from(csrBlobBase64, 'base64');
  let csr: ParsedCsr;
  try {
    csr = parseCsr(bytes);
  } catch (error) {
    if (error instanceof PkiParseError) throw malformedCsr(error.reason, error);
    throw error;
  }
  if (!csr.keyAlgorithm) throw malformedCsr(`unsupported public key (${describeKey(csr)}); use ${ACCEPTED_CSR_KEYS}`);
  // Weak keys (Boulder goodkey: small factors, ROCA, Fermat-factorable close primes, invalid EC points)
  // before the signature check, which imports the key.
  const quality = checkPublicKeyQuality(csr.publicKeySpki);
  if (!quality.ok) throw malformedCsr(quality.reason);
  if (!verifyCsrSignature(csr, publicKey)) throw malformedCsr('bad signature: the CSR is not signed by the key it carries');
  return csr;
}

/** TemplateArn: absent means EndEntityCertificate/V1; an unknown one is InvalidArgsException. */
export function templateFor(arn: string | undefined): CertificateTemplate {
  const template = templateByArn(arn);
  if (!template) throw new DomainError('Malformed', `Unknown TemplateArn ${arn}: use one of the AWS Private CA templates, e.g. ${templateArn('EndEntityCertificate')}`, 'InvalidArgsException');
  return template;
}

/**
 * "The specified signing algorithm family (RSA or ECDSA) must match the algorithm family of the CA's
 * secret key": SHA256/384/512WITHRSA for RSA_2048/3072/4096 CAs, SHA256/384/512WITHECDSA for
 * EC_prime256v1/secp384r1/secp521r1 CAs (any hash with any curve, as AWS allows), and for an
 * ML-DSA CA exactly its own parameter set (ML_DSA_65 for an ML_DSA_65 key). The model's
 * SM3WITHSM2 passes the gateway's enum check and is refused here as unsupported.
 */
export function checkSigningAlgorithm(signingAlgorithm: SigningAlgorithm, caKeyAlgorithm: Parameters<typeof signingAlgorithmMatchesKey>[0]): void {
  const unsupported = unsupportedAlgorithmReason(String(signingAlgorithm));
  if (unsupported) {
    const family = SIGNING_ALGORITHMS.filter((a) => signingAlgorithmMatchesKey(caKeyAlgorithm, a));
    throw new DomainError('Malformed', `${unsupported} Use SigningAlgorithm ${family.join(', ')} (the family of the CA's ${caKeyAlgorithm} key).`, 'InvalidArgsException');
  }
  if (!signingAlgorithmMatchesKey(caKeyAlgorithm, signingAlgorithm)) {
    const use = isMlDsaAlgorithm(caKeyAlgorithm) ? caKeyAlgorithm : `the ${caKeyAlgorithm.startsWith('RSA') ? 'RSA' : 'ECDSA'} family`;
    throw new DomainError('Malformed', `SigningAlgorithm ${signingAlgorithm} does not match the CA's ${caKeyAlgorithm} key; use ${use}`, 'InvalidArgsException');
  }
}

export function profileFor(input: IssueCertificateInput, template: CertificateTemplate, csr: ParsedCsr, ca: IssuingCaFacts, now: Date, keyUsageProfile: KeyUsageProfile = 'rfc5480'): CertificateProfile {
  const result = buildProfile({
    keyUsageProfile,
    template,
    csr,
    apiPassthrough: input.ApiPassthrough,
    ca,
    validity: input.Validity,
    validityNotBefore: input.ValidityNotBefore,
    now,
  });
  if (!result.ok) throw new DomainError(result.error.kind, result.error.message, result.error.code);
  return result.profile;
}

/**
 * A fresh serial from 16 CSPRNG octets (RFC 5280 §4.1.2.2; CA/B BR 7.1: >= 64 bits of entropy):
 * the top bit cleared so the INTEGER is positive without a pad octet, never zero.
 */
export function serialFromRandom(random: Uint8Array): bigint {
  if (random.length !== 16) throw new Error('a serial takes 16 random octets');
  const octets = Buffer.from(random);
  octets[0]! &= 0x7f;
  const serial = BigInt(`0x${octets.toString('hex')}`);
  return serial === 0n ? 1n : serial;
}

export const serialHex = (serial: bigint): string => serial.toString(16);

/**
 * The serial a CertificateArn of this CA names, as lowercase hex: the hex form IssueCertificate
 * returns, or the decimal form (the seed's example). Undefined when the ARN is not a certificate
 * ARN of this CA.
 */
export function serialCandidates(caArn: string, arn: string): string[] | undefined {
  const parts = parseCertificateArn(arn);
  if (!parts || parts.caArn !== caArn) return undefined;
  const raw = parts.certificateId.toLowerCase();
  if (!/^[0-9a-f]{1,40}$/.test(raw)) return undefined;
  const hex = raw.replace(/^0+(?=.)/, '');
  const out = [hex];
  // All digits: it may also be the decimal rendering. A 127-bit random serial rendered in hex is
  // all digits with negligible probability, and both readings are exact lookups.
  if (/^[0-9]+$/.test(raw) && raw.length <= 49) out.push(BigInt(raw).toString(16));
  return out;
}

export interface CertificateIntent {
  readonly tbs: Buffer;
  readonly requested: CertificateRequestedV1;
}

/** The exact TBSCertificate for `serial` and the CertificateRequested facts that record it. */
export function certificateIntent(args: {
  certificateId: string;
  caArn: string;
  caId: string;
  serial: bigint;
  template: CertificateTemplate;
  signingAlgorithm: SigningAlgorithm;
  purpose: SignPurpose;
  profile: CertificateProfile;
  csr: ParsedCsr;
  certificateChain: string | null;
  idempotencyToken: string | null;
  accountId: string;
  now: Date;
  /** The CRL partition the certificate is bound to (its CDP names that partition's CRL); absent: the complete CRL. */
  crlPartition?: CrlPartitionBinding;
}): CertificateIntent {
  const { profile } = args;
  const tbs = buildTbsCertificate({
    serial: args.serial,
    signingAlgorithm: args.signingAlgorithm,
    issuerDer: profile.issuerDer,
    subjectDer: profile.subjectDer,
    publicKeySpki: profile.publicKeySpki,
    notBefore: profile.notBefore,
    notAfter: profile.notAfter,
    extensions: profile.extensions,
  });
  const serial = serialHex(args.serial);
  return {
    tbs,
    requested: {
      certificateId: args.certificateId,
      certificateArn: issuedCertificateArn(args.caArn, serial),
      certificateAuthorityArn: args.caArn,
      certificateAuthorityId: args.caId,
      serial,
      templateArn: templateArn(args.template.name),
      signingAlgorithm: args.signingAlgorithm,
      purpose: args.purpose,
      csr: toPem(args.csr.der, 'CERTIFICATE REQUEST'),
      subject: nameToString(profile.subjectDer),
      issuerDn: nameToString(profile.issuerDer),
      notBefore: profile.notBefore.toISOString(),
      notAfter: profile.notAfter.toISOString(),
      tbsCertificate: tbs.toString('base64'),
      tbsSha256: createHash('sha256').update(tbs).digest('hex'),
      certificateChain: args.certificateChain,
      idempotencyToken: args.idempotencyToken,
      accountId: args.accountId,
      requestedAt: args.now.toISOString(),
      ...(args.crlPartition ? { crlPartition: args.crlPartition } : {}),
    },
  };
}
