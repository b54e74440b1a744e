/**
 * The certificate a template makes from a request: subject, issuer, validity and the exact
 * extension set, following the User Guide's "Template order of operations": "For each
 * extension value, the template definition has highest priority, followed by API passthrough
 * values, followed by CSR passthrough extensions." Pure: no I/O, no clock, no signing.
 */
import {
  Oid,
  authorityInfoAccessExtension,
  authorityKeyIdentifierExtension,
  basicConstraintsExtension,
  crlDistributionPointsExtension,
  encodeName,
  extendedKeyUsageExtension,
  keyIdentifierFromSpki,
  keyUsageExtension,
  PkiEncodeError,
  subjectKeyIdentifierExtension,
  type Extension,
  type KeyAlgorithm,
  type KeyUsage,
  type ParsedCsr,
} from '@pki/pki';
import { apiCandidates, apiMembersPresent, type ApiPassthrough } from './api-passthrough';
import { fail, ProfileFailure, type ProfileError } from './profile-error';
import type { CertificateTemplate } from './templates';
import { templateKeyUsage, type KeyUsageProfile } from './key-usage';
import { resolveValidity, type Validity } from './validity';

export type CaUsageMode = 'GENERAL_PURPOSE' | 'SHORT_LIVED_CERTIFICATE';

/** What the issuing CA contributes; the caller reads it from the CA's current view. */
export interface IssuingCaFacts {
  /** The issuing CA certificate's subject, DER: the issuer of what it signs (RFC 5280 §4.1.2.4). */
  readonly subjectDer: Uint8Array;
  /** The CA's SubjectPublicKeyInfo, DER. */
  readonly publicKeySpki: Uint8Array;
  /**
   * The subjectKeyIdentifier in the CA's certificate, when it has one. The AKI must repeat it
   * (RFC 5280 §4.2.1.1); an imported CA certificate may have used another method than SHA-1 of
   * the key, so it is taken from the certificate and only derived from the key when absent.
   */
  readonly subjectKeyIdentifier?: Uint8Array;
  /** pathLenConstraint of the CA certificate; undefined when it has none. */
  readonly pathLength: number | undefined;
  /** notAfter of the CA certificate, or the earlier one of a certificate above it in its chain; undefined while a root issues its own certificate. */
  readonly notAfter: Date | undefined;
  /** Not consulted by any template rule; the signing-algorithm check belongs to the handler. */
  readonly keyAlgorithm: KeyAlgorithm;
  readonly usageMode: CaUsageMode;
  /** Set when the CA has CRLs enabled: the URL its CRL is published at. */
  readonly crlDistributionPointUrl?: string;
  /** Set when the CA has OCSP enabled: the responder URL. */
  readonly ocspUrl?: string;
}

export interface ProfileInput {
  readonly template: CertificateTemplate;
  readonly csr: Pick<ParsedCsr, 'subjectDer' | 'publicKeySpki' | 'extensions'>;
  readonly apiPassthrough?: ApiPassthrough;
  readonly ca: IssuingCaFacts;
  readonly validity: Validity;
  readonly validityNotBefore?: Validity;
  /** Issuance time (injected clock). */
  readonly now: Date;
  /**
   * AWS ignores ApiPassthrough on templates without API passthrough ("An APIPassthrough or
   * APICSRPassthrough template variant must be selected, or else this parameter is ignored").
   * Set to refuse such requests instead (InvalidArgsException).
   */
  readonly rejectIgnoredApiPassthrough?: boolean;
  /**
   * The template keyUsage bits for the subject key (key-usage.ts): `rfc5480` (default) leaves
   * keyEncipherment out for EC keys; `aws` sets exactly the bits of AWS's template tables.
   */
  readonly keyUsageProfile?: KeyUsageProfile;
}

export type IgnoredReason = 'TEMPLATE_DISALLOWS_API' | 'TEMPLATE_DISALLOWS_CSR' | 'TEMPLATE_DEFINES' | 'API_DEFINES' | 'EMPTY';

