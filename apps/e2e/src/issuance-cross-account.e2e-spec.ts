/**
 * Cross-account IssueCertificate / GetCertificate through a CA's resource policy, end to end:
 * ca-service accepts the policy (PutPolicy) and publishes PolicyPut / PolicyDeleted; issuance
 * projects them and lets ACCOUNT_B issue from and read certificates of ACCOUNT_A's CA only as
 * the policy says (template condition included), and refuses again once the policy is deleted.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ACMPCAClient,
  CreateCertificateAuthorityCommand,
  DeletePolicyCommand,
  DescribeCertificateAuthorityCommand,
  GetCertificateAuthorityCsrCommand,
  GetCertificateCommand,
  ImportCertificateAuthorityCertificateCommand,
  IssueCertificateCommand,
  PutPolicyCommand,
  waitUntilCertificateAuthorityCSRCreated,
  waitUntilCertificateIssued,
  type IssueCertificateCommandInput,
} from '@aws-sdk/client-acm-pca';
import { certificateStream } from '@pki/contracts';
import { waitFor } from '@pki/testing';
import { ACCOUNT_A, ACCOUNT_B, startStack, type RunningStack } from './stack';

const template = (name: string) => `arn:aws:acm-pca:::template/${name}/V1`;
const bytes = (text: string) => new TextEncoder().encode(text);

async function errorOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to fail');
}

function openssl(dir: string, ...args: string[]): string {
  const r = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`openssl ${args.join(' ')} failed: ${r.stdout}\n${r.stderr}`);
  return `${r.stdout}\n${r.stderr}`;
}

/** The pca-rbp shape: B may issue with the server-auth end-entity template only, and read the CA's certificates. */
const sharingPolicy = (caArn: string) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'IssueServerAuth',
        Effect: 'Allow',
        Principal: { AWS: ACCOUNT_B.accountId },
        Action: 'acm-pca:IssueCertificate',
        Resource: caArn,
        Condition: { StringEquals: { 'acm-pca:TemplateArn': template('EndEntityServerAuthCertificate') } },
      },
      { Sid: 'ReadCertificates', Effect: 'Allow', Principal: { AWS: ACCOUNT_B.accountId }, Action: 'acm-pca:GetCertificate', Resource: `${caArn}/*` },
    ],
  });

