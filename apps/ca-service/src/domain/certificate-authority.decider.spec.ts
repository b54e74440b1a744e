import { deciderSpec } from '@pki/testing';
import { decide, evolve, initialState, type CertificateAuthorityCommand } from './certificate-authority.decider';
import type { CreateCertificateAuthorityInput } from './certificate-authority.types';

const now = new Date('2026-11-22T10:00:00.000Z');
const arn = 'arn:aws:acm-pca:us-east-1:000000000000:certificate-authority/11111111-2222-3333-4444-555555555555';

function create(input: Partial<CreateCertificateAuthorityInput> = {}, config: Partial<CreateCertificateAuthorityInput['CertificateAuthorityConfiguration']> = {}): CertificateAuthorityCommand {
  return {
    type: 'CreateCertificateAuthority',
    certificateAuthorityId: '11111111-2222-3333-4444-555555555555',
    arn,
    ownerAccount: '000000000000',
    now,
    input: {
      CertificateAuthorityType: 'ROOT',
      CertificateAuthorityConfiguration: { KeyAlgorithm: 'EC_prime256v1', SigningAlgorithm: 'SHA256WITHECDSA', Subject: { CommonName: 'Root' }, ...config },
      ...input,
    },
  };
}

const { given, history } = deciderSpec({ decide, evolve, initialState });

