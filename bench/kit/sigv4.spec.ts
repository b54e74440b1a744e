import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifySigV4 } from '@pki/aws-protocol';
import { AwsError, AwsJsonClient } from './aws-json-client';
import { amzDate, signRequest, signingKey } from './sigv4';

// AWS's published SigV4 test suite (aws-sig-v4-test-suite) and the "derive a signing key" example
// of the SigV4 documentation: the same credentials, scope and time throughout.
const EXAMPLE = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const SUITE_TIME = new Date('2015-08-30T12:36:00Z');
const SUITE_SCOPE = { region: 'us-east-1', service: 'service' };
const signatureOf = (authorization: string) => /Signature=([0-9a-f]{64})$/.exec(authorization)?.[1];

describe('lean SigV4 signer', () => {
  it('derives the documented signing keys', () => {
    expect(signingKey(EXAMPLE.secretAccessKey, '20120215', 'us-east-1', 'iam').toString('hex')).toBe('f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d');
    expect(signingKey(EXAMPLE.secretAccessKey, '20150830', 'us-east-1', 'iam').toString('hex')).toBe('c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9');
  });

  it('caches the derived key per (secret, date, region, service)', () => {
    const a = signingKey('s1', '20261207', 'us-east-1', 'acm-pca');
    expect(signingKey('s1', '20261207', 'us-east-1', 'acm-pca')).toBe(a);
    expect(signingKey('s2', '20261207', 'us-east-1', 'acm-pca')).not.toBe(a);
    expect(signingKey('s1', '20261208', 'us-east-1', 'acm-pca')).not.toBe(a);
    expect(signingKey('s1', '20261207', 'us-east-1', 'iot')).not.toEqual(a);
  });

  it('formats X-Amz-Date in ISO 8601 basic form', () => {
    expect(amzDate(new Date('2015-08-30T12:36:00.123Z'))).toBe('20150830T123600Z');
  });

  it('signs get-vanilla as the AWS test suite does', () => {
    const headers = signRequest({ method: 'GET', path: '/', headers: { Host: 'example.amazonaws.com' }, body: '' }, EXAMPLE, SUITE_SCOPE, SUITE_TIME);
    expect(headers['x-amz-date']).toBe('20150830T123600Z');
    expect(headers.authorization).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
    );
  });

  it('signs post-x-www-form-urlencoded and get-vanilla-query-order-key-case as the AWS test suite does', () => {
    const post = signRequest(
      { method: 'POST', path: '/', headers: { Host: 'example.amazonaws.com', 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'Param1=value1' },
      EXAMPLE,
      SUITE_SCOPE,
      SUITE_TIME,
    );
    expect(post.authorization).toContain('SignedHeaders=content-type;host;x-amz-date,');
    expect(signatureOf(post.authorization!)).toBe('ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a');
    const query = signRequest({ method: 'GET', path: '/', query: 'Param1=value1&Param2=value2', headers: { Host: 'example.amazonaws.com' }, body: '' }, EXAMPLE, SUITE_SCOPE, SUITE_TIME);
    expect(signatureOf(query.authorization!)).toBe('b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500');
  });

  it("is accepted by the gateway's verifier, and a changed body is not", () => {
    const now = new Date('2026-12-07T10:00:00Z');
    const body = JSON.stringify({ CertificateAuthorityArn: 'arn:aws:acm-pca:us-east-1:111122223333:certificate-authority/x' });
    const headers = signRequest(
      { method: 'POST', path: '/', headers: { host: '127.0.0.1:4566', 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'ACMPrivateCA.GetCertificate' }, body },
      EXAMPLE,
      { region: 'us-east-1', service: 'acm-pca' },
      now,
    );
    const options = {
      region: 'us-east-1',
      credentials: (id: string) => (id === EXAMPLE.accessKeyId ? { secretAccessKey: EXAMPLE.secretAccessKey, accountId: '111122223333' } : undefined),
      now: () => now,
      allowedServices: ['acm-pca'],
    };
    expect(verifySigV4({ method: 'POST', path: '/', query: '', headers, body: Buffer.from(body) }, options)).toMatchObject({ ok: true, accessKeyId: 'AKIDEXAMPLE' });
    expect(verifySigV4({ method: 'POST', path: '/', query: '', headers, body: Buffer.from(body + ' ') }, options)).toMatchObject({ ok: false, code: 'InvalidSignatureException' });
  });
});

describe('AwsJsonClient', () => {
  let server: Server;
  let endpoint: string;
  const seen: { target?: string; verified?: boolean }[] = [];

  beforeAll(async () => {
    server = createServer((req: IncomingMessage, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        const verdict = verifySigV4(
          { method: req.method!, path: '/', query: '', headers: req.headers as Record<string, string>, body },
          { region: 'us-east-1', credentials: () => ({ secretAccessKey: EXAMPLE.secretAccessKey, accountId: '111122223333' }), now: () => new Date(), allowedServices: ['acm-pca'] },
        );
        seen.push({ target: req.headers['x-amz-target'] as string, verified: verdict.ok });
        const input = JSON.parse(body.toString('utf8')) as { fail?: boolean };
        res.setHeader('content-type', 'application/x-amz-json-1.1');
        if (input.fail) {
          res.statusCode = 400;
          res.end(JSON.stringify({ __type: 'com.amazonaws.acmpca#RequestInProgressException', message: 'not yet' }));
        } else res.end(JSON.stringify({ Echo: input }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('sends signed AWS JSON 1.1 requests over keep-alive sockets and names errors after __type', async () => {
    const client = new AwsJsonClient(endpoint, { credentials: EXAMPLE, sockets: 2 });
    try {
      await expect(client.call('IssueCertificate', { a: 1 })).resolves.toEqual({ Echo: { a: 1 } });
      const failure = client.call('GetCertificate', { fail: true });
      await expect(failure).rejects.toBeInstanceOf(AwsError);
      await expect(failure).rejects.toMatchObject({ name: 'RequestInProgressException', status: 400 });
      expect(seen).toEqual([
        { target: 'ACMPrivateCA.IssueCertificate', verified: true },
        { target: 'ACMPrivateCA.GetCertificate', verified: true },
      ]);
      expect(client.requests).toBe(2);
    } finally {
      client.close();
    }
  });
});
