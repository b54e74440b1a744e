import 'reflect-metadata';
import { X509Certificate as NodeCertificate } from 'node:crypto';
import { BasicConstraintsExtension, KeyUsageFlags, KeyUsagesExtension, X509Certificate } from '@peculiar/x509';
import { DomainError } from '@pki/contracts';
import { describePublicKey, parseCertificate, pemBlocks, verifyCertificateSignature } from '@pki/pki';
import { capitalize, MAX_CERTIFICATE_BYTES, MAX_CHAIN_BYTES, type OfferedCertificate, type OfferedImport } from '../domain/ca-certificate-import';

/**
 * Reads the Certificate and CertificateChain members of ImportCertificateAuthorityCertificate
 * (PEM text) for the pure rules of domain/ca-certificate-import.ts: the documented size limits,
 * PEM, and X.509 parsing with @peculiar/x509, signatures checked with node:crypto. A failure is
 * returned, not thrown, so the decider reports it only after its state checks.
 */
export function readOfferedImport(certificateText: string, chainText: string | undefined): OfferedImport {
  try {
    return { ok: true, ...readMembers(certificateText, chainText) };
  } catch (error) {
    if (error instanceof DomainError) return { ok: false, error };
    throw error;
  }
}

const malformed = (message: string) => new DomainError('Malformed', message, 'MalformedCertificateException');

function readMembers(certificateText: string, chainText: string | undefined): { certificate: OfferedCertificate; chain: OfferedCertificate[] } {
  const certificateSize = Buffer.byteLength(certificateText, 'utf8');
  if (certificateSize > MAX_CERTIFICATE_BYTES) throw malformed(`The certificate is ${certificateSize} bytes; the maximum allowed size of a certificate is 32 KB.`);
  const chainSize = chainText === undefined ? 0 : Buffer.byteLength(chainText, 'utf8');
  if (chainSize > MAX_CHAIN_BYTES) throw malformed(`The certificate chain is ${chainSize} bytes; the maximum allowed size of a certificate chain is 2 MB.`);

  const certificateDers = certificateBlocks(certificateText, 'certificate');
  if (certificateDers.length !== 1) throw malformed(`The Certificate member must hold exactly one PEM certificate, but it holds ${certificateDers.length}; pass the rest as CertificateChain.`);
  const certificate = parseOne(certificateDers[0]!, 'the certificate');
  const hasChain = chainText !== undefined && chainText.trim().length > 0;
  const chain = hasChain ? certificateBlocks(chainText!, 'certificate chain').map((der, i) => parseOne(der, `chain certificate ${i + 1}`)) : [];
  return { certificate, chain };
}

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

function parseOne(der: Buffer, label: string): OfferedCertificate {
  let cert: X509Certificate;
  let node: NodeCertificate;
  try {
    cert = new X509Certificate(der);
    node = new NodeCertificate(der);
  } catch (error) {
    throw new DomainError('Malformed', `${capitalize(label)} could not be parsed as an X.509 certificate: ${(error as Error).message}`, 'MalformedCertificateException', { cause: error });
  }
  const basic = cert.getExtension(BasicConstraintsExtension);
  const keyUsage = cert.getExtension(KeyUsagesExtension);
  const offered: OfferedCertificate = {
    der,
    label,
    subject: cert.subject,
    issuer: cert.issuer,
    subjectDer: new Uint8Array(cert.subjectName.toArrayBuffer()),
    issuerDer: new Uint8Array(cert.issuerName.toArrayBuffer()),
    publicKeySpki: new Uint8Array(cert.publicKey.rawData),
    serialNumberHex: cert.serialNumber,
    notBefore: cert.notBefore,
    notAfter: cert.notAfter,
    extensions: cert.extensions.map((e) => ({ oid: e.type, critical: e.critical })),
    basicConstraints: basic ? { ca: basic.ca, critical: basic.critical, pathLength: basic.pathLength } : undefined,
    keyCertSign: keyUsage ? (keyUsage.usages & KeyUsageFlags.keyCertSign) !== 0 : undefined,
    signatureVerifiesUnder: (issuer) => (isMlDsaSpki(issuer.publicKeySpki) ? verifyCertificateSignature(parseCertificate(der), issuer.publicKeySpki) : node.verify(nodeCertificates.get(issuer)!.publicKey)),
  };
  nodeCertificates.set(offered, node);
  return offered;
}

/** An ML-DSA issuer key, which node:crypto (OpenSSL 3.0) cannot use: @pki/pki verifies with @noble/post-quantum. */
function isMlDsaSpki(spki: Uint8Array): boolean {
  try {
    return describePublicKey(spki).keyType === 'ml-dsa';
  } catch {
    return false;
  }
}

/** node:crypto's view of each certificate read here, for signature checks between them. */
const nodeCertificates = new WeakMap<OfferedCertificate, NodeCertificate>();
