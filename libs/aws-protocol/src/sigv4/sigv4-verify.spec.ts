import * as canonical from './sigv4-canonical';
import { canonicalRequest, sha256Hex, signatureHex, signingKey, stringToSign } from './sigv4-canonical';
import { SIGV4_MESSAGES } from './sigv4-messages';
import { ACCESS_KEY_ID, ACCOUNT_ID, SECRET, signer, toWire, type SdkRequest } from '../test/sigv4-signing.test-helpers';
import type { SigV4Options, SigV4Request } from './sigv4.types';
import { verifySigV4 } from './sigv4-verify';

const SIGNED_AT = new Date('2026-11-22T06:00:00Z');

const options = (overrides: Partial<SigV4Options> = {}): SigV4Options => ({
  region: 'us-east-1',
  credentials: (id) => (id === ACCESS_KEY_ID ? { secretAccessKey: SECRET, accountId: ACCOUNT_ID } : undefined),
  now: () => SIGNED_AT,
  allowedServices: ['acm-pca', 'iot', 'ds', 'execute-api', 's3'],
  ...overrides,
});

const jsonPost = (): SdkRequest => ({
  method: 'POST',
  protocol: 'https:',
  hostname: 'pki.example.test',
  path: '/',
  headers: {
    host: 'pki.example.test',
    'content-type': 'application/x-amz-json-1.1',
    'x-amz-target': 'ACMPrivateCA.DescribeCertificateAuthority',
  },
  body: JSON.stringify({ CertificateAuthorityArn: 'arn:aws:acm-pca:us-east-1:111122223333:certificate-authority/x' }),
});

const restGet = (): SdkRequest => ({
  method: 'GET',
  protocol: 'https:',
  hostname: 'pki.example.test',
  path: `/certificates-by-ca/${encodeURIComponent('ab/cd e+f*')}`,
  query: { pageSize: '10', marker: 'a b+c/=&', tag: ['z', 'a', ''], empty: '', 'we ird': 'ü' },
  headers: { host: 'pki.example.test' },
});

const sign = async (req: SdkRequest, service = 'acm-pca', extra: Parameters<typeof signer>[0] = { service }) =>
  toWire((await signer({ ...extra, service }).sign(req as never, { signingDate: SIGNED_AT })) as unknown as SdkRequest);

const expectFailure = (result: ReturnType<typeof verifySigV4>, code: string, message?: string | RegExp) => {
  expect(result.ok).toBe(false);
  if (result.ok) return;
  expect(result.status).toBe(403);
  expect(result.code).toBe(code);
  if (typeof message === 'string') expect(result.message).toBe(message);
  else if (message) expect(result.message).toMatch(message);
};