/** A requested value that did not make it into the certificate, and why. */
export interface IgnoredInput {
  readonly source: 'ApiPassthrough' | 'CSR';
  /** ApiPassthrough member (e.g. "Extensions.KeyUsage") or the CSR extension's OID. */
  readonly item: string;
  readonly reason: IgnoredReason;
}

export interface CertificateProfile {
  /** The issuer Name: the CA's subject, or the certificate's own subject when self-signed. */
  readonly issuerDer: Uint8Array;
  readonly subjectDer: Uint8Array;
  /** The certified key, from the CSR. */
  readonly publicKeySpki: Uint8Array;
  readonly extensions: Extension[];
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly ignored: IgnoredInput[];
}

export type ProfileResult = { readonly ok: true; readonly profile: CertificateProfile } | { readonly ok: false; readonly error: ProfileError };

const isEmptyName = (der: Uint8Array): boolean => der.length === 2 && der[0] === 0x30 && der[1] === 0x00;
const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => Buffer.from(a).equals(Buffer.from(b));
const respectsApi = (t: CertificateTemplate): boolean => t.passthrough === 'API' || t.passthrough === 'API_CSR';
const respectsCsr = (t: CertificateTemplate): boolean => t.passthrough === 'CSR' || t.passthrough === 'API_CSR';

function checkPathLength(template: CertificateTemplate, ca: IssuingCaFacts): void {
  const { ca: isCa, pathLength } = template.basicConstraints;
  if (!isCa || template.selfSigned || ca.pathLength === undefined) return;
  // RFC 5280 §4.2.1.9: a CA with pathLenConstraint P admits P more non-self-issued CA
  // certificates below it, so the new CA takes one and may allow at most P - 1 below itself.
  if (pathLength === undefined || pathLength >= ca.pathLength) {
    fail('PATH_LENGTH_EXCEEDS_CA', `The template's path length ${pathLength ?? 'unlimited'} does not fit under the issuing CA's path length constraint of ${ca.pathLength}`);
  }
}

function chooseSubject(input: ProfileInput, ignored: IgnoredInput[]): Uint8Array {
  const apiSubject = input.apiPassthrough?.Subject;
  if (!apiSubject || !respectsApi(input.template) || input.template.subject !== 'API_OR_CSR') return input.csr.subjectDer;
  let der: Uint8Array;
  try {
    der = encodeName(apiSubject);
  } catch (error) {
    if (error instanceof PkiEncodeError) fail('API_PASSTHROUGH_INVALID', `ApiPassthrough Subject: ${error.reason}`, error);
    throw error;
  }
  if (isEmptyName(der)) {
    ignored.push({ source: 'ApiPassthrough', item: 'Subject', reason: 'EMPTY' });
    return input.csr.subjectDer;
  }
  return der;
}

/** The extensions the template itself places, in the order its definition table lists them. */
function templateExtensions(t: CertificateTemplate, ca: IssuingCaFacts, subjectSpki: Uint8Array, keyUsageProfile: KeyUsageProfile): Extension[] {
  const out: Extension[] = [basicConstraintsExtension(t.basicConstraints)];
  if (t.authorityKeyIdentifier === 'CA_SKI') out.push(authorityKeyIdentifierExtension(ca.subjectKeyIdentifier ?? keyIdentifierFromSpki(ca.publicKeySpki)));
  out.push(subjectKeyIdentifierExtension(keyIdentifierFromSpki(subjectSpki)));
  if (t.keyUsage) out.push(keyUsageExtension(Object.fromEntries(templateKeyUsage(t.keyUsage.bits, subjectSpki, keyUsageProfile).map((b) => [b, true])) as KeyUsage, t.keyUsage.critical));
  if (t.extendedKeyUsage) out.push(extendedKeyUsageExtension(t.extendedKeyUsage.usages.map((u) => ({ ExtendedKeyUsageType: u })), t.extendedKeyUsage.critical));
  if (t.revocationPointers === 'CA_CONFIGURATION') {
    if (ca.crlDistributionPointUrl) out.push(crlDistributionPointsExtension(ca.crlDistributionPointUrl));
    if (ca.ocspUrl) out.push(authorityInfoAccessExtension({ ocspUrls: [ca.ocspUrl] }));
  }
  return out;
}

