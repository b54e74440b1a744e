/**
 * The issuing CA as issuance sees it (projected from ca-service's events) and the rules that
 * depend only on it: may it issue now, with which sign purpose, and which facts and URLs it
 * contributes to the certificate. Pure.
 */
import { DomainError } from '@pki/contracts';
import { X509Certificate } from 'node:crypto';
import { crlObjectKey, crlPublicationUrl, Oid, pemBlocks, type CrlPublication, type KeyAlgorithm } from '@pki/pki';
import type { CrlPartitionBinding } from '@pki/contracts';
import { certificateParts, pathLengthOf, subjectKeyIdentifierOf } from './certificate-der';
import type { CaUsageMode, IssuingCaFacts } from './certificate-profile';
import type { CertificateTemplate } from './templates';

export interface RevocationView {
  readonly crlEnabled: boolean;
  readonly crlS3BucketName: string | null;
  readonly crlCustomCname: string | null;
  /** CrlDistributionPointExtensionConfiguration.OmitExtension: CRLs are published but not named in certificates. */
  readonly crlOmitExtension: boolean;
  /** CrlConfiguration.CrlType: PARTITIONED binds each certificate to one partition's CRL. */
  readonly crlType: 'COMPLETE' | 'PARTITIONED';
  /** CrlConfiguration.CustomPath: the CRLs' folder in the bucket instead of crl/ (libs/pki crl-location.ts). */
  readonly crlCustomPath: string | null;
  readonly ocspEnabled: boolean;
  readonly ocspCustomCname: string | null;
}

export interface IssuingCaView {
  readonly id: string;
  readonly arn: string;
  readonly ownerAccount: string;
  readonly type: string;
  readonly status: string;
  readonly keyAlgorithm: KeyAlgorithm;
  readonly usageMode: CaUsageMode;
  /** The CA key, DER SPKI (from its CSR, or its certificate once imported); null while CREATING. */
  readonly publicKeySpki: Uint8Array | null;
  /** The imported CA certificate's facts; null until CertificateImported. */
  readonly certificate: {
    readonly pem: string;
    readonly chainPem: string | null;
    readonly subjectDer: Uint8Array;
    readonly subjectKeyIdentifier: Uint8Array | null;
    readonly pathLength: number | null;
    readonly notAfter: Date;
    /** The earliest notAfter in chainPem (chainNotAfter), read once per chain by the loader; null without a chain or when none is readable. */
    readonly chainNotAfter: Date | null;
  } | null;
  readonly revocation: RevocationView;
}

/** Facts issuance reads from a CA certificate (RFC 5280 §4.1.2.6, §4.2.1.2, §4.2.1.9). */
export function caCertificateFacts(der: Uint8Array): { subjectDer: Uint8Array; publicKeySpki: Uint8Array; subjectKeyIdentifier: Uint8Array | undefined; pathLength: number | undefined } {
  const parts = certificateParts(der);
  const ski = parts.extensions.find((e) => e.oid === Oid.subjectKeyIdentifier);
  const bc = parts.extensions.find((e) => e.oid === Oid.basicConstraints);
  return {
    subjectDer: parts.subjectDer,
    publicKeySpki: parts.publicKeySpki,
    subjectKeyIdentifier: ski ? subjectKeyIdentifierOf(ski.value) : undefined,
    pathLength: bc ? pathLengthOf(bc.value).pathLength : undefined,
  };
}

const trimSlash = (url: string): string => url.replace(/\/+$/, '');

/**
 * Whether certificates of `ca` are bound to a CRL partition now: CRLs enabled with CrlType
 * PARTITIONED (the partition is bound even when OmitExtension leaves the URL out of the
 * certificate: its revocation is still published on that partition's CRL).
 */
export const usesCrlPartitions = (ca: Pick<IssuingCaView, 'revocation'>): boolean => ca.revocation.crlEnabled && ca.revocation.crlType === 'PARTITIONED';

