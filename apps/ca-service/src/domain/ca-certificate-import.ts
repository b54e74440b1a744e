import { DomainError, type CertificateAuthorityType } from '@pki/contracts';
import { toPem } from '@pki/pki';

/**
 * The rules ImportCertificateAuthorityCertificate documents for an imported CA certificate and
 * its chain (API reference, "The following additional requirements apply when you import a CA
 * certificate" and "Enforcement of Critical Constraints"). Pure: the certificates arrive already
 * read (application/ca-certificate-reader.ts: sizes, PEM, X.509 parsing, signature checks), time
 * as `now`.
 */

/** "The maximum allowed size of a certificate is 32 KB." */
export const MAX_CERTIFICATE_BYTES = 32 * 1024;
/** "The maximum allowed size of a certificate chain is 2 MB." */
export const MAX_CHAIN_BYTES = 2 * 1024 * 1024;

/**
 * Extensions AWS Private CA allows to be marked critical in an imported CA certificate or
 * chain. Name constraints, policy constraints, CRL distribution points, authority information
 * access, freshest CRL and "any other extension" are rejected when critical.
 */
const ALLOWED_CRITICAL: Readonly<Record<string, string>> = {
  '2.5.29.19': 'basic constraints',
  '2.5.29.17': 'subject alternative names',
  '2.5.29.15': 'key usage',
  '2.5.29.37': 'extended key usage',
  '2.5.29.35': 'authority key identifier',
  '2.5.29.14': 'subject key identifier',
  '2.5.29.18': 'issuer alternative name',
  '2.5.29.9': 'subject directory attributes',
  '1.3.6.1.5.5.7.1.11': 'subject information access',
  '2.5.29.32': 'certificate policies',
  '2.5.29.33': 'policy mappings',
  '2.5.29.54': 'inhibit anyPolicy',
};
const KNOWN_REJECTED: Readonly<Record<string, string>> = {
  '2.5.29.30': 'name constraints',
  '2.5.29.36': 'policy constraints',
  '2.5.29.31': 'CRL distribution points',
  '1.3.6.1.5.5.7.1.1': 'authority information access',
  '2.5.29.46': 'freshest CRL',
};

/** One certificate offered for import, as the X.509 reader saw it. */
export interface OfferedCertificate {
  readonly der: Uint8Array;
  /** How the messages name it: "the certificate" or "chain certificate 2". */
  readonly label: string;
  /** Names as text (for messages and CertificateImported) and as DER (for comparisons). */
  readonly subject: string;
  readonly issuer: string;
  readonly subjectDer: Uint8Array;
  readonly issuerDer: Uint8Array;
  /** DER SubjectPublicKeyInfo. */
  readonly publicKeySpki: Uint8Array;
  /** The serial number as hex digits, as encoded (possibly with a sign octet). */
  readonly serialNumberHex: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly extensions: ReadonlyArray<{ readonly oid: string; readonly critical: boolean }>;
  /** The basicConstraints extension, when present. */
  readonly basicConstraints: { readonly ca: boolean; readonly critical: boolean; readonly pathLength: number | undefined } | undefined;
  /** Whether keyUsage asserts keyCertSign; undefined without a keyUsage extension. */
  readonly keyCertSign: boolean | undefined;
  /** True when this certificate's signature verifies under `issuer`'s public key. */
  readonly signatureVerifiesUnder: (issuer: OfferedCertificate) => boolean;
}

/**
 * The Certificate and CertificateChain members as read, or the documented error the reading
 * raised (size, PEM, X.509 syntax), which the decider throws only after its state checks.
 */
export type OfferedImport =
  | { readonly ok: true; readonly certificate: OfferedCertificate; readonly chain: readonly OfferedCertificate[] }
  | { readonly ok: false; readonly error: DomainError };

export interface ImportedCertificateFacts {
  readonly certificate: string;
  readonly certificateChain: string | null;
  readonly serial: string;
  readonly notBefore: string;
  readonly notAfter: string;
  readonly subject: string;
  readonly issuer: string;
}

export interface ImportInput {
  readonly caType: CertificateAuthorityType;
  /** The CA's key (from its CSR), DER SubjectPublicKeyInfo. */
  readonly publicKeySpki: Uint8Array;
  /** The CSR's subject Name, DER. */
  readonly csrSubjectDer: Uint8Array;
  readonly offered: OfferedImport;
  readonly now: Date;
}

const malformed = (message: string) => new DomainError('Malformed', message, 'MalformedCertificateException');
const invalidRequest = (message: string) => new DomainError('Malformed', message, 'InvalidRequestException');
const mismatch = (message: string) => new DomainError('Malformed', message, 'CertificateMismatchException');

export const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

const sameBytes = (a: Uint8Array, b: Uint8Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b);

function checkExtensions(p: OfferedCertificate): void {
  for (const extension of p.extensions) {
    if (!extension.critical || ALLOWED_CRITICAL[extension.oid]) continue;
    const name = KNOWN_REJECTED[extension.oid] ?? `extension ${extension.oid}`;
    throw malformed(`${capitalize(p.label)} marks ${name} (${extension.oid}) critical; AWS Private CA rejects that extension when it is critical.`);
  }
  const basic = p.basicConstraints;
  if (!basic || !basic.ca) throw malformed(`${capitalize(p.label)} is not a CA certificate: basicConstraints must be present with cA=TRUE.`);
  if (!basic.critical) throw malformed(`${capitalize(p.label)} has a non-critical basicConstraints extension; basic constraints must be marked critical.`);
  if (p.keyCertSign === false) {
    throw malformed(`${capitalize(p.label)} has a keyUsage without keyCertSign, so it cannot sign certificates (RFC 5280 §4.2.1.3).`);
  }
}