function build(input: ProfileInput): CertificateProfile {
  const { template, ca, csr } = input;
  const selfSigned = template.selfSigned;
  if (selfSigned && !sameBytes(csr.publicKeySpki, ca.publicKeySpki)) {
    fail('SELF_SIGNED_TEMPLATE_FOR_OTHER_KEY', `${template.name} issues a CA's own self-signed certificate; the CSR's key is not the CA's key`);
  }
  checkPathLength(template, ca);
  // "AWS Private CA does not perform validity checks on root CA certificates" (CA modes page).
  const limits = selfSigned ? { caNotAfter: undefined, shortLived: false } : { caNotAfter: ca.notAfter, shortLived: ca.usageMode === 'SHORT_LIVED_CERTIFICATE' };
  const { notBefore, notAfter } = resolveValidity(input, limits);

  const ignored: IgnoredInput[] = [];
  const api = input.apiPassthrough;
  if (api && !respectsApi(template)) {
    const members = apiMembersPresent(api);
    if (members.length && input.rejectIgnoredApiPassthrough) {
      fail('API_PASSTHROUGH_NOT_ALLOWED', `${template.name} does not accept ApiPassthrough (${members.join(', ')}); use an APIPassthrough or APICSRPassthrough template`);
    }
    for (const item of members) ignored.push({ source: 'ApiPassthrough', item, reason: 'TEMPLATE_DISALLOWS_API' });
  }

  const subjectDer = chooseSubject(input, ignored);
  const subjectEmpty = isEmptyName(subjectDer);
  const extensions = templateExtensions(template, ca, csr.publicKeySpki, input.keyUsageProfile ?? 'rfc5480');
  const placed = new Map<string, 'TEMPLATE_DEFINES' | 'API_DEFINES'>(extensions.map((e) => [e.oid, 'TEMPLATE_DEFINES']));

  if (api && respectsApi(template)) {
    for (const { member, extension } of apiCandidates(api.Extensions, subjectEmpty)) {
      const by = placed.get(extension.oid);
      if (by) {
        ignored.push({ source: 'ApiPassthrough', item: member, reason: by });
        continue;
      }
      extensions.push(extension);
      placed.set(extension.oid, 'API_DEFINES');
    }
  }

  for (const requested of csr.extensions) {
    // Every template copies the subject alternative name from the CSR ("[Passthrough from CSR]"),
    // CSR passthrough or not; other CSR extensions only pass on CSRPassthrough varieties.
    const isSan = requested.oid === Oid.subjectAltName;
    if (!isSan && !respectsCsr(template)) {
      ignored.push({ source: 'CSR', item: requested.oid, reason: 'TEMPLATE_DISALLOWS_CSR' });
      continue;
    }
    const by = placed.get(requested.oid);
    if (by) {
      ignored.push({ source: 'CSR', item: requested.oid, reason: by });
      continue;
    }
    // RFC 5280 §4.2.1.6: critical exactly when the subject is empty.
    extensions.push(isSan ? { ...requested, critical: subjectEmpty } : requested);
  }

  if (subjectEmpty && !extensions.some((e) => e.oid === Oid.subjectAltName)) {
    fail('SUBJECT_OR_SAN_REQUIRED', 'The certificate would have neither a subject nor a subject alternative name (a CSR must provide either)');
  }
  return {
    issuerDer: selfSigned ? subjectDer : ca.subjectDer,
    subjectDer,
    publicKeySpki: csr.publicKeySpki,
    extensions,
    notBefore,
    notAfter,
    ignored,
  };
}

/**
 * Builds the profile of the certificate `input.template` issues, or the typed reason it cannot
 * (the rule and the AWS exception the handler answers with).
 */
export function buildProfile(input: ProfileInput): ProfileResult {
  try {
    return { ok: true, profile: build(input) };
  } catch (error) {
    if (error instanceof ProfileFailure) return { ok: false, error: error.error };
    throw error;
  }
}