const publicationOf = (ca: Pick<IssuingCaView, 'id' | 'revocation'>): CrlPublication => ({
  caId: ca.id,
  customPath: ca.revocation.crlCustomPath,
  customCname: ca.revocation.crlCustomCname,
  s3BucketName: ca.revocation.crlS3BucketName,
});

/**
 * Where `ca`'s partition CRLs are published now: its bucket and URL form. A partition keeps the
 * location it was opened at (its CRL's issuingDistributionPoint must stay its certificates' CDP),
 * so another location means another partition. Undefined when the CA names no bucket.
 */
export function crlPartitionLocation(ca: Pick<IssuingCaView, 'id' | 'revocation'>, publicUrl: string): string | undefined {
  const form = crlPublicationUrl(publicationOf(ca), publicUrl, '{partition}');
  return form && ca.revocation.crlS3BucketName ? `${ca.revocation.crlS3BucketName} ${form}` : undefined;
}

/** The CertificateIssued binding of a certificate of `ca` to partition `id`: where that partition's CRL lives. */
export function crlPartitionBinding(ca: Pick<IssuingCaView, 'id' | 'revocation'>, publicUrl: string, id: string): CrlPartitionBinding {
  const publication = publicationOf(ca);
  return { id, bucket: ca.revocation.crlS3BucketName!, key: crlObjectKey(publication, id), url: crlPublicationUrl(publication, publicUrl, id)! };
}

/**
 * CRL distribution point (libs/pki crl-location.ts): `http://<CustomCname>/<key>`, else
 * `<PKI_PUBLIC_URL>/<S3BucketName>/<key>`, where the key is `<CustomPath | crl>/<CA id>.crl` for
 * the complete CRL and `<CustomPath | crl/<CA id>>/<partition>.crl` for a partition's.
 */
export function crlDistributionPointUrl(ca: Pick<IssuingCaView, 'id' | 'revocation'>, publicUrl: string, crlPartition?: string): string | undefined {
  const r = ca.revocation;
  if (!r.crlEnabled || r.crlOmitExtension) return undefined;
  const url = crlPublicationUrl(publicationOf(ca), publicUrl, crlPartition);
  return url ?? undefined;
}

/** OCSP responder: `http://<OcspCustomCname>/` when set, else `<PKI_PUBLIC_URL>/ocsp`. */
export function ocspUrl(ca: Pick<IssuingCaView, 'revocation'>, publicUrl: string): string | undefined {
  const r = ca.revocation;
  if (!r.ocspEnabled) return undefined;
  return r.ocspCustomCname ? `http://${r.ocspCustomCname}/` : `${trimSlash(publicUrl)}/ocsp`;
}

/** notAfter of one chain certificate; NaN when node:crypto cannot read it (then it sets no limit). */
function notAfterOf(der: Uint8Array): number {
  try {
    return Date.parse(new X509Certificate(der).validTo);
  } catch {
    return Number.NaN;
  }
}

/**
 * The earliest notAfter in a CA certificate chain (PEM, as imported), or undefined without one.
 * An imported chain need not nest (ca-service checks signatures and path lengths, as RFC 5280
 * §6.1 does, not validity), so an externally signed CA certificate may outlive its issuer.
 * The chain passed ca-service's import checks; it is read with node:crypto, as tolerant as they are.
 * Parsing costs: the loader (application/issuing-ca.loader.ts) memoizes it per chain.
 */
export function chainNotAfter(chainPem: string | null): Date | undefined {
  if (!chainPem) return undefined;
  const limit = Math.min(...pemBlocks(chainPem).map((block) => notAfterOf(block.der)).filter((t) => Number.isFinite(t)));
  return Number.isFinite(limit) ? new Date(limit) : undefined;
}

/**
 * The latest notAfter a certificate issued by `ca` may have. IssueCertificate Validity: "The end
 * of the validity period configured on a certificate must not exceed the limit set on its
 * parents in the CA hierarchy": the issuing CA certificate's notAfter, and that of every
 * certificate above it.
 */
