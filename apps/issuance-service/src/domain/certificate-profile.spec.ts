/**
 * buildProfile rules beyond the per-template table: the order of operations when template,
 * ApiPassthrough and CSR disagree; revocation pointers; every ApiPassthrough member; subject
 * and SAN rules; path length; validity through the whole profile. Certificates that matter are
 * signed and checked with the openssl CLI.
 */
import {
  Oid,
  basicConstraintsExtension,
  crlDistributionPointsExtension,
  customExtension,
  der,
  encodeName,
  extendedKeyUsageExtension,
  keyIdentifierFromSpki,
  keyUsageExtension,
  subjectAltNameExtension,
  type Extension,
} from '@pki/pki';
import type { ApiPassthrough } from './api-passthrough';
import { buildProfile, type CertificateProfile, type ProfileInput } from './certificate-profile';
import {
  CRL_URL,
  NOW,
  OCSP_URL,
  baseInput,
  csrFor,
  ecKey,
  makeRootCa,
  makeSubCa,
  opensslExtensions,
  opensslText,
  opensslVerify,
  sign,
  template,
  TempDir,
  unwrap,
  type TestCa,
} from './profile-test-kit.spec-helper';

const SUBJECT = { Organization: 'Example Corp', CommonName: 'csr.example.com' };
const ext = (p: CertificateProfile, oid: string): Extension | undefined => p.extensions.find((e) => e.oid === oid);
const hex = (e: Extension | undefined) => (e ? Buffer.from(e.value).toString('hex') : undefined);

let root: TestCa;
const dir = new TempDir();
beforeAll(async () => {
  root = await makeRootCa();
});
afterAll(() => dir.remove());

async function profileOf(name: string, csrExtensions: Extension[], extra: Partial<ProfileInput> = {}, subject: object | Uint8Array = SUBJECT) {
  const csr = await csrFor(ecKey(), subject, csrExtensions);
  return buildProfile(baseInput(template(name), csr, root.facts, extra));
}

async function issued(name: string, csrExtensions: Extension[], extra: Partial<ProfileInput> = {}, subject: object | Uint8Array = SUBJECT) {
  const profile = unwrap(await profileOf(name, csrExtensions, extra, subject));
  const cert = await sign(profile, root.key);
  return { profile, cert, text: opensslText(dir, cert), lines: opensslExtensions(opensslText(dir, cert)) };
}

