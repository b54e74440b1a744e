import { createHash } from 'node:crypto';
import { DomainError } from '@pki/contracts';
import { checkCertificateSignature, parseCertificate, pemBlocks, PkiParseError, readName, toPem, type ParsedCertificate } from '@pki/pki';

/** What RegisterCertificate keeps of the PEM it was given (all of it read from the certificate itself). */
export interface CertificateFacts {
  readonly certificatePem: string;
  readonly sha256Fingerprint: string;
  /** The subject's last commonName (RFC 5280 §4.1.2.6), or the whole subject when it has none. */
  readonly commonName: string;
  readonly subject: string;
  readonly issuer: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** RSASSA-PSS signatures are refused by AWS ("Certificates using the RSASSA-PSS signature algorithm are not supported"). */
  readonly rsassaPss: boolean;
}

const COMMON_NAME = '2.5.4.3';

const invalid = (message: string, cause?: unknown) => new DomainError('Malformed', message, 'InvalidCertificateException', cause ? { cause } : undefined);

/**
 * Parses RegisterCertificate's `CertificateData` for real: exactly one PEM CERTIFICATE block,
 * strict DER (libs/pki). Anything else is InvalidCertificateException with the parser's reason.
 */
export function readCertificateData(certificateData: string): CertificateFacts {
  let parsed: ParsedCertificate;
  try {
    const blocks = pemBlocks(certificateData);
    if (blocks.length !== 1) {
      throw invalid(`CertificateData must hold exactly one PEM certificate (-----BEGIN CERTIFICATE-----); it holds ${blocks.length} PEM blocks.`);
    }
    parsed = parseCertificate(certificateData);
  } catch (error) {
    if (error instanceof DomainError) throw error;
    const reason = error instanceof PkiParseError ? error.message : 'unreadable certificate';
    throw invalid(`CertificateData is not a valid PEM X.509 certificate: ${reason}.`, error);
  }
  const cns = readName(parsed.subjectDer)
    .flat()
    .filter((a) => a.oid === COMMON_NAME && a.value !== undefined)
    .map((a) => a.value as string);
  const der = Buffer.from(parsed.der);
  return {
    certificatePem: toPem(parsed.der, 'CERTIFICATE'),
    sha256Fingerprint: createHash('sha256').update(der).digest('hex'),
    commonName: cns[cns.length - 1] ?? parsed.subject,
    subject: parsed.subject,
    issuer: parsed.issuer,
    notBefore: parsed.notBefore,
    notAfter: parsed.notAfter,
    rsassaPss: parsed.signatureAlgorithm.keyType === 'rsa-pss',
  };
}

/**
 * The checks made while a certificate is Registering (the deployment step AWS runs after
 * accepting the request): the registered certificate is a trust anchor for LDAPS server
 * certificates or smart-card user certificates, so it must be a CA certificate
 * (basicConstraints cA, RFC 5280 §4.2.1.9) that may sign certificates (keyUsage keyCertSign,
 * §4.2.1.3), and a self-issued one must verify under its own key. Returns the StateReason of a
 * failure, or null.
 */
export function trustAnchorProblem(certificatePem: string): string | null {
  let parsed: ParsedCertificate;
  try {
    parsed = parseCertificate(certificatePem);
  } catch (error) {
    return `The certificate could not be read: ${(error as Error).message}.`;
  }
  if (!parsed.basicConstraints?.ca) {
    return 'The certificate is not a CA certificate (basicConstraints cA is not true); register the certificate of the CA that issues your LDAPS server or smart-card certificates.';
  }
  if (parsed.keyUsage && !parsed.keyUsage.KeyCertSign) {
    return 'The CA certificate does not allow certificate signing (keyUsage lacks keyCertSign).';
  }
  if (Buffer.from(parsed.subjectDer).equals(Buffer.from(parsed.issuerDer))) {
    const check = checkCertificateSignature(parsed, parsed.publicKeySpki);
    if (check.status !== 'valid') {
      return `The self-issued CA certificate's signature does not verify under its own key (${check.status}: ${check.reason}).`;
    }
  }
  return null;
}
