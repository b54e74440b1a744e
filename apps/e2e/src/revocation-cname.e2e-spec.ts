/**
 * CRLs and OCSP at a CA's custom CNAMEs end to end: a CA whose CrlConfiguration.CustomCname and
 * OcspConfiguration.OcspCustomCname are set issues certificates naming
 * `http://<CustomCname>/crl/<CA id>.crl` and `http://<OcspCustomCname>/`; a platform team points
 * those names at the gateway, which these tests stand for by sending the gateway's address with
 * the CNAME in the Host header (node:http for the CRL and OCSP GET, `openssl ocsp -header Host=`).
 * OpenSSL is the relying party.
 */
import { request as httpRequest } from 'node:http';
import { RevokeCertificateCommand } from '@aws-sdk/client-acm-pca';
import { waitFor } from '@pki/testing';
import { pcaClient } from './fixtures/acm-pca';
import { OpensslDir } from './fixtures/openssl';
import { crlEntry, crlUrlIn, ocspArgs, rootWithLeaves, waitForCrlListing } from './fixtures/revocation';
import { softwareKeysEnv, startStack, type RunningStack } from './stack';

const PUBLIC_URL = 'http://pki.revocation-cname-e2e.test';
const BUCKET = 'e2e-cname-crls';
const CRL_CNAME = 'crl.example.test';
const OCSP_CNAME = 'ocsp.example.test';

interface RawResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Buffer;
}

