import { AsnConvert } from '@peculiar/asn1-schema';
import {
  AuthorityInfoAccessSyntax,
  AuthorityKeyIdentifier,
  BasicConstraints,
  CertificatePolicies,
  CRLDistributionPoints,
  ExtendedKeyUsage,
  KeyUsage,
  SubjectAlternativeName,
  SubjectInfoAccessSyntax,
} from '@peculiar/asn1-x509';
import { createHash, generateKeyPairSync } from 'node:crypto';
import {
  authorityInfoAccessExtension,
  certificatePoliciesExtension,
  crlDistributionPointsExtension,
  subjectInfoAccessExtension,
} from './access-extensions';
import { PkiEncodeError } from './errors';
import {
  authorityKeyIdentifierExtension,
  basicConstraintsExtension,
  encodeExtensions,
  extendedKeyUsageExtension,
  keyIdentifierFromSpki,
  keyUsageExtension,
  subjectAltNameExtension,
  subjectKeyIdentifierExtension,
} from './extensions';
import { formatIpAddress, parseIpAddress } from './ip-address';
import { nameToString } from './name-render';

const hex = (b: Uint8Array | ArrayBuffer): string => Buffer.from(b as Uint8Array).toString('hex');

describe('basicConstraints (RFC 5280 §4.2.1.9)', () => {
  it('omits cA=FALSE and writes pathLen only for CAs', () => {
    expect(hex(basicConstraintsExtension({ ca: false }).value)).toBe('3000');
    expect(hex(basicConstraintsExtension({ ca: true }).value)).toBe('30030101ff');
    const withPath = basicConstraintsExtension({ ca: true, pathLength: 0 });
    expect(hex(withPath.value)).toBe('30060101ff020100');
    expect(withPath.critical).toBe(true);
    const parsed = AsnConvert.parse(withPath.value, BasicConstraints);
    expect(parsed.cA).toBe(true);
    expect(parsed.pathLenConstraint).toBe(0);
    expect(() => basicConstraintsExtension({ ca: false, pathLength: 1 })).toThrow(PkiEncodeError);
  });
});

describe('keyUsage (RFC 5280 §4.2.1.3)', () => {
  it.each([
    [{ DigitalSignature: true }, '03020780'],
    [{ DigitalSignature: true, KeyEncipherment: true }, '030205a0'],
    [{ KeyCertSign: true, CRLSign: true }, '03020106'],
    [{ DigitalSignature: true, KeyCertSign: true, CRLSign: true }, '03020186'],
    [{ KeyAgreement: true, EncipherOnly: true }, '03020009'],
    [{ DecipherOnly: true }, '0303070080'],
    [{ KeyAgreement: true, DecipherOnly: true }, '0303070880'],
  ])('%j -> %s', (usage, expected) => {
    expect(hex(keyUsageExtension(usage).value)).toBe(expected);
  });

  it('agrees with @peculiar/asn1-x509 and refuses an empty set', () => {
    const parsed = AsnConvert.parse(keyUsageExtension({ NonRepudiation: true, DataEncipherment: true }).value, KeyUsage);
    expect(parsed.toJSON().sort()).toEqual(['dataEncipherment', 'nonRepudiation']);
    expect(() => keyUsageExtension({ DigitalSignature: false })).toThrow(PkiEncodeError);
  });
});

describe('extKeyUsage (RFC 5280 §4.2.1.12)', () => {
  it('maps AWS types and custom OIDs', () => {
    const ext = extendedKeyUsageExtension([
      { ExtendedKeyUsageType: 'SERVER_AUTH' },
      { ExtendedKeyUsageType: 'CLIENT_AUTH' },
      { ExtendedKeyUsageObjectIdentifier: '1.2.3.4' },
      '1.3.6.1.5.5.7.3.9',
    ]);
    expect(Array.from(AsnConvert.parse(ext.value, ExtendedKeyUsage))).toEqual(['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2', '1.2.3.4', '1.3.6.1.5.5.7.3.9']);
    expect(ext.critical).toBe(false);
  });
});

