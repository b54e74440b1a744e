/**
 * CRLs and OCSP at a CA's custom CNAMEs end to end: a CA whose CrlConfiguration.CustomCname and
 * OcspConfiguration.OcspCustomCname are set issues certificates naming
 * `http://<CustomCname>/crl/<CA id>.crl` and `http://<OcspCustomCname>/`; a platform team points
 * those names at the gateway, which these tests stand for by sending the gateway's address with
 * the CNAME in the Host header (node:http for the CRL and OCSP GET, `openssl ocsp -header Host=`).
 * OpenSSL is the relying party.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ACMPCAClient,
  CreateCertificateAuthorityCommand,
  GetCertificateAuthorityCsrCommand,
  GetCertificateCommand,
  ImportCertificateAuthorityCertificateCommand,
  IssueCertificateCommand,
  RevokeCertificateCommand,
  waitUntilCertificateAuthorityCSRCreated,
  waitUntilCertificateIssued,
  type IssueCertificateCommandInput,
} from '@aws-sdk/client-acm-pca';
import { waitFor } from '@pki/testing';
import { ACCOUNT_A, startStack, type RunningStack } from './stack';

const PUBLIC_URL = 'http://pki.revocation-cname-e2e.test';
const BUCKET = 'e2e-cname-crls';
const CRL_CNAME = 'crl.example.test';
const OCSP_CNAME = 'ocsp.example.test';

class OpensslDir {
  readonly path = mkdtempSync(join(tmpdir(), 'revocation-cname-e2e-'));
  write(name: string, content: string | Uint8Array): void {
    writeFileSync(join(this.path, name), content);
  }
  read(name: string): Buffer {
    return readFileSync(join(this.path, name));
  }
  exec(...args: string[]): { status: number | null; output: string } {
    const r = spawnSync('openssl', args, { cwd: this.path, encoding: 'utf8', timeout: 60_000 });
    return { status: r.status, output: `${r.stdout}\n${r.stderr}` };
  }
  run(...args: string[]): string {
    const r = this.exec(...args);
    if (r.status !== 0) throw new Error(`openssl ${args.join(' ')} failed: ${r.output}`);
    return r.output;
  }
  remove(): void {
    rmSync(this.path, { recursive: true, force: true });
  }
}

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

const template = (name: string) => `arn:aws:acm-pca:::template/${name}/V1`;
const bytes = (text: string) => new TextEncoder().encode(text);

describe('CRL and OCSP at custom CNAMEs (CrlConfiguration.CustomCname, OcspConfiguration.OcspCustomCname)', () => {
  let stack: RunningStack;
  let pki: OpensslDir;
  let rootArn: string;
  let caId: string;
  const client = () => new ACMPCAClient({ endpoint: stack.endpoint, region: 'us-east-1', credentials: ACCOUNT_A, maxAttempts: 1 });
  const issue = async (input: IssueCertificateCommandInput) => {
    const pca = client();
    const { CertificateArn } = await pca.send(new IssueCertificateCommand(input));
    await waitUntilCertificateIssued({ client: pca, maxWaitTime: 60, minDelay: 1, maxDelay: 2 }, { CertificateAuthorityArn: input.CertificateAuthorityArn, CertificateArn });
    return (await pca.send(new GetCertificateCommand({ CertificateAuthorityArn: input.CertificateAuthorityArn, CertificateArn }))).Certificate!;
  };
  const serialOf = (name: string) => /serial=([0-9A-F]+)/.exec(pki.run('x509', '-in', name, '-noout', '-serial'))![1]!;
  /** `openssl ocsp` against the gateway's root with the OCSP CNAME as Host, as a relying party reading the AIA would send it. */
  const ocsp = (...args: string[]) => pki.run('ocsp', '-issuer', 'root.pem', '-CAfile', 'root.pem', '-url', `${stack.endpoint}/`, '-header', `Host=${OCSP_CNAME}`, ...args);

  beforeAll(async () => {
    stack = await startStack({ PKI_KEY_BACKEND: 'software', PKI_KEK: randomBytes(32).toString('base64'), PKI_CA_WORKER_INTERVAL_MS: '500', PKI_PUBLIC_URL: PUBLIC_URL, PKI_CRL_DELAY_MS: '1000', PKI_CRL_POLL_MS: '200' });
    pki = new OpensslDir();
    const pca = client();
    const { CertificateAuthorityArn } = await pca.send(
      new CreateCertificateAuthorityCommand({
        CertificateAuthorityType: 'ROOT',
        CertificateAuthorityConfiguration: { KeyAlgorithm: 'EC_prime256v1', SigningAlgorithm: 'SHA256WITHECDSA', Subject: { Country: 'US', Organization: 'Example Corp', CommonName: 'CNAME E2E Root' } },
        RevocationConfiguration: {
          CrlConfiguration: { Enabled: true, S3BucketName: BUCKET, CustomCname: CRL_CNAME, ExpirationInDays: 7 },
          OcspConfiguration: { Enabled: true, OcspCustomCname: OCSP_CNAME },
        },
      }),
    );
    rootArn = CertificateAuthorityArn!;
    caId = rootArn.split('/').pop()!;
    await waitUntilCertificateAuthorityCSRCreated({ client: pca, maxWaitTime: 120, minDelay: 1, maxDelay: 3 }, { CertificateAuthorityArn: rootArn });
    const { Csr } = await pca.send(new GetCertificateAuthorityCsrCommand({ CertificateAuthorityArn: rootArn }));
    const rootPem = await issue({ CertificateAuthorityArn: rootArn, Csr: bytes(Csr!), SigningAlgorithm: 'SHA256WITHECDSA', TemplateArn: template('RootCACertificate'), Validity: { Type: 'YEARS', Value: 5 } });
    pki.write('root.pem', rootPem);
    await pca.send(new ImportCertificateAuthorityCertificateCommand({ CertificateAuthorityArn: rootArn, Certificate: bytes(rootPem) }));
    pki.run('req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'leaf.key', '-out', 'leaf.csr', '-subj', '/CN=leaf.example.com');
    for (const name of ['revoked', 'sibling']) {
      // The CA's revocation configuration reaches issuance through events; retry until the URLs are in.
      await waitFor(
        async () => {
          pki.write(`${name}.pem`, await issue({ CertificateAuthorityArn: rootArn, Csr: bytes(pki.read('leaf.csr').toString()), SigningAlgorithm: 'SHA256WITHECDSA', Validity: { Type: 'DAYS', Value: 30 } }));
          return /CRL Distribution Points/.test(pki.run('x509', '-in', `${name}.pem`, '-noout', '-text'));
        },
        { timeoutMs: 30_000, what: `${name} certificate with revocation URLs` },
      );
    }
  }, 240_000);
  afterAll(async () => {
    pki?.remove();
    await stack?.stop();
  });

  it('the certificates name http://<CustomCname>/crl/<CA id>.crl and http://<OcspCustomCname>/', () => {
    const text = pki.run('x509', '-in', 'revoked.pem', '-noout', '-text');
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
    const res = await viaHost(stack.endpoint, OCSP_CNAME, `/${encodeURIComponent(pki.read('get.req').toString('base64'))}`);
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
    const serial = serialOf('revoked.pem');
    await client().send(new RevokeCertificateCommand({ CertificateAuthorityArn: rootArn, CertificateSerial: serial, RevocationReason: 'KEY_COMPROMISE' }));

    const url = new URL(/URI:(http\S+\.crl)/.exec(pki.run('x509', '-in', 'revoked.pem', '-noout', '-text'))![1]!);
    expect(url.host).toBe(CRL_CNAME);
    let text = '';
    let crl: Buffer = Buffer.alloc(0);
    await waitFor(
      async () => {
        const res = await viaHost(stack.endpoint, url.host, url.pathname);
        if (res.status !== 200) return false;
        expect(res.headers['content-type']).toBe('application/pkix-crl');
        crl = res.body;
        pki.write('root.crl', crl);
        text = pki.run('crl', '-inform', 'DER', '-in', 'root.crl', '-CAfile', 'root.pem', '-noout', '-text', '-verify');
        return text.includes(`Serial Number: ${serial}`);
      },
      { timeoutMs: 30_000, what: 'the CRL at the CustomCname listing the revoked certificate' },
    );
    expect(text).toMatch(/verify OK/);
    expect(text).toMatch(new RegExp(`Serial Number: ${serial}\\s+Revocation Date: .*\\s+CRL entry extensions:\\s+X509v3 CRL Reason Code:\\s+Key Compromise`));
    pki.run('crl', '-inform', 'DER', '-in', 'root.crl', '-out', 'root.crl.pem');
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
