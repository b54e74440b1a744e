import { Agent, createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { MAX_REQUEST_BODY_BYTES } from '@pki/aws-protocol';
import type { CommandMessage, Reply } from '@pki/contracts';
import type { ObjectMeta, ObjectStorage, StoredObject } from '@pki/object-storage';
import type { PlatformConfig, ServiceClient } from '@pki/service-kit';
import { GatewayHandler } from './gateway.handler';

/**
 * Which route the gateway picks for each request shape, end to end through `handle`: the OCSP
 * and CRL CustomCname forms must take their unsigned requests and nothing the SigV4-signed AWS
 * JSON and IoT restJson1 protocols send. Services answer from a recording stand-in of the
 * ServiceClient port (the NATS side is exercised by the e2e suites).
 */

const NOW = new Date('2026-11-22T12:00:00Z');
const KEY = { accessKeyId: 'AKIDA', secretAccessKey: 'secret-a', accountId: '111111111111' };
const CA_ID = '0b9e2c44-7d1a-4c1e-9d55-6a3f1f0e8b21';
const OCSP_DER = Buffer.from([0x30, 0x05, 0xfb, 0xff, 0xfe, 0x3e, 0x00]);
const CONFIG: PlatformConfig = {
  nodeEnv: 'test',
  databaseUrl: 'postgres://unused',
  databasePoolSize: 1,
  natsUrl: 'nats://unused',
  natsServers: ['nats://unused'],
  natsPrefix: 'test',
  region: 'us-east-1',
  regions: ['us-east-1', 'eu-west-1'],
  accessKeys: [KEY],
  publicUrl: 'http://pki.example.test',
  httpHost: '127.0.0.1',
  httpPort: 4566,
  healthPort: 8080,
  requestTimeoutMs: 1000,
  publicEvents: { enabled: true, stream: 'T_PUBLIC_EVENTS', maxAgeMs: 3600_000 },
};

class MemoryObjects implements ObjectStorage {
  readonly objects = new Map<string, StoredObject>();
  async put(bucket: string, key: string, body: Uint8Array, meta: ObjectMeta): Promise<void> {
    this.objects.set(`${bucket}/${key}`, { ...meta, body, lastModified: NOW, etag: '"0123456789abcdef0123456789abcdef"' });
  }
  async putStream(bucket: string, key: string, chunks: AsyncIterable<Uint8Array>, meta: ObjectMeta): Promise<number> {
    const parts: Uint8Array[] = [];
    for await (const chunk of chunks) parts.push(chunk);
    const body = Buffer.concat(parts);
    await this.put(bucket, key, body, meta);
    return body.length;
  }
  async get(bucket: string, key: string): Promise<StoredObject | undefined> {
    return this.objects.get(`${bucket}/${key}`);
  }
}

interface Sent {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

async function send(handler: GatewayHandler, method: string, url: string, headers: Record<string, string>, body = Buffer.alloc(0)): Promise<Sent> {
  const req = Object.assign(Readable.from(body.length ? [body] : []), { method, url, headers: { ...headers, 'content-length': String(body.length) } });
  const sent: Sent = { status: 0, headers: {}, body: Buffer.alloc(0) };
  const res = {
    headersSent: false,
    set statusCode(status: number) {
      sent.status = status;
    },
    setHeader(name: string, value: string) {
      sent.headers[name.toLowerCase()] = value;
    },
    end(chunk?: Buffer) {
      sent.body = chunk ?? Buffer.alloc(0);
    },
  };
  await handler.handle(req as unknown as IncomingMessage, res as unknown as ServerResponse);
  return sent;
}

async function signed(service: string, method: string, path: string, headers: Record<string, string>, body = '', region = 'us-east-1'): Promise<Record<string, string>> {
  const signer = new SignatureV4({ service, region, credentials: KEY, sha256: Sha256, uriEscapePath: service !== 's3' });
  const request = await signer.sign({ method, protocol: 'http:', hostname: 'localhost', port: 4566, path, query: {}, headers: { host: 'localhost:4566', ...headers }, body }, { signingDate: NOW });
  return Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name.toLowerCase(), value]));
}

