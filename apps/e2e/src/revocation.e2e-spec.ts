/**
 * RevokeCertificate, CRLs and OCSP end to end: the real SDK, the real ca-service Signer
 * (SignDigest for CRLs, SignData for OCSP), the gateway's public CRL object route and OCSP
 * route, and OpenSSL as the relying party. Certificates are issued through IssueCertificate.
 *
 * The stack's PKI_PUBLIC_URL is a name (the gateway listens on a free port chosen at spawn), so
 * the CRL URL written in the certificate is checked for its form and fetched by its path from
 * the gateway.
 */
import { RevokeCertificateCommand } from '@aws-sdk/client-acm-pca';
import { waitFor } from '@pki/testing';
import { pcaClient } from './fixtures/acm-pca';
import { countRows } from './fixtures/db';
import { errorOf } from './fixtures/errors';
import { OpensslDir } from './fixtures/openssl';
import { bodyIfOk, crlEntry, crlUrlIn, ocspArgs, rootWithLeaves, waitForCrlListing } from './fixtures/revocation';
import { ACCOUNT_A, ACCOUNT_B, softwareKeysEnv, startStack, type RunningStack } from './stack';

const PUBLIC_URL = 'http://pki.revocation-e2e.test';
const BUCKET = 'e2e-revocation-crls';

