import {
  PkiEncodeError,
  basicConstraintsExtension,
  encodeName,
  parseCsr,
  keyUsageExtension,
  subjectInfoAccessExtension,
  type AccessDescription,
  type ASN1Subject,
  type Extension,
  type KeyUsage,
} from '@pki/pki';
import { DomainError } from '@pki/contracts';
import type { CertificateAuthorityConfiguration } from './certificate-authority.types';

/**
 * What a CA's PKCS #10 request asks for (RFC 2986; extensions in the PKCS #9 extensionRequest
 * attribute): basicConstraints cA=TRUE (a CA certificate is requested), the configured
 * CsrExtensions KeyUsage (when absent, keyCertSign + cRLSign + digitalSignature, what a CA key
 * is used for: RFC 5280 §4.2.1.3) and SubjectInformationAccess.
 */
const DEFAULT_CA_KEY_USAGE: KeyUsage = { DigitalSignature: true, KeyCertSign: true, CRLSign: true };

interface CsrExtensionsInput {
  readonly KeyUsage?: KeyUsage;
  readonly SubjectInformationAccess?: AccessDescription[];
}

export function csrExtensions(configuration: CertificateAuthorityConfiguration): Extension[] {
  const requested = (configuration.CsrExtensions ?? {}) as CsrExtensionsInput;
  const extensions: Extension[] = [basicConstraintsExtension({ ca: true, critical: true })];
  const keyUsage = requested.KeyUsage && Object.values(requested.KeyUsage).some(Boolean) ? requested.KeyUsage : DEFAULT_CA_KEY_USAGE;
  extensions.push(keyUsageExtension(keyUsage, true));
  if (requested.SubjectInformationAccess && requested.SubjectInformationAccess.length > 0) {
    extensions.push(subjectInfoAccessExtension(requested.SubjectInformationAccess));
  }
  return extensions;
}

export function csrSubject(configuration: CertificateAuthorityConfiguration): ASN1Subject {
  return configuration.Subject as ASN1Subject;
}

/**
 * Encodes the subject and requested extensions once at creation, so a configuration that
 * cannot become a CSR is refused with InvalidArgsException before anything is written
 * (instead of a CA that later fails in the background).
 */
export function checkCsrContents(configuration: CertificateAuthorityConfiguration): void {
  try {
    encodeName(csrSubject(configuration));
    csrExtensions(configuration);
  } catch (error) {
    if (error instanceof PkiEncodeError) {
      throw new DomainError('Malformed', `The CA configuration cannot be encoded into a certificate signing request: ${error.message}.`, 'InvalidArgsException', { cause: error });
    }
    throw error;
  }
}

/** The subject Name (DER) of the CA's own CSR, which an imported certificate must carry. */
export function csrSubjectDer(csrPem: string): Uint8Array {
  return parseCsr(csrPem).subjectDer;
}