describe('GatewayHandler routing of the CustomCname forms', () => {
  let calls: Array<{ service: string; operation: string; input: unknown; region?: string }>;
  let replies: Record<string, Reply<unknown>>;
  let objects: MemoryObjects;
  let handler: GatewayHandler;
  const operations = () => calls.map((c) => `${c.service}:${c.operation}`);

  beforeEach(async () => {
    calls = [];
    replies = {
      OcspRequests: { ok: true, result: { responses: [{ responseBase64: Buffer.from('30030a0106', 'hex').toString('base64'), presigned: null }] } },
      CrlLocation: { ok: true, result: { location: { customCname: 'crl.example.test', bucket: 'crl-bucket', key: `crl/${CA_ID}.crl` } } },
    };
    const services = {
      request: async <T>(service: string, operation: string, message: CommandMessage): Promise<Reply<T>> => {
        calls.push({ service, operation, input: message.input, ...(message.caller.region ? { region: message.caller.region } : {}) });
        return (replies[operation] ?? { ok: true, result: {} }) as Reply<T>;
      },
    };
    objects = new MemoryObjects();
    await objects.put('crl-bucket', `crl/${CA_ID}.crl`, Buffer.from('CA CRL'), { contentType: 'application/pkix-crl', acl: 'PUBLIC_READ', ownerAccount: KEY.accountId });
    handler = new GatewayHandler(CONFIG, services as unknown as ServiceClient, () => NOW, objects);
  });

  it('SigV4-signed AWS JSON (POST / with X-Amz-Target) reaches its service, even with an OCSP content type', async () => {
    const body = '{}';
    for (const contentType of ['application/x-amz-json-1.1', 'application/ocsp-request']) {
      const headers = { 'content-type': contentType, 'x-amz-target': 'ACMPrivateCA.ListCertificateAuthorities' };
      const res = await send(handler, 'POST', '/', await signed('acm-pca', 'POST', '/', headers, body), Buffer.from(body));
      expect(res.status).toBe(200);
    }
    expect(operations()).toEqual(['ca:ListCertificateAuthorities', 'ca:ListCertificateAuthorities']);
  });

  it('passes the credential scope\'s region (one of PKI_REGIONS) to the service, and refuses an unlisted one as AWS does', async () => {
    const body = '{}';
    const headers = { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'ACMPrivateCA.ListCertificateAuthorities' };
    for (const region of ['us-east-1', 'eu-west-1']) {
      expect((await send(handler, 'POST', '/', await signed('acm-pca', 'POST', '/', headers, body, region), Buffer.from(body))).status).toBe(200);
    }
    expect(calls.map((c) => c.region)).toEqual(['us-east-1', 'eu-west-1']);
    const refused = await send(handler, 'POST', '/', await signed('acm-pca', 'POST', '/', headers, body, 'ap-south-1'), Buffer.from(body));
    expect(refused.status).toBe(403);
    expect(JSON.parse(refused.body.toString())).toMatchObject({ __type: 'InvalidSignatureException', message: expect.stringContaining("Credential should be scoped to a valid region, not 'ap-south-1'.") });
    expect(calls).toHaveLength(2);
  });

  it('SigV4-signed IoT requests reach iot-registry, also one whose path is base64 of a DER SEQUENCE', async () => {
    expect((await send(handler, 'GET', '/cacertificates', await signed('iot', 'GET', '/cacertificates', {}))).status).toBe(200);
    const id = 'ab'.repeat(32);
    expect((await send(handler, 'GET', `/certificates/${id}`, await signed('iot', 'GET', `/certificates/${id}`, {}))).status).toBe(200);
    const path = `/${encodeURIComponent(OCSP_DER.toString('base64'))}`;
    const res = await send(handler, 'GET', path, await signed('iot', 'GET', path, {}));
    expect(res.headers['content-type']).not.toBe('application/ocsp-response');
    expect(operations()).toEqual(['iot:ListCACertificates', 'iot:DescribeCertificate']);
  });

  it('unsigned OCSP at the root: POST / and GET /<url-encoded base64>', async () => {
    const post = await send(handler, 'POST', '/', { host: 'ocsp.example.test', 'content-type': 'application/ocsp-request' }, OCSP_DER);
    const get = await send(handler, 'GET', `/${encodeURIComponent(OCSP_DER.toString('base64'))}`, { host: 'ocsp.example.test' });
    for (const res of [post, get]) {
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('application/ocsp-response');
      expect(res.body.toString('hex')).toBe('30030a0106');
    }
    expect(calls).toEqual([
      { service: 'revocation', operation: 'OcspRequests', input: { requests: [{ requestBase64: OCSP_DER.toString('base64'), requestId: expect.any(String) }] } },
      { service: 'revocation', operation: 'OcspRequests', input: { requests: [{ requestBase64: OCSP_DER.toString('base64'), requestId: expect.any(String) }] } },
    ]);
  });

  it('an unsigned POST / that is not OCSP is still refused as an unsigned API call', async () => {
    const res = await send(handler, 'POST', '/', { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'ACMPrivateCA.ListCertificateAuthorities' }, Buffer.from('{}'));
    expect(res.status).toBe(403);
    expect(calls).toEqual([]);
  });

  it('GET /crl/<CA id>.crl on the CA CustomCname serves its CRL; HEAD too', async () => {
    const res = await send(handler, 'GET', `/crl/${CA_ID}.crl`, { host: 'CRL.example.test:4566' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/pkix-crl');
    expect(res.body.toString()).toBe('CA CRL');
    const head = await send(handler, 'HEAD', `/crl/${CA_ID}.crl`, { host: 'crl.example.test' });
    expect(head.status).toBe(200);
    expect(head.body).toHaveLength(0);
    expect(calls).toEqual([{ service: 'revocation', operation: 'CrlLocation', input: { customCname: 'crl.example.test', key: `crl/${CA_ID}.crl` } }]);
  });

  it('another Host gets the object route: bucket "crl" keeps working, the CA CRL is not served', async () => {
    expect((await send(handler, 'GET', `/crl/${CA_ID}.crl`, { host: 'pki.example.test' })).status).toBe(404);
    await objects.put('crl', `${CA_ID}.crl`, Buffer.from('bucket named crl'), { contentType: 'application/pkix-crl', acl: 'PUBLIC_READ', ownerAccount: KEY.accountId });
    const res = await send(handler, 'GET', `/crl/${CA_ID}.crl`, { host: 'pki.example.test' });
    expect(res.status).toBe(200);
    expect(res.body.toString()).toBe('bucket named crl');
  });

  it('a private CRL on the CustomCname is refused without naming its bucket; an unavailable lookup is a 503', async () => {
    await objects.put('crl-bucket', `crl/${CA_ID}.crl`, Buffer.from('CA CRL'), { contentType: 'application/pkix-crl', acl: 'BUCKET_OWNER_FULL_CONTROL', ownerAccount: KEY.accountId });
    const denied = await send(handler, 'GET', `/crl/${CA_ID}.crl`, { host: 'crl.example.test' });
    expect(denied.status).toBe(403);
    expect(denied.body.toString()).toContain(`<Resource>/crl/${CA_ID}.crl</Resource>`);
    expect(denied.body.toString()).not.toContain('crl-bucket');

    const other = '1c9e2c44-7d1a-4c1e-9d55-6a3f1f0e8b21';
    replies.CrlLocation = { ok: false, error: { kind: 'Unavailable', message: 'down' } };
    const unavailable = await send(handler, 'GET', `/crl/${other}.crl`, { host: 'crl.example.test' });
    expect(unavailable.status).toBe(503);
    expect(unavailable.body.toString()).toContain('<Code>ServiceUnavailable</Code>');
  });
});

/**
 * A body over the 3 MB limit, sent over a real socket to the gateway's node:http listener: the
 * client must read the 413 (RequestEntityTooLargeException) rather than fail writing (EPIPE,
 * ECONNRESET) because the answer went out and the socket closed while it was still sending; and a
 * body of reasonable excess is drained, so the keep-alive connection serves the next request.
 * No service is called. Services are a recording stand-in (nothing here reaches NATS).
 */

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
  readonly reusedSocket: boolean;
}

function post(port: number, agent: Agent, body: Buffer): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, method: 'POST', path: '/', agent, headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'ACMPrivateCA.ListCertificateAuthorities', 'content-length': String(body.length) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8'), reusedSocket: req.reusedSocket }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('gateway: a request body over the limit', () => {
  let server: Server;
  let port: number;
  const calls: string[] = [];

  beforeAll(async () => {
    const services = { request: async (_s: string, operation: string) => (calls.push(operation), { ok: true, result: {} }) };
    const handler = new GatewayHandler(CONFIG, services as unknown as ServiceClient, () => new Date());
    server = createServer(handler.listener((_req, res) => res.writeHead(404).end()));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('answers 413 RequestEntityTooLargeException to a client still sending, and keeps the connection for the next request', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const big = Buffer.alloc(MAX_REQUEST_BODY_BYTES + 10, 0x61);
      const first = await post(port, agent, big);
      expect(first.status).toBe(413);
      expect(JSON.parse(first.body).__type).toBe('RequestEntityTooLargeException');
      expect(first.headers.connection).not.toBe('close');
      // Drained: the same socket carries the next request (unsigned, so refused by SigV4 with 403, but answered).
      const second = await post(port, agent, Buffer.from('{}'));
      expect(second.reusedSocket).toBe(true);
      expect(second.status).toBe(403);
      expect(calls).toEqual([]);
    } finally {
      agent.destroy();
    }
  });

  it('answers at once and closes the connection when the declared length is far beyond the limit', async () => {
    const socket = connect(port, '127.0.0.1');
    const text = await new Promise<string>((resolve, reject) => {
      let received = '';
      socket.on('data', (c: Buffer) => (received += c.toString('latin1')));
      socket.on('end', () => resolve(received));
      socket.on('error', reject);
      socket.write(`POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-amz-json-1.1\r\nContent-Length: ${100 * MAX_REQUEST_BODY_BYTES}\r\n\r\n{"pad":"`);
    });
    socket.destroy();
    expect(text).toMatch(/^HTTP\/1\.1 413 /);
    expect(text.toLowerCase()).toContain('connection: close');
    expect(text).toContain('RequestEntityTooLargeException');
  });
});
