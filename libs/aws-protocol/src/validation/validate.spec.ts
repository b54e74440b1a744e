import { S, type Infer } from './shape.dsl';
import { checkTypes } from './type-check';
import { validate } from './validate';
import { validateRequest } from './validate-request';
import { validationMessage } from './validation-format';

const KEY_ALGORITHMS = ['RSA_2048', 'RSA_3072', 'RSA_4096', 'EC_prime256v1', 'EC_secp384r1', 'SM2'] as const;

const Tag = S.structure({
  Key: S.string({ required: true, min: 1, max: 128, pattern: '[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*' }),
  Value: S.string({ min: 0, max: 256 }),
});

const CreateCertificateAuthority = S.structure({
  CertificateAuthorityConfiguration: S.structure(
    {
      KeyAlgorithm: S.string({ required: true, enum: KEY_ALGORITHMS }),
      SigningAlgorithm: S.string({ required: true, enum: ['SHA256WITHRSA', 'SHA256WITHECDSA'] }),
      Subject: S.structure({}, { required: true }),
    },
    { required: true },
  ),
  CertificateAuthorityType: S.string({ required: true, enum: ['ROOT', 'SUBORDINATE'] }),
  IdempotencyToken: S.string({ min: 1, max: 36, pattern: '[\\u0009\\u000A\\u000D\\u0020-\\u00FF]*' }),
  Tags: S.list(Tag, { min: 1, max: 50 }),
  MaxResults: S.integer({ min: 1, max: 1000 }),
  Secret: S.string({ max: 4, sensitive: true }),
  Names: S.list(S.string({ min: 1, max: 3, pattern: '[a-z]+' })),
  Labels: S.map(S.string({ min: 1, max: 5 }), S.string({ max: 3 })),
  Csr: S.blob({ min: 1, max: 4 }),
  CreatedAt: S.timestamp(),
  Flag: S.boolean(),
});

const valid = {
  CertificateAuthorityConfiguration: { KeyAlgorithm: 'RSA_2048', SigningAlgorithm: 'SHA256WITHRSA', Subject: {} },
  CertificateAuthorityType: 'ROOT',
};

describe('validate (AWS ValidationException wording)', () => {
  it('accepts a valid input and ignores unknown members', () => {
    expect(validate(CreateCertificateAuthority, { ...valid, Unknown: 5, Tags: [{ Key: 'env', Value: 'prod' }], Csr: 'AQID' })).toEqual([]);
  });

  it('reports an enum violation with the value, lowerCamelCase path and value set', () => {
    const errors = validate(CreateCertificateAuthority, {
      ...valid,
      CertificateAuthorityConfiguration: { ...valid.CertificateAuthorityConfiguration, KeyAlgorithm: 'RSA_9999' },
    });
    expect(validationMessage(errors)).toBe(
      "1 validation error detected: Value 'RSA_9999' at 'certificateAuthorityConfiguration.keyAlgorithm' failed to satisfy constraint: " +
        'Member must satisfy enum value set: [RSA_2048, RSA_3072, RSA_4096, EC_prime256v1, EC_secp384r1, SM2]',
    );
  });

  it('aggregates required, length, pattern and range violations', () => {
    const errors = validate(CreateCertificateAuthority, {
      CertificateAuthorityType: 'ROOT',
      IdempotencyToken: 'x'.repeat(37),
      MaxResults: 0,
    });
    expect(validationMessage(errors)).toBe(
      '3 validation errors detected: ' +
        "Value null at 'certificateAuthorityConfiguration' failed to satisfy constraint: Member must not be null; " +
        `Value '${'x'.repeat(37)}' at 'idempotencyToken' failed to satisfy constraint: Member must have length less than or equal to 36; ` +
        "Value '0' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1",
    );
    expect(validate(CreateCertificateAuthority, { ...valid, MaxResults: 1001, IdempotencyToken: '' })).toEqual([
      "Value '' at 'idempotencyToken' failed to satisfy constraint: Member must have length greater than or equal to 1",
      "Value '1001' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 1000",
    ]);
  });

  it('matches patterns against the whole value', () => {
    expect(validate(CreateCertificateAuthority, { ...valid, IdempotencyToken: 'ok\u0100' })).toEqual([
      "Value 'ok\u0100' at 'idempotencyToken' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\u0009\\u000A\\u000D\\u0020-\\u00FF]*",
    ]);
  });

  it('walks lists of structures with 1-based member paths and counts list length', () => {
    expect(validate(CreateCertificateAuthority, { ...valid, Tags: [{ Key: 'a' }, { Value: 'v' }, null] })).toEqual([
      "Value null at 'tags.2.member.key' failed to satisfy constraint: Member must not be null",
      "Value null at 'tags.3.member' failed to satisfy constraint: Member must not be null",
    ]);
    expect(validate(CreateCertificateAuthority, { ...valid, Tags: [] })).toEqual([
      "Value '[]' at 'tags' failed to satisfy constraint: Member must have length greater than or equal to 1",
    ]);
  });

  it('reports simple list members and map entries as one constraint set', () => {
    expect(validate(CreateCertificateAuthority, { ...valid, Names: ['ab', 'ABCD'] })).toEqual([
      "Value '[ab, ABCD]' at 'names' failed to satisfy constraint: Member must satisfy constraint: " +
        '[Member must have length less than or equal to 3, Member must have length greater than or equal to 1, Member must satisfy regular expression pattern: [a-z]+]',
    ]);
    expect(validate(CreateCertificateAuthority, { ...valid, Labels: { toolong: 'v', k: 'long' } })).toEqual([
      "Value '{toolong=v, k=long}' at 'labels' failed to satisfy constraint: Map keys must satisfy constraint: " +
        '[Member must have length less than or equal to 5, Member must have length greater than or equal to 1]',
      "Value '{toolong=v, k=long}' at 'labels' failed to satisfy constraint: Map value must satisfy constraint: [Member must have length less than or equal to 3]",
    ]);
  });

  it('hides sensitive values and blobs, and measures blobs in bytes', () => {
    expect(validate(CreateCertificateAuthority, { ...valid, Secret: 'hunter22' })).toEqual([
      "Value at 'secret' failed to satisfy constraint: Member must have length less than or equal to 4",
    ]);
    expect(validate(CreateCertificateAuthority, { ...valid, Csr: Buffer.alloc(5).toString('base64') })).toEqual([
      "Value at 'csr' failed to satisfy constraint: Member must have length less than or equal to 4",
    ]);
  });

  it('counts string length in Unicode code points', () => {
    expect(validate(S.structure({ N: S.string({ max: 2 }) }), { N: '😀😀' })).toEqual([]);
    // A lone surrogate is one code point; a pair is one; a pair split by another unit is two.
    const exact = (value: string, n: number) => {
      const shape = S.structure({ N: S.string({ min: n, max: n }) });
      expect([[...value].length, validate(shape, { N: value })]).toEqual([n, []]);
      expect(validate(S.structure({ N: S.string({ max: n - 1 }) }), { N: value })).toHaveLength(1);
    };
    exact('a😀b', 3);
    exact('\ud83d', 1);
    exact('\ude00\ud83d', 2);
    exact('x\ud83d', 2);
    exact('\ud83dx\ude00', 3);
    exact('😀\ud83d😀', 3);
  });

  it('measures blobs as the bytes their padded base64 decodes to', () => {
    for (let n = 1; n <= 7; n++) {
      const csr = Buffer.alloc(n, 0xfb).toString('base64');
      expect(validate(S.structure({ Csr: S.blob({ min: n, max: n }) }), { Csr: csr })).toEqual([]);
      expect(validate(S.structure({ Csr: S.blob({ max: n - 1 }) }), { Csr: csr })).toHaveLength(1);
    }
  });
});

