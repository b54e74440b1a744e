/**
 * The template table is well-formed and lists exactly the ARNs the User Guide publishes.
 *
 * The guide's ARN tables hold 57 rows naming 56 distinct templates
 * (BlankSubordinateCACertificate_PathLen1_APICSRPassthrough is listed under both CSRPassthrough
 * and APICSRPassthrough), each with a definition section; issue 4 says 55. All 56 are here.
 *
 * Where the guide's text contradicts its own "Template order of operations" the rows follow the
 * order of operations ("API passthrough values are only respected when you use an API
 * passthrough or APICSR passthrough template. CSR passthrough is only respected when you use a
 * CSRPassthrough or APICSR passthrough template"):
 * - BlankEndEntityCertificate_CriticalBasicConstraints_CSRPassthrough lists Subject and SAN as
 *   "[Passthrough from API or CSR]"; it is a CSR-only variety, so they come from the CSR.
 * - EndEntityClientAuthCertificate/V1 (a base template) lists CRL distribution points as
 *   "[Passthrough from CA configuration or CSR]"; base templates take no CSR extensions.
 * - The order-of-operations example gives EndEntityClientAuthCertificate_APIPassthrough the
 *   EKU "server authentication, client authentication"; its definition table says client
 *   authentication only, which the row follows.
 * - SubordinateCACertificate_PathLen1/V1's prose says "path length of 0"; its table says 1.
 */
import { DEFAULT_TEMPLATE_NAME, TEMPLATES, templateArn, templateByArn, validateTemplates, type CertificateTemplate } from './templates';

const GUIDE_ARNS = [
  'BlankEndEntityCertificate_APICSRPassthrough', 'BlankEndEntityCertificate_APIPassthrough', 'BlankEndEntityCertificate_CSRPassthrough',
  'BlankEndEntityCertificate_CriticalBasicConstraints_APICSRPassthrough', 'BlankEndEntityCertificate_CriticalBasicConstraints_APIPassthrough',
  'BlankEndEntityCertificate_CriticalBasicConstraints_CSRPassthrough',
  'BlankSubordinateCACertificate_PathLen0_APICSRPassthrough', 'BlankSubordinateCACertificate_PathLen0_APIPassthrough', 'BlankSubordinateCACertificate_PathLen0_CSRPassthrough',
  'BlankSubordinateCACertificate_PathLen1_APICSRPassthrough', 'BlankSubordinateCACertificate_PathLen1_APIPassthrough', 'BlankSubordinateCACertificate_PathLen1_CSRPassthrough',
  'BlankSubordinateCACertificate_PathLen2_APICSRPassthrough', 'BlankSubordinateCACertificate_PathLen2_APIPassthrough', 'BlankSubordinateCACertificate_PathLen2_CSRPassthrough',
  'BlankSubordinateCACertificate_PathLen3_APICSRPassthrough', 'BlankSubordinateCACertificate_PathLen3_APIPassthrough', 'BlankSubordinateCACertificate_PathLen3_CSRPassthrough',
  'CodeSigningCertificate', 'CodeSigningCertificate_APICSRPassthrough', 'CodeSigningCertificate_APIPassthrough', 'CodeSigningCertificate_CSRPassthrough',
  'EndEntityCertificate', 'EndEntityCertificate_APICSRPassthrough', 'EndEntityCertificate_APIPassthrough', 'EndEntityCertificate_CSRPassthrough',
  'EndEntityClientAuthCertificate', 'EndEntityClientAuthCertificate_APICSRPassthrough', 'EndEntityClientAuthCertificate_APIPassthrough', 'EndEntityClientAuthCertificate_CSRPassthrough',
  'EndEntityServerAuthCertificate', 'EndEntityServerAuthCertificate_APICSRPassthrough', 'EndEntityServerAuthCertificate_APIPassthrough', 'EndEntityServerAuthCertificate_CSRPassthrough',
  'OCSPSigningCertificate', 'OCSPSigningCertificate_APICSRPassthrough', 'OCSPSigningCertificate_APIPassthrough', 'OCSPSigningCertificate_CSRPassthrough',
  'RootCACertificate', 'RootCACertificate_APIPassthrough',
  'SubordinateCACertificate_PathLen0', 'SubordinateCACertificate_PathLen0_APICSRPassthrough', 'SubordinateCACertificate_PathLen0_APIPassthrough', 'SubordinateCACertificate_PathLen0_CSRPassthrough',
  'SubordinateCACertificate_PathLen1', 'SubordinateCACertificate_PathLen1_APICSRPassthrough', 'SubordinateCACertificate_PathLen1_APIPassthrough', 'SubordinateCACertificate_PathLen1_CSRPassthrough',
  'SubordinateCACertificate_PathLen2', 'SubordinateCACertificate_PathLen2_APICSRPassthrough', 'SubordinateCACertificate_PathLen2_APIPassthrough', 'SubordinateCACertificate_PathLen2_CSRPassthrough',
  'SubordinateCACertificate_PathLen3', 'SubordinateCACertificate_PathLen3_APICSRPassthrough', 'SubordinateCACertificate_PathLen3_APIPassthrough', 'SubordinateCACertificate_PathLen3_CSRPassthrough',
].map((name) => `arn:aws:acm-pca:::template/${name}/V1`);