export function hierarchyNotAfter(certificate: NonNullable<IssuingCaView['certificate']>): Date {
  const above = certificate.chainNotAfter;
  return above && above.getTime() < certificate.notAfter.getTime() ? above : certificate.notAfter;
}

export type SignPurpose = 'CERTIFICATE' | 'CA_CERTIFICATE';

/**
 * May `ca` issue with `template` now? ACTIVE CAs issue; a ROOT CA in PENDING_CERTIFICATE issues
 * only its own self-signed certificate (RootCACertificate*), which is how its certificate comes
 * to exist before import. Anything else: InvalidStateException. Self-signed templates belong to
 * root CAs only.
 */
export function issuancePurpose(ca: IssuingCaView, template: CertificateTemplate): SignPurpose {
  if (template.selfSigned && ca.type !== 'ROOT') {
    throw new DomainError('Malformed', `${template.name} issues a root CA's own self-signed certificate; ${ca.arn} is a ${ca.type} CA`, 'InvalidArgsException');
  }
  const ownRootCertificate = ca.type === 'ROOT' && ca.status === 'PENDING_CERTIFICATE' && template.selfSigned;
  if (ca.status !== 'ACTIVE' && !ownRootCertificate) {
    const hint = ca.type === 'ROOT' && ca.status === 'PENDING_CERTIFICATE'
      ? ' A root CA in PENDING_CERTIFICATE can only issue its own certificate, with RootCACertificate/V1 or RootCACertificate_APIPassthrough/V1.'
      : '';
    throw new DomainError('InvalidState', `The certificate authority ${ca.arn} is ${ca.status}; it issues certificates only when ACTIVE.${hint}`, 'InvalidStateException');
  }
  return template.selfSigned ? 'CA_CERTIFICATE' : 'CERTIFICATE';
}

/** What the CA contributes to buildProfile. */
export function issuingCaFacts(ca: IssuingCaView, purpose: SignPurpose, publicUrl: string, crlPartition?: string): IssuingCaFacts {
  if (!ca.publicKeySpki) throw new DomainError('InvalidState', `The certificate authority ${ca.arn} has no key yet.`, 'InvalidStateException');
  const urls = { crlDistributionPointUrl: crlDistributionPointUrl(ca, publicUrl, crlPartition), ocspUrl: ocspUrl(ca, publicUrl) };
  if (purpose === 'CA_CERTIFICATE' && !ca.certificate) {
    // The root's own first certificate: self-signed, so issuer = its own subject (buildProfile) and no CA notAfter cap.
    return { subjectDer: new Uint8Array([0x30, 0x00]), publicKeySpki: ca.publicKeySpki, pathLength: undefined, notAfter: undefined, keyAlgorithm: ca.keyAlgorithm, usageMode: ca.usageMode, ...urls };
  }
  const cert = ca.certificate;
  if (!cert) throw new DomainError('InvalidState', `The certificate authority ${ca.arn} has no certificate yet.`, 'InvalidStateException');
  return {
    subjectDer: cert.subjectDer,
    publicKeySpki: ca.publicKeySpki,
    subjectKeyIdentifier: cert.subjectKeyIdentifier ?? undefined,
    pathLength: cert.pathLength ?? undefined,
    notAfter: hierarchyNotAfter(cert),
    keyAlgorithm: ca.keyAlgorithm,
    usageMode: ca.usageMode,
    ...urls,
  };
}

/**
 * GetCertificate CertificateChain: "the issuing CA certificate and its chain up to the root",
 * concatenated PEM (for a certificate a root issued: the root certificate). Null for a
 * self-signed certificate, which has no issuer but itself.
 */
export function chainFor(ca: IssuingCaView, purpose: SignPurpose): string | null {
  if (purpose === 'CA_CERTIFICATE' || !ca.certificate) return null;
  const pem = ca.certificate.pem.endsWith('\n') ? ca.certificate.pem : `${ca.certificate.pem}\n`;
  return ca.certificate.chainPem ? `${pem}${ca.certificate.chainPem}` : pem;
}