describe('CertificateAuthority decider', () => {
  it('given no CA, when created, then CertificateAuthorityCreated with the documented defaults', () => {
    const events = given([]).when(create()).events();
    expect(events).toHaveLength(1);
    const [event] = events;
    expect(event!.type).toBe('CertificateAuthorityCreated');
    expect(event!.data).toMatchObject({
      arn,
      ownerAccount: '000000000000',
      type: 'ROOT',
      usageMode: 'GENERAL_PURPOSE',
      keyStorageSecurityStandard: 'FIPS_140_2_LEVEL_3_OR_HIGHER',
      revocationConfiguration: { CrlConfiguration: { Enabled: false }, OcspConfiguration: { Enabled: false } },
      createdAt: now.toISOString(),
      idempotencyToken: null,
    });
    expect(given(events).state.status).toBe('CREATING');
  });

  it('given an existing CA, when created again, then Conflict', () => {
    given(history(create())).when(create()).thenThrows({ kind: 'Conflict' });
  });

  it.each([
    ['EC_prime256v1', 'SHA256WITHRSA'],
    ['RSA_2048', 'SHA384WITHECDSA'],
  ] as const)('refuses key %s with signing algorithm %s (InvalidArgsException)', (KeyAlgorithm, SigningAlgorithm) => {
    given([]).when(create({}, { KeyAlgorithm, SigningAlgorithm })).thenThrows({ code: 'InvalidArgsException', message: expect.stringContaining(SigningAlgorithm) });
  });

  it.each([
    ['RSA_3072', 'SHA256WITHRSA'],
    ['RSA_3072', 'SHA512WITHRSA'],
    ['EC_secp521r1', 'SHA256WITHECDSA'],
    ['EC_secp521r1', 'SHA384WITHECDSA'],
    ['EC_secp521r1', 'SHA512WITHECDSA'],
  ] as const)('given no CA, when created with key %s and signing algorithm %s, then CertificateAuthorityCreated with them', (KeyAlgorithm, SigningAlgorithm) => {
    const [event] = given([]).when(create({}, { KeyAlgorithm, SigningAlgorithm })).events();
    expect(event).toMatchObject({ type: 'CertificateAuthorityCreated', data: { configuration: { KeyAlgorithm, SigningAlgorithm } } });
  });

  it.each([
    ['EC_secp521r1', 'SHA512WITHRSA'],
    ['RSA_3072', 'SHA256WITHECDSA'],
  ] as const)('refuses the larger key %s with signing algorithm %s of the other family', (KeyAlgorithm, SigningAlgorithm) => {
    given([])
      .when(create({}, { KeyAlgorithm, SigningAlgorithm }))
      .thenThrows({ code: 'InvalidArgsException', message: `The signing algorithm ${SigningAlgorithm} cannot be used with the key algorithm ${KeyAlgorithm}.` });
  });

  it.each([
    ['SM2', 'SM3WITHSM2', /^SM2 \(SM2\/SM3, .*China Regions only\) is not supported by this platform.*Use KeyAlgorithm RSA_2048, RSA_3072, RSA_4096, EC_prime256v1, EC_secp384r1, EC_secp521r1, ML_DSA_44, ML_DSA_65, ML_DSA_87\.$/],
    ['EC_prime256v1', 'SM3WITHSM2', /^SM3WITHSM2 .* is not supported by this platform.*Use SigningAlgorithm SHA256WITHECDSA/],
  ])('refuses the model values KeyAlgorithm %s / SigningAlgorithm %s it cannot do (InvalidArgsException, no event)', (KeyAlgorithm, SigningAlgorithm, message) => {
    given([]).when(create({}, { KeyAlgorithm, SigningAlgorithm } as never)).thenThrows({ kind: 'Malformed', code: 'InvalidArgsException', message });
  });

  it.each(['ML_DSA_44', 'ML_DSA_65', 'ML_DSA_87'] as const)('creates an %s CA that signs with its own parameter set (AWS: ML-DSA keys sign with ML-DSA of the same level)', (level) => {
    const [event] = given([]).when(create({}, { KeyAlgorithm: level, SigningAlgorithm: level })).events();
    expect(event).toMatchObject({ type: 'CertificateAuthorityCreated', data: { configuration: { KeyAlgorithm: level, SigningAlgorithm: level } } });
  });

  it.each([
    ['ML_DSA_65', 'ML_DSA_44'],
    ['ML_DSA_65', 'SHA256WITHECDSA'],
    ['ML_DSA_87', 'SHA512WITHRSA'],
    ['RSA_2048', 'ML_DSA_65'],
    ['EC_prime256v1', 'ML_DSA_44'],
  ] as const)('refuses KeyAlgorithm %s with SigningAlgorithm %s', (KeyAlgorithm, SigningAlgorithm) => {
    given([])
      .when(create({}, { KeyAlgorithm, SigningAlgorithm }))
      .thenThrows({ code: 'InvalidArgsException', message: `The signing algorithm ${SigningAlgorithm} cannot be used with the key algorithm ${KeyAlgorithm}.` });
  });

  it('records KeyStorageSecurityStandard CCPC_LEVEL_1_OR_HIGHER as declared, like the FIPS levels', () => {
    const [event] = given([]).when(create({ KeyStorageSecurityStandard: 'CCPC_LEVEL_1_OR_HIGHER' })).events();
    expect(event).toMatchObject({ type: 'CertificateAuthorityCreated', data: { keyStorageSecurityStandard: 'CCPC_LEVEL_1_OR_HIGHER' } });
  });

  it('refuses custom attributes mixed with standard ones', () => {
    given([]).when(create({}, { Subject: { CommonName: 'x', CustomAttributes: [{ ObjectIdentifier: '2.5.4.3', Value: 'y' }] } })).thenThrows({ code: 'InvalidArgsException' });
  });

  it('refuses an empty subject', () => {
    given([]).when(create({}, { Subject: {} })).thenThrows({ code: 'InvalidArgsException' });
  });

  it('refuses a disabled CRL configuration that carries other members', () => {
    given([])
      .when(create({ RevocationConfiguration: { CrlConfiguration: { Enabled: false, ExpirationInDays: 7 } } }))
      .thenThrows({ code: 'InvalidArgsException', message: expect.stringContaining('ExpirationInDays') });
  });

  it('refuses CNAMEs with a protocol prefix', () => {
    given([])
      .when(create({ RevocationConfiguration: { CrlConfiguration: { Enabled: true, S3BucketName: 'crls', CustomCname: 'http://crl.example.com' } } }))
      .thenThrows({ code: 'InvalidArgsException' });
    given([])
      .when(create({ RevocationConfiguration: { OcspConfiguration: { Enabled: true, OcspCustomCname: 'https://ocsp.example.com' } } }))
      .thenThrows({ code: 'InvalidArgsException' });
  });

  it('accepts CrlType COMPLETE (the default) and keeps it as given', () => {
    const CrlConfiguration = { Enabled: true, S3BucketName: 'crls', CrlType: 'COMPLETE' } as const;
    const [event] = given([]).when(create({ RevocationConfiguration: { CrlConfiguration } })).events();
    expect(event!.data).toMatchObject({ revocationConfiguration: { CrlConfiguration } });
  });

  it('accepts CrlType PARTITIONED with a CustomPath and keeps them as given', () => {
    const CrlConfiguration = { Enabled: true, S3BucketName: 'crls', CrlType: 'PARTITIONED', CustomPath: 'pki/crls' } as const;
    const [event] = given([]).when(create({ RevocationConfiguration: { CrlConfiguration } })).events();
    expect(event!.data).toMatchObject({ revocationConfiguration: { CrlConfiguration } });
  });

  it.each(['../crls', 'pki/./crls', 'pki/..'])('refuses the CustomPath %s, whose dot segments would name another key (InvalidArgsException)', (CustomPath) => {
    const input = { RevocationConfiguration: { CrlConfiguration: { Enabled: true, S3BucketName: 'crls', CustomPath } } };
    given([]).when(create(input)).thenThrows({ code: 'InvalidArgsException', message: expect.stringContaining('CustomPath') });
  });

  it('refuses a CustomPath on a configuration that disables CRLs (InvalidArgsException)', () => {
    given([]).when(create({ RevocationConfiguration: { CrlConfiguration: { Enabled: false, CustomPath: 'pki' } } })).thenThrows({ code: 'InvalidArgsException', message: expect.stringContaining('CustomPath') });
  });

  it('requires a bucket when CRLs are enabled', () => {
    given([]).when(create({ RevocationConfiguration: { CrlConfiguration: { Enabled: true } } })).thenThrows({ code: 'InvalidArgsException' });
  });

  it('refuses CsrExtensions that cannot be encoded into a CSR (InvalidArgsException, nothing written)', () => {
    given([])
      .when(create({}, { CsrExtensions: { SubjectInformationAccess: [{ AccessMethod: { AccessMethodType: 'CA_REPOSITORY' }, AccessLocation: { DnsName: 'bücher.example' } }] } }))
      .thenThrows({ code: 'InvalidArgsException', message: expect.stringContaining('certificate signing request') });
  });

  it('refuses tags with the reserved aws: prefix (InvalidTagException)', () => {
    given([]).when(create({ Tags: [{ Key: 'aws:owner', Value: 'x' }] })).thenThrows({ code: 'InvalidTagException' });
  });

  it('keeps the configuration, tags and token as given', () => {
    const [event] = given([])
      .when(create({ Tags: [{ Key: 'team', Value: 'pki' }, { Key: 'flag' }], IdempotencyToken: 'tok', UsageMode: 'SHORT_LIVED_CERTIFICATE', KeyStorageSecurityStandard: 'FIPS_140_2_LEVEL_2_OR_HIGHER' }))
      .events();
    if (event?.type !== 'CertificateAuthorityCreated') throw new Error('expected CertificateAuthorityCreated');
    expect(event.data.tags).toEqual([{ Key: 'team', Value: 'pki' }, { Key: 'flag', Value: null }]);
    expect(event.data.idempotencyToken).toBe('tok');
    expect(event.data.usageMode).toBe('SHORT_LIVED_CERTIFICATE');
    expect(event.data.keyStorageSecurityStandard).toBe('FIPS_140_2_LEVEL_2_OR_HIGHER');
  });
});
