import { Pkcs10CertificateRequest, SubjectAlternativeNameExtension, BasicConstraintsExtension, KeyUsagesExtension, KeyUsageFlags } from '@peculiar/x509';
import type { KeyAlgorithm, SigningAlgorithm } from './algorithms';
import { buildCsr } from './csr';
import { parseAndVerifyCsr, parseCsr, verifyCsrSignature } from './csr-parse';
import { basicConstraintsExtension, keyUsageExtension, subjectAltNameExtension } from './extensions';
import { openssl, TempDir } from './openssl.spec-helper';
import { toPem } from './pem';
import { signer, testKey } from './test-keys.spec-helper';

const subject = { Country: 'US', Organization: 'Example Corp', OrganizationalUnit: 'PKI', State: 'WA', Locality: 'Seattle', CommonName: 'Example Root CA' };
const extensions = [
  basicConstraintsExtension({ ca: true }),
  keyUsageExtension({ KeyCertSign: true, CRLSign: true, DigitalSignature: true }),
  subjectAltNameExtension([{ DnsName: 'ca.example.com' }, { IpAddress: '10.0.0.1' }]),
];

/** openssl req -verify exits 0 even on a bad signature, so read its verdict. */
function opensslVerdict(dir: TempDir, der: Uint8Array, name: string): { ok: boolean; output: string } {
  const file = dir.write(name, toPem(der, 'CERTIFICATE REQUEST'));
  const r = openssl('req', '-in', file, '-noout', '-verify');
  const ok = /verify OK/i.test(r.output) && !/verify failure|bad signature/i.test(r.output);
  return { ok, output: r.output };
}

describe('buildCsr (RFC 2986)', () => {
  const dir = new TempDir();
  afterAll(() => dir.remove());

  const cases: Array<[KeyAlgorithm, SigningAlgorithm]> = [
    ['EC_prime256v1', 'SHA256WITHECDSA'],
    ['EC_secp384r1', 'SHA384WITHECDSA'],
    ['EC_prime256v1', 'SHA512WITHECDSA'],
    ['RSA_2048', 'SHA256WITHRSA'],
    ['RSA_2048', 'SHA512WITHRSA'],
  ];

  it.each(cases)('%s / %s verifies with openssl and parses back', async (keyAlgorithm, signingAlgorithm) => {
    const key = testKey(keyAlgorithm);
    const der = await buildCsr({ subject, publicKeySpki: key.spki, signingAlgorithm, extensions, sign: signer(key, signingAlgorithm) });

    const verdict = opensslVerdict(dir, der, `${keyAlgorithm}-${signingAlgorithm}.csr`);
    expect(verdict.output).toMatch(/verify OK/);
    expect(verdict.ok).toBe(true);

    const text = openssl('req', '-in', dir.write('t.csr', toPem(der, 'CERTIFICATE REQUEST')), '-noout', '-text', '-nameopt', 'RFC2253');
    expect(text.stdout).toContain('CN=Example Root CA,OU=PKI,O=Example Corp,L=Seattle,ST=WA,C=US');
    expect(text.stdout).toContain('CA:TRUE');
    expect(text.stdout).toContain('DNS:ca.example.com, IP Address:10.0.0.1');

    const peculiar = new Pkcs10CertificateRequest(der);
    expect(peculiar.subject).toBe('C=US, ST=WA, L=Seattle, O=Example Corp, OU=PKI, CN=Example Root CA');
    expect(await peculiar.verify()).toBe(true);
    const raw = (oid: string): ArrayBuffer => peculiar.extensions.find((e) => e.type === oid)!.rawData;
    expect(new BasicConstraintsExtension(raw('2.5.29.19')).ca).toBe(true);
    expect(new KeyUsagesExtension(raw('2.5.29.15')).usages).toBe(KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign | KeyUsageFlags.digitalSignature);
    expect(new SubjectAlternativeNameExtension(raw('2.5.29.17')).names.toJSON()).toEqual([
      { type: 'dns', value: 'ca.example.com' },
      { type: 'ip', value: '10.0.0.1' },
    ]);

    const parsed = parseAndVerifyCsr(toPem(der, 'CERTIFICATE REQUEST'));
    expect(parsed.subject).toBe('CN=Example Root CA,OU=PKI,O=Example Corp,L=Seattle,ST=WA,C=US');
    expect(parsed.keyAlgorithm).toBe(keyAlgorithm);
    expect(parsed.signingAlgorithm).toBe(signingAlgorithm);
    expect(parsed.extensions.map((e) => [e.oid, e.critical])).toEqual([
      ['2.5.29.19', true],
      ['2.5.29.15', true],
      ['2.5.29.17', false],
    ]);
    expect(parsed.subjectAltNames.map((n) => [n.kind, n.value])).toEqual([
      ['dNSName', 'ca.example.com'],
      ['iPAddress', '10.0.0.1'],
    ]);
  });

  it('reports a tampered CSR as failing, in openssl and here', async () => {
    const key = testKey('EC_prime256v1');
    const der = await buildCsr({ subject, publicKeySpki: key.spki, signingAlgorithm: 'SHA256WITHECDSA', sign: signer(key, 'SHA256WITHECDSA') });
    const tampered = Buffer.from(der);
    const at = tampered.indexOf(Buffer.from('Example Corp'));
    tampered[at] = 'X'.charCodeAt(0);

    const verdict = opensslVerdict(dir, tampered, 'tampered.csr');
    expect(verdict.ok).toBe(false);
    expect(verdict.output).toMatch(/verify failure|bad signature|verify error/i);

    expect(verifyCsrSignature(parseCsr(tampered))).toBe(false);
    expect(() => parseAndVerifyCsr(tampered)).toThrow(/bad signature/);
  });

  it('writes an empty attributes set when there are no extensions', async () => {
    const key = testKey('EC_prime256v1');
    const der = await buildCsr({ subject: { CommonName: 'x' }, publicKeySpki: key.spki, signingAlgorithm: 'SHA256WITHECDSA', sign: signer(key, 'SHA256WITHECDSA') });
    expect(opensslVerdict(dir, der, 'plain.csr').ok).toBe(true);
    expect(parseCsr(der).extensions).toEqual([]);
  });

  it('refuses a signing algorithm that does not fit the key', async () => {
    const key = testKey('EC_prime256v1');
    await expect(buildCsr({ subject, publicKeySpki: key.spki, signingAlgorithm: 'SHA256WITHRSA', sign: signer(key, 'SHA256WITHRSA') })).rejects.toThrow(
      /cannot be used with a ec key/,
    );
  });
});