describe('key identifiers (RFC 5280 §4.2.1.1, §4.2.1.2)', () => {
  it('hashes the subjectPublicKey bits (method 1) like OpenSSL', () => {
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const spki = publicKey.export({ type: 'spki', format: 'der' });
    // For P-256 the SPKI is a fixed 26-octet prefix followed by the 65-octet point.
    const expected = createHash('sha1').update(spki.subarray(spki.length - 65)).digest();
    const id = keyIdentifierFromSpki(spki);
    expect(hex(id)).toBe(hex(expected));
    expect(hex(subjectKeyIdentifierExtension(id).value)).toBe('0414' + hex(id));
    const aki = AsnConvert.parse(authorityKeyIdentifierExtension(id).value, AuthorityKeyIdentifier);
    expect(hex(aki.keyIdentifier!.buffer)).toBe(hex(id));
    expect(aki.authorityCertIssuer).toBeUndefined();
  });
});

describe('subjectAltName (RFC 5280 §4.2.1.6)', () => {
  it('encodes every AWS GeneralName kind', () => {
    const ext = subjectAltNameExtension([
      { DnsName: 'example.com' },
      { Rfc822Name: 'a@example.com' },
      { UniformResourceIdentifier: 'spiffe://example.org/x' },
      { IpAddress: '192.0.2.1' },
      { IpAddress: '2001:db8::1' },
      { RegisteredId: '1.2.3.4.5' },
      { OtherName: { TypeId: '1.3.6.1.4.1.311.20.2.3', Value: 'user@example.com' } },
      { DirectoryName: { CommonName: 'Dir', Country: 'US' } },
    ]);
    const san = AsnConvert.parse(ext.value, SubjectAlternativeName);
    expect(san[0].dNSName).toBe('example.com');
    expect(san[1].rfc822Name).toBe('a@example.com');
    expect(san[2].uniformResourceIdentifier).toBe('spiffe://example.org/x');
    expect(san[3].iPAddress).toBe('192.0.2.1'); // @peculiar renders the 4 octets as text
    expect(hex(ext.value)).toContain('8704c0000201');
    expect(hex(ext.value)).toContain('871020010db8000000000000000000000001');
    expect(san[5].registeredID).toBe('1.2.3.4.5');
    expect(san[6].otherName?.typeId).toBe('1.3.6.1.4.1.311.20.2.3');
    expect(hex(san[6].otherName!.value)).toBe('0c10' + hex(Buffer.from('user@example.com')));
    expect(nameToString(Buffer.from(AsnConvert.serialize(san[7].directoryName!)))).toBe('CN=Dir,C=US');
  });

  it('tags EdiPartyName fields EXPLICIT (DirectoryString is a CHOICE, X.680 §31.2.7), as OpenSSL reads them', () => {
    // @peculiar/asn1-x509 tags them IMPLICIT, so compare octets instead of parsing with it.
    const ext = subjectAltNameExtension([{ EdiPartyName: { PartyName: 'party', NameAssigner: 'assigner' } }, { EdiPartyName: { PartyName: 'solo' } }]);
    // [5] { [0] { UTF8String "assigner" }, [1] { UTF8String "party" } }
    expect(hex(ext.value)).toContain('a515' + 'a00a0c08' + hex(Buffer.from('assigner')) + 'a1070c05' + hex(Buffer.from('party')));
    expect(hex(ext.value)).toContain('a508' + 'a1060c04' + hex(Buffer.from('solo')));
  });

  it('refuses ambiguous or invalid names', () => {
    expect(() => subjectAltNameExtension([])).toThrow(PkiEncodeError);
    expect(() => subjectAltNameExtension([{ DnsName: 'a', Rfc822Name: 'b' }])).toThrow(PkiEncodeError);
    expect(() => subjectAltNameExtension([{ DnsName: 'bücher.example' }])).toThrow(PkiEncodeError);
    expect(() => subjectAltNameExtension([{ IpAddress: '300.1.1.1' }])).toThrow(PkiEncodeError);
  });
});

