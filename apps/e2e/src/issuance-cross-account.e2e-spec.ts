/**
 * Cross-account IssueCertificate / GetCertificate through a CA's resource policy, end to end:
 * ca-service accepts the policy (PutPolicy) and publishes PolicyPut / PolicyDeleted; issuance
 * projects them and lets ACCOUNT_B issue from and read certificates of ACCOUNT_A's CA only as
 * the policy says (template condition included), and refuses again once the policy is deleted.
 */
import {
  DeletePolicyCommand,
  GetCertificateCommand,
  IssueCertificateCommand,
  PutPolicyCommand,
  waitUntilCertificateIssued,
  type IssueCertificateCommandInput,
} from '@aws-sdk/client-acm-pca';
import { certificateStream } from '@pki/contracts';
import { waitFor } from '@pki/testing';
import { activateRoot, bytes, caStatus, createCa, pcaClient, template, waitForCsr } from './fixtures/acm-pca';
import { errorOf } from './fixtures/errors';
import { OpensslDir } from './fixtures/openssl';
import { ACCOUNT_A, ACCOUNT_B, softwareKeysEnv, startStack, type RunningStack } from './stack';

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
  let pki: OpensslDir;
  let caArn: string;
  let leafCsr: Uint8Array;
  let issuedByB: string;
  const client = (credentials = ACCOUNT_A) => pcaClient(stack.endpoint, credentials);
  const issueInput = (TemplateArn: string): IssueCertificateCommandInput => ({
    CertificateAuthorityArn: caArn,
    Csr: leafCsr,
    SigningAlgorithm: 'SHA256WITHECDSA',
    TemplateArn,
    Validity: { Type: 'DAYS', Value: 7 },
  });

  beforeAll(async () => {
    stack = await startStack(softwareKeysEnv());
    pki = new OpensslDir('issuance-xacct-e2e');
    leafCsr = bytes(pki.csr('leaf', '/CN=b.example.com', { args: ['-addext', 'subjectAltName=DNS:b.example.com'] }));
  }, 180_000);
  afterAll(async () => {
    pki?.remove();
    await stack?.stop();
  });

  it("ACCOUNT_A's ROOT CA signs its own certificate and becomes ACTIVE; ACCOUNT_B may not issue from it", async () => {
    const a = client();
    caArn = await createCa(a, { subject: { Country: 'US', Organization: 'Example Corp', CommonName: 'Shared Root CA' } });
    expect(caArn).toContain(`:${ACCOUNT_A.accountId}:certificate-authority/`);
    const rootPem = await activateRoot(a, { arn: caArn, csr: await waitForCsr(a, caArn) }, { Type: 'YEARS', Value: 5 });
    pki.write('root.pem', rootPem);
    expect(await caStatus(a, caArn)).toBe('ACTIVE');

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
    pki.write('leaf.pem', got.Certificate!);
    expect(pki.run('verify', '-x509_strict', '-purpose', 'sslserver', '-CAfile', 'root.pem', 'leaf.pem')).toMatch(/leaf.pem: OK/);
    expect(pki.text('leaf.pem')).toMatch(/Extended Key Usage: \s*\n\s*TLS Web Server Authentication\s*\n/);

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
