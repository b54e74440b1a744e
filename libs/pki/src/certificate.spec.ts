import { X509Certificate } from '@peculiar/x509';
import { assembleCertificate, buildTbsCertificate, encodeSerial } from './certificate';
import { authorityInfoAccessExtension, certificatePoliciesExtension, crlDistributionPointsExtension } from './access-extensions';
import { PkiEncodeError } from './errors';
import { subjectAltNameExtension } from './extensions';
import { nameToString } from './name-render';
import { encodeName } from './names';
import { openssl, TempDir } from './openssl.spec-helper';
import { fromPem, pemBlocks, toPem } from './pem';
import { issueLeaf, makeRootCa, NOW } from './test-ca.spec-helper';
import { signer, testKey } from './test-keys.spec-helper';

const dir = new TempDir();
afterAll(() => dir.remove());

const ATTIME = String(Math.floor(NOW.getTime() / 1000));

describe.each([
  ['EC_prime256v1', 'SHA256WITHECDSA'],
  ['EC_secp384r1', 'SHA384WITHECDSA'],
  ['RSA_2048', 'SHA256WITHRSA'],
  ['RSA_2048', 'SHA512WITHRSA'],
] as const)('certificates signed with %s / %s', (keyAlgorithm, signingAlgorithm) => {
  it('builds a root and a leaf that openssl verifies strictly', async () => {
    const root = await makeRootCa(keyAlgorithm, signingAlgorithm);
    const leaf = await issueLeaf(root, (0x7fn << 152n) | 0xabn, 'leaf.example.com', [
      authorityInfoAccessExtension({ ocspUrls: ['http://ocsp.example.com'], caIssuersUrls: ['http://pki.example.com/root.cer'] }),
      crlDistributionPointsExtension('http://pki.example.com/crl/root.crl'),
      certificatePoliciesExtension([{ CertPolicyId: '2.23.140.1.2.1', PolicyQualifiers: [{ PolicyQualifierId: 'CPS', Qualifier: { CpsUri: 'https://pki.example.com/cps' } }] }]),
    ]);
    const rootFile = dir.write(`root-${keyAlgorithm}-${signingAlgorithm}.pem`, toPem(root.der, 'CERTIFICATE'));
    const leafFile = dir.write(`leaf-${keyAlgorithm}-${signingAlgorithm}.pem`, toPem(leaf.der, 'CERTIFICATE'));

    const verified = openssl('verify', '-x509_strict', '-attime', ATTIME, '-CAfile', rootFile, leafFile);
    expect(verified.output).toContain(': OK');
    expect(verified.status).toBe(0);
    const selfVerified = openssl('verify', '-x509_strict', '-attime', ATTIME, '-CAfile', rootFile, rootFile);
    expect(selfVerified.status).toBe(0);

    const text = openssl('x509', '-in', leafFile, '-noout', '-text', '-nameopt', 'RFC2253').stdout;
    expect(text).toContain('Version: 3 (0x2)');
    expect(text).toContain('7f:' + '00:'.repeat(18) + 'ab');
    expect(text).toContain('Issuer: CN=Example Root CA,O=Example Corp,C=US');
    expect(text).toMatch(/X509v3 Basic Constraints: critical\s+CA:FALSE/);
    expect(text).toMatch(/X509v3 Key Usage: critical\s+Digital Signature, Key Encipherment/);
    expect(text).toMatch(/X509v3 Extended Key Usage:\s+TLS Web Server Authentication, TLS Web Client Authentication/);
    expect(text).toMatch(/X509v3 Subject Alternative Name:\s+DNS:leaf.example.com/);
    expect(text).toMatch(/OCSP - URI:http:\/\/ocsp.example.com/);
    expect(text).toMatch(/CA Issuers - URI:http:\/\/pki.example.com\/root.cer/);
    expect(text).toMatch(/Full Name:\s+URI:http:\/\/pki.example.com\/crl\/root.crl/);
    expect(text).toMatch(/Policy: 2.23.140.1.2.1\s+CPS: https:\/\/pki.example.com\/cps/);
    expect(text).toContain('X509v3 Authority Key Identifier');
    expect(text).toContain('Not Before: Jan 14 12:00:00 2025 GMT');

    const parsed = new X509Certificate(leaf.der);
    expect(parsed.subject).toBe('CN=leaf.example.com');
    expect(parsed.serialNumber).toBe('7f' + '00'.repeat(18) + 'ab');
    expect(await parsed.verify({ publicKey: new X509Certificate(root.der).publicKey, signatureOnly: true })).toBe(true);
    expect(await new X509Certificate(root.der).isSelfSigned()).toBe(true);
  });
});