function checkValidity(p: OfferedCertificate, now: Date): void {
  if (p.notAfter.getTime() <= now.getTime()) throw malformed(`${capitalize(p.label)} expired at ${p.notAfter.toISOString()}.`);
  if (p.notBefore.getTime() >= p.notAfter.getTime()) throw malformed(`${capitalize(p.label)} has notBefore at or after notAfter.`);
}

function isSelfSigned(p: OfferedCertificate): boolean {
  return sameBytes(p.subjectDer, p.issuerDer) && p.signatureVerifiesUnder(p);
}

/** `child` was signed by `issuer`: names chain and the signature verifies (RFC 5280 §6.1.3 (a)). */
function issuedBy(child: OfferedCertificate, issuer: OfferedCertificate): boolean {
  return sameBytes(child.issuerDer, issuer.subjectDer) && child.signatureVerifiesUnder(issuer);
}

function checkChain(certificate: OfferedCertificate, chain: readonly OfferedCertificate[]): void {
  for (const link of chain) {
    if (sameBytes(link.der, certificate.der)) throw invalidRequest('The certificate chain must not include the CA certificate being imported.');
  }
  const path = [certificate, ...chain];
  for (let i = 0; i < chain.length; i++) {
    const child = path[i]!;
    const issuer = path[i + 1]!;
    if (!issuedBy(child, issuer)) {
      // Tell an out-of-order chain apart from one whose signature does not verify.
      const elsewhere = chain.findIndex((c) => c !== issuer && issuedBy(child, c));
      if (elsewhere >= 0) {
        throw invalidRequest(
          `The certificate chain is out of order: ${child.label} is signed by chain certificate ${elsewhere + 1}, but must be followed by its issuer; each certificate must be followed by the one that signed it, root last.`,
        );
      }
      throw mismatch(`${capitalize(child.label)} (issuer "${child.issuer}") is not signed by ${issuer.label} ("${issuer.subject}"): the signature does not verify.`);
    }
    // pathLenConstraint: at most that many non-self-issued intermediate CA certificates below it (RFC 5280 §4.2.1.9).
    const pathLength = issuer.basicConstraints?.pathLength;
    const below = i; // CA certificates between `issuer` and the imported certificate, excluding the latter
    if (pathLength !== undefined && below > pathLength) {
      throw mismatch(`${capitalize(issuer.label)} allows a path length of ${pathLength}, but ${below} intermediate CA certificate(s) follow it.`);
    }
  }
  const root = chain[chain.length - 1]!;
  if (!isSelfSigned(root)) {
    throw invalidRequest('The last certificate of the chain must be the self-signed root CA certificate ("Your root CA must be the last certificate in your chain").');
  }
}

/**
 * Checks a CA certificate (and chain) offered for import against every documented rule;
 * returns what CertificateImported records. Throws the documented exception naming the rule.
 */
export function inspectCaCertificateImport(input: ImportInput): ImportedCertificateFacts {
  if (!input.offered.ok) throw input.offered.error;
  const { certificate, chain } = input.offered;

  const selfSigned = isSelfSigned(certificate);
  if (input.caType === 'ROOT') {
    if (!selfSigned) throw invalidRequest('Only a self-signed certificate can be imported as a root CA certificate; this certificate is not self-signed.');
    if (chain.length > 0) throw invalidRequest('A root CA certificate is imported without a certificate chain; omit CertificateChain.');
  } else {
    if (selfSigned) throw invalidRequest('A self-signed certificate cannot be imported as a subordinate CA certificate.');
    if (chain.length === 0) throw invalidRequest('A subordinate CA certificate needs its CertificateChain: the issuing certificates up to the root, root last.');
  }

  if (!sameBytes(certificate.publicKeySpki, input.publicKeySpki)) {
    throw mismatch("The certificate's public key is not this CA's key: sign the CSR returned by GetCertificateAuthorityCsr.");
  }
  if (!sameBytes(certificate.subjectDer, input.csrSubjectDer)) {
    throw mismatch(`The certificate's subject "${certificate.subject}" is not the subject of this CA's CSR.`);
  }

  for (const p of [certificate, ...chain]) {
    checkExtensions(p);
    checkValidity(p, input.now);
  }
  if (chain.length > 0) checkChain(certificate, chain);

  return {
    certificate: toPem(certificate.der, 'CERTIFICATE'),
    certificateChain: chain.length > 0 ? chain.map((c) => toPem(c.der, 'CERTIFICATE')).join('') : null,
    // Lowercase hex of the serial's value, without a DER sign octet.
    serial: certificate.serialNumberHex.toLowerCase().replace(/^(00)+(?=[0-9a-f]{2})/, ''),
    notBefore: certificate.notBefore.toISOString(),
    notAfter: certificate.notAfter.toISOString(),
    subject: certificate.subject,
    issuer: certificate.issuer,
  };
}