describe('checkTypes (SerializationException, no coercion)', () => {
  it.each([
    [{ ...valid, MaxResults: '5' }, 'STRING_VALUE can not be converted to an Integer'],
    [{ ...valid, MaxResults: 1.5 }, 'NUMBER_VALUE can not be converted to an Integer'],
    [{ ...valid, CertificateAuthorityType: 5 }, 'NUMBER_VALUE can not be converted to a String'],
    [{ ...valid, Flag: 'true' }, 'STRING_VALUE can not be converted to a Boolean'],
    [{ ...valid, CreatedAt: '2026-01-01' }, 'STRING_VALUE can not be converted to a Date'],
    [{ ...valid, CertificateAuthorityType: ['ROOT'] }, 'Start of list found where not expected'],
    [{ ...valid, CertificateAuthorityType: { a: 1 } }, 'Start of structure or map found where not expected.'],
    [{ ...valid, Tags: { Key: 'a' } }, 'Start of structure or map found where not expected.'],
    [{ ...valid, Tags: ['a'] }, 'STRING_VALUE can not be converted to a Structure'],
    [{ ...valid, Names: [true] }, 'TRUE_VALUE can not be converted to a String'],
    [{ ...valid, Csr: 'not base64!' }, "Value at 'csr' is not valid base64 (RFC 4648, padded)"],
    [[], 'Start of list found where not expected'],
    ['x', 'STRING_VALUE can not be converted to a Structure'],
    [null, 'Operation input must be a JSON object'],
  ])('%j -> %s', (input, message) => {
    expect(checkTypes(CreateCertificateAuthority, input)).toBe(message);
  });

  it('accepts correctly typed input, nulls included', () => {
    expect(checkTypes(CreateCertificateAuthority, { ...valid, MaxResults: 10, Csr: 'AQID', CreatedAt: 1.5, Flag: false, Tags: null })).toBeUndefined();
  });
});

describe('validateRequest', () => {
  it('answers SerializationException before ValidationException, and lets operations name their exception', () => {
    expect(validateRequest(CreateCertificateAuthority, { MaxResults: 'x' })).toEqual({
      ok: false,
      error: { code: 'SerializationException', message: 'STRING_VALUE can not be converted to an Integer', status: 400 },
    });
    const invalid = validateRequest(CreateCertificateAuthority, {}, { validationCode: 'InvalidArgsException' });
    expect(invalid.ok).toBe(false);
    if (!invalid.ok) {
      expect(invalid.error.code).toBe('InvalidArgsException');
      expect(invalid.error.message).toMatch(/^2 validation errors detected: Value null at 'certificateAuthorityConfiguration'/);
    }
  });

  it('returns the typed input when valid', () => {
    const result = validateRequest(CreateCertificateAuthority, valid);
    expect(result.ok).toBe(true);
    if (result.ok) {
      const value: Infer<typeof CreateCertificateAuthority> = result.value;
      const algorithm: (typeof KEY_ALGORITHMS)[number] = value.CertificateAuthorityConfiguration.KeyAlgorithm;
      expect(algorithm).toBe('RSA_2048');
    }
  });
});
