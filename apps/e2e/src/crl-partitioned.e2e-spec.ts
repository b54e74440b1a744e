/**
 * Partitioned CRLs and CustomPath end to end (CrlConfiguration.CrlType, CustomPath): the real SDK,
 * the stack with a partition size of 2 (PKI_CRL_PARTITION_SIZE) so four certificates fill two
 * partitions, and three independent relying parties: OpenSSL (`verify -crl_check`, which checks
 * that the CRL's issuingDistributionPoint is the certificate's CDP), GnuTLS (`certtool
 * --verify-crl`, `--verify --load-crl`) and NSS (`certutil`, `crlutil`, `vfychain`).
 *
 * NSS refuses every CRL carrying a critical issuingDistributionPoint (SEC_ERROR_CRL_UNKNOWN_CRITICAL_EXTENSION):
 * it does not implement the extension, and RFC 5280 §5.2.5 requires it critical (AWS marks it
 * critical too). So NSS accepts the certificates and the complete CRL, and partition CRLs are
 * shown here to be refused by it, as the README's compatibility notes say.
 */
import { spawnSync } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { RevokeCertificateCommand, UpdateCertificateAuthorityCommand, type RevocationConfiguration } from '@aws-sdk/client-acm-pca';
import { waitFor } from '@pki/testing';
import { bytes, issueCertificate, pcaClient } from './fixtures/acm-pca';
import { OpensslDir } from './fixtures/openssl';
import { bodyIfOk, crlEntry, crlUrlIn, issueWithRevocationUrls, rootWithLeaves } from './fixtures/revocation';
import { ACCOUNT_A, softwareKeysEnv, startStack, type RunningStack } from './stack';

const PUBLIC_URL = 'http://pki.crl-partitioned-e2e.test';
const BUCKET = 'e2e-partitioned-crls';
const CNAME = 'crl.partitioned.example.test';
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

/**
 * CrlConfiguration with CrlType and CustomPath. The @aws-sdk/client-acm-pca on the npm registry
 * (3.523.0) predates both members in its types, but its awsJson serializer sends the structure as
 * given; the aws CLI's botocore (which models them) is used for one update too.
 */
const revocation = (crl: Record<string, unknown>): RevocationConfiguration => ({ CrlConfiguration: crl }) as unknown as RevocationConfiguration;

/** A tool's exit status and output (stdout and stderr). */
function tool(cwd: string, command: string, ...args: string[]): { status: number | null; output: string } {
  const r = spawnSync(command, args, { cwd, encoding: 'utf8', timeout: 30_000 });
  return { status: r.status, output: `${r.stdout}\n${r.stderr}` };
}