describe('cross-account IssueCertificate / GetCertificate through the CA resource policy', () => {
  let stack: RunningStack;
  let dir: string;
  let caArn: string;
  let leafCsr: Uint8Array;
  let issuedByB: string;
  const client = (credentials = ACCOUNT_A) => new ACMPCAClient({ endpoint: stack.endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
  const issueInput = (TemplateArn: string): IssueCertificateCommandInput => ({
    CertificateAuthorityArn: caArn,
    Csr: leafCsr,
    SigningAlgorithm: 'SHA256WITHECDSA',
    TemplateArn,
    Validity: { Type: 'DAYS', Value: 7 },
  });

  beforeAll(async () => {
    stack = await startStack({ PKI_KEY_BACKEND: 'software', PKI_KEK: randomBytes(32).toString('base64'), PKI_CA_WORKER_INTERVAL_MS: '500' });
    dir = mkdtempSync(join(tmpdir(), 'issuance-xacct-e2e-'));
    openssl(dir, 'req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'leaf.key', '-out', 'leaf.csr', '-subj', '/CN=b.example.com', '-addext', 'subjectAltName=DNS:b.example.com');
    leafCsr = bytes(readFileSync(join(dir, 'leaf.csr'), 'utf8'));
  }, 180_000);
  afterAll(async () => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    await stack?.stop();
  });

  it("ACCOUNT_A's ROOT CA signs its own certificate and becomes ACTIVE; ACCOUNT_B may not issue from it", async () => {
    const a = client();
    const { CertificateAuthorityArn } = await a.send(
      new CreateCertificateAuthorityCommand({
        CertificateAuthorityType: 'ROOT',
        CertificateAuthorityConfiguration: { KeyAlgorithm: 'EC_prime256v1', SigningAlgorithm: 'SHA256WITHECDSA', Subject: { Country: 'US', Organization: 'Example Corp', CommonName: 'Shared Root CA' } },
      }),
    );
    caArn = CertificateAuthorityArn!;
    expect(caArn).toContain(`:${ACCOUNT_A.accountId}:certificate-authority/`);
    await waitUntilCertificateAuthorityCSRCreated({ client: a, maxWaitTime: 120, minDelay: 1, maxDelay: 3 }, { CertificateAuthorityArn: caArn });
    const { Csr } = await a.send(new GetCertificateAuthorityCsrCommand({ CertificateAuthorityArn: caArn }));
    const { CertificateArn } = await a.send(
      new IssueCertificateCommand({ CertificateAuthorityArn: caArn, Csr: bytes(Csr!), SigningAlgorithm: 'SHA256WITHECDSA', TemplateArn: template('RootCACertificate'), Validity: { Type: 'YEARS', Value: 5 } }),
    );
    await waitUntilCertificateIssued({ client: a, maxWaitTime: 60, minDelay: 1, maxDelay: 2 }, { CertificateAuthorityArn: caArn, CertificateArn });
    const root = await a.send(new GetCertificateCommand({ CertificateAuthorityArn: caArn, CertificateArn }));
    writeFileSync(join(dir, 'root.pem'), root.Certificate!);
    await a.send(new ImportCertificateAuthorityCertificateCommand({ CertificateAuthorityArn: caArn, Certificate: bytes(root.Certificate!) }));
    expect((await a.send(new DescribeCertificateAuthorityCommand({ CertificateAuthorityArn: caArn }))).CertificateAuthority!.Status).toBe('ACTIVE');

    const refused = await errorOf(client(ACCOUNT_B).send(new IssueCertificateCommand(issueInput(template('EndEntityServerAuthCertificate')))));
    expect(refused.name).toBe('AccessDeniedException');
    expect(refused.message).toContain(ACCOUNT_B.accountId);
  }, 240_000);

  it('after A shares the CA, B issues with the allowed template and reads the certificate; the ARN stays in A\'s account, B is the requester', async () => {
    await client().send(new PutPolicyCommand({ ResourceArn: caArn, Policy: sharingPolicy(caArn) }));
    const b = client(ACCOUNT_B);
    // The policy reaches issuance asynchronously (ca-service outbox -> JetStream -> projection).
    issuedByB = await waitFor(
      async () => {
        try {
          return (await b.send(new IssueCertificateCommand(issueInput(template('EndEntityServerAuthCertificate'))))).CertificateArn!;
        } catch (error) {
          if ((error as Error).name === 'AccessDeniedException') return undefined;
          throw error;
        }
      },
      { timeoutMs: 60_000, intervalMs: 250, what: "ACCOUNT_B's IssueCertificate to be allowed by the policy" },
    );
    expect(issuedByB.startsWith(`${caArn}/certificate/`)).toBe(true);
    expect(issuedByB).toContain(`:${ACCOUNT_A.accountId}:certificate-authority/`);

    await waitUntilCertificateIssued({ client: b, maxWaitTime: 60, minDelay: 1, maxDelay: 2 }, { CertificateAuthorityArn: caArn, CertificateArn: issuedByB });
    const got = await b.send(new GetCertificateCommand({ CertificateAuthorityArn: caArn, CertificateArn: issuedByB }));
    writeFileSync(join(dir, 'leaf.pem'), got.Certificate!);
    expect(openssl(dir, 'verify', '-x509_strict', '-purpose', 'sslserver', '-CAfile', 'root.pem', 'leaf.pem')).toMatch(/leaf.pem: OK/);
    expect(openssl(dir, 'x509', '-in', 'leaf.pem', '-noout', '-text')).toMatch(/Extended Key Usage: \s*\n\s*TLS Web Server Authentication\s*\n/);

    // The requester is B: the certificate row and its events name B's account.
    const row = await stack.db.withSchema('issuance').selectFrom('certificates').select(['id', 'account_id']).where('arn', '=', issuedByB).executeTakeFirstOrThrow();
    expect(row.account_id).toBe(ACCOUNT_B.accountId);
    const mine = await stack.db.withSchema('issuance').selectFrom('events').select(['type', 'account_id', 'data']).where('stream', '=', certificateStream(row.id)).execute();
    expect(mine.map((e) => e.type)).toEqual(expect.arrayContaining(['CertificateRequested', 'CertificateIssued']));
    for (const event of mine) expect(event.account_id).toBe(ACCOUNT_B.accountId);
    const issuedEvent = mine.find((e) => e.type === 'CertificateIssued')!;
    const data = (typeof issuedEvent.data === 'string' ? JSON.parse(issuedEvent.data) : issuedEvent.data) as { accountId: string; certificateAuthorityArn?: string };
    expect(data.accountId).toBe(ACCOUNT_B.accountId);
  }, 180_000);

  it('B cannot issue with a template outside the condition, nor one another account may never use', async () => {
    const b = client(ACCOUNT_B);
    for (const name of ['EndEntityClientAuthCertificate', 'CodeSigningCertificate', 'SubordinateCACertificate_PathLen0']) {
      const error = await errorOf(b.send(new IssueCertificateCommand(issueInput(template(name)))));
      expect({ name, error: error.name }).toEqual({ name, error: 'AccessDeniedException' });
      expect(error.message).toContain(template(name));
    }
    // The owner is not limited by the policy.
    const own = await client().send(new IssueCertificateCommand(issueInput(template('EndEntityClientAuthCertificate'))));
    expect(own.CertificateArn!.startsWith(`${caArn}/certificate/`)).toBe(true);
  }, 120_000);

  it('after A deletes the policy, B is refused again for IssueCertificate and GetCertificate', async () => {
    await client().send(new DeletePolicyCommand({ ResourceArn: caArn }));
    const b = client(ACCOUNT_B);
    const refused = await waitFor(
      async () => {
        const error = await errorOf(b.send(new IssueCertificateCommand(issueInput(template('EndEntityServerAuthCertificate'))))).catch(() => undefined);
        return error?.name === 'AccessDeniedException' ? error : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 250, what: "ACCOUNT_B's IssueCertificate to be refused after DeletePolicy" },
    );
    expect(refused.message).toContain(ACCOUNT_B.accountId);
    const get = await errorOf(b.send(new GetCertificateCommand({ CertificateAuthorityArn: caArn, CertificateArn: issuedByB })));
    expect(get.name).toBe('AccessDeniedException');
    // A still reads it.
    const got = await client().send(new GetCertificateCommand({ CertificateAuthorityArn: caArn, CertificateArn: issuedByB }));
    expect(got.Certificate).toContain('BEGIN CERTIFICATE');
  }, 120_000);
});
