/**
 * caCertificateFacts names a CA the way OpenSSL's OCSP requests do (RFC 6960 §4.1.1 CertID
 * hashes) and as its responses must (§4.2.1 ResponderID byKey).
 */
import { parseOcspRequest } from '@pki/pki';
import { caCertificateFacts } from './ca-certificate';
import { makeTestCa, type TestCa } from './test-ca.spec-helper';

describe('caCertificateFacts', () => {
  let ca: TestCa;
  beforeAll(() => {
    ca = makeTestCa('ec');
    ca.issue('leaf', '0a1b2c3d4e5f');
  });
  afterAll(() => ca?.dir.remove());

  const request = (name: string, ...args: string[]) => {
    ca.dir.run('ocsp', '-issuer', 'ca.pem', ...args, '-reqout', `${name}.der`);
    return parseOcspRequest(ca.dir.read(`${name}.der`));
  };

  it('has the CertID hashes of an OpenSSL request for one of its certificates (SHA-1 and SHA-256)', () => {
    const facts = caCertificateFacts(ca.certDer);
    const sha1 = facts.certIdHashes.find((h) => h.hash === 'sha1')!;
    const [certId] = request('r1', '-cert', 'leaf.pem').certIds;
    expect(certId).toMatchObject({ hash: 'sha1', serialHex: 'a1b2c3d4e5f' });
    expect(certId!.issuerKeyHash.equals(sha1.keyHash)).toBe(true);
    expect(certId!.issuerNameHash.equals(sha1.nameHash)).toBe(true);
    expect(facts.responderKeyHash.equals(sha1.keyHash)).toBe(true);
    const [sha256] = request('r3', '-sha256', '-cert', 'leaf.pem').certIds;
    expect(sha256!.hash).toBe('sha256');
    expect(sha256!.issuerKeyHash.equals(facts.certIdHashes.find((h) => h.hash === 'sha256')!.keyHash)).toBe(true);
    expect(sha256!.issuerNameHash.equals(facts.certIdHashes.find((h) => h.hash === 'sha256')!.nameHash)).toBe(true);
  });
});