describe('partitioned CRLs and CustomPath (OpenSSL, GnuTLS and NSS as relying parties)', () => {
  let stack: RunningStack;
  let pki: OpensslDir;
  let rootArn: string;
  let caId: string;
  const client = () => pcaClient(stack.endpoint);
  /** The CRL at `url` as the gateway serves it: path style under PKI_PUBLIC_URL, or by Host for a CustomCname. */
  const fetchCrl = async (url: string): Promise<Buffer | undefined> => {
    const u = new URL(url);
    if (u.host === CNAME) {
      // fetch() drops a Host header (a forbidden header name): node:http sends it, as a client resolving the CNAME to the gateway would.
      const gateway = new URL(stack.endpoint);
      return new Promise((resolve, reject) => {
        const req = httpRequest({ host: gateway.hostname, port: gateway.port, path: u.pathname, headers: { Host: CNAME } }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve(res.statusCode === 200 ? Buffer.concat(chunks) : undefined));
          res.on('error', reject);
        });
        req.on('error', reject);
        req.end();
      });
    }
    return bodyIfOk(`${stack.endpoint}${u.pathname}`);
  };
  /** Fetches the CRL at `url` until `ready` accepts its text; keeps it as `<name>.crl` (DER) and `<name>.crl.pem`; checks its signature against root.pem. */
  const crlAt = async (url: string, name: string, ready: (text: string) => boolean = () => true): Promise<string> => {
    let text = '';
    await waitFor(
      async () => {
        const body = await fetchCrl(url);
        if (!body) return false;
        pki.write(`${name}.crl`, body);
        text = pki.run('crl', '-inform', 'DER', '-in', `${name}.crl`, '-CAfile', 'root.pem', '-noout', '-text', '-verify');
        return ready(text);
      },
      { timeoutMs: 45_000, what: `the CRL at ${url} (${name})` },
    );
    pki.run('crl', '-inform', 'DER', '-in', `${name}.crl`, '-out', `${name}.crl.pem`);
    return text;
  };
  const crlNumber = (text: string): bigint => BigInt(/X509v3 CRL Number:\s*\n\s*(\d+)/.exec(text)![1]!);
  const idpOf = (text: string): string | undefined => /X509v3 Issuing Distribution Point: critical\s*\n\s*Full Name:\s*\n\s*URI:(\S+)/.exec(text)?.[1];
  const cdp = (name: string) => crlUrlIn(pki.text(`${name}.pem`));
  const verify = (cert: string, crl: string) => pki.exec('verify', '-crl_check', '-CAfile', 'root.pem', '-CRLfile', `${crl}.crl.pem`, `${cert}.pem`).output;
  /** An NSS database trusting root.pem (made once). */
  let nss: string | undefined;
  const nssDb = (): string => {
    if (nss) return nss;
    const db = `sql:${pki.file('nss')}`;
    expect(tool(pki.path, 'mkdir', '-p', 'nss').status).toBe(0);
    expect(tool(pki.path, 'certutil', '-N', '-d', db, '--empty-password').status).toBe(0);
    expect(tool(pki.path, 'certutil', '-A', '-d', db, '-n', 'root', '-t', 'CT,C,C', '-i', 'root.pem').status).toBe(0);
    return (nss = db);
  };
  const revoke = (name: string) =>
    client().send(new RevokeCertificateCommand({ CertificateAuthorityArn: rootArn, CertificateSerial: pki.serial(`${name}.pem`), RevocationReason: 'KEY_COMPROMISE' }));

  beforeAll(async () => {
    stack = await startStack({ ...softwareKeysEnv(), PKI_PUBLIC_URL: PUBLIC_URL, PKI_CRL_DELAY_MS: '1000', PKI_CRL_POLL_MS: '200', PKI_CRL_PARTITION_SIZE: '2' });
    pki = new OpensslDir('crl-partitioned-e2e');
    rootArn = await rootWithLeaves(
      client(),
      pki,
      {
        subject: { Country: 'US', Organization: 'Example Corp', CommonName: 'Partitioned CRL E2E Root' },
        revocation: revocation({ Enabled: true, S3BucketName: BUCKET, ExpirationInDays: 7, CrlType: 'PARTITIONED' }),
      },
      ['a1', 'a2', 'b1', 'b2'],
    );
    caId = rootArn.split('/').pop()!;
  }, 240_000);
  afterAll(async () => {
    pki?.remove();
    await stack?.stop();
  });

  it('binds each certificate to a partition of at most PKI_CRL_PARTITION_SIZE: its CDP is <PKI_PUBLIC_URL>/<bucket>/crl/<CA id>/<partition>.crl', () => {
    const form = new RegExp(`^${PUBLIC_URL}/${BUCKET}/crl/${caId}/${UUID}\\.crl$`);
    for (const name of ['a1', 'a2', 'b1', 'b2']) expect(cdp(name)).toMatch(form);
    expect(cdp('a2')).toBe(cdp('a1'));
    expect(cdp('b2')).toBe(cdp('b1'));
    expect(cdp('b1')).not.toBe(cdp('a1'));
  });

  it('publishes each partition CRL once a certificate names it: critical issuingDistributionPoint = the CDP, no complete CRL', async () => {
    for (const [name, cert] of [['A', 'a1'], ['B', 'b1']] as const) {
      const text = await crlAt(cdp(cert), name);
      expect(text).toMatch(/verify OK/);
      expect(idpOf(text)).toBe(cdp(cert));
      expect(text).toMatch(/No Revoked Certificates/);
    }
    expect(crlNumber(await crlAt(cdp('b1'), 'B'))).not.toBe(crlNumber(await crlAt(cdp('a1'), 'A')));
    // A CA created PARTITIONED has no complete CRL: no certificate names one.
    expect(await bodyIfOk(`${stack.endpoint}/${BUCKET}/crl/${caId}.crl`)).toBeUndefined();
  }, 120_000);

  it('a revocation regenerates its own partition only, under a higher CRL number; OpenSSL checks the IDP against the CDP', async () => {
    const before = { a: crlNumber(await crlAt(cdp('a1'), 'A')), b: crlNumber(await crlAt(cdp('b1'), 'B')) };
    await revoke('a1');
    const a = await crlAt(cdp('a1'), 'A', (text) => text.includes(`Serial Number: ${pki.serial('a1.pem')}`));
    expect(a).toMatch(crlEntry(pki.serial('a1.pem')));
    expect(crlNumber(a)).toBeGreaterThan(before.a);
    expect(crlNumber(a)).toBeGreaterThan(before.b);
    // B had no revocation: not regenerated (its next one is due at half its validity, days away).
    const b = await crlAt(cdp('b1'), 'B');
    expect(crlNumber(b)).toBe(before.b);
    expect(b).not.toContain(pki.serial('a1.pem'));

    expect(verify('a1', 'A')).toMatch(/certificate revoked/);
    expect(verify('a2', 'A')).toMatch(/a2.pem: OK/);
    expect(verify('b1', 'B')).toMatch(/b1.pem: OK/);
    // Another partition's CRL does not cover b1: its IDP is not b1's CDP.
    const wrong = verify('b1', 'A');
    expect(wrong).toMatch(/different CRL scope/);
    expect(wrong).not.toMatch(/b1.pem: OK/);
  }, 120_000);

  it('GnuTLS: certtool verifies the partition CRLs and finds a1 revoked, a2 and b1 trusted', async () => {
    await crlAt(cdp('a1'), 'A', (text) => text.includes(`Serial Number: ${pki.serial('a1.pem')}`));
    for (const name of ['A', 'B']) {
      const r = tool(pki.path, 'certtool', '--verify-crl', '--load-ca-certificate', 'root.pem', '--infile', `${name}.crl.pem`);
      expect(r.output).toMatch(/Verification output: Verified/);
    }
    const chain = (cert: string, crl: string) => {
      pki.write(`${cert}-chain.pem`, pki.read(`${cert}.pem`) + pki.read('root.pem'));
      return tool(pki.path, 'certtool', '--verify', '--load-ca-certificate', 'root.pem', '--load-crl', `${crl}.crl.pem`, '--infile', `${cert}-chain.pem`).output;
    };
    expect(chain('a1', 'A')).toMatch(/Not verified.*revoked/s);
    expect(chain('a2', 'A')).toMatch(/Chain verification output: Verified/);
    expect(chain('b1', 'B')).toMatch(/Chain verification output: Verified/);
  }, 60_000);

  it('NSS: vfychain accepts the certificates; crlutil refuses a partition CRL (critical issuingDistributionPoint, which NSS does not implement)', () => {
    const db = nssDb();
    for (const cert of ['a2', 'b1']) {
      expect(tool(pki.path, 'vfychain', '-d', db, '-a', '-pp', '-u', '1', `${cert}.pem`).output).toMatch(/Chain is good!/);
    }
    const imported = tool(pki.path, 'crlutil', '-I', '-d', db, '-i', 'A.crl', '-t', '1');
    expect(imported.status).not.toBe(0);
    expect(imported.output).toMatch(/SEC_ERROR_CRL_UNKNOWN_CRITICAL_EXTENSION/);
  });

  it('switching to COMPLETE with a CustomPath behind a CustomCname: new certificates name <CustomPath>/<CA id>.crl; partition CRLs keep covering theirs', async () => {
    const before = crlNumber(await crlAt(cdp('a1'), 'A'));
    await client().send(
      new UpdateCertificateAuthorityCommand({
        CertificateAuthorityArn: rootArn,
        RevocationConfiguration: revocation({ Enabled: true, S3BucketName: BUCKET, ExpirationInDays: 7, CrlType: 'COMPLETE', CustomPath: 'pki/crls', CustomCname: CNAME }),
      }),
    );
    const Csr = bytes(pki.read('leaf.csr'));
    await waitFor(
      async () => {
        const { certificate } = await issueCertificate(client(), { CertificateAuthorityArn: rootArn, Csr, SigningAlgorithm: 'SHA256WITHECDSA', Validity: { Type: 'DAYS', Value: 30 } });
        pki.write('c1.pem', certificate);
        return cdp('c1') === `http://${CNAME}/pki/crls/${caId}.crl`;
      },
      { timeoutMs: 30_000, what: 'a certificate naming the complete CRL under the CustomPath' },
    );
    await revoke('c1');
    await revoke('a2');
    const complete = await crlAt(cdp('c1'), 'C', (text) => text.includes(`Serial Number: ${pki.serial('c1.pem')}`));
    expect(idpOf(complete)).toBeUndefined();
    expect(complete).not.toContain(pki.serial('a2.pem'));
    expect(verify('c1', 'C')).toMatch(/certificate revoked/);
    // NSS takes the complete CRL (no issuingDistributionPoint) and finds c1 revoked by it.
    expect(tool(pki.path, 'crlutil', '-I', '-d', nssDb(), '-i', 'C.crl', '-t', '1').status).toBe(0);
    expect(tool(pki.path, 'vfychain', '-d', nssDb(), '-a', '-pp', '-g', 'leaf', '-m', 'crl', '-s', 'requireFreshInfo', '-u', '1', 'c1.pem').output).toMatch(/Certificate has been revoked/);
    // a2 stays bound to partition A, whose CRL is republished at its own key (the configuration changed) and lists it.
    const a = await crlAt(cdp('a1'), 'A', (text) => text.includes(`Serial Number: ${pki.serial('a2.pem')}`));
    expect(crlNumber(a)).toBeGreaterThan(before);
    expect(verify('a2', 'A')).toMatch(/certificate revoked/);
  }, 150_000);

  it('PARTITIONED with a CustomPath behind a CustomCname: CDP http://<CustomCname>/<CustomPath>/<partition>.crl, served by Host', async () => {
    // The aws CLI this time: botocore models CrlType and CustomPath and checks them before sending.
    const config = { CrlConfiguration: { Enabled: true, S3BucketName: BUCKET, ExpirationInDays: 7, CrlType: 'PARTITIONED', CustomPath: 'pki/crls', CustomCname: CNAME } };
    pki.write('revoke-config.json', JSON.stringify(config));
    const cli = (...args: string[]) => {
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        AWS_ACCESS_KEY_ID: ACCOUNT_A.accessKeyId,
        AWS_SECRET_ACCESS_KEY: ACCOUNT_A.secretAccessKey,
        AWS_CONFIG_FILE: join(pki.path, 'aws-config'),
        AWS_SHARED_CREDENTIALS_FILE: join(pki.path, 'aws-credentials'),
        AWS_PAGER: '',
        AWS_DEFAULT_OUTPUT: 'json',
        AWS_MAX_ATTEMPTS: '1',
      };
      delete env.AWS_PROFILE;
      const r = spawnSync('aws', ['--region', 'us-east-1', '--endpoint-url', stack.endpoint, 'acm-pca', ...args], { cwd: pki.path, env, encoding: 'utf8', timeout: 120_000 });
      if (r.status !== 0) throw new Error(`aws acm-pca ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
      return r.stdout.trim() ? JSON.parse(r.stdout) : {};
    };
    cli('update-certificate-authority', '--certificate-authority-arn', rootArn, '--revocation-configuration', 'file://revoke-config.json');
    const described = cli('describe-certificate-authority', '--certificate-authority-arn', rootArn);
    expect(described.CertificateAuthority.RevocationConfiguration.CrlConfiguration).toMatchObject(config.CrlConfiguration);
    await waitFor(
      async () => {
        await issueWithRevocationUrls(client(), { CertificateAuthorityArn: rootArn, Csr: bytes(pki.read('leaf.csr')), SigningAlgorithm: 'SHA256WITHECDSA', Validity: { Type: 'DAYS', Value: 30 } }, pki, 'd1');
        return new RegExp(`^http://${CNAME.replace(/\./g, '\\.')}/pki/crls/${UUID}\\.crl$`).test(cdp('d1'));
      },
      { timeoutMs: 30_000, what: 'a certificate naming a partition CRL under the CustomPath' },
    );
    await revoke('d1');
    const text = await crlAt(cdp('d1'), 'D', (t) => t.includes(`Serial Number: ${pki.serial('d1.pem')}`));
    expect(idpOf(text)).toBe(cdp('d1'));
    expect(verify('d1', 'D')).toMatch(/certificate revoked/);
    // Another Host gets the path-style object route (no bucket named "pki"), not this CA's CRL.
    expect(await bodyIfOk(`${stack.endpoint}${new URL(cdp('d1')).pathname}`)).toBeUndefined();
  }, 150_000);
});