describe('RevokeCertificate, CRLs and OCSP through the AWS SDK and OpenSSL', () => {
  let stack: RunningStack;
  let pki: OpensslDir;
  let rootArn: string;
  const client = (credentials = ACCOUNT_A) => pcaClient(stack.endpoint, credentials);
  const revocationRows = () => countRows(stack.db, 'revocation', 'revocations');
  const ocspUrl = () => `${stack.endpoint}/ocsp`;

  beforeAll(async () => {
    stack = await startStack({ ...softwareKeysEnv(), PKI_PUBLIC_URL: PUBLIC_URL, PKI_CRL_DELAY_MS: '1000', PKI_CRL_POLL_MS: '200' });
    pki = new OpensslDir('revocation-e2e');
    rootArn = await rootWithLeaves(
      client(),
      pki,
      {
        subject: { Country: 'US', Organization: 'Example Corp', CommonName: 'Revocation E2E Root' },
        revocation: { CrlConfiguration: { Enabled: true, S3BucketName: BUCKET, ExpirationInDays: 7 }, OcspConfiguration: { Enabled: true } },
      },
      ['revoked', 'sibling'],
    );
  }, 240_000);
  afterAll(async () => {
    pki?.remove();
    await stack?.stop();
  });

  it('the certificates name the CRL (<PKI_PUBLIC_URL>/<bucket>/crl/<CA id>.crl) and the OCSP responder', () => {
    const caId = rootArn.split('/').pop();
    const text = pki.text('revoked.pem');
    expect(text).toContain(`URI:${PUBLIC_URL}/${BUCKET}/crl/${caId}.crl`);
    expect(text).toContain(`OCSP - URI:${PUBLIC_URL}/ocsp`);
  });

  it('bad input writes nothing: non-hex serial, unknown serial, unknown reason, the CA certificate, another account', async () => {
    const pca = client();
    const revoke = (CertificateSerial: string, RevocationReason = 'KEY_COMPROMISE', c = pca) => c.send(new RevokeCertificateCommand({ CertificateAuthorityArn: rootArn, CertificateSerial, RevocationReason: RevocationReason as never }));
    expect((await errorOf(revoke('not-hex'))).name).toBe('InvalidRequestException');
    expect((await errorOf(revoke('12:34:56:78:9a'))).name).toBe('ResourceNotFoundException');
    expect((await errorOf(revoke(pki.serial('revoked.pem'), 'LOST'))).name).toBe('ValidationException');
    expect((await errorOf(revoke(pki.serial('root.pem')))).name).toBe('InvalidRequestException');
    expect((await errorOf(revoke(pki.serial('revoked.pem'), 'KEY_COMPROMISE', client(ACCOUNT_B)))).name).toBe('AccessDeniedException');
    expect(await revocationRows()).toBe(0);
  }, 60_000);

  it('revoke -> RequestAlreadyProcessed on retry; the CRL at the certificate URL verifies and lists it with its reason; verify -crl_check', async () => {
    const pca = client();
    const serial = pki.serial('revoked.pem');
    // Colons and lower case, as `openssl x509 -serial` users often write it.
    const colons = serial.toLowerCase().match(/../g)!.join(':');
    await pca.send(new RevokeCertificateCommand({ CertificateAuthorityArn: rootArn, CertificateSerial: colons, RevocationReason: 'KEY_COMPROMISE' }));
    expect((await errorOf(pca.send(new RevokeCertificateCommand({ CertificateAuthorityArn: rootArn, CertificateSerial: serial, RevocationReason: 'SUPERSEDED' })))).name).toBe('RequestAlreadyProcessedException');
    expect(await revocationRows()).toBe(1);

    const url = crlUrlIn(pki.text('revoked.pem'));
    const path = url.slice(PUBLIC_URL.length);
    const { text } = await waitForCrlListing(pki, serial, () => bodyIfOk(`${stack.endpoint}${path}`));
    expect(text).toMatch(/verify OK/);
    expect(text).toMatch(crlEntry(serial));
    const revoked = pki.exec('verify', '-crl_check', '-CAfile', 'root.pem', '-CRLfile', 'root.crl.pem', 'revoked.pem');
    expect(revoked.status).not.toBe(0);
    expect(revoked.output).toMatch(/certificate revoked/);
    expect(pki.run('verify', '-crl_check', '-CAfile', 'root.pem', '-CRLfile', 'root.crl.pem', 'sibling.pem')).toMatch(/sibling.pem: OK/);
  }, 90_000);

  it('openssl ocsp: revoked, good, unknown for a serial never issued; GET with base64 in the path; malformed requests', async () => {
    const ocsp = (...args: string[]) => pki.run(...ocspArgs(ocspUrl(), ...args));
    await waitFor(async () => /revoked/.test(ocsp('-cert', 'revoked.pem')), { timeoutMs: 30_000, what: 'OCSP to answer revoked' });
    const revoked = ocsp('-cert', 'revoked.pem');
    expect(revoked).toMatch(/Response verify OK/);
    expect(revoked).toMatch(/revoked.pem: revoked[\s\S]*Reason: keyCompromise/);
    expect(ocsp('-cert', 'sibling.pem')).toMatch(/sibling.pem: good/);
    expect(ocsp('-serial', '0x1234567890abcdef')).toMatch(/0x1234567890abcdef: unknown/);

    pki.run('ocsp', '-issuer', 'root.pem', '-cert', 'sibling.pem', '-no_nonce', '-reqout', 'get.req');
    const b64 = pki.bytes('get.req').toString('base64');
    const res = await fetch(`${ocspUrl()}/${encodeURIComponent(b64)}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/ocsp-response');
    expect(res.headers.get('cache-control')).toMatch(/max-age=\d+/);
    pki.write('get.resp', Buffer.from(await res.arrayBuffer()));
    expect(pki.run('ocsp', '-respin', 'get.resp', '-issuer', 'root.pem', '-CAfile', 'root.pem', '-cert', 'sibling.pem', '-no_nonce')).toMatch(/sibling.pem: good/);

    for (const body of [Buffer.from('garbage'), Buffer.alloc(64 * 1024, 0x30)]) {
      const bad = await fetch(ocspUrl(), { method: 'POST', headers: { 'Content-Type': 'application/ocsp-request' }, body });
      expect(bad.status).toBe(200);
      expect(Buffer.from(await bad.arrayBuffer()).toString('hex')).toBe('30030a0101');
    }
    const badGet = await fetch(`${ocspUrl()}/${encodeURIComponent(Buffer.from('not an ocsp request').toString('base64'))}`);
    expect(Buffer.from(await badGet.arrayBuffer()).toString('hex')).toBe('30030a0101');
    expect(await revocationRows()).toBe(1);
  }, 90_000);
});
