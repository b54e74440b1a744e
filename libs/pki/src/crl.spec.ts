import { X509Certificate, X509Crl } from '@peculiar/x509';
import { crlDistributionPointsExtension } from './access-extensions';
import type { SigningAlgorithm } from './algorithms';
import { assembleCrl, buildCrl, CrlBuilder, type CrlEntry } from './crl';
import { readName } from './name-render';
import { openssl, TempDir } from './openssl.spec-helper';
import { toPem } from './pem';
import { issueLeaf, makeRootCa, NOW, type TestCa } from './test-ca.spec-helper';
import { rsaDigestSigner, sha, signer } from './test-keys.spec-helper';

const dir = new TempDir();
afterAll(() => dir.remove());
const ATTIME = String(Math.floor(NOW.getTime() / 1000));
const DAY = 86400_000;

async function* stream(entries: CrlEntry[]): AsyncIterable<CrlEntry> {
  for (const e of entries) yield e;
}

function baseInput(ca: TestCa) {
  return {
    issuerDer: ca.subjectDer,
    signingAlgorithm: ca.algorithm,
    thisUpdate: new Date(NOW.getTime() - 3600_000),
    nextUpdate: new Date(NOW.getTime() + 7 * DAY),
    crlNumber: 42n,
    authorityKeyIdentifier: ca.keyId,
  };
}

describe.each([
  ['RSA_2048', 'SHA256WITHRSA', 'digest'],
  ['RSA_2048', 'SHA384WITHRSA', 'digest'],
  ['EC_prime256v1', 'SHA256WITHECDSA', 'tbs'],
  ['EC_secp384r1', 'SHA384WITHECDSA', 'tbs'],
] as const)('CRL signed with %s / %s over the %s', (keyAlgorithm, algorithm: SigningAlgorithm, mode) => {
  it('verifies with openssl and revokes exactly the listed certificate', async () => {
    const ca = await makeRootCa(keyAlgorithm, algorithm);
    const revoked = await issueLeaf(ca, 0x1001n, 'revoked.example.com');
    const good = await issueLeaf(ca, 0x1002n, 'good.example.com');
    const entries: CrlEntry[] = [
      { serial: 0x1001n, revocationDate: new Date(NOW.getTime() - DAY), reason: 'KEY_COMPROMISE' },
      { serial: Buffer.from('00ff', 'hex'), revocationDate: new Date(NOW.getTime() - 2 * DAY), reason: 'UNSPECIFIED' },
      { serial: 77n, revocationDate: new Date(NOW.getTime() - 3 * DAY) },
    ];
    const signing = mode === 'digest' ? { signDigest: rsaDigestSigner(ca.key, algorithm) } : { sign: signer(ca.key, algorithm) };
    const crl = await buildCrl({ ...baseInput(ca), entries: stream(entries), ...signing });

    const caFile = dir.write(`ca-${algorithm}.pem`, toPem(ca.der, 'CERTIFICATE'));
    const crlFile = dir.write(`crl-${algorithm}.pem`, toPem(crl, 'X509 CRL'));
    const checked = openssl('crl', '-in', crlFile, '-noout', '-verify', '-CAfile', caFile);
    expect(checked.output).toContain('verify OK');

    const text = openssl('crl', '-in', crlFile, '-noout', '-text').stdout;
    expect(text).toContain('Version 2 (0x1)');
    expect(text).toMatch(/X509v3 CRL Number:\s+42/);
    expect(text).toContain('X509v3 Authority Key Identifier');
    expect(text).toMatch(/Serial Number: 1001\s+Revocation Date: .*\n\s+CRL entry extensions:\s+X509v3 CRL Reason Code:\s+Key Compromise/);
    expect(text).toMatch(/Serial Number: FF\s+Revocation Date: [^\n]+\n\s+Serial Number: 4D/); // no reason for unspecified, none given for 77

    const chain = dir.write(`chain-${algorithm}.pem`, toPem(ca.der, 'CERTIFICATE') + toPem(crl, 'X509 CRL'));
    const revokedFile = dir.write(`revoked-${algorithm}.pem`, toPem(revoked.der, 'CERTIFICATE'));
    const goodFile = dir.write(`good-${algorithm}.pem`, toPem(good.der, 'CERTIFICATE'));
    const revokedResult = openssl('verify', '-crl_check', '-attime', ATTIME, '-CAfile', chain, revokedFile);
    expect(revokedResult.status).not.toBe(0);
    expect(revokedResult.output).toContain('certificate revoked');
    const goodResult = openssl('verify', '-crl_check', '-attime', ATTIME, '-CAfile', chain, goodFile);
    expect(goodResult.output).toContain(': OK');
    expect(goodResult.status).toBe(0);

    const parsed = new X509Crl(crl);
    expect(parsed.entries.map((e) => e.serialNumber)).toEqual(['1001', 'ff', '4d']);
    expect(await parsed.verify({ publicKey: new X509Certificate(ca.der) })).toBe(true);
  });
});

