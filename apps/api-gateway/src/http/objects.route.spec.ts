import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import type { ObjectMeta, ObjectStorage, StoredObject } from '@pki/object-storage';
import type { GatewayRequest } from '../routing/http-types';
import { IOT_OPERATION_SPECS } from '../shapes/generated/iot';
import { ObjectsRoute, RESERVED_FIRST_SEGMENTS } from './objects.route';

/** The port's contract in memory: the route's authorization is what is under test here. */
class MemoryObjects implements ObjectStorage {
  readonly objects = new Map<string, StoredObject>();
  readonly reads: string[] = [];
  async put(bucket: string, key: string, body: Uint8Array, meta: ObjectMeta): Promise<void> {
    this.objects.set(`${bucket}/${key}`, { ...meta, body, lastModified: new Date('2026-11-22T10:00:00Z'), etag: '"0123456789abcdef0123456789abcdef"' });
  }
  async putStream(bucket: string, key: string, chunks: AsyncIterable<Uint8Array>, meta: ObjectMeta): Promise<number> {
    const parts: Uint8Array[] = [];
    for await (const chunk of chunks) parts.push(chunk);
    const body = Buffer.concat(parts);
    await this.put(bucket, key, body, meta);
    return body.length;
  }
  async get(bucket: string, key: string): Promise<StoredObject | undefined> {
    this.reads.push(`${bucket}/${key}`);
    return this.objects.get(`${bucket}/${key}`);
  }
}

const NOW = new Date('2026-11-22T12:00:00Z');
const KEYS = {
  AKIDA: { secretAccessKey: 'secret-a', accountId: '111111111111' },
  AKIDB: { secretAccessKey: 'secret-b', accountId: '222222222222' },
} as Record<string, { secretAccessKey: string; accountId: string }>;

async function signedGet(path: string, accessKeyId: string, options: { service?: string; secret?: string; method?: string } = {}): Promise<GatewayRequest> {
  const signer = new SignatureV4({
    service: options.service ?? 's3',
    region: 'us-east-1',
    credentials: { accessKeyId, secretAccessKey: options.secret ?? KEYS[accessKeyId]?.secretAccessKey ?? 'unknown' },
    sha256: Sha256,
    uriEscapePath: false,
  });
  const signed = await signer.sign(
    { method: options.method ?? 'GET', protocol: 'http:', hostname: 'localhost', port: 4566, path, query: {}, headers: { host: 'localhost:4566', 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } },
    { signingDate: NOW },
  );
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(signed.headers)) headers[name.toLowerCase()] = value;
  return { method: signed.method, rawPath: path, rawQuery: '', headers, body: Buffer.alloc(0) };
}

const unsigned = (path: string, method = 'GET', headers: Record<string, string> = {}): GatewayRequest => ({ method, rawPath: path, rawQuery: '', headers, body: Buffer.alloc(0) });
const text = (body: Uint8Array) => Buffer.from(body).toString('utf8');

