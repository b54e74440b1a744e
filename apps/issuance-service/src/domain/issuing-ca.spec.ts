/**
 * The CA hierarchy's limit on validity (IssueCertificate Validity: "The end of the validity period
 * configured on a certificate must not exceed the limit set on its parents in the CA hierarchy"):
 * an imported subordinate CA certificate may outlive the certificates above it, and then the
 * earliest notAfter of the chain is the cap.
 */
import { toPem } from '@pki/pki';
import { buildProfile } from './certificate-profile';
import { chainNotAfter, hierarchyNotAfter, issuingCaFacts, type IssuingCaView } from './issuing-ca';
import { baseInput, csrFor, ecKey, makeRootCa, NOW, sign, template, unwrap, type TestCa } from './profile-test-kit.spec-helper';

const PUBLIC_URL = 'http://127.0.0.1:4566';

/** A subordinate CA certificate signed by `parent` for `years`, without the parent's cap (as an external CA may sign it). */
async function outlivingSub(parent: TestCa, years: number) {
  const key = ecKey();
  const csr = await csrFor(key, { Organization: 'Example Corp', CommonName: `Sub ${years}y` });
  const profile = unwrap(buildProfile(baseInput(template('SubordinateCACertificate_PathLen0'), csr, { ...parent.facts, notAfter: undefined }, { validity: { Type: 'YEARS', Value: years } })));
  const der = await sign(profile, parent.key);
  return { key, der, pem: toPem(der, 'CERTIFICATE'), profile };
}

function view(sub: Awaited<ReturnType<typeof outlivingSub>>, chainPem: string | null): IssuingCaView {
  return {
    id: '11111111-2222-3333-4444-555555555555',
    arn: 'arn:aws:acm-pca:us-east-1:111111111111:certificate-authority/11111111-2222-3333-4444-555555555555',
    ownerAccount: '111111111111',
    type: 'SUBORDINATE',
    status: 'ACTIVE',
    keyAlgorithm: 'EC_prime256v1',
    usageMode: 'GENERAL_PURPOSE',
    publicKeySpki: sub.key.spki,
    certificate: { pem: sub.pem, chainPem, subjectDer: sub.profile.subjectDer, subjectKeyIdentifier: null, pathLength: 0, notAfter: sub.profile.notAfter, chainNotAfter: chainNotAfter(chainPem) ?? null },
    revocation: { crlEnabled: false, crlS3BucketName: null, crlCustomCname: null, crlOmitExtension: false, crlType: 'COMPLETE', crlCustomPath: null, ocspEnabled: false, ocspCustomCname: null },
  };
}

describe('the validity cap of the CA hierarchy', () => {
  let root: TestCa;
  beforeAll(async () => {
    root = await makeRootCa();
  });

  it('reads the earliest notAfter of a chain; none without a chain', async () => {
    const longer = await outlivingSub(root, 20);
    expect(chainNotAfter(null)).toBeUndefined();
    expect(chainNotAfter(root.pem)).toEqual(root.facts.notAfter);
    expect(chainNotAfter(`${longer.pem}${root.pem}`)).toEqual(root.facts.notAfter);
    expect(chainNotAfter(`${root.pem}${longer.pem}`)).toEqual(root.facts.notAfter);
  });

  it('caps by the root when the imported subordinate certificate outlives it', async () => {
    const sub = await outlivingSub(root, 20);
    expect(sub.profile.notAfter.getTime()).toBeGreaterThan(root.facts.notAfter!.getTime());
    const ca = view(sub, root.pem);
    expect(hierarchyNotAfter(ca.certificate!)).toEqual(root.facts.notAfter);
    const facts = issuingCaFacts(ca, 'CERTIFICATE', PUBLIC_URL);
    expect(facts.notAfter).toEqual(root.facts.notAfter);

    const leafCsr = await csrFor(ecKey(), { CommonName: 'leaf.example.com' });
    const beyondRoot = buildProfile(baseInput(template('EndEntityCertificate'), leafCsr, facts, { validity: { Type: 'YEARS', Value: 15 } }));
    expect(beyondRoot).toMatchObject({ ok: false, error: { rule: 'VALIDITY_BEYOND_CA', code: 'ValidationException' } });
    const withinRoot = unwrap(buildProfile(baseInput(template('EndEntityCertificate'), leafCsr, facts, { validity: { Type: 'YEARS', Value: 5 } })));
    expect(withinRoot.notAfter.getUTCFullYear()).toBe(NOW.getUTCFullYear() + 5);
  });

  it("keeps the CA certificate's own notAfter when it ends first", async () => {
    const sub = await outlivingSub(root, 2);
    const facts = issuingCaFacts(view(sub, root.pem), 'CERTIFICATE', PUBLIC_URL);
    expect(facts.notAfter).toEqual(sub.profile.notAfter);
    expect(facts.notAfter!.getTime()).toBeLessThan(root.facts.notAfter!.getTime());
  });
});