describe('verifySigV4 with requests signed by @smithy/signature-v4', () => {
  it('accepts an awsJson1_1 POST with X-Amz-Target', async () => {
    const wire = await sign(jsonPost());
    expect(wire.headers['x-amz-content-sha256']).toMatch(/^[0-9a-f]{64}$/);
    expect(verifySigV4(wire, options())).toEqual({ ok: true, accessKeyId: ACCESS_KEY_ID, accountId: ACCOUNT_ID, service: 'acm-pca', region: 'us-east-1' });
  });

  it('accepts a POST signed without x-amz-content-sha256 (body hash computed)', async () => {
    const wire = await sign(jsonPost(), 'ds', { service: 'ds', applyChecksum: false });
    expect(wire.headers['x-amz-content-sha256']).toBeUndefined();
    expect(verifySigV4(wire, options())).toMatchObject({ ok: true, service: 'ds' });
  });

  it('accepts a restJson1 GET with encoded path labels and repeated, empty and encoded query keys', async () => {
    const wire = await sign(restGet(), 'iot');
    expect(wire.path).toBe('/certificates-by-ca/ab%2Fcd%20e%2Bf*');
    expect(verifySigV4(wire, options())).toMatchObject({ ok: true, service: 'iot' });
  });

  it('accepts a presigned URL within X-Amz-Expires and refuses it afterwards', async () => {
    const presigned = (await signer({ service: 'execute-api' }).presign(restGet() as never, {
      signingDate: SIGNED_AT,
      expiresIn: 900,
    })) as unknown as SdkRequest;
    const wire = toWire(presigned);
    expect(wire.query).toContain('X-Amz-Signature=');
    expect(wire.headers.authorization).toBeUndefined();
    const later = (ms: number) => options({ now: () => new Date(SIGNED_AT.getTime() + ms) });
    expect(verifySigV4(wire, later(899_000))).toMatchObject({ ok: true, service: 'execute-api' });
    expectFailure(
      verifySigV4(wire, later(901_000)),
      'InvalidSignatureException',
      'Signature expired: 20261122T060000Z is now earlier than 20261122T060001Z (20261122T061501Z - 15 min.)',
    );
    const tampered = { ...wire, query: wire.query.replace('pageSize=10', 'pageSize=11') };
    expectFailure(verifySigV4(tampered, options()), 'InvalidSignatureException', SIGV4_MESSAGES.signatureMismatch);
  });

  it('refuses presigned URLs with an out-of-range X-Amz-Expires', async () => {
    const presigned = toWire((await signer({ service: 'iot' }).presign(restGet() as never, { signingDate: SIGNED_AT })) as never);
    const bad = { ...presigned, query: presigned.query.replace(/X-Amz-Expires=\d+/, 'X-Amz-Expires=604801') };
    expectFailure(verifySigV4(bad, options()), 'IncompleteSignatureException', /X-Amz-Expires/);
  });

  it('signs S3 paths without double encoding', async () => {
    const req: SdkRequest = { method: 'GET', protocol: 'https:', hostname: 'h', path: '/bucket/crl/a%2Fb.crl', headers: { host: 'h' } };
    const wire = await sign(req, 's3');
    expect(verifySigV4(wire, options())).toMatchObject({ ok: true, service: 's3' });
    // The same request signed as a non-S3 service would not verify as S3 and vice versa.
    const asIot = await sign(req, 'iot');
    expect(verifySigV4(asIot, options())).toMatchObject({ ok: true });
    expect(asIot.headers.authorization).not.toBe(wire.headers.authorization);
  });

  it('accepts UNSIGNED-PAYLOAD unless disabled', async () => {
    const req = jsonPost();
    req.headers['x-amz-content-sha256'] = 'UNSIGNED-PAYLOAD';
    const wire = await sign(req);
    expect(verifySigV4({ ...wire, body: Buffer.from('anything') }, options())).toMatchObject({ ok: true });
    expectFailure(verifySigV4(wire, options({ allowUnsignedPayload: false })), 'InvalidSignatureException', SIGV4_MESSAGES.unsignedPayloadRefused);
  });

  it('detects a tampered body', async () => {
    const wire = await sign(jsonPost());
    expectFailure(verifySigV4({ ...wire, body: Buffer.from('{}') }, options()), 'InvalidSignatureException', SIGV4_MESSAGES.contentHashMismatch);
    const noChecksum = await sign(jsonPost(), 'acm-pca', { service: 'acm-pca', applyChecksum: false });
    expectFailure(verifySigV4({ ...noChecksum, body: Buffer.from('{}') }, options()), 'InvalidSignatureException', SIGV4_MESSAGES.signatureMismatch);
  });

  it('detects a tampered signed header, path, query and method', async () => {
    const wire = await sign(jsonPost());
    const target = { ...wire, headers: { ...wire.headers, 'x-amz-target': 'ACMPrivateCA.DeleteCertificateAuthority' } };
    expectFailure(verifySigV4(target, options()), 'InvalidSignatureException', SIGV4_MESSAGES.signatureMismatch);
    expectFailure(verifySigV4({ ...wire, path: '/x' }, options()), 'InvalidSignatureException', SIGV4_MESSAGES.signatureMismatch);
    expectFailure(verifySigV4({ ...wire, query: 'a=1' }, options()), 'InvalidSignatureException', SIGV4_MESSAGES.signatureMismatch);
    expectFailure(verifySigV4({ ...wire, method: 'PUT' }, options()), 'InvalidSignatureException', SIGV4_MESSAGES.signatureMismatch);
    const get = await sign(restGet(), 'iot');
    const otherLabel = { ...get, path: get.path.replace('%2F', '/') };
    expectFailure(verifySigV4(otherLabel, options()), 'InvalidSignatureException', SIGV4_MESSAGES.signatureMismatch);
  });

  it('ignores unsigned headers', async () => {
    const wire = await sign(jsonPost());
    expect(verifySigV4({ ...wire, headers: { ...wire.headers, 'user-agent': 'other', 'x-forwarded-for': '1.2.3.4' } }, options())).toMatchObject({ ok: true });
  });

  it('refuses a wrong secret and an unknown access key', async () => {
    expectFailure(verifySigV4(await sign(jsonPost(), 'acm-pca', { service: 'acm-pca', secret: 'nope' }), options()), 'InvalidSignatureException', SIGV4_MESSAGES.signatureMismatch);
    expectFailure(
      verifySigV4(await sign(jsonPost(), 'acm-pca', { service: 'acm-pca', accessKeyId: 'AKIDUNKNOWN' }), options()),
      'UnrecognizedClientException',
      'The security token included in the request is invalid.',
    );
  });

  it('derives a signing key once per access key and scope, and again when the secret changes', async () => {
    const derive = jest.spyOn(canonical, 'signingKey');
    let secret = 'first-secret';
    const keyed = options({ credentials: (id) => (id === 'AKIDCACHED' ? { secretAccessKey: secret, accountId: ACCOUNT_ID } : undefined) });
    const first = await sign(jsonPost(), 'acm-pca', { service: 'acm-pca', accessKeyId: 'AKIDCACHED', secret });
    expect(verifySigV4(first, keyed)).toMatchObject({ ok: true });
    expect(verifySigV4(first, keyed)).toMatchObject({ ok: true });
    expect(derive).toHaveBeenCalledTimes(1);
    // Same access key, new secret: the key derived from the old one must not verify anything.
    secret = 'rotated-secret';
    expectFailure(verifySigV4(first, keyed), 'InvalidSignatureException', SIGV4_MESSAGES.signatureMismatch);
    expect(verifySigV4(await sign(jsonPost(), 'acm-pca', { service: 'acm-pca', accessKeyId: 'AKIDCACHED', secret }), keyed)).toMatchObject({ ok: true });
    expect(derive).toHaveBeenCalledTimes(2);
    derive.mockRestore();
  });

  it('refuses X-Amz-Date values that are no calendar time (month 13, day 31 of November, hour 24, year 0099)', async () => {
    const wire = await sign(jsonPost());
    for (const date of ['20261322T060000Z', '20261131T060000Z', '20261122T240000Z', '20261122T066000Z', '00991122T060000Z']) {
      expectFailure(verifySigV4({ ...wire, headers: { ...wire.headers, 'x-amz-date': date } }, options()), 'IncompleteSignatureException', /^Date must be in ISO-8601 'basic format'/);
    }
  });

  it('refuses a wrong region or service with AWS scope messages', async () => {
    const wrongRegion = await sign(jsonPost(), 'acm-pca', { service: 'acm-pca', region: 'eu-west-1' });
    expectFailure(verifySigV4(wrongRegion, options()), 'InvalidSignatureException', "Credential should be scoped to a valid region, not 'eu-west-1'. ");
    const wrongService = await sign(jsonPost(), 'kms');
    expectFailure(verifySigV4(wrongService, options({ allowedServices: ['acm-pca'] })), 'InvalidSignatureException', "Credential should be scoped to correct service: 'acm-pca'. ");
  });

  it('accepts every listed region, says which one the scope named, and refuses the others as AWS does', async () => {
    const regions = ['us-east-1', 'eu-west-1'];
    const eu = verifySigV4(await sign(jsonPost(), 'acm-pca', { service: 'acm-pca', region: 'eu-west-1' }), options({ regions }));
    expect(eu).toMatchObject({ ok: true, region: 'eu-west-1', accountId: ACCOUNT_ID });
    expect(verifySigV4(await sign(jsonPost()), options({ regions }))).toMatchObject({ ok: true, region: 'us-east-1' });
    const unlisted = await sign(jsonPost(), 'acm-pca', { service: 'acm-pca', region: 'ap-south-1' });
    expectFailure(verifySigV4(unlisted, options({ regions })), 'InvalidSignatureException', "Credential should be scoped to a valid region, not 'ap-south-1'. ");
  });

  it('refuses a credential scope whose date is not the request date', async () => {
    const wire = await sign(jsonPost());
    const auth = (wire.headers.authorization as string).replace('/20261122/', '/20261121/');
    expectFailure(
      verifySigV4({ ...wire, headers: { ...wire.headers, authorization: auth } }, options()),
      'InvalidSignatureException',
      "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20261121' != '20261122', from '20261122T060000Z'. ",
    );
  });

  it('refuses expired and future-dated signatures with AWS wording', async () => {
    const wire = await sign(jsonPost());
    expectFailure(
      verifySigV4(wire, options({ now: () => new Date('2026-11-22T06:10:00Z') })),
      'InvalidSignatureException',
      'Signature expired: 20261122T060000Z is now earlier than 20261122T060500Z (20261122T061000Z - 5 min.)',
    );
    expect(verifySigV4(wire, options({ now: () => new Date('2026-11-22T06:05:00Z') }))).toMatchObject({ ok: true });
    expectFailure(
      verifySigV4(wire, options({ now: () => new Date('2026-11-22T05:50:00Z') })),
      'InvalidSignatureException',
      'Signature not yet current: 20261122T060000Z is still later than 20261122T055500Z (20261122T055000Z + 5 min.)',
    );
  });

  it('answers MissingAuthenticationTokenException when no SigV4 credentials are present', () => {
    const bare: SigV4Request = { method: 'POST', path: '/', query: '', headers: { host: 'h' }, body: Buffer.alloc(0) };
    expectFailure(verifySigV4(bare, options()), 'MissingAuthenticationTokenException', 'Missing Authentication Token');
    expectFailure(verifySigV4({ ...bare, headers: { host: 'h', authorization: 'Basic dXNlcjpwdw==' } }, options()), 'MissingAuthenticationTokenException');
  });

  it('answers IncompleteSignatureException for missing parts, bad dates and malformed credentials', async () => {
    const bare: SigV4Request = { method: 'POST', path: '/', query: '', headers: { host: 'h', authorization: 'AWS4-HMAC-SHA256 Credential=a/b' }, body: Buffer.alloc(0) };
    expectFailure(
      verifySigV4(bare, options()),
      'IncompleteSignatureException',
      "Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. " +
        "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=AWS4-HMAC-SHA256 Credential=a/b",
    );
    expectFailure(
      verifySigV4({ ...bare, headers: { ...bare.headers, authorization: 'AWS4-HMAC-SHA512 Credential=a' } }, options()),
      'IncompleteSignatureException',
      "Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA512' (only AWS4-HMAC-SHA256 for now). ",
    );
    const wire = await sign(jsonPost());
    expectFailure(
      verifySigV4({ ...wire, headers: { ...wire.headers, 'x-amz-date': '2026-11-22' } }, options()),
      'IncompleteSignatureException',
      "Date must be in ISO-8601 'basic format'. Got '2026-11-22'. See http://en.wikipedia.org/wiki/ISO_8601",
    );
    const fourParts = (wire.headers.authorization as string).replace('/aws4_request', '');
    expectFailure(
      verifySigV4({ ...wire, headers: { ...wire.headers, authorization: fourParts } }, options()),
      'IncompleteSignatureException',
      /^Credential must have exactly 5 slash-delimited elements, e\.g\. keyid\/date\/region\/service\/term, got 'AKIDEXAMPLE\/20261122\/us-east-1\/acm-pca'$/,
    );
    expectFailure(
      verifySigV4({ ...bare, headers: { host: 'h' }, query: 'X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=20261122T060000Z' }, options()),
      'IncompleteSignatureException',
      "AWS query-string parameters must include 'X-Amz-Credential'. AWS query-string parameters must include 'X-Amz-Signature'. " +
        "AWS query-string parameters must include 'X-Amz-SignedHeaders'. Re-examine the query-string parameters.",
    );
  });

  it('requires host to be signed and refuses both auth forms at once', async () => {
    const wire = await sign(jsonPost());
    const auth = (wire.headers.authorization as string).replace('SignedHeaders=content-type;host;', 'SignedHeaders=content-type;');
    expectFailure(verifySigV4({ ...wire, headers: { ...wire.headers, authorization: auth } }, options()), 'InvalidSignatureException', SIGV4_MESSAGES.hostNotSigned);
    expectFailure(verifySigV4({ ...wire, query: 'X-Amz-Algorithm=AWS4-HMAC-SHA256' }, options()), 'InvalidSignatureException', SIGV4_MESSAGES.bothAuthForms);
  });

  it('refuses session tokens it did not issue and accepts ones it did', async () => {
    const wire = await sign(jsonPost(), 'acm-pca', { service: 'acm-pca', sessionToken: 'session-1' });
    expect(wire.headers['x-amz-security-token']).toBe('session-1');
    expectFailure(verifySigV4(wire, options()), 'UnrecognizedClientException', 'The security token included in the request is invalid.');
    const withSession = options({ credentials: () => ({ secretAccessKey: SECRET, accountId: ACCOUNT_ID, sessionToken: 'session-1' }) });
    expect(verifySigV4(wire, withSession)).toMatchObject({ ok: true });
    expectFailure(verifySigV4(await sign(jsonPost()), withSession), 'UnrecognizedClientException');
  });

  it('accepts a Date header instead of X-Amz-Date', () => {
    // The SDK always sends X-Amz-Date, so build a `Date`-dated request with the canonical
    // helpers (themselves checked against the SDK signer above).
    const body = Buffer.from('{}');
    const headers: Record<string, string> = { host: 'h', date: 'Sun, 22 Nov 2026 06:00:00 GMT', 'x-amz-target': 'ACMPrivateCA.ListTags' };
    const signed = ['date', 'host', 'x-amz-target'];
    const canonical = canonicalRequest({ method: 'POST', path: '/', query: '', headers, signedHeaders: signed, payloadHash: sha256Hex(body), service: 'acm-pca' });
    const scope = '20261122/us-east-1/acm-pca/aws4_request';
    const signature = signatureHex(signingKey(SECRET, '20261122', 'us-east-1', 'acm-pca'), stringToSign('20261122T060000Z', scope, canonical));
    headers.authorization = `AWS4-HMAC-SHA256 Credential=${ACCESS_KEY_ID}/${scope}, SignedHeaders=${signed.join(';')}, Signature=${signature}`;
    expect(verifySigV4({ method: 'POST', path: '/', query: '', headers, body }, options())).toMatchObject({ ok: true });
    expectFailure(verifySigV4({ method: 'POST', path: '/', query: '', headers: { ...headers, date: 'Sun, 22 Nov 2026 06:00:01 GMT' }, body }, options()), 'InvalidSignatureException');
  });
});

describe('verifySigV4 request naming', () => {
  it('accepts rawPath/rawQuery as well as path/query', async () => {
    const wire = await sign(restGet(), 'iot');
    const { path, query, ...rest } = wire;
    expect(verifySigV4({ ...rest, rawPath: path, rawQuery: query }, options())).toMatchObject({ ok: true });
  });
});
