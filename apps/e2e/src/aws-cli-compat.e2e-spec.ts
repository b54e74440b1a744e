/**
 * The `aws` CLI (a client the other suites do not use) against the whole stack: its own request
 * serialization, blob handling (`fileb://`), waiters, paginators (--page-size / --max-items /
 * --starting-token) and error printing, as a customer would drive them. OpenSSL is the relying
 * party for the CRL and OCSP URLs written into an issued certificate.
 *
 * Needs the `aws` executable (v1 or v2) on PATH: `bash scripts/ensure-services.sh` installs
 * Debian's awscli when it is missing. Without it this suite fails and says so; it never skips.
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { waitFor } from '@pki/testing';
import { ACCOUNT_A, startStack, type RunningStack } from './stack';

const run = promisify(execFile);
// Every CLI call starts a Python interpreter (1-3 s on the shared 2-core machine), and the waiters poll every 1-3 s.
jest.setTimeout(240_000);
const PUBLIC_URL = 'http://pki.aws-cli-e2e.test';
const BUCKET = 'aws-cli-e2e-crls';
const ROOT_TEMPLATE = 'arn:aws:acm-pca:::template/RootCACertificate/V1';

/** Fails the suite with what to install when the CLI is absent (checked once, before the stack starts). */
function requireAwsCli(): string {
  const probe = spawnSync('aws', ['--version'], { encoding: 'utf8', env: { ...process.env, AWS_PAGER: '' } });
  if (probe.error || probe.status !== 0) {
    throw new Error(
      'aws-cli-compat.e2e-spec needs the `aws` CLI on PATH, and it is missing or broken ' +
        `(${probe.error?.message ?? probe.stderr}). Install it: \`apt-get install -y awscli\` ` +
        '(or run `bash scripts/ensure-services.sh` as root, which does that when `aws` is missing).',
    );
  }
  return `${probe.stdout}${probe.stderr}`.trim();
}

interface CliResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