describe('template order of operations', () => {
  it('guide example 1: the template EKU wins over ApiPassthrough and the CSR; subject and SAN still come from the CSR', async () => {
    const { profile, lines, text } = await issued(
      'EndEntityClientAuthCertificate_APIPassthrough',
      [subjectAltNameExtension([{ DnsName: 'csr.example.com' }]), extendedKeyUsageExtension([{ ExtendedKeyUsageType: 'CODE_SIGNING' }])],
      { apiPassthrough: { Extensions: { ExtendedKeyUsage: [{ ExtendedKeyUsageType: 'SERVER_AUTH' }] } } },
    );
    expect(lines).toContain('Extended Key Usage: TLS Web Client Authentication');
    expect(lines).toContain('Subject Alternative Name: DNS:csr.example.com');
    expect(text).toContain('Subject: O = Example Corp, CN = csr.example.com');
    expect(profile.ignored).toEqual([
      { source: 'ApiPassthrough', item: 'Extensions.ExtendedKeyUsage', reason: 'TEMPLATE_DEFINES' },
      { source: 'CSR', item: Oid.extKeyUsage, reason: 'TEMPLATE_DISALLOWS_CSR' },
    ]);
  });

  it('guide example 2: with SAN in both ApiPassthrough and the CSR, the API value wins', async () => {
    const { profile, lines } = await issued('EndEntityClientAuthCertificate_APICSRPassthrough', [subjectAltNameExtension([{ DnsName: 'csr.example.com' }])], {
      apiPassthrough: { Extensions: { SubjectAlternativeNames: [{ DnsName: 'api.example.com' }] } },
    });
    expect(lines).toContain('Subject Alternative Name: DNS:api.example.com');
    expect(profile.ignored).toEqual([{ source: 'CSR', item: Oid.subjectAltName, reason: 'API_DEFINES' }]);
  });

  it('blank APICSR template: API KeyUsage beats the CSR; a CSR-only EKU fills the gap the API left', async () => {
    const { profile, lines } = await issued(
      'BlankEndEntityCertificate_APICSRPassthrough',
      [keyUsageExtension({ KeyAgreement: true }), extendedKeyUsageExtension([{ ExtendedKeyUsageType: 'TIME_STAMPING' }], true)],
      { apiPassthrough: { Extensions: { KeyUsage: { DigitalSignature: true } } } },
    );
    expect(lines).toContain('Key Usage: critical: Digital Signature');
    expect(lines).toContain('Extended Key Usage: critical: Time Stamping');
    expect(profile.ignored).toEqual([{ source: 'CSR', item: Oid.keyUsage, reason: 'API_DEFINES' }]);
  });

  it('template KeyUsage wins over both (non-blank APICSR template)', async () => {
    const { lines } = await issued('EndEntityServerAuthCertificate_APICSRPassthrough', [keyUsageExtension({ KeyAgreement: true })], {
      apiPassthrough: { Extensions: { KeyUsage: { NonRepudiation: true } } },
    });
    // The template's bits for this EC key: keyEncipherment left out (RFC 5480 §3, key-usage.ts).
    expect(lines).toContain('Key Usage: critical: Digital Signature');
  });

  it('a CSR asking for CA:TRUE on an end-entity template gets CA:FALSE; a CSR subjectKeyIdentifier is replaced by the derived one', async () => {
    const bogusSki = { oid: Oid.subjectKeyIdentifier, critical: false, value: der.octetString(Buffer.alloc(20, 9)) };
    const { profile } = await issued('BlankEndEntityCertificate_CSRPassthrough', [basicConstraintsExtension({ ca: true }), bogusSki, subjectAltNameExtension([{ DnsName: 'x.test' }])]);
    expect(hex(ext(profile, Oid.basicConstraints))).toBe('3000');
    expect(hex(ext(profile, Oid.subjectKeyIdentifier))).toBe(der.octetString(keyIdentifierFromSpki(profile.publicKeySpki)).toString('hex'));
  });

  it('ApiPassthrough on a template without API passthrough is ignored, as AWS documents, or refused on request', async () => {
    const apiPassthrough: ApiPassthrough = { Subject: { CommonName: 'api.example.com' }, Extensions: { KeyUsage: { DigitalSignature: true } } };
    for (const name of ['EndEntityCertificate', 'EndEntityCertificate_CSRPassthrough']) {
      const ok = unwrap(await profileOf(name, [], { apiPassthrough }));
      expect(ok.subjectDer).toEqual(encodeName(SUBJECT));
      expect(ok.ignored).toEqual([
        { source: 'ApiPassthrough', item: 'Subject', reason: 'TEMPLATE_DISALLOWS_API' },
        { source: 'ApiPassthrough', item: 'Extensions.KeyUsage', reason: 'TEMPLATE_DISALLOWS_API' },
      ]);
      const refused = await profileOf(name, [], { apiPassthrough, rejectIgnoredApiPassthrough: true });
      expect(refused).toMatchObject({ ok: false, error: { rule: 'API_PASSTHROUGH_NOT_ALLOWED', code: 'InvalidArgsException', kind: 'Malformed' } });
    }
  });

  it('a CustomExtension for an extension the template defines is ignored (template wins)', async () => {
    const caTrue = Buffer.from(basicConstraintsExtension({ ca: true }).value).toString('base64');
    const { profile, lines } = await issued('EndEntityCertificate_APIPassthrough', [], {
      apiPassthrough: { Extensions: { CustomExtensions: [{ ObjectIdentifier: '2.5.29.19', Value: caTrue, Critical: true }] } },
    }, { CommonName: 'x.example.com' });
    expect(lines).toContain('Basic Constraints: CA:FALSE');
    expect(profile.ignored).toEqual([{ source: 'ApiPassthrough', item: 'Extensions.CustomExtensions[0]', reason: 'TEMPLATE_DEFINES' }]);
  });

  it('two ApiPassthrough members for one extension contradict each other (InvalidArgsException)', async () => {
    const ku = Buffer.from(keyUsageExtension({ KeyAgreement: true }).value).toString('base64');
    const both = await profileOf('BlankEndEntityCertificate_APIPassthrough', [], {
      apiPassthrough: { Extensions: { KeyUsage: { DigitalSignature: true }, CustomExtensions: [{ ObjectIdentifier: '2.5.29.15', Value: ku }] } },
    });
    expect(both).toMatchObject({ ok: false, error: { rule: 'API_PASSTHROUGH_DUPLICATE_EXTENSION', code: 'InvalidArgsException' } });
    const twice = await profileOf('BlankEndEntityCertificate_APIPassthrough', [], {
      apiPassthrough: { Extensions: { CustomExtensions: [{ ObjectIdentifier: '1.2.3.4', Value: 'BQA=' }, { ObjectIdentifier: '1.2.3.4', Value: 'BQA=' }] } },
    });
    expect(twice).toMatchObject({ ok: false, error: { rule: 'API_PASSTHROUGH_DUPLICATE_EXTENSION' } });
  });
});