describe('buildTbsCertificate', () => {
  it('names match openssl RFC 2253 output, including escapes and UTF-8', async () => {
    const key = testKey('EC_prime256v1');
    const subjectDer = encodeName({ Country: 'FR', Organization: 'Société, "Générale"', CommonName: ' spaced+plus ' });
    const tbs = buildTbsCertificate({
      serial: 1n,
      signingAlgorithm: 'SHA256WITHECDSA',
      issuerDer: subjectDer,
      subjectDer,
      notBefore: new Date('2025-01-01T00:00:00Z'),
      notAfter: new Date('2050-06-01T00:00:00Z'),
      publicKeySpki: key.spki,
      extensions: [subjectAltNameExtension([{ EdiPartyName: { PartyName: 'party', NameAssigner: 'assigner' } }, { OtherName: { TypeId: '1.3.6.1.4.1.311.20.2.3', Value: 'upn@example.com' } }])],
    });
    const der = assembleCertificate(tbs, 'SHA256WITHECDSA', await signer(key, 'SHA256WITHECDSA')(tbs));
    const file = dir.write('names.pem', toPem(der, 'CERTIFICATE'));
    const subject = openssl('x509', '-in', file, '-noout', '-subject', '-nameopt', 'RFC2253,-esc_msb').stdout.trim();
    expect(subject).toBe(`subject=${nameToString(subjectDer)}`);
    const text = openssl('x509', '-in', file, '-noout', '-text').stdout;
    expect(text).toContain('Not After : Jun  1 00:00:00 2050 GMT'); // GeneralizedTime from 2050 (RFC 5280 §4.1.2.5)
    // OpenSSL decodes the whole SAN (it would reject the certificate if EdiPartyName were tagged
    // IMPLICIT) though 3.0 does not print EDI names.
    expect(text).toContain('EdiPartyName:<unsupported>, othername: UPN::upn@example.com');
  });

  it('enforces serial rules (RFC 5280 §4.1.2.2)', () => {
    expect(encodeSerial(Buffer.from('00ff', 'hex')).toString('hex')).toBe('020200ff');
    expect(encodeSerial(Buffer.from('7f' + 'ff'.repeat(19), 'hex')).length).toBe(22);
    expect(() => encodeSerial(Buffer.from('80' + '00'.repeat(19), 'hex'))).toThrow(PkiEncodeError); // 21 octets with the 0x00
    expect(() => encodeSerial(0n)).toThrow(PkiEncodeError);
    expect(() => encodeSerial(Buffer.from('0000', 'hex'))).toThrow(PkiEncodeError);
    expect(() => encodeSerial(-5n)).toThrow(PkiEncodeError);
  });

  it('refuses inverted validity and non-DER names', () => {
    const key = testKey('EC_prime256v1');
    const base = {
      serial: 1n,
      signingAlgorithm: 'SHA256WITHECDSA' as const,
      issuerDer: encodeName({ CommonName: 'a' }),
      subjectDer: encodeName({ CommonName: 'b' }),
      notBefore: new Date('2025-01-02T00:00:00Z'),
      notAfter: new Date('2025-01-01T00:00:00Z'),
      publicKeySpki: key.spki,
      extensions: [],
    };
    expect(() => buildTbsCertificate(base)).toThrow(/notAfter/);
    expect(() => buildTbsCertificate({ ...base, notAfter: new Date('2026-01-01T00:00:00Z'), issuerDer: Buffer.from('3005', 'hex') })).toThrow(PkiEncodeError);
  });

  it('builds many certificates from one template (sanity, no timing)', async () => {
    const root = await makeRootCa('EC_prime256v1', 'SHA256WITHECDSA');
    const tbsList = Array.from({ length: 500 }, (_, i) =>
      buildTbsCertificate({
        serial: BigInt(i + 1) << 64n,
        signingAlgorithm: 'SHA256WITHECDSA',
        issuerDer: root.subjectDer,
        subjectDer: encodeName({ CommonName: `device-${i}` }),
        notBefore: NOW,
        notAfter: new Date(NOW.getTime() + 86400_000),
        publicKeySpki: root.key.spki,
        extensions: [],
      }),
    );
    expect(new Set(tbsList.map((t) => t.toString('hex'))).size).toBe(500);
  });
});

describe('PEM', () => {
  it('round-trips and splits chains', () => {
    const der = Buffer.from('300302010a', 'hex');
    const pem = toPem(der, 'CERTIFICATE');
    expect(fromPem(pem, 'CERTIFICATE')).toEqual(der);
    expect(pemBlocks(pem + pem).map((b) => b.label)).toEqual(['CERTIFICATE', 'CERTIFICATE']);
    expect(toPem(Buffer.alloc(100), 'X').split('\n')[1]).toHaveLength(64);
  });
});
