import 'reflect-metadata';
import { X509Certificate as NodeCertificate } from 'node:crypto';
import { BasicConstraintsExtension, KeyUsageFlags, KeyUsagesExtension, X509Certificate } from '@peculiar/x509';
import { DomainError, type CertificateAuthorityType } from '@pki/contracts';
import { pemBlocks, toPem } from '@pki/pki';

/**
 * The rules ImportCertificateAuthorityCertificate documents for an imported CA certificate and
 * its chain (API reference, "The following additional requirements apply when you import a CA
 * certificate" and "Enforcement of Critical Constraints"). Pure: time arrives as `now`.
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
  readonly certificate: string;
  readonly certificateChain: string | undefined;
  readonly now: Date;
}

const malformed = (message: string) => new DomainError('Malformed', message, 'MalformedCertificateException');
const invalidRequest = (message: string) => new DomainError('Malformed', message, 'InvalidRequestException');
const mismatch = (message: string) => new DomainError('Malformed', message, 'CertificateMismatchException');

interface Parsed {
  readonly der: Buffer;
  readonly cert: X509Certificate;
  readonly node: NodeCertificate;
  /** How the messages name it: "the certificate" or "chain certificate 2". */
  readonly label: string;
}

function parseOne(der: Buffer, label: string): Parsed {
  try {
    return { der, cert: new X509Certificate(der), node: new NodeCertificate(der), label };
  } catch (error) {
    throw new DomainError('Malformed', `${capitalize(label)} could not be parsed as an X.509 certificate: ${(error as Error).message}`, 'MalformedCertificateException', { cause: error });
  }
}

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** PEM blocks of `text`, each a CERTIFICATE ("The chain must be PEM-encoded"). */
function certificateBlocks(text: string, what: string): Buffer[] {
  let blocks;
  try {
    blocks = pemBlocks(text);
  } catch (error) {
    throw new DomainError('Malformed', `The ${what} is not valid PEM: ${(error as Error).message}`, 'MalformedCertificateException', { cause: error });
  }
  if (blocks.length === 0) throw malformed(`The ${what} must be PEM-encoded ("-----BEGIN CERTIFICATE-----").`);
  const other = blocks.find((b) => b.label !== 'CERTIFICATE');
  if (other) throw malformed(`The ${what} contains a PEM block labelled "${other.label}"; only CERTIFICATE blocks are allowed.`);
  return blocks.map((b) => Buffer.from(b.der));
}

const sameBytes = (a: ArrayBuffer | Uint8Array, b: ArrayBuffer | Uint8Array) => Buffer.from(a as ArrayBuffer).equals(Buffer.from(b as ArrayBuffer));

function checkExtensions(p: Parsed): void {
  for (const extension of p.cert.extensions) {
    if (!extension.critical || ALLOWED_CRITICAL[extension.type]) continue;
    const name = KNOWN_REJECTED[extension.type] ?? `extension ${extension.type}`;
    throw malformed(`${capitalize(p.label)} marks ${name} (${extension.type}) critical; AWS Private CA rejects that extension when it is critical.`);
  }
  const basic = p.cert.getExtension(BasicConstraintsExtension);
  if (!basic || !basic.ca) throw malformed(`${capitalize(p.label)} is not a CA certificate: basicConstraints must be present with cA=TRUE.`);
  if (!basic.critical) throw malformed(`${capitalize(p.label)} has a non-critical basicConstraints extension; basic constraints must be marked critical.`);
  const keyUsage = p.cert.getExtension(KeyUsagesExtension);
  if (keyUsage && (keyUsage.usages & KeyUsageFlags.keyCertSign) === 0) {
    throw malformed(`${capitalize(p.label)} has a keyUsage without keyCertSign, so it cannot sign certificates (RFC 5280 §4.2.1.3).`);
  }
}

function checkValidity(p: Parsed, now: Date): void {
  if (p.cert.notAfter.getTime() <= now.getTime()) throw malformed(`${capitalize(p.label)} expired at ${p.cert.notAfter.toISOString()}.`);
  if (p.cert.notBefore.getTime() >= p.cert.notAfter.getTime()) throw malformed(`${capitalize(p.label)} has notBefore at or after notAfter.`);
}