describe('CRL distribution point and OCSP authorityInfoAccess', () => {
  const csrCdp = crlDistributionPointsExtension('http://csr.example.test/own.crl');

  it('CRLs enabled: the CA configuration wins over a CSR distribution point', async () => {
    const { profile, lines } = await issued('EndEntityCertificate_CSRPassthrough', [csrCdp]);
    expect(lines).toContain(`CRL Distribution Points: Full Name: | URI:${CRL_URL}`);
    expect(profile.ignored).toEqual([{ source: 'CSR', item: Oid.cRLDistributionPoints, reason: 'TEMPLATE_DEFINES' }]);
  });

  it('CRLs disabled: a CSRPassthrough template passes the CSR distribution point; a base template has none', async () => {
    const noRevocation = { ...root.facts, crlDistributionPointUrl: undefined, ocspUrl: undefined };
    const csr = await csrFor(ecKey(), SUBJECT, [csrCdp]);
    const passed = unwrap(buildProfile(baseInput(template('EndEntityCertificate_CSRPassthrough'), csr, noRevocation)));
    expect(ext(passed, Oid.cRLDistributionPoints)).toEqual(csrCdp);
    expect(ext(passed, Oid.authorityInfoAccess)).toBeUndefined();
    const base = unwrap(buildProfile(baseInput(template('EndEntityCertificate'), csr, noRevocation)));
    expect(base.extensions.map((e) => e.oid).sort()).toEqual([Oid.authorityKeyIdentifier, Oid.basicConstraints, Oid.extKeyUsage, Oid.keyUsage, Oid.subjectKeyIdentifier].sort());
  });

  it('OCSP only: an authorityInfoAccess OCSP URL and no distribution point', async () => {
    const csr = await csrFor(ecKey(), SUBJECT);
    const profile = unwrap(buildProfile(baseInput(template('EndEntityCertificate'), csr, { ...root.facts, crlDistributionPointUrl: undefined })));
    const lines = opensslExtensions(opensslText(dir, await sign(profile, root.key)));
    expect(lines).toContain(`Authority Information Access: OCSP - URI:${OCSP_URL}`);
    expect(lines.some((l) => l.startsWith('CRL Distribution Points'))).toBe(false);
  });

  it('"[Passthrough from CA configuration or API]": an API distribution point only when the CA has CRLs disabled', async () => {
    const apiCdp = crlDistributionPointsExtension('http://api.example.test/own.crl');
    const apiPassthrough: ApiPassthrough = { Extensions: { CustomExtensions: [{ ObjectIdentifier: Oid.cRLDistributionPoints, Value: Buffer.from(apiCdp.value).toString('base64') }] } };
    const csr = await csrFor(ecKey(), SUBJECT);
    const t = template('BlankEndEntityCertificate_CriticalBasicConstraints_APIPassthrough');
    const enabled = unwrap(buildProfile(baseInput(t, csr, root.facts, { apiPassthrough })));
    expect(ext(enabled, Oid.cRLDistributionPoints)).toEqual(crlDistributionPointsExtension(CRL_URL));
    const disabled = unwrap(buildProfile(baseInput(t, csr, { ...root.facts, crlDistributionPointUrl: undefined }, { apiPassthrough })));
    expect(ext(disabled, Oid.cRLDistributionPoints)).toEqual({ ...apiCdp, value: Buffer.from(apiCdp.value) });
  });

  it('RootCACertificate_APIPassthrough: "Authority key identifier [Passthrough from API]"', async () => {
    const own = await csrFor(root.key, { CommonName: 'Root With AKI' });
    const aki = Buffer.from(der.sequence(der.contextPrimitive(0, keyIdentifierFromSpki(root.key.spki)))).toString('base64');
    const withAki = unwrap(
      buildProfile(baseInput(template('RootCACertificate_APIPassthrough'), own, { ...root.facts, notAfter: undefined }, { apiPassthrough: { Extensions: { CustomExtensions: [{ ObjectIdentifier: Oid.authorityKeyIdentifier, Value: aki }] } } })),
    );
    expect(hex(ext(withAki, Oid.authorityKeyIdentifier))).toBe(Buffer.from(aki, 'base64').toString('hex'));
    const cert = await sign(withAki, root.key);
    expect(opensslVerify(dir, cert, cert).status).toBe(0);
    const without = unwrap(buildProfile(baseInput(template('RootCACertificate'), own, { ...root.facts, notAfter: undefined })));
    expect(ext(without, Oid.authorityKeyIdentifier)).toBeUndefined();
    expect(without.issuerDer).toEqual(without.subjectDer);
  });

  it('the AKI repeats the CA certificate subjectKeyIdentifier when given (an imported CA may not use SHA-1 of the key)', async () => {
    const csr = await csrFor(ecKey(), SUBJECT);
    const profile = unwrap(buildProfile(baseInput(template('EndEntityCertificate'), csr, { ...root.facts, subjectKeyIdentifier: Buffer.from('0102030405', 'hex') })));
    expect(hex(ext(profile, Oid.authorityKeyIdentifier))).toBe('30078005' + '0102030405');
  });
});