describe('CrlBuilder', () => {
  let ca: TestCa;
  beforeAll(async () => {
    ca = await makeRootCa('EC_prime256v1', 'SHA256WITHECDSA');
  });

  it('omits revokedCertificates when there are none (RFC 5280 §5.1.2.6) and writes an issuingDistributionPoint', async () => {
    const crl = await buildCrl({
      ...baseInput(ca),
      issuingDistributionPointUrl: 'http://pki.example.com/crl/ca.crl',
      entries: [],
      sign: signer(ca.key, 'SHA256WITHECDSA'),
    });
    const caFile = dir.write('ca-empty.pem', toPem(ca.der, 'CERTIFICATE'));
    const crlFile = dir.write('empty.pem', toPem(crl, 'X509 CRL'));
    expect(openssl('crl', '-in', crlFile, '-noout', '-verify', '-CAfile', caFile).output).toContain('verify OK');
    const text = openssl('crl', '-in', crlFile, '-noout', '-text').stdout;
    expect(text).toContain('No Revoked Certificates.');
    expect(text).toMatch(/X509v3 Issuing Distribution Point: critical\s+Full Name:\s+URI:http:\/\/pki.example.com\/crl\/ca.crl/);
    // OpenSSL matches the IDP against the certificate's cRLDistributionPoints (RFC 5280 §6.3.3 (b)).
    const chain = dir.write('chain-empty.pem', toPem(ca.der, 'CERTIFICATE') + toPem(crl, 'X509 CRL'));
    const inScope = await issueLeaf(ca, 5n, 'fine.example.com', [crlDistributionPointsExtension('http://pki.example.com/crl/ca.crl')]);
    const inScopeResult = openssl('verify', '-crl_check', '-attime', ATTIME, '-CAfile', chain, dir.write('fine.pem', toPem(inScope.der, 'CERTIFICATE')));
    expect(inScopeResult.output).toContain(': OK');
    const otherScope = await issueLeaf(ca, 6n, 'other.example.com', [crlDistributionPointsExtension('http://elsewhere.example.com/x.crl')]);
    const otherResult = openssl('verify', '-crl_check', '-attime', ATTIME, '-CAfile', chain, dir.write('other.pem', toPem(otherScope.der, 'CERTIFICATE')));
    expect(otherResult.output).toContain('different CRL scope');
  });

  it('builds a 100,000-entry CRL from a stream with a digest equal to the hash of the TBS', async () => {
    async function* many(): AsyncIterable<CrlEntry> {
      const when = new Date(NOW.getTime() - DAY);
      for (let i = 1; i <= 100_000; i++) {
        yield { serial: (BigInt(i) << 64n) | 0x5an, revocationDate: when, reason: i % 3 === 0 ? 'SUPERSEDED' : undefined };
      }
    }
    const built = await new CrlBuilder({ ...baseInput(ca), entries: many() }).build();
    expect(built.entryCount).toBe(100_000);
    expect(built.tbsChunks.length).toBeLessThan(20); // packed, not one buffer per entry
    const tbs = built.tbsDer();
    expect(tbs.length).toBe(built.tbsLength);
    expect(built.digest).toEqual(sha('SHA256WITHECDSA', tbs));
    const crl = assembleCrl(built, 'SHA256WITHECDSA', await signer(ca.key, 'SHA256WITHECDSA')(tbs));
    const caFile = dir.write('ca-big.pem', toPem(ca.der, 'CERTIFICATE'));
    const crlFile = dir.write('big.der', crl);
    expect(openssl('crl', '-inform', 'DER', '-in', crlFile, '-noout', '-verify', '-CAfile', caFile).output).toContain('verify OK');
    expect(readName(ca.subjectDer).length).toBe(3);
  });

  it('refuses an inverted update window and bad serials', async () => {
    await expect(new CrlBuilder({ ...baseInput(ca), nextUpdate: new Date(0), entries: [] }).build()).rejects.toThrow(/nextUpdate/);
    await expect(new CrlBuilder({ ...baseInput(ca), entries: [{ serial: 0n, revocationDate: NOW }] }).build()).rejects.toThrow(/positive/);
  });
});