describe('ObjectsRoute', () => {
  let objects: MemoryObjects;
  let route: ObjectsRoute;
  const der = new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x00]);

  beforeEach(async () => {
    objects = new MemoryObjects();
    route = new ObjectsRoute(objects, { region: 'us-east-1', now: () => NOW, credentials: (id) => KEYS[id] });
    await objects.put('crl-bucket', 'crl/0b9e.crl', der, { contentType: 'application/pkix-crl', acl: 'PUBLIC_READ', ownerAccount: '111111111111' });
    await objects.put('audit-bucket', 'audit-report/ca/r.json', new TextEncoder().encode('[]'), {
      contentType: 'application/json',
      acl: 'BUCKET_OWNER_FULL_CONTROL',
      ownerAccount: '111111111111',
    });
  });

  describe('which requests it takes', () => {
    it('takes GET and HEAD of /<bucket>/<key>', () => {
      expect(ObjectsRoute.matches('GET', '/crl-bucket/crl/x.crl')).toBe(true);
      expect(ObjectsRoute.matches('HEAD', '/b/k')).toBe(true);
    });
    it('leaves POST (awsJson1_1), bucket-only paths and the reserved IoT/OCSP/health segments alone', () => {
      expect(ObjectsRoute.matches('POST', '/crl-bucket/crl/x.crl')).toBe(false);
      expect(ObjectsRoute.matches('GET', '/')).toBe(false);
      expect(ObjectsRoute.matches('GET', '/crl-bucket')).toBe(false);
      expect(ObjectsRoute.matches('GET', '/crl-bucket/')).toBe(false);
      for (const segment of RESERVED_FIRST_SEGMENTS) expect(ObjectsRoute.matches('GET', `/${segment}/abc`)).toBe(false);
      expect(ObjectsRoute.matches('GET', '/CACertificate/abc')).toBe(false);
      expect(ObjectsRoute.matches('GET', '/health/live')).toBe(false);
    });
    it('reserves the first segment of every routed IoT GET operation, so none is taken for a bucket', () => {
      for (const [operation, spec] of Object.entries(IOT_OPERATION_SPECS)) {
        if (spec.method !== 'GET') continue;
        const first = spec.pattern.split('/')[1]!;
        expect([operation, RESERVED_FIRST_SEGMENTS.has(first.toLowerCase())]).toEqual([operation, true]);
      }
    });
  });

  it('serves a PUBLIC_READ object unsigned, with S3 headers', async () => {
    const response = await route.handle(unsigned('/crl-bucket/crl/0b9e.crl'), 'req-1');
    expect(response.status).toBe(200);
    expect(response.body).toEqual(der);
    expect(response.headers).toMatchObject({
      'Content-Type': 'application/pkix-crl',
      'Content-Length': '5',
      ETag: '"0123456789abcdef0123456789abcdef"',
      'Last-Modified': 'Sun, 22 Nov 2026 10:00:00 GMT',
      'Cache-Control': 'public, max-age=0, must-revalidate',
    });
  });

  it('answers HEAD with the headers and no body, and 304 for a matching If-None-Match', async () => {
    const head = await route.handle(unsigned('/crl-bucket/crl/0b9e.crl', 'HEAD'), 'req');
    expect(head.status).toBe(200);
    expect(head.headers['Content-Length']).toBe('5');
    expect(head.body).toHaveLength(0);
    const cached = await route.handle(unsigned('/crl-bucket/crl/0b9e.crl', 'GET', { 'if-none-match': '"0123456789abcdef0123456789abcdef"' }), 'req');
    expect(cached.status).toBe(304);
    expect(cached.body).toHaveLength(0);
  });

  it('refuses a private object to an unsigned request with S3 AccessDenied XML', async () => {
    const response = await route.handle(unsigned('/audit-bucket/audit-report/ca/r.json'), 'req-2');
    expect(response.status).toBe(403);
    expect(response.headers['Content-Type']).toBe('application/xml');
    expect(text(response.body)).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<Error><Code>AccessDenied<\/Code><Message>Access Denied: the object is private and the request is not signed\.<\/Message><Resource>\/audit-bucket\/audit-report\/ca\/r\.json<\/Resource><RequestId>req-2<\/RequestId><\/Error>$/);
  });

  it('serves a private object to a request signed (service s3) by the owning account', async () => {
    const response = await route.handle(await signedGet('/audit-bucket/audit-report/ca/r.json', 'AKIDA'), 'req');
    expect(response.status).toBe(200);
    expect(text(response.body)).toBe('[]');
    expect(response.headers['Cache-Control']).toBe('private, no-store');
  });

  it('refuses a private object to another account, a wrong secret, another service scope and an unknown key id', async () => {
    for (const request of [
      await signedGet('/audit-bucket/audit-report/ca/r.json', 'AKIDB'),
      await signedGet('/audit-bucket/audit-report/ca/r.json', 'AKIDA', { secret: 'wrong' }),
      await signedGet('/audit-bucket/audit-report/ca/r.json', 'AKIDA', { service: 'acm-pca' }),
      await signedGet('/audit-bucket/audit-report/ca/r.json', 'AKIDX'),
    ]) {
      const response = await route.handle(request, 'req');
      expect(response.status).toBe(403);
      expect(text(response.body)).toContain('<Code>AccessDenied</Code>');
    }
  });

  it('refuses a signature for another path (the path is signed as sent, not normalized)', async () => {
    const request = await signedGet('/audit-bucket/audit-report/ca/other.json', 'AKIDA');
    const response = await route.handle({ ...request, rawPath: '/audit-bucket/audit-report/ca/r.json' }, 'req');
    expect(response.status).toBe(403);
  });

  it('answers NoSuchKey for unknown keys, and never reads keys with traversal segments', async () => {
    const missing = await route.handle(unsigned('/crl-bucket/crl/unknown.crl'), 'req-3');
    expect(missing.status).toBe(404);
    expect(text(missing.body)).toContain('<Code>NoSuchKey</Code><Message>The specified key does not exist.</Message><Key>crl/unknown.crl</Key><RequestId>req-3</RequestId>');
    objects.reads.length = 0;
    for (const path of ['/crl-bucket/../audit-bucket/audit-report/ca/r.json', '/crl-bucket/crl/%2E%2E/%2E%2E/etc/passwd', '/crl-bucket//crl/0b9e.crl', '/crl-bucket/%2Fetc%2Fpasswd']) {
      const response = await route.handle(unsigned(path), 'req');
      expect(response.status).toBe(404);
    }
    expect(objects.reads).toEqual([]);
  });

  it('decodes the raw path exactly once', async () => {
    await objects.put('crl-bucket', 'a b/%41.crl', der, { contentType: 'application/pkix-crl', acl: 'PUBLIC_READ', ownerAccount: '111111111111' });
    expect((await route.handle(unsigned('/crl-bucket/a%20b/%2541.crl'), 'req')).status).toBe(200);
    expect((await route.handle(unsigned('/crl-bucket/a%20b/A.crl'), 'req')).status).toBe(404);
  });

  it('answers InvalidBucketName and InvalidURI for paths that name no bucket', async () => {
    const bad = await route.handle(unsigned('/Bad_Bucket/k'), 'req');
    expect(bad.status).toBe(400);
    expect(text(bad.body)).toContain('<Code>InvalidBucketName</Code>');
    const uri = await route.handle(unsigned('/bucket/%E0%A4%A'), 'req');
    expect(uri.status).toBe(400);
    expect(text(uri.body)).toContain('<Code>InvalidURI</Code>');
  });

  it('answers HEAD errors without a body', async () => {
    const response = await route.handle(unsigned('/audit-bucket/audit-report/ca/r.json', 'HEAD'), 'req');
    expect(response.status).toBe(403);
    expect(response.body).toHaveLength(0);
  });
});