describe('ApiPassthrough members', () => {
  it('SubjectAlternativeNames: every GeneralName kind', async () => {
    const { lines } = await issued('BlankEndEntityCertificate_APIPassthrough', [], {
      apiPassthrough: {
        Extensions: {
          SubjectAlternativeNames: [
            { OtherName: { TypeId: '1.3.6.1.4.1.311.20.2.3', Value: 'user@corp.example' } },
            { Rfc822Name: 'user@example.com' },
            { DnsName: 'host.example.com' },
            { DirectoryName: { Country: 'US', Organization: 'Dir Org', CommonName: 'Directory Name' } },
            { EdiPartyName: { NameAssigner: 'Assigner', PartyName: 'Party' } },
            { UniformResourceIdentifier: 'spiffe://example.com/workload' },
            { IpAddress: '192.0.2.10' },
            { IpAddress: '2001:db8::1' },
            { RegisteredId: '1.3.6.1.4.1.99999.7' },
          ],
        },
      },
    });
    const san = lines.find((l) => l.startsWith('Subject Alternative Name'))!;
    for (const part of ['othername: UPN::user@corp.example', 'email:user@example.com', 'DNS:host.example.com', 'DirName:/C=US/O=Dir Org/CN=Directory Name', 'EdiPartyName', 'URI:spiffe://example.com/workload', 'IP Address:192.0.2.10', 'IP Address:2001:DB8:0:0:0:0:0:1', 'Registered ID:1.3.6.1.4.1.99999.7']) {
      expect(san).toContain(part);
    }
  });

  it.each<[string, ApiPassthrough]>([
    ['two members in one GeneralName', { Extensions: { SubjectAlternativeNames: [{ DnsName: 'a.test', Rfc822Name: 'a@test' }] } }],
    ['a malformed IpAddress', { Extensions: { SubjectAlternativeNames: [{ IpAddress: '300.1.1.1' }] } }],
    ['an empty SubjectAlternativeNames', { Extensions: { SubjectAlternativeNames: [] } }],
    ['a KeyUsage with no bit set', { Extensions: { KeyUsage: { DigitalSignature: false } } }],
    ['an ExtendedKeyUsage with neither member', { Extensions: { ExtendedKeyUsage: [{}] } }],
    ['a malformed EKU OID', { Extensions: { ExtendedKeyUsage: [{ ExtendedKeyUsageObjectIdentifier: '1.2.x' }] } }],
    ['a repeated CertPolicyId', { Extensions: { CertificatePolicies: [{ CertPolicyId: '1.2.3' }, { CertPolicyId: '1.2.3' }] } }],
    ['a CustomExtension OID outside the AWS pattern', { Extensions: { CustomExtensions: [{ ObjectIdentifier: '1.2.x', Value: 'BQA=' }] } }],
    ['a CustomExtension value that is not base64', { Extensions: { CustomExtensions: [{ ObjectIdentifier: '1.2.3', Value: 'not base64!' }] } }],
    ['an empty CustomExtension value', { Extensions: { CustomExtensions: [{ ObjectIdentifier: '1.2.3', Value: '' }] } }],
    ['a CustomExtension value over 4096 characters', { Extensions: { CustomExtensions: [{ ObjectIdentifier: '1.2.3', Value: 'AAAA'.repeat(1025) }] } }],
    ['a Subject mixing CustomAttributes with standard attributes', { Subject: { CommonName: 'x', CustomAttributes: [{ ObjectIdentifier: '2.5.4.3', Value: 'y' }] } }],
    ['a Subject with a three-letter Country', { Subject: { Country: 'USA' } }],
  ])('refuses %s (InvalidArgsException)', async (_, apiPassthrough) => {
    expect(await profileOf('BlankEndEntityCertificate_APIPassthrough', [], { apiPassthrough })).toMatchObject({
      ok: false,
      error: { rule: 'API_PASSTHROUGH_INVALID', code: 'InvalidArgsException' },
    });
  });

  it('ExtendedKeyUsage by every type and by OID', async () => {
    const types = ['SERVER_AUTH', 'CLIENT_AUTH', 'CODE_SIGNING', 'EMAIL_PROTECTION', 'TIME_STAMPING', 'OCSP_SIGNING', 'SMART_CARD_LOGIN', 'DOCUMENT_SIGNING', 'CERTIFICATE_TRANSPARENCY'] as const;
    const { lines } = await issued('BlankEndEntityCertificate_APIPassthrough', [], {
      apiPassthrough: { Extensions: { ExtendedKeyUsage: [...types.map((t) => ({ ExtendedKeyUsageType: t })), { ExtendedKeyUsageObjectIdentifier: '1.3.6.1.4.1.99999.3' }] } },
    });
    expect(lines).toContain(
      'Extended Key Usage: TLS Web Server Authentication, TLS Web Client Authentication, Code Signing, E-mail Protection, Time Stamping, OCSP Signing, Microsoft Smartcard Login, 1.3.6.1.4.1.311.10.3.12, CT Precertificate Signer, 1.3.6.1.4.1.99999.3',
    );
  });

  it('CertificatePolicies with and without CPS qualifiers', async () => {
    const { lines } = await issued('EndEntityCertificate_APIPassthrough', [], {
      apiPassthrough: {
        Extensions: {
          CertificatePolicies: [
            { CertPolicyId: '2.5.29.32.0' },
            { CertPolicyId: '1.3.6.1.4.1.99999.4', PolicyQualifiers: [{ PolicyQualifierId: 'CPS', Qualifier: { CpsUri: 'https://a.example/cps' } }, { PolicyQualifierId: 'CPS', Qualifier: { CpsUri: 'https://b.example/cps' } }] },
          ],
        },
      },
    });
    expect(lines).toContain('Certificate Policies: Policy: X509v3 Any Policy | Policy: 1.3.6.1.4.1.99999.4 | CPS: https://a.example/cps | CPS: https://b.example/cps');
  });

  it('CustomExtensions: base64 value and critical flag, as the guide example (nameConstraints) — and it constrains', async () => {
    const facts = { ...root.facts };
    const key = ecKey();
    const csr = await csrFor(key, { CommonName: 'Constrained CA' });
    const profile = unwrap(
      buildProfile(
        baseInput(template('SubordinateCACertificate_PathLen0_APIPassthrough'), csr, facts, {
          apiPassthrough: { Extensions: { CustomExtensions: [{ ObjectIdentifier: '2.5.29.30', Value: 'MBWgEzARgg8ucGVybWl0dGVkLnRlc3Q=', Critical: true }] } },
        }),
      ),
    );
    expect(ext(profile, '2.5.29.30')).toEqual({ oid: '2.5.29.30', critical: true, value: Buffer.from('MBWgEzARgg8ucGVybWl0dGVkLnRlc3Q=', 'base64') });
    const subDer = await sign(profile, root.key);
    expect(opensslExtensions(opensslText(dir, subDer))).toContain('Name Constraints: critical: Permitted: | DNS:.permitted.test');
    const sub: TestCa = { key, der: subDer, pem: '', facts: { ...facts, subjectDer: profile.subjectDer, publicKeySpki: key.spki, pathLength: 0, notAfter: profile.notAfter } };
    const leafFor = async (dns: string) =>
      sign(unwrap(buildProfile(baseInput(template('EndEntityServerAuthCertificate'), await csrFor(ecKey(), { Organization: 'Example Corp' }, [subjectAltNameExtension([{ DnsName: dns }])]), sub.facts))), sub.key);
    expect(opensslVerify(dir, root.der, await leafFor('www.permitted.test'), [subDer]).status).toBe(0);
    const outside = opensslVerify(dir, root.der, await leafFor('www.elsewhere.test'), [subDer]);
    expect(outside.status).not.toBe(0);
    expect(outside.output).toMatch(/permitted subtree violation/);
  });

  it('a non-critical CustomExtension with an arbitrary value is copied byte for byte', async () => {
    const value = customExtension({ oid: '1.3.6.1.4.1.99999.9', valueDer: der.utf8String('opaque') }).value;
    const { profile } = await issued('EndEntityCertificate_APIPassthrough', [], {
      apiPassthrough: { Extensions: { CustomExtensions: [{ ObjectIdentifier: '1.3.6.1.4.1.99999.9', Value: Buffer.from(value).toString('base64'), Critical: false }] } },
    });
    expect(ext(profile, '1.3.6.1.4.1.99999.9')).toEqual({ oid: '1.3.6.1.4.1.99999.9', critical: false, value: Buffer.from(value) });
  });
});