describe('the aws CLI against the stack', () => {
  let stack: RunningStack;
  let dir: string;
  let cliVersion: string;

  /** Runs `aws --region us-east-1 --endpoint-url <gateway> <args>` as account A; never throws on a non-zero exit. */
  async function aws(...args: string[]): Promise<CliResult> {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      AWS_ACCESS_KEY_ID: ACCOUNT_A.accessKeyId,
      AWS_SECRET_ACCESS_KEY: ACCOUNT_A.secretAccessKey,
      // Nothing from the machine's own AWS configuration may leak in (profiles, pagers, retries).
      AWS_CONFIG_FILE: join(dir, 'config'),
      AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
      AWS_PAGER: '',
      AWS_DEFAULT_OUTPUT: 'json',
      AWS_MAX_ATTEMPTS: '1',
    };
    delete env.AWS_PROFILE;
    delete env.AWS_SESSION_TOKEN;
    try {
      const { stdout, stderr } = await run('aws', ['--region', 'us-east-1', '--endpoint-url', stack.endpoint, ...args], { env, cwd: dir, timeout: 180_000, maxBuffer: 16 << 20 });
      return { status: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code?: unknown; stdout?: string; stderr?: string };
      if (typeof e.code !== 'number') throw error;
      return { status: e.code, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
    }
  }

  /** A successful call's JSON output (`{}` for operations with an empty output). */
  async function awsJson<T = any>(...args: string[]): Promise<T> {
    const r = await aws(...args);
    if (r.status !== 0) throw new Error(`aws ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
    return (r.stdout.trim() ? JSON.parse(r.stdout) : {}) as T;
  }

  /** A failed call: the exit status and the exception name and message the CLI printed. */
  async function awsError(...args: string[]): Promise<{ code: string; message: string }> {
    const r = await aws(...args);
    expect(r.status).not.toBe(0);
    // CLI v2 adds "(reached max retries: N)" after the operation name.
    const match = /An error occurred \((\w+)\) when calling the (\w+) operation(?: \(reached max retries: \d+\))?: (.*)/.exec(r.stderr);
    if (!match) throw new Error(`aws ${args.join(' ')} did not print an AWS error: ${r.stderr}`);
    return { code: match[1]!, message: match[3]! };
  }

  const openssl = (...args: string[]): string => {
    const r = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8', timeout: 60_000 });
    if (r.status !== 0) throw new Error(`openssl ${args.join(' ')} failed: ${r.stdout}${r.stderr}`);
    return `${r.stdout}${r.stderr}`;
  };
  const file = (name: string) => join(dir, name);

  beforeAll(async () => {
    cliVersion = requireAwsCli();
    dir = mkdtempSync(join(tmpdir(), 'aws-cli-e2e-'));
    // Print timestamps as they came over the wire (epoch seconds), not reformatted: v1 calls that
    // `none` (its default), v2 `wire` (its default is iso8601).
    writeFileSync(file('config'), `[default]\ncli_timestamp_format = ${/aws-cli\/1\./.test(cliVersion) ? 'none' : 'wire'}\n`);
    writeFileSync(file('credentials'), '');
    stack = await startStack({ PKI_PUBLIC_URL: PUBLIC_URL, PKI_CRL_DELAY_MS: '500', PKI_DIRECTORY_STEP_MS: '300', PKI_DIRECTORY_WORKER_INTERVAL_MS: '100' });
  }, 180_000);

  afterAll(async () => {
    await stack?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  let caArn: string;
  let rootPem: string;

  it('creates an EC root CA with CRL and OCSP and tags, signs its own CSR through fileb:// and the waiters, and imports it', async () => {
    expect(cliVersion).toMatch(/aws-cli\/\d/);
    writeFileSync(
      file('ca-config.json'),
      JSON.stringify({ KeyAlgorithm: 'EC_prime256v1', SigningAlgorithm: 'SHA256WITHECDSA', Subject: { CommonName: 'CLI Root', Organization: 'Example Corp', Country: 'US' } }),
    );
    writeFileSync(file('revocation.json'), JSON.stringify({ CrlConfiguration: { Enabled: true, ExpirationInDays: 7, S3BucketName: BUCKET }, OcspConfiguration: { Enabled: true } }));
    const created = await awsJson(
      'acm-pca', 'create-certificate-authority',
      '--certificate-authority-configuration', 'file://ca-config.json',
      '--revocation-configuration', 'file://revocation.json',
      '--certificate-authority-type', 'ROOT',
      '--tags', 'Key=team,Value=pki', 'Key=env',
    );
    caArn = created.CertificateAuthorityArn;
    expect(caArn).toMatch(/^arn:aws:acm-pca:us-east-1:111111111111:certificate-authority\/[0-9a-f-]{36}$/);

    expect((await aws('acm-pca', 'wait', 'certificate-authority-csr-created', '--certificate-authority-arn', caArn)).status).toBe(0);
    const csr = await aws('acm-pca', 'get-certificate-authority-csr', '--certificate-authority-arn', caArn, '--output', 'text');
    writeFileSync(file('ca.csr'), csr.stdout);
    expect(openssl('req', '-in', 'ca.csr', '-noout', '-verify', '-subject')).toMatch(/CN ?= ?CLI Root/);

    const issued = await awsJson(
      'acm-pca', 'issue-certificate', '--certificate-authority-arn', caArn, '--csr', 'fileb://ca.csr',
      '--signing-algorithm', 'SHA256WITHECDSA', '--template-arn', ROOT_TEMPLATE, '--validity', 'Value=10,Type=YEARS', '--idempotency-token', 'root-1',
    );
    expect((await aws('acm-pca', 'wait', 'certificate-issued', '--certificate-authority-arn', caArn, '--certificate-arn', issued.CertificateArn)).status).toBe(0);
    const got = await awsJson('acm-pca', 'get-certificate', '--certificate-authority-arn', caArn, '--certificate-arn', issued.CertificateArn);
    rootPem = got.Certificate;
    writeFileSync(file('root.pem'), rootPem);
    expect((await aws('acm-pca', 'import-certificate-authority-certificate', '--certificate-authority-arn', caArn, '--certificate', 'fileb://root.pem')).status).toBe(0);

    const { CertificateAuthority: ca } = await awsJson('acm-pca', 'describe-certificate-authority', '--certificate-authority-arn', caArn);
    expect(ca).toMatchObject({ Arn: caArn, OwnerAccount: ACCOUNT_A.accountId, Type: 'ROOT', Status: 'ACTIVE', UsageMode: 'GENERAL_PURPOSE' });
    // awsJson1_1 timestamps are epoch seconds (numbers): the CLI prints them as it received them.
    for (const member of ['CreatedAt', 'LastStateChangeAt', 'NotBefore', 'NotAfter']) expect(typeof ca[member]).toBe('number');
    expect(ca.RevocationConfiguration).toEqual({ CrlConfiguration: { Enabled: true, ExpirationInDays: 7, S3BucketName: BUCKET }, OcspConfiguration: { Enabled: true } });
    expect((await awsJson('acm-pca', 'list-tags', '--certificate-authority-arn', caArn)).Tags).toEqual([{ Key: 'team', Value: 'pki' }, { Key: 'env' }]);
    const ca2 = await awsJson('acm-pca', 'get-certificate-authority-certificate', '--certificate-authority-arn', caArn);
    expect(ca2.Certificate.trim()).toBe(rootPem.trim());
  });

  it('issues and revokes an end-entity certificate; OpenSSL finds it revoked by OCSP and in the CRL named in the certificate', async () => {
    openssl('req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'ee.key', '-subj', '/CN=ee.example.com', '-out', 'ee.csr');
    const { CertificateArn } = await awsJson(
      'acm-pca', 'issue-certificate', '--certificate-authority-arn', caArn, '--csr', 'fileb://ee.csr',
      '--signing-algorithm', 'SHA256WITHECDSA', '--validity', 'Value=30,Type=DAYS',
    );
    expect((await aws('acm-pca', 'wait', 'certificate-issued', '--certificate-authority-arn', caArn, '--certificate-arn', CertificateArn)).status).toBe(0);
    const got = await awsJson('acm-pca', 'get-certificate', '--certificate-authority-arn', caArn, '--certificate-arn', CertificateArn);
    writeFileSync(file('ee.pem'), got.Certificate);
    writeFileSync(file('chain.pem'), got.CertificateChain);
    expect(openssl('verify', '-CAfile', 'root.pem', 'ee.pem')).toContain('ee.pem: OK');

    const ocspUrl = openssl('x509', '-in', 'ee.pem', '-noout', '-ocsp_uri').trim();
    const crlUrl = /URI:(\S+)/.exec(openssl('x509', '-in', 'ee.pem', '-noout', '-ext', 'crlDistributionPoints'))?.[1];
    expect(ocspUrl).toBe(`${PUBLIC_URL}/ocsp`);
    expect(crlUrl).toMatch(new RegExp(`^${PUBLIC_URL}/${BUCKET}/crl/[0-9a-f-]{36}\\.crl$`));
    // The stack listens on a free port, not on PKI_PUBLIC_URL: reach the same paths on the gateway.
    const ocsp = (): string => openssl('ocsp', '-issuer', 'root.pem', '-cert', 'ee.pem', '-url', `${stack.endpoint}/ocsp`, '-CAfile', 'root.pem');
    expect(ocsp()).toMatch(/ee\.pem: good/);

    const serial = openssl('x509', '-in', 'ee.pem', '-noout', '-serial').trim().replace(/^serial=/, '');
    const colonSerial = serial.toLowerCase().match(/../g)!.join(':');
    expect((await aws('acm-pca', 'revoke-certificate', '--certificate-authority-arn', caArn, '--certificate-serial', colonSerial, '--revocation-reason', 'KEY_COMPROMISE')).status).toBe(0);
    expect(ocsp()).toMatch(/ee\.pem: revoked[\s\S]*Reason: keyCompromise/);
    expect(await awsError('acm-pca', 'revoke-certificate', '--certificate-authority-arn', caArn, '--certificate-serial', colonSerial, '--revocation-reason', 'KEY_COMPROMISE')).toMatchObject({
      code: 'RequestAlreadyProcessedException',
    });

    const crlPath = new URL(crlUrl!).pathname;
    const crlText = await waitFor(
      async () => {
        const response = await fetch(`${stack.endpoint}${crlPath}`);
        if (!response.ok) return undefined;
        writeFileSync(file('ca.crl'), Buffer.from(await response.arrayBuffer()));
        const text = openssl('crl', '-inform', 'DER', '-in', 'ca.crl', '-noout', '-text');
        return text.toUpperCase().includes(`SERIAL NUMBER: ${serial.toUpperCase()}`) ? text : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 250, what: 'the CRL listing the revoked certificate' },
    );
    expect(crlText).toMatch(/Key Compromise/);
    writeFileSync(file('ca.crl.pem'), openssl('crl', '-inform', 'DER', '-in', 'ca.crl'));
    expect(openssl('crl', '-in', 'ca.crl.pem', '-CAfile', 'root.pem', '-noout')).toContain('verify OK');
  });

  it('pages ListCertificateAuthorities, ListTags and ListPermissions with --page-size, --max-items and --starting-token', async () => {
    for (let i = 0; i < 2; i++) {
      await awsJson('acm-pca', 'create-certificate-authority', '--certificate-authority-configuration', 'file://ca-config.json', '--certificate-authority-type', 'SUBORDINATE');
    }
    const all = await awsJson('acm-pca', 'list-certificate-authorities', '--page-size', '1');
    expect(all.CertificateAuthorities).toHaveLength(3);
    expect(all.NextToken).toBeUndefined();
    const first = await awsJson('acm-pca', 'list-certificate-authorities', '--page-size', '1', '--max-items', '2');
    expect(first.CertificateAuthorities).toHaveLength(2);
    const rest = await awsJson('acm-pca', 'list-certificate-authorities', '--page-size', '1', '--max-items', '2', '--starting-token', first.NextToken);
    expect(rest.CertificateAuthorities).toHaveLength(1);
    expect(rest.NextToken).toBeUndefined();
    expect([...first.CertificateAuthorities, ...rest.CertificateAuthorities].map((ca: { Arn: string }) => ca.Arn).sort()).toEqual(
      all.CertificateAuthorities.map((ca: { Arn: string }) => ca.Arn).sort(),
    );

    expect((await aws('acm-pca', 'tag-certificate-authority', '--certificate-authority-arn', caArn, '--tags', 'Key=a,Value=1', 'Key=b,Value=2')).status).toBe(0);
    expect((await awsJson('acm-pca', 'list-tags', '--certificate-authority-arn', caArn, '--page-size', '1')).Tags).toHaveLength(4);
    expect((await aws('acm-pca', 'untag-certificate-authority', '--certificate-authority-arn', caArn, '--tags', 'Key=a', 'Key=b,Value=not-its-value')).status).toBe(0);
    expect((await awsJson('acm-pca', 'list-tags', '--certificate-authority-arn', caArn)).Tags.map((t: { Key: string }) => t.Key)).toEqual(['team', 'env', 'b']);

    expect((await aws('acm-pca', 'create-permission', '--certificate-authority-arn', caArn, '--principal', 'acm.amazonaws.com', '--actions', 'IssueCertificate', 'GetCertificate', 'ListPermissions')).status).toBe(0);
    expect((await aws('acm-pca', 'create-permission', '--certificate-authority-arn', caArn, '--principal', 'acm.amazonaws.com', '--source-account', '333333333333', '--actions', 'IssueCertificate')).status).toBe(0);
    const permissions = await awsJson('acm-pca', 'list-permissions', '--certificate-authority-arn', caArn, '--page-size', '1');
    expect(permissions.Permissions.map((p: { SourceAccount: string }) => p.SourceAccount).sort()).toEqual([ACCOUNT_A.accountId, '333333333333']);
    expect(typeof permissions.Permissions[0].CreatedAt).toBe('number');
    expect(await awsError('acm-pca', 'create-permission', '--certificate-authority-arn', caArn, '--principal', 'acm.amazonaws.com', '--actions', 'IssueCertificate')).toMatchObject({
      code: 'PermissionAlreadyExistsException',
    });
  });

  it('runs policies, an audit report with its waiter, update, delete and restore', async () => {
    const policy = {
      Version: '2012-10-17',
      Statement: [{ Sid: 'x', Effect: 'Allow', Principal: { AWS: '333333333333' }, Action: ['acm-pca:DescribeCertificateAuthority', 'acm-pca:GetCertificate', 'acm-pca:GetCertificateAuthorityCertificate', 'acm-pca:ListPermissions', 'acm-pca:ListTags'], Resource: caArn }],
    };
    writeFileSync(file('policy.json'), JSON.stringify(policy));
    expect((await aws('acm-pca', 'put-policy', '--resource-arn', caArn, '--policy', 'file://policy.json')).status).toBe(0);
    expect(JSON.parse((await awsJson('acm-pca', 'get-policy', '--resource-arn', caArn)).Policy)).toEqual(policy);
    expect((await aws('acm-pca', 'delete-policy', '--resource-arn', caArn)).status).toBe(0);
    expect((await awsError('acm-pca', 'get-policy', '--resource-arn', caArn)).code).toBe('ResourceNotFoundException');

    const report = await awsJson('acm-pca', 'create-certificate-authority-audit-report', '--certificate-authority-arn', caArn, '--s3-bucket-name', 'aws-cli-e2e-audit', '--audit-report-response-format', 'JSON');
    expect(report.S3Key).toBe(`audit-report/${caArn.split('/')[1]}/${report.AuditReportId}.json`);
    expect((await aws('acm-pca', 'wait', 'audit-report-created', '--certificate-authority-arn', caArn, '--audit-report-id', report.AuditReportId)).status).toBe(0);
    const described = await awsJson('acm-pca', 'describe-certificate-authority-audit-report', '--certificate-authority-arn', caArn, '--audit-report-id', report.AuditReportId);
    expect(described).toMatchObject({ AuditReportStatus: 'SUCCESS', S3BucketName: 'aws-cli-e2e-audit', S3Key: report.S3Key });
    expect(typeof described.CreatedAt).toBe('number');

    expect((await awsError('acm-pca', 'delete-certificate-authority', '--certificate-authority-arn', caArn)).code).toBe('InvalidStateException');
    expect((await aws('acm-pca', 'update-certificate-authority', '--certificate-authority-arn', caArn, '--status', 'DISABLED')).status).toBe(0);
    expect((await aws('acm-pca', 'delete-certificate-authority', '--certificate-authority-arn', caArn, '--permanent-deletion-time-in-days', '7')).status).toBe(0);
    const deleted = (await awsJson('acm-pca', 'describe-certificate-authority', '--certificate-authority-arn', caArn)).CertificateAuthority;
    expect(deleted.Status).toBe('DELETED');
    expect(deleted.RestorableUntil - deleted.LastStateChangeAt).toBeCloseTo(7 * 86400, 0);
    expect((await aws('acm-pca', 'restore-certificate-authority', '--certificate-authority-arn', caArn)).status).toBe(0);
    expect((await awsJson('acm-pca', 'describe-certificate-authority', '--certificate-authority-arn', caArn)).CertificateAuthority.Status).toBe('DISABLED');
    expect((await aws('acm-pca', 'update-certificate-authority', '--certificate-authority-arn', caArn, '--status', 'ACTIVE')).status).toBe(0);
  });

  it('prints the modelled exception names for an unknown CA, a bad enum and a malformed CSR', async () => {
    const unknown = caArn.replace(/[0-9a-f-]{36}$/, '11111111-2222-3333-4444-555555555555');
    const notFound = await awsError('acm-pca', 'describe-certificate-authority', '--certificate-authority-arn', unknown);
    expect(notFound).toEqual({ code: 'ResourceNotFoundException', message: `Could not find certificate authority ${unknown}.` });
    const badEnum = await awsError('acm-pca', 'update-certificate-authority', '--certificate-authority-arn', caArn, '--status', 'BOGUS');
    expect(badEnum.code).toBe('ValidationException');
    expect(badEnum.message).toContain("Value 'BOGUS' at 'status' failed to satisfy constraint: Member must satisfy enum value set");
    const malformed = await awsError('acm-pca', 'issue-certificate', '--certificate-authority-arn', caArn, '--csr', 'fileb://ee.key', '--signing-algorithm', 'SHA256WITHECDSA', '--validity', 'Value=1,Type=DAYS');
    expect(malformed.code).toBe('MalformedCSRException');
    expect((await awsError('acm-pca', 'list-certificate-authorities', '--no-paginate', '--next-token', 'garbage')).code).toBe('InvalidNextTokenException');
  });

  it('registers a CA certificate with a Managed Microsoft AD directory and drives LDAPS through `aws ds`', async () => {
    const { DirectoryId } = await awsJson(
      'ds', 'create-microsoft-ad', '--name', 'corp.example.com', '--short-name', 'CORP', '--password', 'Passw0rd!x', '--edition', 'Standard',
      '--vpc-settings', 'VpcId=vpc-12345678,SubnetIds=subnet-12345678,subnet-87654321',
    );
    expect(DirectoryId).toMatch(/^d-[0-9a-f]{10}$/);
    await waitFor(
      async () => (await awsJson('ds', 'describe-directories', '--directory-ids', DirectoryId)).DirectoryDescriptions[0].Stage === 'Active',
      { timeoutMs: 30_000, intervalMs: 500, what: 'the directory to become Active' },
    );
    const registered = await awsJson('ds', 'register-certificate', '--directory-id', DirectoryId, '--certificate-data', 'file://root.pem', '--type', 'ClientLDAPS');
    expect(registered.CertificateId).toMatch(/^c-[0-9a-f]{10}$/);
    const duplicate = await awsError('ds', 'register-certificate', '--directory-id', DirectoryId, '--certificate-data', 'file://root.pem', '--type', 'ClientLDAPS');
    expect(duplicate.code).toBe('CertificateAlreadyExistsException');
    const certificate = await waitFor(
      async () => {
        const { Certificate } = await awsJson('ds', 'describe-certificate', '--directory-id', DirectoryId, '--certificate-id', registered.CertificateId);
        return Certificate.State === 'Registered' ? Certificate : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 500, what: 'the certificate to be Registered' },
    );
    expect(certificate).toMatchObject({ CertificateId: registered.CertificateId, CommonName: 'CLI Root', Type: 'ClientLDAPS' });
    expect(typeof certificate.RegisteredDateTime).toBe('number');
    expect(typeof certificate.ExpiryDateTime).toBe('number');
    const listed = await awsJson('ds', 'list-certificates', '--directory-id', DirectoryId, '--page-size', '1');
    expect(listed.CertificatesInfo.map((c: { CertificateId: string }) => c.CertificateId)).toEqual([registered.CertificateId]);

    expect((await aws('ds', 'enable-ldaps', '--directory-id', DirectoryId, '--type', 'Client')).status).toBe(0);
    const ldaps = await waitFor(
      async () => {
        const { LDAPSSettingsInfo } = await awsJson('ds', 'describe-ldaps-settings', '--directory-id', DirectoryId);
        return LDAPSSettingsInfo[0].LDAPSStatus === 'Enabled' ? LDAPSSettingsInfo[0] : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 500, what: 'LDAPS to be Enabled' },
    );
    expect(typeof ldaps.LastUpdatedDateTime).toBe('number');
    const notFound = await awsError('ds', 'describe-certificate', '--directory-id', 'd-0000000000', '--certificate-id', registered.CertificateId);
    expect(notFound).toEqual({ code: 'DirectoryDoesNotExistException', message: 'Directory d-0000000000 does not exist.' });
  });
});