/** An unsigned request to the gateway's address, with `host` as the Host header (what DNS pointing the CNAME at the gateway amounts to). */
function viaHost(endpoint: string, host: string, path: string, options: { method?: string; headers?: Record<string, string>; body?: Buffer } = {}): Promise<RawResponse> {
  const url = new URL(endpoint);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, path, method: options.method ?? 'GET', headers: { ...options.headers, Host: host } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

describe('CRL and OCSP at custom CNAMEs (CrlConfiguration.CustomCname, OcspConfiguration.OcspCustomCname)', () => {
  let stack: RunningStack;
  let pki: OpensslDir;
  let rootArn: string;
  let caId: string;
  const client = () => pcaClient(stack.endpoint);
  /** `openssl ocsp` against the gateway's root with the OCSP CNAME as Host, as a relying party reading the AIA would send it. */
  const ocsp = (...args: string[]) => pki.run(...ocspArgs(`${stack.endpoint}/`, '-header', `Host=${OCSP_CNAME}`, ...args));

  beforeAll(async () => {
    stack = await startStack({ ...softwareKeysEnv(), PKI_PUBLIC_URL: PUBLIC_URL, PKI_CRL_DELAY_MS: '1000', PKI_CRL_POLL_MS: '200' });
    pki = new OpensslDir('revocation-cname-e2e');
    rootArn = await rootWithLeaves(
      client(),
      pki,
      {
        subject: { Country: 'US', Organization: 'Example Corp', CommonName: 'CNAME E2E Root' },
        revocation: {
          CrlConfiguration: { Enabled: true, S3BucketName: BUCKET, CustomCname: CRL_CNAME, ExpirationInDays: 7 },
          OcspConfiguration: { Enabled: true, OcspCustomCname: OCSP_CNAME },
        },
      },
      ['revoked', 'sibling'],
    );
    caId = rootArn.split('/').pop()!;
  }, 240_000);
  afterAll(async () => {
    pki?.remove();
    await stack?.stop();
  });

  it('the certificates name http://<CustomCname>/crl/<CA id>.crl and http://<OcspCustomCname>/', () => {
    const text = pki.text('revoked.pem');
    expect(text).toContain(`URI:http://${CRL_CNAME}/crl/${caId}.crl`);
    expect(text).toContain(`OCSP - URI:http://${OCSP_CNAME}/`);
    expect(text).not.toContain(PUBLIC_URL);
  });

  it('OCSP at the CNAME root: openssl POST answers good and unknown; GET /<url-encoded base64> answers good, cacheable', async () => {
    await waitFor(async () => /sibling.pem: good/.test(ocsp('-cert', 'sibling.pem')), { timeoutMs: 30_000, what: 'OCSP at the root to answer good' });
    const good = ocsp('-cert', 'sibling.pem');
    expect(good).toMatch(/Response verify OK/);
    expect(ocsp('-serial', '0x1234567890abcdef')).toMatch(/0x1234567890abcdef: unknown/);

    pki.run('ocsp', '-issuer', 'root.pem', '-cert', 'sibling.pem', '-no_nonce', '-reqout', 'get.req');
    const res = await viaHost(stack.endpoint, OCSP_CNAME, `/${encodeURIComponent(pki.bytes('get.req').toString('base64'))}`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/ocsp-response');
    expect(res.headers['cache-control']).toMatch(/max-age=\d+/);
    pki.write('get.resp', res.body);
    expect(pki.run('ocsp', '-respin', 'get.resp', '-issuer', 'root.pem', '-CAfile', 'root.pem', '-cert', 'sibling.pem', '-no_nonce')).toMatch(/sibling.pem: good/);

    const garbage = await viaHost(stack.endpoint, OCSP_CNAME, '/', { method: 'POST', headers: { 'Content-Type': 'application/ocsp-request' }, body: Buffer.from('garbage') });
    expect(garbage.status).toBe(200);
    expect(garbage.body.toString('hex')).toBe('30030a0101');
  }, 90_000);

  it('revoke -> the CRL at http://<CustomCname>/crl/<CA id>.crl verifies and lists it; OCSP at the CNAME answers revoked; another Host gets no CRL', async () => {
    const serial = pki.serial('revoked.pem');
    await client().send(new RevokeCertificateCommand({ CertificateAuthorityArn: rootArn, CertificateSerial: serial, RevocationReason: 'KEY_COMPROMISE' }));

    const url = new URL(crlUrlIn(pki.text('revoked.pem')));
    expect(url.host).toBe(CRL_CNAME);
    const { text, crl } = await waitForCrlListing(
      pki,
      serial,
      async () => {
        const res = await viaHost(stack.endpoint, url.host, url.pathname);
        if (res.status !== 200) return undefined;
        expect(res.headers['content-type']).toBe('application/pkix-crl');
        return res.body;
      },
      'the CRL at the CustomCname listing the revoked certificate',
    );
    expect(text).toMatch(/verify OK/);
    expect(text).toMatch(crlEntry(serial));
    expect(pki.exec('verify', '-crl_check', '-CAfile', 'root.pem', '-CRLfile', 'root.crl.pem', 'revoked.pem').output).toMatch(/certificate revoked/);
    expect(pki.run('verify', '-crl_check', '-CAfile', 'root.pem', '-CRLfile', 'root.crl.pem', 'sibling.pem')).toMatch(/sibling.pem: OK/);

    // The same object, path style in the bucket; the Host comparison ignores case and port.
    const pathStyle = await fetch(`${stack.endpoint}/${BUCKET}/crl/${caId}.crl`);
    expect(Buffer.from(await pathStyle.arrayBuffer())).toEqual(crl);
    expect((await viaHost(stack.endpoint, `${CRL_CNAME.toUpperCase()}:80`, url.pathname)).body).toEqual(crl);

    // Any other Host (the gateway's own address, the OCSP name, a look-alike) is the object route: key <id>.crl of a bucket "crl".
    for (const host of [new URL(stack.endpoint).host, OCSP_CNAME, `${CRL_CNAME}.evil.test`]) {
      const other = await viaHost(stack.endpoint, host, url.pathname);
      expect(other.status).toBe(404);
      expect(other.body.toString()).toContain('<Code>NoSuchKey</Code>');
      expect(other.body.toString()).not.toContain(BUCKET);
    }

    await waitFor(async () => /revoked.pem: revoked/.test(ocsp('-cert', 'revoked.pem')), { timeoutMs: 30_000, what: 'OCSP at the root to answer revoked' });
    const revoked = ocsp('-cert', 'revoked.pem');
    expect(revoked).toMatch(/Response verify OK/);
    expect(revoked).toMatch(/revoked.pem: revoked[\s\S]*Reason: keyCompromise/);
    expect(ocsp('-cert', 'sibling.pem')).toMatch(/sibling.pem: good/);
  }, 120_000);
});