describe('subject and subject alternative name', () => {
  const EMPTY = encodeName({});

  it('an empty CSR subject with a SAN: the SAN is made critical (RFC 5280 §4.2.1.6) and OpenSSL accepts it strictly', async () => {
    const { cert, lines } = await issued('EndEntityCertificate', [subjectAltNameExtension([{ DnsName: 'only-san.example.com' }])], {}, EMPTY);
    expect(lines).toContain('Subject Alternative Name: critical: DNS:only-san.example.com');
    expect(opensslVerify(dir, root.der, cert).status).toBe(0);
  });

  it('neither subject nor SAN: MalformedCSRException', async () => {
    expect(await profileOf('EndEntityCertificate', [], {}, EMPTY)).toMatchObject({ ok: false, error: { rule: 'SUBJECT_OR_SAN_REQUIRED', code: 'MalformedCSRException' } });
  });

  it('an ApiPassthrough Subject replaces an empty CSR subject; the SAN then stays non-critical', async () => {
    const { text, lines } = await issued('EndEntityCertificate_APIPassthrough', [subjectAltNameExtension([{ DnsName: 'x.example.com' }], true)], { apiPassthrough: { Subject: { CommonName: 'from-api' } } }, EMPTY);
    expect(text).toContain('Subject: CN = from-api');
    expect(lines).toContain('Subject Alternative Name: DNS:x.example.com');
  });

  it('ApiPassthrough Subject with CustomAttributes (the guide example)', async () => {
    const { text } = await issued('BlankEndEntityCertificate_APIPassthrough', [], {
      apiPassthrough: {
        Subject: {
          CustomAttributes: [
            { ObjectIdentifier: '2.5.4.6', Value: 'US' },
            { ObjectIdentifier: '1.3.6.1.4.1.37244.1.1', Value: 'BCDABCDA12341234' },
            { ObjectIdentifier: '1.3.6.1.4.1.37244.1.5', Value: 'CDABCDAB12341234' },
          ],
        },
      },
    });
    expect(text).toContain('Subject: C = US, 1.3.6.1.4.1.37244.1.1 = BCDABCDA12341234, 1.3.6.1.4.1.37244.1.5 = CDABCDAB12341234');
  });

  it('an empty ApiPassthrough Subject is ignored: the CSR subject stays', async () => {
    const profile = unwrap(await profileOf('EndEntityCertificate_APIPassthrough', [], { apiPassthrough: { Subject: {} } }));
    expect(profile.subjectDer).toEqual(encodeName(SUBJECT));
    expect(profile.ignored).toEqual([{ source: 'ApiPassthrough', item: 'Subject', reason: 'EMPTY' }]);
  });
});

