/**
 * A small certification path validation (RFC 5280 §6.1) for import checks, e.g.
 * ImportCertificateAuthorityCertificate: does `leaf` chain through some of `intermediates` to one
 * of `trustAnchors` at time `at`?
 *
 * Checked, for every certificate on the path (anchor excluded, as §6.1 takes the anchor as input):
 *  - the signature, with the issuer's public key (checkCertificateSignature: SHA-1/MD5, DSA and
 *    unknown algorithms are reported as unsupported and the path is rejected);
 *  - validity: notBefore <= at <= notAfter, at the one-second resolution of certificate times;
 *  - name chaining: issuer == the previous certificate's subject, by DER comparison (optionally
 *    with the RFC 5280 §7.1 caseIgnore comparison, `nameMatching: 'rfc5280'`);
 *  - for every CA certificate (not the leaf): version 3 with basicConstraints cA=TRUE (§6.1.4(k)),
 *    keyCertSign when keyUsage is present (§6.1.4(n)), and pathLenConstraint (§6.1.4(l)/(m)),
 *    where self-issued certificates do not count;
 *  - critical extensions this code does not process -> rejected (§6.1.4(o), §6.1.5(e));
 *  - by default also the trust anchor certificate itself (validity, CA-ness; `checkTrustAnchor`).
 *
 * NOT done (callers must not rely on them): certificate policy processing (§6.1.3(d)-(f),
 * §6.1.4(a)-(j), (i), policyConstraints, inhibitAnyPolicy, policyMappings: those extensions are
 * not recognised, so they reject the path when critical and are ignored otherwise; the result is
 * what §6.1 gives for user-initial-policy-set = {anyPolicy} without explicit-policy), name
 * constraints (a critical nameConstraints rejects the path), revocation (CRL/OCSP), extended key
 * usage, the trust anchor's pathLenConstraint, and DSA parameter inheritance.
 */
import { checkCertificateSignature, parseCertificate, type ParsedCertificate } from './certificate-parse';
import { PkiParseError } from './errors';
import { readName } from './name-render';
import { Oid } from './oids';

export interface VerifyChainOptions {
  /** 'der' (default): names chain when their DER is identical. 'rfc5280': also accept the §7.1 caseIgnore match. */
  nameMatching?: 'der' | 'rfc5280';
  /** Longest path, counting the leaf and the anchor (default 10). */
  maxPathLength?: number;
  /** Extension OIDs the caller processes itself, so they do not reject the path when critical. */
  processedCriticalExtensions?: readonly string[];
  /** Upper bound on candidate paths examined (default 64), so pathological bundles cannot make this slow. */
  maxCandidatePaths?: number;
  /**
   * Also check the trust anchor certificate (default true; RFC 5280 §6.1 leaves this to the
   * relying party): valid at `at`, no unrecognised critical extension, and when it is v3,
   * basicConstraints cA=TRUE and keyCertSign if keyUsage is present. v1 anchors are accepted.
   */
  checkTrustAnchor?: boolean;
}

export type ChainResult =
  /** `path` runs from the leaf to the trust anchor, both included. */
  | { ok: true; path: ParsedCertificate[] }
  | { ok: false; reason: string };

type CertInput = ParsedCertificate | Uint8Array | string;

/** Critical extensions this validator processes or whose content does not affect path validity. */
const UNDERSTOOD = new Set<string>([
  Oid.basicConstraints,
  Oid.keyUsage,
  Oid.subjectKeyIdentifier,
  Oid.authorityKeyIdentifier,
  Oid.subjectAltName,
  Oid.issuerAltName,
  Oid.extKeyUsage,
  Oid.certificatePolicies,
  Oid.cRLDistributionPoints,
  Oid.authorityInfoAccess,
  Oid.subjectInfoAccess,
]);

const equalBytes = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && Buffer.compare(a, b) === 0;

/** RFC 4518-style string preparation, simplified: NFKC, case fold, trim and collapse inner spaces. */
function prepare(value: string): string {
  return value.normalize('NFKC').toLowerCase().trim().replace(/\s+/g, ' ');
}

/** RFC 5280 §7.1: same RDN count, each RDN the same attribute set, string values compared with caseIgnoreMatch. */
function namesMatchRfc5280(a: Uint8Array, b: Uint8Array): boolean {
  try {
    const x = readName(a);
    const y = readName(b);
    if (x.length !== y.length) return false;
    return x.every((rdn, i) => {
      const other = y[i];
      if (rdn.length !== other.length) return false;
      const key = (attr: (typeof rdn)[number]): string =>
        `${attr.oid}=${attr.value === undefined ? '#' + Buffer.from(attr.valueDer).toString('hex') : prepare(attr.value)}`;
      const left = rdn.map(key).sort();
      const right = other.map(key).sort();
      return left.every((k, j) => k === right[j]);
    });
  } catch {
    return false;
  }
}

