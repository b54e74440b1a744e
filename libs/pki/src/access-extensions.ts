/**
 * Extensions that point somewhere: authorityInfoAccess / subjectInfoAccess (RFC 5280 §4.2.2.1,
 * §4.2.2.2), cRLDistributionPoints (§4.2.1.13) and certificatePolicies with CPS qualifiers
 * (§4.2.1.4). All non-critical, as RFC 5280 requires for AIA/SIA and recommends for the rest.
 */
import { oid } from './der/der-oid';
import { contextConstructed, ia5String, sequence } from './der/der-writer';
import { PkiEncodeError } from './errors';
import type { Extension } from './extensions';
import { encodeGeneralName, type GeneralName } from './general-names';
import { Oid } from './oids';

/** AWS AccessMethodType -> access method OID (RFC 5280 §4.2.2.2, RFC 6487 §4.8.8, RFC 8182 §3.2). */
export const ACCESS_METHOD_OIDS = {
  CA_REPOSITORY: Oid.caRepository,
  RESOURCE_PKI_MANIFEST: Oid.rpkiManifest,
  RESOURCE_PKI_NOTIFY: Oid.rpkiNotify,
} as const;
export type AccessMethodType = keyof typeof ACCESS_METHOD_OIDS;

/** AWS AccessMethod: one of the two members. */
export interface AccessMethod {
  CustomObjectIdentifier?: string;
  AccessMethodType?: AccessMethodType;
}

/** AWS AccessDescription. */
export interface AccessDescription {
  AccessMethod: AccessMethod;
  AccessLocation: GeneralName;
}

function accessMethodOid(method: AccessMethod): string {
  if (method.AccessMethodType !== undefined) {
    const dotted = ACCESS_METHOD_OIDS[method.AccessMethodType];
    if (!dotted) throw new PkiEncodeError(`unknown AccessMethodType ${method.AccessMethodType}`);
    return dotted;
  }
  if (method.CustomObjectIdentifier !== undefined) return method.CustomObjectIdentifier;
  throw new PkiEncodeError('AccessMethod needs a type or a custom object identifier');
}

/** AccessDescription ::= SEQUENCE { accessMethod OID, accessLocation GeneralName }. */
function accessDescriptions(items: ReadonlyArray<{ method: string; location: GeneralName }>): Buffer {
  if (items.length === 0) throw new PkiEncodeError('an information access extension needs at least one AccessDescription');
  return sequence(...items.map((i) => sequence(oid(i.method), encodeGeneralName(i.location))));
}

/** subjectInfoAccess (RFC 5280 §4.2.2.2) from AWS AccessDescriptions. */
export function subjectInfoAccessExtension(descriptions: AccessDescription[]): Extension {
  const items = descriptions.map((d) => ({ method: accessMethodOid(d.AccessMethod), location: d.AccessLocation }));
  return { oid: Oid.subjectInfoAccess, critical: false, value: accessDescriptions(items) };
}

/**
 * authorityInfoAccess (RFC 5280 §4.2.2.1): OCSP responders (id-ad-ocsp) and issuer certificate
 * locations (id-ad-caIssuers) as URIs, plus any AWS AccessDescriptions.
 */
export function authorityInfoAccessExtension(input: {
  ocspUrls?: string[];
  caIssuersUrls?: string[];
  descriptions?: AccessDescription[];
}): Extension {
  const items = [
    ...(input.ocspUrls ?? []).map((u) => ({ method: Oid.ocsp as string, location: { UniformResourceIdentifier: u } })),
    ...(input.caIssuersUrls ?? []).map((u) => ({ method: Oid.caIssuers as string, location: { UniformResourceIdentifier: u } })),
    ...(input.descriptions ?? []).map((d) => ({ method: accessMethodOid(d.AccessMethod), location: d.AccessLocation })),
  ];
  return { oid: Oid.authorityInfoAccess, critical: false, value: accessDescriptions(items) };
}

/**
 * cRLDistributionPoints (RFC 5280 §4.2.1.13) with one DistributionPoint whose
 * distributionPoint is fullName [0] GeneralNames holding one URI.
 *   DistributionPoint ::= SEQUENCE { distributionPoint [0] DistributionPointName OPTIONAL, ... }
 *   DistributionPointName ::= CHOICE { fullName [0] GeneralNames, ... }
 */
export function crlDistributionPointsExtension(url: string): Extension {
  const fullName = contextConstructed(0, encodeGeneralName({ UniformResourceIdentifier: url }));
  return { oid: Oid.cRLDistributionPoints, critical: false, value: sequence(sequence(contextConstructed(0, fullName))) };
}

/**
 * issuingDistributionPoint (RFC 5280 §5.2.5) of a CRL that covers the certificates whose
 * cRLDistributionPoints name `url`, critical as §5.2.5 requires:
 *   IssuingDistributionPoint ::= SEQUENCE { distributionPoint [0] DistributionPointName { fullName [0] GeneralNames } }
 * A relying party must check that it equals the certificate's distribution point, so a CRL of
 * one partition is never taken for another's.
 */
export function issuingDistributionPointExtension(url: string): Extension {
  const fullName = contextConstructed(0, encodeGeneralName({ UniformResourceIdentifier: url }));
  return { oid: Oid.issuingDistributionPoint, critical: true, value: sequence(contextConstructed(0, fullName)) };
}

/** AWS PolicyInformation (CertPolicyId with optional CPS qualifiers). */
export interface PolicyInformation {
  CertPolicyId: string;
  PolicyQualifiers?: Array<{ PolicyQualifierId: 'CPS'; Qualifier: { CpsUri: string } }>;
}

/**
 * certificatePolicies (RFC 5280 §4.2.1.4):
 *   PolicyInformation ::= SEQUENCE { policyIdentifier OID, policyQualifiers SEQUENCE OF PolicyQualifierInfo OPTIONAL }
 *   PolicyQualifierInfo ::= SEQUENCE { id-qt-cps, CPSuri IA5String }
 */
export function certificatePoliciesExtension(policies: PolicyInformation[], critical = false): Extension {
  if (policies.length === 0) throw new PkiEncodeError('certificatePolicies needs at least one policy');
  const seen = new Set<string>();
  const encoded = policies.map((p) => {
    if (seen.has(p.CertPolicyId)) throw new PkiEncodeError(`policy ${p.CertPolicyId} appears twice (RFC 5280 §4.2.1.4)`);
    seen.add(p.CertPolicyId);
    const qualifiers = p.PolicyQualifiers ?? [];
    const infos = qualifiers.map((q) => {
      if (q.PolicyQualifierId !== 'CPS') throw new PkiEncodeError(`unsupported PolicyQualifierId ${String(q.PolicyQualifierId)}`);
      return sequence(oid(Oid.cpsQualifier), ia5String(q.Qualifier.CpsUri));
    });
    return qualifiers.length ? sequence(oid(p.CertPolicyId), sequence(...infos)) : sequence(oid(p.CertPolicyId));
  });
  return { oid: Oid.certificatePolicies, critical, value: sequence(...encoded) };
}