describe('path length', () => {
  it('a chain root -> PathLen1 -> PathLen0 -> end entity verifies strictly; deeper CAs are refused (InvalidArgsException)', async () => {
    const sub1 = await makeSubCa(root, 'SubordinateCACertificate_PathLen1', 'Sub CA 1', 1);
    const sub0 = await makeSubCa(sub1, 'SubordinateCACertificate_PathLen0', 'Sub CA 0', 0);
    const leafCsr = await csrFor(ecKey(), { CommonName: 'leaf.example.com' }, [subjectAltNameExtension([{ DnsName: 'leaf.example.com' }])]);
    const leaf = await sign(unwrap(buildProfile(baseInput(template('EndEntityServerAuthCertificate'), leafCsr, sub0.facts))), sub0.key);
    const verdict = opensslVerify(dir, root.der, leaf, [sub0.der, sub1.der]);
    expect(verdict.output).toMatch(/leaf\.pem: OK/);

    const subCsr = await csrFor(ecKey(), { CommonName: 'Too Deep' });
    for (const [ca, name] of [
      [sub1, 'SubordinateCACertificate_PathLen1'],
      [sub1, 'BlankSubordinateCACertificate_PathLen3_APIPassthrough'],
      [sub0, 'SubordinateCACertificate_PathLen0'],
    ] as const) {
      expect(buildProfile(baseInput(template(name), subCsr, ca.facts))).toMatchObject({ ok: false, error: { rule: 'PATH_LENGTH_EXCEEDS_CA', code: 'InvalidArgsException' } });
    }
    expect(buildProfile(baseInput(template('SubordinateCACertificate_PathLen0'), subCsr, sub1.facts)).ok).toBe(true);
  });

  it('a root template certifies only the CA’s own key', async () => {
    const other = await csrFor(ecKey(), { CommonName: 'Not The Root' });
    expect(buildProfile(baseInput(template('RootCACertificate'), other, { ...root.facts, notAfter: undefined }))).toMatchObject({
      ok: false,
      error: { rule: 'SELF_SIGNED_TEMPLATE_FOR_OTHER_KEY', code: 'InvalidArgsException' },
    });
  });
});