const row = (name: string): CertificateTemplate => TEMPLATES.find((t) => t.name === name)!;

describe('templates', () => {
  it('holds one row for each of the 56 template ARNs in the User Guide', () => {
    expect(GUIDE_ARNS).toHaveLength(56);
    expect(TEMPLATES.map((t) => templateArn(t.name)).sort()).toEqual([...GUIDE_ARNS].sort());
  });

  it('every row is well-formed (the same check runs at module load)', () => {
    expect(validateTemplates(TEMPLATES)).toEqual([]);
  });

  it.each<[string, Partial<CertificateTemplate>, RegExp]>([
    ['pathLength on an end entity', { basicConstraints: { ca: false, pathLength: 0, critical: false } }, /pathLength without cA|type and cA/],
    ['non-critical CA basicConstraints', { basicConstraints: { ca: true, pathLength: 0, critical: false } }, /must be critical/],
    ['CA keyUsage without keyCertSign', { keyUsage: { bits: ['DigitalSignature'], critical: true } }, /without keyCertSign/],
    ['an unknown keyUsage bit', { keyUsage: { bits: ['KeyCertSign', 'Teleport' as never], critical: true } }, /unknown keyUsage bit Teleport/],
    ['an unknown EKU', { extendedKeyUsage: { usages: ['WARP_DRIVE' as never], critical: false } }, /unknown extendedKeyUsage/],
    ['a variety that disagrees with the name', { passthrough: 'CSR' }, /name says variety API/],
    ['a path length that disagrees with the name', { basicConstraints: { ca: true, pathLength: 2, critical: true } }, /PathLenN/],
    ['API subject on a CSR-only variety', { passthrough: 'CSR', subject: 'API_OR_CSR' }, /subject\/SAN source/],
    ['revocation pointers on a self-signed root', { selfSigned: true }, /self-signed root/],
  ])('catches %s', (_, change, problem) => {
    const broken = { ...row('SubordinateCACertificate_PathLen1_APIPassthrough'), ...change };
    expect(validateTemplates([broken]).join('\n')).toMatch(problem);
  });

  it('catches a duplicated row', () => {
    expect(validateTemplates([row('EndEntityCertificate'), row('EndEntityCertificate')])).toEqual(['EndEntityCertificate: appears twice']);
  });

  it('finds templates by ARN; an absent ARN means EndEntityCertificate/V1; an unknown one finds nothing', () => {
    expect(templateByArn('arn:aws:acm-pca:::template/CodeSigningCertificate/V1')?.name).toBe('CodeSigningCertificate');
    expect(templateByArn(undefined)?.name).toBe(DEFAULT_TEMPLATE_NAME);
    expect(DEFAULT_TEMPLATE_NAME).toBe('EndEntityCertificate');
    expect(templateByArn('arn:aws:acm-pca:::template/CodeSigningCertificate/V2')).toBeUndefined();
    expect(templateByArn('arn:aws:acm-pca:::template/NoSuchTemplate/V1')).toBeUndefined();
    expect(templateByArn('arn:aws:acm-pca:us-east-1:123456789012:template/EndEntityCertificate/V1')).toBeUndefined();
  });

  it('rows are frozen; CA templates fix critical CA:TRUE and keyCertSign, blank ones leave KU/EKU open', () => {
    expect(row('SubordinateCACertificate_PathLen2').basicConstraints).toEqual({ ca: true, pathLength: 2, critical: true });
    expect(row('SubordinateCACertificate_PathLen2').keyUsage).toEqual({ bits: ['DigitalSignature', 'KeyCertSign', 'CRLSign'], critical: true });
    expect(row('BlankSubordinateCACertificate_PathLen2_APIPassthrough')).toMatchObject({ keyUsage: null, extendedKeyUsage: null });
    expect(row('CodeSigningCertificate').extendedKeyUsage).toEqual({ usages: ['CODE_SIGNING'], critical: true });
    expect(row('RootCACertificate_APIPassthrough')).toMatchObject({ selfSigned: true, authorityKeyIdentifier: 'API', revocationPointers: 'NONE' });
    expect(Object.isFrozen(TEMPLATES) && Object.isFrozen(row('EndEntityCertificate').keyUsage!.bits)).toBe(true);
  });
});
