import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { FilesystemObjectStorage, S3ObjectStorage } from '@pki/object-storage';
import { ACCOUNT_A, ACCOUNT_B, startStack, type RunningStack } from './stack';
import { signedJsonRequest, signedS3Get, type Credentials } from './signed-fetch';

/** A raw GET whose path is sent exactly as given (fetch would normalize `..`). */
function rawGet(endpoint: string, rawPath: string): Promise<{ status: number; body: string }> {
  const url = new URL(endpoint);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, path: rawPath, method: 'GET' }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('object route: GET /<bucket>/<key> through the gateway', () => {
  let stack: RunningStack;
  let dir: string;
  let objects: FilesystemObjectStorage;
  const crl = new Uint8Array([0x30, 0x82, 0x01, 0x00, 0xff, 0x00]);
  const report = new TextEncoder().encode('[{"awsAccountId":"111111111111"}]');

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'pki-e2e-objects-'));
    stack = await startStack({ PKI_OBJECT_STORE_DIR: dir });
    // Written through the port into the directory the stack serves (as ca-service writes reports).
    objects = new FilesystemObjectStorage(dir);
    await objects.put('crl-bucket', 'crl/5f1c2a3e.crl', crl, { contentType: 'application/pkix-crl', acl: 'PUBLIC_READ', ownerAccount: ACCOUNT_A.accountId });
    await objects.put('audit-bucket', 'audit-report/ca/report.json', report, { contentType: 'application/json', acl: 'BUCKET_OWNER_FULL_CONTROL', ownerAccount: ACCOUNT_A.accountId });
  });
  afterAll(async () => {
    await stack?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('serves a public CRL to a plain unsigned fetch, with S3 headers', async () => {
    const response = await fetch(`${stack.endpoint}/crl-bucket/crl/5f1c2a3e.crl`);
    expect(response.status).toBe(200);
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(crl);
    expect(response.headers.get('content-type')).toBe('application/pkix-crl');
    expect(response.headers.get('content-length')).toBe(String(crl.length));
    expect(response.headers.get('etag')).toBe(`"${createHash('md5').update(crl).digest('hex')}"`);
    expect(new Date(response.headers.get('last-modified')!).getTime()).toBeGreaterThan(Date.now() - 120_000);
    expect(response.headers.get('cache-control')).toBe('public, max-age=0, must-revalidate');
    const head = await fetch(`${stack.endpoint}/crl-bucket/crl/5f1c2a3e.crl`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(crl.length));
  });

  it('refuses a private audit report unsigned and to another account, serves it signed by the owner', async () => {
    const unsigned = await fetch(`${stack.endpoint}/audit-bucket/audit-report/ca/report.json`);
    expect(unsigned.status).toBe(403);
    expect(unsigned.headers.get('content-type')).toBe('application/xml');
    expect(await unsigned.text()).toMatch(/<Error><Code>AccessDenied<\/Code><Message>[^<]+<\/Message><Resource>[^<]+<\/Resource><RequestId>[0-9a-f-]{36}<\/RequestId><\/Error>$/);

    const other = await signedS3Get(stack.endpoint, '/audit-bucket/audit-report/ca/report.json', ACCOUNT_B);
    expect(other.status).toBe(403);
    expect(await other.text()).toContain('<Code>AccessDenied</Code>');

    const owner = await signedS3Get(stack.endpoint, '/audit-bucket/audit-report/ca/report.json', ACCOUNT_A);
    expect(owner.status).toBe(200);
    expect(new Uint8Array(await owner.arrayBuffer())).toEqual(report);
    expect(owner.headers.get('cache-control')).toBe('private, no-store');
  });

  it('speaks enough S3 for @aws-sdk/client-s3 (the S3 adapter) to read through it', async () => {
    const s3 = (credentials: Credentials) =>
      new S3ObjectStorage(new S3Client({ endpoint: stack.endpoint, forcePathStyle: true, region: 'us-east-1', credentials, maxAttempts: 1 }));
    const read = await s3(ACCOUNT_A).get('audit-bucket', 'audit-report/ca/report.json');
    expect(read).toMatchObject({ body: report, contentType: 'application/json', acl: 'BUCKET_OWNER_FULL_CONTROL', ownerAccount: ACCOUNT_A.accountId });
    expect(read!.etag).toBe(`"${createHash('md5').update(report).digest('hex')}"`);
    expect(await s3(ACCOUNT_A).get('audit-bucket', 'audit-report/ca/missing.json')).toBeUndefined();
    await expect(s3(ACCOUNT_B).get('audit-bucket', 'audit-report/ca/report.json')).rejects.toMatchObject({ name: 'AccessDenied' });
  });

  it('answers NoSuchKey for unknown keys and never escapes the bucket', async () => {
    const missing = await fetch(`${stack.endpoint}/crl-bucket/crl/unknown.crl`);
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain('<Code>NoSuchKey</Code>');
    for (const rawPath of ['/crl-bucket/../audit-bucket/audit-report/ca/report.json', '/crl-bucket/%2e%2e/%2e%2e/%2e%2e/etc/passwd', '/audit-bucket/audit-report/ca/../ca/report.json']) {
      expect((await rawGet(stack.endpoint, rawPath)).status).toBe(404);
    }
  });

  it('leaves the awsJson1_1 routes and the reserved IoT paths to their protocols', async () => {
    const listed = await signedJsonRequest(stack.endpoint, 'ACMPrivateCA.ListCertificateAuthorities', '{}', ACCOUNT_A);
    expect(listed.status).toBe(200);
    const iot = await fetch(`${stack.endpoint}/cacertificates/abc`);
    expect(iot.status).toBe(403); // unsigned: refused by SigV4 as a protocol request, not looked up as an object
    expect(iot.headers.get('content-type')).not.toBe('application/xml');
  });
});