describe('validity through the profile', () => {
  it('END_DATE in UTCTime and GeneralizedTime land in the certificate as OpenSSL reads them', async () => {
    const ca = { ...root.facts, notAfter: new Date('2060-01-01T00:00:00Z') };
    const csr = await csrFor(ecKey(), SUBJECT);
    const text = async (Value: number) => opensslText(dir, await sign(unwrap(buildProfile(baseInput(template('EndEntityCertificate'), csr, ca, { validity: { Type: 'END_DATE', Value } }))), root.key));
    expect(await text(491231235959)).toMatch(/Not After : Dec 31 23:59:59 2049 GMT/);
    expect(await text(20500101000000)).toMatch(/Not After : Jan {2}1 00:00:00 2050 GMT/);
    expect(await text(20500101000000)).toMatch(/Not Before: Jan 15 11:00:00 2025 GMT/);
  });

  it('beyond the CA certificate: ValidationException', async () => {
    expect(await profileOf('EndEntityCertificate', [], { validity: { Type: 'YEARS', Value: 20 } })).toMatchObject({
      ok: false,
      error: { rule: 'VALIDITY_BEYOND_CA', code: 'ValidationException' },
    });
  });

  it('SHORT_LIVED_CERTIFICATE CA: 7 days issue, 8 do not; its own root certificate is not capped', async () => {
    const shortLived = { ...root.facts, usageMode: 'SHORT_LIVED_CERTIFICATE' as const };
    const csr = await csrFor(ecKey(), SUBJECT);
    expect(buildProfile(baseInput(template('EndEntityCertificate'), csr, shortLived, { validity: { Type: 'DAYS', Value: 7 } })).ok).toBe(true);
    expect(buildProfile(baseInput(template('EndEntityCertificate'), csr, shortLived, { validity: { Type: 'DAYS', Value: 8 } }))).toMatchObject({
      ok: false,
      error: { rule: 'VALIDITY_SHORT_LIVED_CAP', code: 'ValidationException' },
    });
    const own = await csrFor(root.key, { CommonName: 'Short Root' });
    const rootProfile = buildProfile(baseInput(template('RootCACertificate'), own, { ...shortLived, notAfter: undefined }, { validity: { Type: 'YEARS', Value: 10 } }));
    expect(rootProfile.ok).toBe(true);
  });

  it('notBefore and notAfter are whole seconds; notBefore defaults to now - 60 minutes', async () => {
    const profile = unwrap(await profileOf('EndEntityCertificate', [], { now: new Date(NOW.getTime() + 999) }));
    expect(profile.notBefore.toISOString()).toBe('2025-01-15T11:00:00.000Z');
    expect(profile.notAfter.toISOString()).toBe('2025-02-14T12:00:00.000Z');
  });
});
