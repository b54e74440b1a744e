/**
 * IssueCertificate ApiPassthrough (AWS API reference: API_ApiPassthrough, API_Extensions,
 * API_CustomExtension) turned into candidate certificate extensions. Whether each candidate
 * is used is the template's decision (certificate-profile.ts).
 */
import {
  PkiEncodeError,
  certificatePoliciesExtension,
  customExtension,
  extendedKeyUsageExtension,
  isValidOid,
  keyUsageExtension,
  subjectAltNameExtension,
  type ASN1Subject,
  type ExtendedKeyUsage,
  type Extension,
  type GeneralName,
  type KeyUsage,
  type PolicyInformation,
} from '@pki/pki';
import { fail } from './profile-error';

/** AWS CustomExtension: Value is base64 of the extension's DER value (extnValue contents). */
export interface CustomExtension {
  readonly ObjectIdentifier: string;
  readonly Value: string;
  readonly Critical?: boolean;
}

/** AWS Extensions (the ApiPassthrough member). */
export interface ApiExtensions {
  readonly CertificatePolicies?: PolicyInformation[];
  readonly ExtendedKeyUsage?: ExtendedKeyUsage[];
  readonly KeyUsage?: KeyUsage;
  readonly SubjectAlternativeNames?: GeneralName[];
  readonly CustomExtensions?: CustomExtension[];
}

/** AWS ApiPassthrough. */
export interface ApiPassthrough {
  readonly Extensions?: ApiExtensions;
  readonly Subject?: ASN1Subject;
}

/** One extension offered by ApiPassthrough, named by the member it came from. */
export interface ApiCandidate {
  readonly member: string;
  readonly extension: Extension;
}

/** API_CustomExtension patterns and lengths. */
const CUSTOM_OID_PATTERN = /^([0-2])\.([0-9]|([0-3][0-9]))((\.([0-9]+)){0,126})$/;
const BASE64_PATTERN = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function encoded(member: string, build: () => Extension): Extension {
  try {
    return build();
  } catch (error) {
    if (error instanceof PkiEncodeError) fail('API_PASSTHROUGH_INVALID', `ApiPassthrough ${member}: ${error.reason}`, error);
    throw error;
  }
}

function custom(item: CustomExtension, i: number): ApiCandidate {
  const member = `Extensions.CustomExtensions[${i}]`;
  const { ObjectIdentifier, Value, Critical } = item;
  if (typeof ObjectIdentifier !== 'string' || ObjectIdentifier.length > 64 || !CUSTOM_OID_PATTERN.test(ObjectIdentifier) || !isValidOid(ObjectIdentifier)) {
    fail('API_PASSTHROUGH_INVALID', `ApiPassthrough ${member}.ObjectIdentifier is not an object identifier: ${JSON.stringify(ObjectIdentifier)}`);
  }
  if (typeof Value !== 'string' || Value.length < 1 || Value.length > 4096 || !BASE64_PATTERN.test(Value)) {
    fail('API_PASSTHROUGH_INVALID', `ApiPassthrough ${member}.Value must be 1 to 4096 characters of base64`);
  }
  const valueDer = Buffer.from(Value, 'base64');
  return { member, extension: encoded(member, () => customExtension({ oid: ObjectIdentifier, critical: Critical === true, valueDer })) };
}

/**
 * The extensions ApiPassthrough asks for. subjectAltName is critical when the subject is empty
 * (RFC 5280 §4.2.1.6 "MUST mark ... critical"). Two members asking for the same extension (e.g.
 * KeyUsage and a CustomExtension 2.5.29.15) contradict each other: InvalidArgsException.
 */
export function apiCandidates(extensions: ApiExtensions | undefined, subjectEmpty: boolean): ApiCandidate[] {
  if (!extensions) return [];
  const out: ApiCandidate[] = [];
  const { SubjectAlternativeNames: san, ExtendedKeyUsage: eku, KeyUsage: ku, CertificatePolicies: policies } = extensions;
  if (san) out.push({ member: 'Extensions.SubjectAlternativeNames', extension: encoded('Extensions.SubjectAlternativeNames', () => subjectAltNameExtension(san, subjectEmpty)) });
  if (ku) out.push({ member: 'Extensions.KeyUsage', extension: encoded('Extensions.KeyUsage', () => keyUsageExtension(ku, true)) });
  if (eku) out.push({ member: 'Extensions.ExtendedKeyUsage', extension: encoded('Extensions.ExtendedKeyUsage', () => extendedKeyUsageExtension(eku, false)) });
  if (policies) out.push({ member: 'Extensions.CertificatePolicies', extension: encoded('Extensions.CertificatePolicies', () => certificatePoliciesExtension(policies, false)) });
  (extensions.CustomExtensions ?? []).forEach((item, i) => out.push(custom(item, i)));
  const seen = new Map<string, string>();
  for (const c of out) {
    const first = seen.get(c.extension.oid);
    if (first) fail('API_PASSTHROUGH_DUPLICATE_EXTENSION', `ApiPassthrough ${first} and ${c.member} both set extension ${c.extension.oid}`);
    seen.set(c.extension.oid, c.member);
  }
  return out;
}

/** The ApiPassthrough members present, for reporting what a template ignored. */
export function apiMembersPresent(api: ApiPassthrough | undefined): string[] {
  if (!api) return [];
  const members: string[] = [];
  if (api.Subject) members.push('Subject');
  const e = api.Extensions;
  if (e?.SubjectAlternativeNames) members.push('Extensions.SubjectAlternativeNames');
  if (e?.KeyUsage) members.push('Extensions.KeyUsage');
  if (e?.ExtendedKeyUsage) members.push('Extensions.ExtendedKeyUsage');
  if (e?.CertificatePolicies) members.push('Extensions.CertificatePolicies');
  e?.CustomExtensions?.forEach((_, i) => members.push(`Extensions.CustomExtensions[${i}]`));
  return members;
}
