/**
 * The certificate checks AWS IoT makes before it registers anything (RegisterCACertificate,
 * RegisterCertificate, RegisterCertificateWithoutCA): the PEM is a well-formed X.509
 * certificate, it is valid now, a CA certificate is a CA, the verification certificate proves
 * possession of the CA key for this account's registration code, and a device certificate
 * chains to its registered CA. Pure: `now` comes from the caller.
 */
import { DomainError } from '@pki/contracts';
import { checkCertificateSignature, parseCertificate, PkiParseError, readName, toPem, verifyChain, type ParsedCertificate } from '@pki/pki';
import { certificateIdOf } from './iot-ids';

const COMMON_NAME = '2.5.4.3';

export interface CheckedCertificate {
  readonly certificateId: string;
  /** Re-encoded from the DER, so stored PEM is canonical whatever whitespace the caller sent. */
  readonly pem: string;
  readonly parsed: ParsedCertificate;
}

const invalid = (message: string, cause?: unknown) => new DomainError('Malformed', message, 'CertificateValidationException', { cause });

/** Parses the PEM a member carries; anything that is not exactly one certificate is CertificateValidationException with the parser's reason. */
export function readCertificate(pem: string, member: string): CheckedCertificate {
  let parsed: ParsedCertificate;
  try {
    parsed = parseCertificate(pem);
  } catch (error) {
    const reason = error instanceof PkiParseError ? error.reason : 'malformed certificate';
    throw invalid(`The ${member} is not a valid X.509 certificate in PEM format: ${reason}.`, error);
  }
  return { certificateId: certificateIdOf(parsed.der), pem: toPem(parsed.der, 'CERTIFICATE'), parsed };
}

/** RFC 5280 §4.1.2.5: a certificate is only usable between notBefore and notAfter. */
export function checkValidNow(certificate: CheckedCertificate, member: string, now: Date): void {
  const { notBefore, notAfter } = certificate.parsed;
  if (now.getTime() > notAfter.getTime()) throw invalid(`The ${member} expired on ${notAfter.toISOString()}.`);
  if (now.getTime() < notBefore.getTime()) throw invalid(`The ${member} is not valid before ${notBefore.toISOString()}.`);
}

/** RFC 5280 §4.2.1.9: a CA certificate has basicConstraints cA=TRUE. */
export function checkIsCa(certificate: CheckedCertificate, member: string): void {
  if (!certificate.parsed.basicConstraints?.ca) {
    throw invalid(`The ${member} is not a CA certificate: it has no basicConstraints extension with cA=TRUE.`);
  }
}

/**
 * AWS IoT's proof of possession for RegisterCACertificate (DEFAULT mode): a certificate whose
 * subject common name is the account's registration code, signed by the CA's private key.
 */
export function checkVerificationCertificate(verification: CheckedCertificate, ca: CheckedCertificate, registrationCode: string, now: Date): void {
  const commonNames = readName(verification.parsed.subjectDer)
    .flat()
    .filter((attribute) => attribute.oid === COMMON_NAME)
    .map((attribute) => attribute.value);
  if (!commonNames.includes(registrationCode)) {
    throw new DomainError(
      'Malformed',
      `The verification certificate's subject common name must be this account's registration code (GetRegistrationCode); it is ${commonNames.length ? JSON.stringify(commonNames[0]) : 'absent'}.`,
      'RegistrationCodeValidationException',
    );
  }
  const signature = checkCertificateSignature(verification.parsed, ca.parsed.publicKeySpki);
  if (signature.status !== 'valid') {
    throw invalid(`The verification certificate is not signed by the CA certificate's private key: ${signature.reason}.`);
  }
  checkValidNow(verification, 'verification certificate', now);
}

/** RFC 5280 §6.1 path validation of a device certificate to its (registered) CA certificate. */
export function checkSignedBy(device: CheckedCertificate, ca: CheckedCertificate, now: Date): void {
  const result = verifyChain(device.parsed, [], [ca.parsed], now);
  if (!result.ok) throw invalid(`The certificate does not chain to the CA certificate ${ca.certificateId}: ${result.reason}.`);
}

/** True when `ca` issued `device` (issuer name and signature), without judging validity. */
export function isIssuedBy(device: ParsedCertificate, ca: ParsedCertificate): boolean {
  if (Buffer.compare(Buffer.from(device.issuerDer), Buffer.from(ca.subjectDer)) !== 0) return false;
  return checkCertificateSignature(device, ca.publicKeySpki).status === 'valid';
}