describe('IP addresses', () => {
  it.each([
    ['0.0.0.0', '00000000'],
    ['255.255.255.255', 'ffffffff'],
    ['::', '0'.repeat(32)],
    ['::1', '0'.repeat(31) + '1'],
    ['fe80::1:2', 'fe80' + '0'.repeat(20) + '00010002'],
    ['::ffff:192.0.2.1', '0'.repeat(20) + 'ffffc0000201'],
    ['1:2:3:4:5:6:7:8', '00010002000300040005000600070008'],
  ])('%s', (text, expected) => {
    expect(hex(parseIpAddress(text)!)).toBe(expected);
  });

  it.each(['1.2.3', '01.2.3.4', '1.2.3.4.5', '1::2::3', '1:2:3:4:5:6:7:8:9', 'g::1', '1:2:3:4:5:6:7::8', '', ':::'])('rejects %j', (bad) => {
    expect(parseIpAddress(bad)).toBeUndefined();
  });

  it('formats canonically (RFC 5952)', () => {
    expect(formatIpAddress(parseIpAddress('2001:0db8:0:0:1:0:0:1')!)).toBe('2001:db8::1:0:0:1');
    expect(formatIpAddress(parseIpAddress('::')!)).toBe('::');
    expect(formatIpAddress(parseIpAddress('10.0.0.1')!)).toBe('10.0.0.1');
  });
});

describe('information access, CRL distribution points, policies', () => {
  it('writes AIA with OCSP and caIssuers', () => {
    const ext = authorityInfoAccessExtension({ ocspUrls: ['http://ocsp.example/'], caIssuersUrls: ['http://ca.example/ca.cer'] });
    const aia = AsnConvert.parse(ext.value, AuthorityInfoAccessSyntax);
    expect(aia.map((d) => [d.accessMethod, d.accessLocation.uniformResourceIdentifier])).toEqual([
      ['1.3.6.1.5.5.7.48.1', 'http://ocsp.example/'],
      ['1.3.6.1.5.5.7.48.2', 'http://ca.example/ca.cer'],
    ]);
  });

  it('writes SIA from AWS AccessDescriptions', () => {
    const ext = subjectInfoAccessExtension([
      { AccessMethod: { AccessMethodType: 'CA_REPOSITORY' }, AccessLocation: { UniformResourceIdentifier: 'rsync://r.example/' } },
      { AccessMethod: { AccessMethodType: 'RESOURCE_PKI_MANIFEST' }, AccessLocation: { UniformResourceIdentifier: 'rsync://r.example/m.mft' } },
      { AccessMethod: { AccessMethodType: 'RESOURCE_PKI_NOTIFY' }, AccessLocation: { UniformResourceIdentifier: 'https://r.example/n.xml' } },
      { AccessMethod: { CustomObjectIdentifier: '1.2.3' }, AccessLocation: { DnsName: 'x.example' } },
    ]);
    const sia = AsnConvert.parse(ext.value, SubjectInfoAccessSyntax);
    expect(sia.map((d) => d.accessMethod)).toEqual(['1.3.6.1.5.5.7.48.5', '1.3.6.1.5.5.7.48.10', '1.3.6.1.5.5.7.48.13', '1.2.3']);
    expect(ext.critical).toBe(false);
  });

  it('writes one CRL distribution point URI', () => {
    const ext = crlDistributionPointsExtension('http://crl.example/ca.crl');
    const dp = AsnConvert.parse(ext.value, CRLDistributionPoints);
    expect(dp[0].distributionPoint?.fullName?.[0].uniformResourceIdentifier).toBe('http://crl.example/ca.crl');
  });

  it('writes certificate policies with CPS qualifiers', () => {
    const ext = certificatePoliciesExtension([
      { CertPolicyId: '2.5.29.32.0', PolicyQualifiers: [{ PolicyQualifierId: 'CPS', Qualifier: { CpsUri: 'https://cps.example/' } }] },
      { CertPolicyId: '1.2.3.4' },
    ]);
    const policies = AsnConvert.parse(ext.value, CertificatePolicies);
    expect(policies[0].policyIdentifier).toBe('2.5.29.32.0');
    expect(policies[0].policyQualifiers?.[0].policyQualifierId).toBe('1.3.6.1.5.5.7.2.1');
    expect(policies[1].policyQualifiers).toBeUndefined();
  });
});

describe('encodeExtensions', () => {
  it('omits critical=FALSE and refuses duplicates', () => {
    const bc = basicConstraintsExtension({ ca: false, critical: false });
    expect(hex(encodeExtensions([bc]))).toBe('300b' + '3009' + '0603551d13' + '04023000');
    expect(hex(encodeExtensions([{ ...bc, critical: true }]))).toBe('300e' + '300c' + '0603551d13' + '0101ff' + '04023000');
    expect(() => encodeExtensions([bc, bc])).toThrow(PkiEncodeError);
  });
});