class Validator {
  private readonly matchCache = new Map<string, boolean>();
  private readonly signatureCache = new Map<ParsedCertificate, Map<ParsedCertificate, string | undefined>>();

  constructor(
    private readonly at: Date,
    private readonly options: { nameMatching: 'der' | 'rfc5280'; checkTrustAnchor: boolean; processed: Set<string> },
  ) {}

  namesMatch(a: Uint8Array, b: Uint8Array): boolean {
    if (equalBytes(a, b)) return true;
    if (this.options.nameMatching !== 'rfc5280') return false;
    const key = Buffer.from(a).toString('hex') + '/' + Buffer.from(b).toString('hex');
    let hit = this.matchCache.get(key);
    if (hit === undefined) {
      hit = namesMatchRfc5280(a, b);
      this.matchCache.set(key, hit);
    }
    return hit;
  }

  /** undefined when `cert` is validly signed by `issuer`'s key, else the reason. */
  signatureProblem(cert: ParsedCertificate, issuer: ParsedCertificate): string | undefined {
    let byIssuer = this.signatureCache.get(cert);
    if (!byIssuer) this.signatureCache.set(cert, (byIssuer = new Map()));
    if (!byIssuer.has(issuer)) {
      const check = checkCertificateSignature(cert, issuer.publicKeySpki);
      byIssuer.set(issuer, check.status === 'valid' ? undefined : `${check.status} signature: ${check.reason}`);
    }
    return byIssuer.get(issuer);
  }

  /** Validity at second granularity, the resolution of certificate times (RFC 5280 §4.1.2.5). */
  private validityProblem(cert: ParsedCertificate, label: string): string | undefined {
    const at = Math.floor(this.at.getTime() / 1000) * 1000;
    if (at < cert.notBefore.getTime()) return `${label} is not yet valid (notBefore ${cert.notBefore.toISOString()})`;
    if (at > cert.notAfter.getTime()) return `${label} has expired (notAfter ${cert.notAfter.toISOString()})`;
    return undefined;
  }

  private unknownCritical(cert: ParsedCertificate, label: string): string | undefined {
    const unknown = cert.extensions.find((e) => e.critical && !UNDERSTOOD.has(e.oid) && !this.options.processed.has(e.oid));
    return unknown && `${label} has an unrecognised critical extension ${unknown.oid}`;
  }

  private anchorProblem(anchor: ParsedCertificate): string | undefined {
    const label = `trust anchor "${anchor.subject}"`;
    const problem = this.validityProblem(anchor, label) ?? this.unknownCritical(anchor, label);
    if (problem || anchor.version !== 3) return problem;
    if (!anchor.basicConstraints?.ca) return `${label} is not a CA certificate (basicConstraints cA is not TRUE)`;
    if (anchor.keyUsage && !anchor.keyUsage.KeyCertSign) return `${label} has keyUsage without keyCertSign`;
    return undefined;
  }

  /** §6.1 over `path` = [leaf, ..., anchor]; undefined when valid, else the reason. */
  validate(path: ParsedCertificate[]): string | undefined {
    const n = path.length - 1; // certificates to process; path[n] is the anchor
    if (this.options.checkTrustAnchor) {
      const problem = this.anchorProblem(path[n]);
      if (problem) return problem;
    }
    let maxPathLength = n;
    for (let k = n - 1; k >= 0; k--) {
      const cert = path[k];
      const issuer = path[k + 1];
      const label = k === 0 ? `leaf "${cert.subject}"` : `intermediate "${cert.subject}"`;
      // §6.1.3 (a): signature, validity, name chaining.
      const sig = this.signatureProblem(cert, issuer);
      if (sig) return `${label}: ${sig}`;
      const validity = this.validityProblem(cert, label);
      if (validity) return validity;
      if (!this.namesMatch(cert.issuerDer, issuer.subjectDer)) return `${label}: issuer "${cert.issuer}" does not match "${issuer.subject}"`;
      // §6.1.4 (o) / §6.1.5 (e): critical extensions must be understood.
      const critical = this.unknownCritical(cert, label);
      if (critical) return critical;
      if (k === 0) break;
      // §6.1.4 (k): the certificate must be a CA certificate.
      if (cert.version !== 3 || !cert.basicConstraints?.ca) return `${label} is not a CA certificate (basicConstraints cA is not TRUE)`;
      // §6.1.4 (l): non-self-issued certificates consume path length.
      const selfIssued = this.namesMatch(cert.issuerDer, cert.subjectDer);
      if (!selfIssued) {
        if (maxPathLength <= 0) return `${label} exceeds a pathLenConstraint`;
        maxPathLength--;
      }
      // §6.1.4 (m)
      const limit = cert.basicConstraints.pathLenConstraint;
      if (limit !== undefined && limit < maxPathLength) maxPathLength = limit;
      // §6.1.4 (n)
      if (cert.keyUsage && !cert.keyUsage.KeyCertSign) return `${label} has keyUsage without keyCertSign`;
    }
    return undefined;
  }
}

