/**
 * The AWS Private CA certificate templates as data: one row per template, saying what the
 * template fixes and what it lets through. buildProfile (certificate-profile.ts) reads these
 * rows; no code branches on a template's name.
 */
import { EXTENDED_KEY_USAGE_OIDS, type ExtendedKeyUsageType, type KeyUsage } from '@pki/pki';

export type KeyUsageBit = keyof KeyUsage;

/** Which passthrough sources the template respects (User Guide "Template varieties"). */
export type PassthroughVariety = 'NONE' | 'CSR' | 'API' | 'API_CSR';

/** "Certificate Type" column of the template ARN tables. */
export type TemplateCertificateType = 'END_ENTITY' | 'CODE_SIGNING' | 'OCSP_SIGNING' | 'CA';

export interface BasicConstraintsRule {
  readonly ca: boolean;
  readonly pathLength?: number;
  readonly critical: boolean;
}

export interface KeyUsageRule {
  readonly bits: readonly KeyUsageBit[];
  readonly critical: boolean;
}

export interface ExtendedKeyUsageRule {
  readonly usages: readonly ExtendedKeyUsageType[];
  readonly critical: boolean;
}

export interface CertificateTemplate {
  readonly name: string;
  readonly type: TemplateCertificateType;
  readonly passthrough: PassthroughVariety;
  /** Issues the CA's own self-signed certificate (RootCACertificate*). */
  readonly selfSigned: boolean;
  readonly basicConstraints: BasicConstraintsRule;
  /** null: the template does not define it, so passthrough (API, then CSR) may. */
  readonly keyUsage: KeyUsageRule | null;
  readonly extendedKeyUsage: ExtendedKeyUsageRule | null;
  readonly subject: 'CSR' | 'API_OR_CSR';
  readonly subjectAltName: 'CSR' | 'API_OR_CSR';
  /** CA_SKI: keyIdentifier of the issuing CA's key; API: only from ApiPassthrough; NONE: absent. */
  readonly authorityKeyIdentifier: 'CA_SKI' | 'API' | 'NONE';
  /**
   * CA_CONFIGURATION: the CRL distribution point when the CA has CRLs enabled and the OCSP
   * authorityInfoAccess when it has OCSP enabled (ocsp-customize: "each issued certificate").
   * NONE: self-signed roots ("a self-signed certificate cannot be revoked").
   */
  readonly revocationPointers: 'CA_CONFIGURATION' | 'NONE';
}

export const TEMPLATE_ARN_PREFIX = 'arn:aws:acm-pca:::template/';
export const TEMPLATE_ARN_VERSION = '/V1';
/** IssueCertificate TemplateArn: "If this parameter is not provided, ... EndEntityCertificate/V1". */
export const DEFAULT_TEMPLATE_NAME = 'EndEntityCertificate';

export const templateArn = (name: string): string => `${TEMPLATE_ARN_PREFIX}${name}${TEMPLATE_ARN_VERSION}`;

const EE: BasicConstraintsRule = { ca: false, critical: false };
const EE_CRITICAL: BasicConstraintsRule = { ca: false, critical: true };
const ROOT: BasicConstraintsRule = { ca: true, critical: true };
const PATH_LEN_0: BasicConstraintsRule = { ca: true, pathLength: 0, critical: true };
const PATH_LEN_1: BasicConstraintsRule = { ca: true, pathLength: 1, critical: true };
const PATH_LEN_2: BasicConstraintsRule = { ca: true, pathLength: 2, critical: true };
const PATH_LEN_3: BasicConstraintsRule = { ca: true, pathLength: 3, critical: true };

const KU_TLS: KeyUsageRule = { bits: ['DigitalSignature', 'KeyEncipherment'], critical: true };
const KU_SIGN: KeyUsageRule = { bits: ['DigitalSignature'], critical: true };
const KU_CA: KeyUsageRule = { bits: ['DigitalSignature', 'KeyCertSign', 'CRLSign'], critical: true };