function isSelfSigned(p: Parsed): boolean {
  return sameBytes(p.cert.subjectName.toArrayBuffer(), p.cert.issuerName.toArrayBuffer()) && p.node.verify(p.node.publicKey);
}

/** `child` was signed by `issuer`: names chain and the signature verifies (RFC 5280 §6.1.3 (a)). */
function issuedBy(child: Parsed, issuer: Parsed): boolean {
  return sameBytes(child.cert.issuerName.toArrayBuffer(), issuer.cert.subjectName.toArrayBuffer()) && child.node.verify(issuer.node.publicKey);
}

function checkChain(certificate: Parsed, chain: Parsed[]): void {
  for (const link of chain) {
    if (link.der.equals(certificate.der)) throw invalidRequest('The certificate chain must not include the CA certificate being imported.');
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
      throw mismatch(`${capitalize(child.label)} (issuer "${child.cert.issuer}") is not signed by ${issuer.label} ("${issuer.cert.subject}"): the signature does not verify.`);
    }
    // pathLenConstraint: at most that many non-self-issued intermediate CA certificates below it (RFC 5280 §4.2.1.9).
    const pathLength = issuer.cert.getExtension(BasicConstraintsExtension)?.pathLength;
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
  const certificateSize = Buffer.byteLength(input.certificate, 'utf8');
  if (certificateSize > MAX_CERTIFICATE_BYTES) throw malformed(`The certificate is ${certificateSize} bytes; the maximum allowed size of a certificate is 32 KB.`);
  const chainSize = input.certificateChain === undefined ? 0 : Buffer.byteLength(input.certificateChain, 'utf8');
  if (chainSize > MAX_CHAIN_BYTES) throw malformed(`The certificate chain is ${chainSize} bytes; the maximum allowed size of a certificate chain is 2 MB.`);

  const certificateDers = certificateBlocks(input.certificate, 'certificate');
  if (certificateDers.length !== 1) throw malformed(`The Certificate member must hold exactly one PEM certificate, but it holds ${certificateDers.length}; pass the rest as CertificateChain.`);
  const certificate = parseOne(certificateDers[0]!, 'the certificate');
  const hasChain = input.certificateChain !== undefined && input.certificateChain.trim().length > 0;
  const chain = hasChain ? certificateBlocks(input.certificateChain!, 'certificate chain').map((der, i) => parseOne(der, `chain certificate ${i + 1}`)) : [];

  const selfSigned = isSelfSigned(certificate);
  if (input.caType === 'ROOT') {
    if (!selfSigned) throw invalidRequest('Only a self-signed certificate can be imported as a root CA certificate; this certificate is not self-signed.');
    if (chain.length > 0) throw invalidRequest('A root CA certificate is imported without a certificate chain; omit CertificateChain.');
  } else {
    if (selfSigned) throw invalidRequest('A self-signed certificate cannot be imported as a subordinate CA certificate.');
    if (chain.length === 0) throw invalidRequest('A subordinate CA certificate needs its CertificateChain: the issuing certificates up to the root, root last.');
  }

  if (!sameBytes(certificate.cert.publicKey.rawData, input.publicKeySpki)) {
    throw mismatch("The certificate's public key is not this CA's key: sign the CSR returned by GetCertificateAuthorityCsr.");
  }
  if (!sameBytes(certificate.cert.subjectName.toArrayBuffer(), input.csrSubjectDer)) {
    throw mismatch(`The certificate's subject "${certificate.cert.subject}" is not the subject of this CA's CSR.`);
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
    serial: certificate.cert.serialNumber.toLowerCase().replace(/^(00)+(?=[0-9a-f]{2})/, ''),
    notBefore: certificate.cert.notBefore.toISOString(),
    notAfter: certificate.cert.notAfter.toISOString(),
    subject: certificate.cert.subject,
    issuer: certificate.cert.issuer,
  };
}