function toParsed(input: CertInput, what: string): ParsedCertificate {
  if (typeof input === 'string' || input instanceof Uint8Array) {
    try {
      return parseCertificate(input);
    } catch (error) {
      throw new PkiParseError(`${what}: ${error instanceof PkiParseError ? error.reason : 'malformed certificate'}`, { cause: error });
    }
  }
  return input;
}

/**
 * Validates a path from `leaf` through any of `intermediates` (in any order, extras ignored) to one
 * of `trustAnchors` at time `at`. Candidate issuers are found by subject name; paths are tried
 * depth-first (those whose subjectKeyIdentifier matches the child's authorityKeyIdentifier first)
 * until one validates. Never throws: malformed inputs give { ok: false, reason }.
 */
export function verifyChain(leaf: CertInput, intermediates: readonly CertInput[], trustAnchors: readonly CertInput[], at: Date, options: VerifyChainOptions = {}): ChainResult {
  try {
    if (!(at instanceof Date) || Number.isNaN(at.getTime())) return { ok: false, reason: 'invalid validation time' };
    const leafCert = toParsed(leaf, 'leaf');
    const inter = intermediates.map((c, i) => toParsed(c, `intermediate ${i + 1}`));
    const anchors = trustAnchors.map((c, i) => toParsed(c, `trust anchor ${i + 1}`));
    if (anchors.length === 0) return { ok: false, reason: 'no trust anchors given' };
    if (anchors.some((a) => equalBytes(a.der, leafCert.der))) return { ok: true, path: [leafCert] };

    const validator = new Validator(at, {
      nameMatching: options.nameMatching ?? 'der',
      checkTrustAnchor: options.checkTrustAnchor ?? true,
      processed: new Set(options.processedCriticalExtensions ?? []),
    });
    const opts = { maxPathLength: Math.max(2, options.maxPathLength ?? 10), maxCandidatePaths: Math.max(1, options.maxCandidatePaths ?? 64) };
    let examined = 0;
    let steps = 0;
    let firstFailure: string | undefined;
    let found: ParsedCertificate[] | undefined;

    const keyIdFirst = (child: ParsedCertificate, list: ParsedCertificate[]): ParsedCertificate[] => {
      const aki = child.authorityKeyIdentifier?.keyIdentifier;
      if (!aki) return list;
      const score = (c: ParsedCertificate): number => (c.subjectKeyIdentifier && equalBytes(c.subjectKeyIdentifier, aki) ? 0 : 1);
      return [...list].sort((a, b) => score(a) - score(b));
    };

    const search = (path: ParsedCertificate[]): void => {
      if (found || examined >= opts.maxCandidatePaths || ++steps > 16 * opts.maxCandidatePaths) return;
      const current = path[path.length - 1];
      for (const anchor of keyIdFirst(current, anchors.filter((a) => validator.namesMatch(current.issuerDer, a.subjectDer)))) {
        if (found || examined >= opts.maxCandidatePaths) return;
        examined++;
        const candidate = [...path, anchor];
        const problem = validator.validate(candidate);
        if (!problem) found = candidate;
        else firstFailure ??= problem;
      }
      if (path.length + 1 >= opts.maxPathLength) {
        firstFailure ??= `no path within ${opts.maxPathLength} certificates`;
        return;
      }
      const next = inter.filter((c) => !path.includes(c) && !path.some((p) => equalBytes(p.der, c.der)) && validator.namesMatch(current.issuerDer, c.subjectDer));
      for (const c of keyIdFirst(current, next)) {
        if (found) return;
        search([...path, c]);
      }
    };
    search([leafCert]);
    if (found) return { ok: true, path: found };
    return { ok: false, reason: firstFailure ?? `no trust anchor or intermediate has the subject "${leafCert.issuer}" (issuer of the leaf or of an intermediate)` };
  } catch (error) {
    return { ok: false, reason: error instanceof PkiParseError ? error.reason : 'path validation failed on malformed input' };
  }
}