const EKU_TLS: ExtendedKeyUsageRule = { usages: ['SERVER_AUTH', 'CLIENT_AUTH'], critical: false };
const EKU_CLIENT: ExtendedKeyUsageRule = { usages: ['CLIENT_AUTH'], critical: false };
const EKU_SERVER: ExtendedKeyUsageRule = { usages: ['SERVER_AUTH'], critical: false };
const EKU_CODE: ExtendedKeyUsageRule = { usages: ['CODE_SIGNING'], critical: true };
const EKU_OCSP: ExtendedKeyUsageRule = { usages: ['OCSP_SIGNING'], critical: true };

const EE_ROW = { type: 'END_ENTITY', selfSigned: false, authorityKeyIdentifier: 'CA_SKI', revocationPointers: 'CA_CONFIGURATION' } as const;
const CA_ROW = { type: 'CA', selfSigned: false, authorityKeyIdentifier: 'CA_SKI', revocationPointers: 'CA_CONFIGURATION' } as const;
const CODE_ROW = { ...EE_ROW, type: 'CODE_SIGNING' } as const;
const OCSP_ROW = { ...EE_ROW, type: 'OCSP_SIGNING' } as const;
const FROM_CSR = { subject: 'CSR', subjectAltName: 'CSR' } as const;
const FROM_API_OR_CSR = { subject: 'API_OR_CSR', subjectAltName: 'API_OR_CSR' } as const;

// AWS Private CA User Guide, "Understanding certificate templates" (UsingTemplates.md):
// the ARN tables under "Template varieties" and each "<Name>/V1 definition" table under
// "Template definitions". Deviations from the guide's text are listed in templates.spec.ts.
export const TEMPLATES: readonly CertificateTemplate[] = [
  { name: 'BlankEndEntityCertificate_APICSRPassthrough', ...EE_ROW, passthrough: 'API_CSR', basicConstraints: EE, keyUsage: null, extendedKeyUsage: null, ...FROM_API_OR_CSR },
  { name: 'BlankEndEntityCertificate_APIPassthrough', ...EE_ROW, passthrough: 'API', basicConstraints: EE, keyUsage: null, extendedKeyUsage: null, ...FROM_API_OR_CSR },
  { name: 'BlankEndEntityCertificate_CSRPassthrough', ...EE_ROW, passthrough: 'CSR', basicConstraints: EE, keyUsage: null, extendedKeyUsage: null, ...FROM_CSR },
  { name: 'BlankEndEntityCertificate_CriticalBasicConstraints_APICSRPassthrough', ...EE_ROW, passthrough: 'API_CSR', basicConstraints: EE_CRITICAL, keyUsage: null, extendedKeyUsage: null, ...FROM_API_OR_CSR },
  { name: 'BlankEndEntityCertificate_CriticalBasicConstraints_APIPassthrough', ...EE_ROW, passthrough: 'API', basicConstraints: EE_CRITICAL, keyUsage: null, extendedKeyUsage: null, ...FROM_API_OR_CSR },
  { name: 'BlankEndEntityCertificate_CriticalBasicConstraints_CSRPassthrough', ...EE_ROW, passthrough: 'CSR', basicConstraints: EE_CRITICAL, keyUsage: null, extendedKeyUsage: null, ...FROM_CSR },
  { name: 'BlankSubordinateCACertificate_PathLen0_APICSRPassthrough', ...CA_ROW, passthrough: 'API_CSR', basicConstraints: PATH_LEN_0, keyUsage: null, extendedKeyUsage: null, ...FROM_API_OR_CSR },
  { name: 'BlankSubordinateCACertificate_PathLen0_APIPassthrough', ...CA_ROW, passthrough: 'API', basicConstraints: PATH_LEN_0, keyUsage: null, extendedKeyUsage: null, ...FROM_API_OR_CSR },
  { name: 'BlankSubordinateCACertificate_PathLen0_CSRPassthrough', ...CA_ROW, passthrough: 'CSR', basicConstraints: PATH_LEN_0, keyUsage: null, extendedKeyUsage: null, ...FROM_CSR },
  { name: 'BlankSubordinateCACertificate_PathLen1_APICSRPassthrough', ...CA_ROW, passthrough: 'API_CSR', basicConstraints: PATH_LEN_1, keyUsage: null, extendedKeyUsage: null, ...FROM_API_OR_CSR },
  { name: 'BlankSubordinateCACertificate_PathLen1_APIPassthrough', ...CA_ROW, passthrough: 'API', basicConstraints: PATH_LEN_1, keyUsage: null, extendedKeyUsage: null, ...FROM_API_OR_CSR },
  { name: 'BlankSubordinateCACertificate_PathLen1_CSRPassthrough', ...CA_ROW, passthrough: 'CSR', basicConstraints: PATH_LEN_1, keyUsage: null, extendedKeyUsage: null, ...FROM_CSR },
  { name: 'BlankSubordinateCACertificate_PathLen2_APICSRPassthrough', ...CA_ROW, passthrough: 'API_CSR', basicConstraints: PATH_LEN_2, keyUsage: null, extendedKeyUsage: null, ...FROM_API_OR_CSR },
  { name: 'BlankSubordinateCACertificate_PathLen2_APIPassthrough', ...CA_ROW, passthrough: 'API', basicConstraints: PATH_LEN_2, keyUsage: null, extendedKeyUsage: null, ...FROM_API_OR_CSR },
  { name: 'BlankSubordinateCACertificate_PathLen2_CSRPassthrough', ...CA_ROW, passthrough: 'CSR', basicConstraints: PATH_LEN_2, keyUsage: null, extendedKeyUsage: null, ...FROM_CSR },
  { name: 'BlankSubordinateCACertificate_PathLen3_APICSRPassthrough', ...CA_ROW, passthrough: 'API_CSR', basicConstraints: PATH_LEN_3, keyUsage: null, extendedKeyUsage: null, ...FROM_API_OR_CSR },
  { name: 'BlankSubordinateCACertificate_PathLen3_APIPassthrough', ...CA_ROW, passthrough: 'API', basicConstraints: PATH_LEN_3, keyUsage: null, extendedKeyUsage: null, ...FROM_API_OR_CSR },
  { name: 'BlankSubordinateCACertificate_PathLen3_CSRPassthrough', ...CA_ROW, passthrough: 'CSR', basicConstraints: PATH_LEN_3, keyUsage: null, extendedKeyUsage: null, ...FROM_CSR },
  { name: 'CodeSigningCertificate', ...CODE_ROW, passthrough: 'NONE', basicConstraints: EE, keyUsage: KU_SIGN, extendedKeyUsage: EKU_CODE, ...FROM_CSR },
  { name: 'CodeSigningCertificate_APICSRPassthrough', ...CODE_ROW, passthrough: 'API_CSR', basicConstraints: EE, keyUsage: KU_SIGN, extendedKeyUsage: EKU_CODE, ...FROM_API_OR_CSR },
  { name: 'CodeSigningCertificate_APIPassthrough', ...CODE_ROW, passthrough: 'API', basicConstraints: EE, keyUsage: KU_SIGN, extendedKeyUsage: EKU_CODE, ...FROM_API_OR_CSR },
  { name: 'CodeSigningCertificate_CSRPassthrough', ...CODE_ROW, passthrough: 'CSR', basicConstraints: EE, keyUsage: KU_SIGN, extendedKeyUsage: EKU_CODE, ...FROM_CSR },
  { name: 'EndEntityCertificate', ...EE_ROW, passthrough: 'NONE', basicConstraints: EE, keyUsage: KU_TLS, extendedKeyUsage: EKU_TLS, ...FROM_CSR },
  { name: 'EndEntityCertificate_APICSRPassthrough', ...EE_ROW, passthrough: 'API_CSR', basicConstraints: EE, keyUsage: KU_TLS, extendedKeyUsage: EKU_TLS, ...FROM_API_OR_CSR },
  { name: 'EndEntityCertificate_APIPassthrough', ...EE_ROW, passthrough: 'API', basicConstraints: EE, keyUsage: KU_TLS, extendedKeyUsage: EKU_TLS, ...FROM_API_OR_CSR },
  { name: 'EndEntityCertificate_CSRPassthrough', ...EE_ROW, passthrough: 'CSR', basicConstraints: EE, keyUsage: KU_TLS, extendedKeyUsage: EKU_TLS, ...FROM_CSR },
  { name: 'EndEntityClientAuthCertificate', ...EE_ROW, passthrough: 'NONE', basicConstraints: EE, keyUsage: KU_TLS, extendedKeyUsage: EKU_CLIENT, ...FROM_CSR },
  { name: 'EndEntityClientAuthCertificate_APICSRPassthrough', ...EE_ROW, passthrough: 'API_CSR', basicConstraints: EE, keyUsage: KU_TLS, extendedKeyUsage: EKU_CLIENT, ...FROM_API_OR_CSR },
  { name: 'EndEntityClientAuthCertificate_APIPassthrough', ...EE_ROW, passthrough: 'API', basicConstraints: EE, keyUsage: KU_TLS, extendedKeyUsage: EKU_CLIENT, ...FROM_API_OR_CSR },
  { name: 'EndEntityClientAuthCertificate_CSRPassthrough', ...EE_ROW, passthrough: 'CSR', basicConstraints: EE, keyUsage: KU_TLS, extendedKeyUsage: EKU_CLIENT, ...FROM_CSR },
  { name: 'EndEntityServerAuthCertificate', ...EE_ROW, passthrough: 'NONE', basicConstraints: EE, keyUsage: KU_TLS, extendedKeyUsage: EKU_SERVER, ...FROM_CSR },
  { name: 'EndEntityServerAuthCertificate_APICSRPassthrough', ...EE_ROW, passthrough: 'API_CSR', basicConstraints: EE, keyUsage: KU_TLS, extendedKeyUsage: EKU_SERVER, ...FROM_API_OR_CSR },
  { name: 'EndEntityServerAuthCertificate_APIPassthrough', ...EE_ROW, passthrough: 'API', basicConstraints: EE, keyUsage: KU_TLS, extendedKeyUsage: EKU_SERVER, ...FROM_API_OR_CSR },
  { name: 'EndEntityServerAuthCertificate_CSRPassthrough', ...EE_ROW, passthrough: 'CSR', basicConstraints: EE, keyUsage: KU_TLS, extendedKeyUsage: EKU_SERVER, ...FROM_CSR },
  { name: 'OCSPSigningCertificate', ...OCSP_ROW, passthrough: 'NONE', basicConstraints: EE, keyUsage: KU_SIGN, extendedKeyUsage: EKU_OCSP, ...FROM_CSR },
  { name: 'OCSPSigningCertificate_APICSRPassthrough', ...OCSP_ROW, passthrough: 'API_CSR', basicConstraints: EE, keyUsage: KU_SIGN, extendedKeyUsage: EKU_OCSP, ...FROM_API_OR_CSR },
  { name: 'OCSPSigningCertificate_APIPassthrough', ...OCSP_ROW, passthrough: 'API', basicConstraints: EE, keyUsage: KU_SIGN, extendedKeyUsage: EKU_OCSP, ...FROM_API_OR_CSR },
  { name: 'OCSPSigningCertificate_CSRPassthrough', ...OCSP_ROW, passthrough: 'CSR', basicConstraints: EE, keyUsage: KU_SIGN, extendedKeyUsage: EKU_OCSP, ...FROM_CSR },
  { name: 'RootCACertificate', type: 'CA', selfSigned: true, passthrough: 'NONE', basicConstraints: ROOT, keyUsage: KU_CA, extendedKeyUsage: null, ...FROM_CSR, authorityKeyIdentifier: 'NONE', revocationPointers: 'NONE' },
  { name: 'RootCACertificate_APIPassthrough', type: 'CA', selfSigned: true, passthrough: 'API', basicConstraints: ROOT, keyUsage: KU_CA, extendedKeyUsage: null, ...FROM_API_OR_CSR, authorityKeyIdentifier: 'API', revocationPointers: 'NONE' },
  { name: 'SubordinateCACertificate_PathLen0', ...CA_ROW, passthrough: 'NONE', basicConstraints: PATH_LEN_0, keyUsage: KU_CA, extendedKeyUsage: null, ...FROM_CSR },
  { name: 'SubordinateCACertificate_PathLen0_APICSRPassthrough', ...CA_ROW, passthrough: 'API_CSR', basicConstraints: PATH_LEN_0, keyUsage: KU_CA, extendedKeyUsage: null, ...FROM_API_OR_CSR },
  { name: 'SubordinateCACertificate_PathLen0_APIPassthrough', ...CA_ROW, passthrough: 'API', basicConstraints: PATH_LEN_0, keyUsage: KU_CA, extendedKeyUsage: null, ...FROM_API_OR_CSR },
  { name: 'SubordinateCACertificate_PathLen0_CSRPassthrough', ...CA_ROW, passthrough: 'CSR', basicConstraints: PATH_LEN_0, keyUsage: KU_CA, extendedKeyUsage: null, ...FROM_CSR },
  { name: 'SubordinateCACertificate_PathLen1', ...CA_ROW, passthrough: 'NONE', basicConstraints: PATH_LEN_1, keyUsage: KU_CA, extendedKeyUsage: null, ...FROM_CSR },
  { name: 'SubordinateCACertificate_PathLen1_APICSRPassthrough', ...CA_ROW, passthrough: 'API_CSR', basicConstraints: PATH_LEN_1, keyUsage: KU_CA, extendedKeyUsage: null, ...FROM_API_OR_CSR },
  { name: 'SubordinateCACertificate_PathLen1_APIPassthrough', ...CA_ROW, passthrough: 'API', basicConstraints: PATH_LEN_1, keyUsage: KU_CA, extendedKeyUsage: null, ...FROM_API_OR_CSR },
  { name: 'SubordinateCACertificate_PathLen1_CSRPassthrough', ...CA_ROW, passthrough: 'CSR', basicConstraints: PATH_LEN_1, keyUsage: KU_CA, extendedKeyUsage: null, ...FROM_CSR },
  { name: 'SubordinateCACertificate_PathLen2', ...CA_ROW, passthrough: 'NONE', basicConstraints: PATH_LEN_2, keyUsage: KU_CA, extendedKeyUsage: null, ...FROM_CSR },
  { name: 'SubordinateCACertificate_PathLen2_APICSRPassthrough', ...CA_ROW, passthrough: 'API_CSR', basicConstraints: PATH_LEN_2, keyUsage: KU_CA, extendedKeyUsage: null, ...FROM_API_OR_CSR },
  { name: 'SubordinateCACertificate_PathLen2_APIPassthrough', ...CA_ROW, passthrough: 'API', basicConstraints: PATH_LEN_2, keyUsage: KU_CA, extendedKeyUsage: null, ...FROM_API_OR_CSR },
  { name: 'SubordinateCACertificate_PathLen2_CSRPassthrough', ...CA_ROW, passthrough: 'CSR', basicConstraints: PATH_LEN_2, keyUsage: KU_CA, extendedKeyUsage: null, ...FROM_CSR },
  { name: 'SubordinateCACertificate_PathLen3', ...CA_ROW, passthrough: 'NONE', basicConstraints: PATH_LEN_3, keyUsage: KU_CA, extendedKeyUsage: null, ...FROM_CSR },
  { name: 'SubordinateCACertificate_PathLen3_APICSRPassthrough', ...CA_ROW, passthrough: 'API_CSR', basicConstraints: PATH_LEN_3, keyUsage: KU_CA, extendedKeyUsage: null, ...FROM_API_OR_CSR },
  { name: 'SubordinateCACertificate_PathLen3_APIPassthrough', ...CA_ROW, passthrough: 'API', basicConstraints: PATH_LEN_3, keyUsage: KU_CA, extendedKeyUsage: null, ...FROM_API_OR_CSR },
  { name: 'SubordinateCACertificate_PathLen3_CSRPassthrough', ...CA_ROW, passthrough: 'CSR', basicConstraints: PATH_LEN_3, keyUsage: KU_CA, extendedKeyUsage: null, ...FROM_CSR },
];

const KEY_USAGE_BITS: ReadonlySet<string> = new Set<KeyUsageBit>([
  'DigitalSignature', 'NonRepudiation', 'KeyEncipherment', 'DataEncipherment', 'KeyAgreement', 'KeyCertSign', 'CRLSign', 'EncipherOnly', 'DecipherOnly',
]);
const respectsApi = (v: PassthroughVariety) => v === 'API' || v === 'API_CSR';

/**
 * Every problem with the rows: the shape itself (RFC 5280 §4.2.1.9: pathLen only with cA, CA
 * certificates critical; §4.2.1.3 keyCertSign on CA keys) and agreement between a row and the
 * naming scheme AWS uses for its ARNs (variety suffix, PathLenN, Blank*, CriticalBasicConstraints).
 */
export function validateTemplates(rows: readonly CertificateTemplate[]): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const t of rows) {
    const p = (message: string) => problems.push(`${t.name}: ${message}`);
    if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(t.name)) p('name is not an AWS template name');
    if (seen.has(t.name)) p('appears twice');
    seen.add(t.name);
    const bc = t.basicConstraints;
    if (!bc.ca && bc.pathLength !== undefined) p('pathLength without cA');
    if (bc.pathLength !== undefined && !(Number.isInteger(bc.pathLength) && bc.pathLength >= 0 && bc.pathLength <= 3)) p('pathLength outside 0..3');
    if (bc.ca && !bc.critical) p('CA basicConstraints must be critical');
    if ((t.type === 'CA') !== bc.ca) p('type and cA disagree');
    if (t.keyUsage) {
      if (t.keyUsage.bits.length === 0) p('empty keyUsage');
      for (const b of t.keyUsage.bits) if (!KEY_USAGE_BITS.has(b)) p(`unknown keyUsage bit ${b}`);
      if (bc.ca && !t.keyUsage.bits.includes('KeyCertSign')) p('CA keyUsage without keyCertSign');
    }
    if (t.extendedKeyUsage) {
      if (t.extendedKeyUsage.usages.length === 0) p('empty extendedKeyUsage');
      for (const u of t.extendedKeyUsage.usages) if (!(u in EXTENDED_KEY_USAGE_OIDS)) p(`unknown extendedKeyUsage ${u}`);
    }
    const expectedNames = respectsApi(t.passthrough) ? 'API_OR_CSR' : 'CSR';
    if (t.subject !== expectedNames || t.subjectAltName !== expectedNames) p(`subject/SAN source must be ${expectedNames} for variety ${t.passthrough}`);
    if (t.authorityKeyIdentifier === 'API' && !respectsApi(t.passthrough)) p('AKI from API on a template without API passthrough');
    if (t.selfSigned && (!bc.ca || bc.pathLength !== undefined || t.authorityKeyIdentifier === 'CA_SKI' || t.revocationPointers !== 'NONE')) {
      p('a self-signed root has cA without pathLen, no CA AKI and no revocation pointers');
    }
    if (!t.selfSigned && (t.authorityKeyIdentifier !== 'CA_SKI' || t.revocationPointers !== 'CA_CONFIGURATION')) p('CA-issued templates carry the CA AKI and revocation pointers');
    const suffix = /_(APICSRPassthrough|APIPassthrough|CSRPassthrough)$/.exec(t.name)?.[1];
    const variety = suffix === 'APICSRPassthrough' ? 'API_CSR' : suffix === 'APIPassthrough' ? 'API' : suffix === 'CSRPassthrough' ? 'CSR' : 'NONE';
    if (variety !== t.passthrough) p(`name says variety ${variety}, row says ${t.passthrough}`);
    const pathLen = /_PathLen(\d)/.exec(t.name)?.[1];
    if ((pathLen === undefined ? undefined : Number(pathLen)) !== bc.pathLength) p('PathLenN in the name disagrees with pathLength');
    const blank = t.name.startsWith('Blank');
    if (blank !== (t.keyUsage === null && t.extendedKeyUsage === null && t.passthrough !== 'NONE')) p('only Blank* passthrough templates leave keyUsage and extendedKeyUsage open');
    if (t.name.includes('_CriticalBasicConstraints') !== (!bc.ca && bc.critical)) p('CriticalBasicConstraints in the name disagrees with the row');
  }
  return problems;
}

const problems = validateTemplates(TEMPLATES);
if (problems.length) throw new Error(`invalid certificate templates (templates.ts):\n${problems.join('\n')}`);

function deepFreeze(value: unknown): void {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const inner of Object.values(value)) deepFreeze(inner);
}
deepFreeze(TEMPLATES);

const BY_ARN: ReadonlyMap<string, CertificateTemplate> = new Map(TEMPLATES.map((t) => [templateArn(t.name), t]));

/** The template an IssueCertificate TemplateArn names; undefined for an unknown ARN (InvalidArgsException). */
export function templateByArn(arn: string | undefined): CertificateTemplate | undefined {
  return BY_ARN.get(arn ?? templateArn(DEFAULT_TEMPLATE_NAME));
}
