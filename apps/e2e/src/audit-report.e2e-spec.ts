import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  ImportCertificateAuthorityCertificateCommand,
  IssueCertificateCommand,
  RevokeCertificateCommand,
  waitUntilCertificateIssued,
  CreateCertificateAuthorityAuditReportCommand,
  DescribeCertificateAuthorityAuditReportCommand,
  waitUntilAuditReportCreated,
} from '@aws-sdk/client-acm-pca';
import { waitFor } from '@pki/testing';
import { bytes, caStatus, createCa as createCertificateAuthority, pcaClient, template, waitForCsr } from './fixtures/acm-pca';
import { errorOf } from './fixtures/errors';
import { OpensslDir } from './fixtures/openssl';
import { signedS3Get } from './signed-fetch';
import { ACCOUNT_A, ACCOUNT_B, startStack, type RunningStack } from './stack';

describe('audit reports through the SDK', () => {
  let stack: RunningStack;
  let dir: string;
  const client = (credentials = ACCOUNT_A) => pcaClient(stack.endpoint, credentials);
  const createCa = (type: 'ROOT' | 'SUBORDINATE') => createCertificateAuthority(client(), { type, subject: { CommonName: `Audit ${type}`, Organization: 'Example Corp' } });

  /** An ACTIVE subordinate CA: its CSR signed by an external root made with the openssl CLI, then imported. */
  async function activeSubordinate(): Promise<string> {
    const arn = await createCa('SUBORDINATE');
    const openssl = new OpensslDir('openssl', dir);
    openssl.write('sub.csr', await waitForCsr(client(), arn));
    openssl.write('ext.cnf', 'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign,digitalSignature\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n');
    openssl.selfSigned('root', '/CN=External Audit Root/O=Example Corp', { days: 3650 });
    openssl.sign('sub', 'root', 'sub', { days: 365, extfile: 'ext.cnf', args: ['-sha256'] });
    await client().send(
      new ImportCertificateAuthorityCertificateCommand({
        CertificateAuthorityArn: arn,
        Certificate: bytes(openssl.read('sub.pem')),
        CertificateChain: bytes(openssl.read('root.pem')),
      }),
    );
    expect(await caStatus(client(), arn)).toBe('ACTIVE');
    return arn;
  }

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'pki-e2e-audit-'));
    stack = await startStack({ PKI_OBJECT_STORE_DIR: path.join(dir, 'objects') });
  });
  afterAll(async () => {
    await stack?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses a report for a CA that is not ACTIVE or DISABLED, and unknown reports', async () => {
    const arn = await createCa('ROOT');
    const refused = await errorOf(client().send(new CreateCertificateAuthorityAuditReportCommand({ CertificateAuthorityArn: arn, S3BucketName: 'audit-bucket', AuditReportResponseFormat: 'JSON' })));
    expect(refused.name).toBe('InvalidStateException');
    expect(refused.message).toMatch(/audit reports can only be generated for an ACTIVE or DISABLED certificate authority/);
    const unknown = await errorOf(client().send(new DescribeCertificateAuthorityAuditReportCommand({ CertificateAuthorityArn: arn, AuditReportId: randomUUID() })));
    expect(unknown.name).toBe('ResourceNotFoundException');
    const badFormat = await errorOf(client().send(new CreateCertificateAuthorityAuditReportCommand({ CertificateAuthorityArn: arn, S3BucketName: 'audit-bucket', AuditReportResponseFormat: 'XML' as never })));
    expect(badFormat.name).toBe('ValidationException');
    const otherAccount = await errorOf(client(ACCOUNT_B).send(new CreateCertificateAuthorityAuditReportCommand({ CertificateAuthorityArn: arn, S3BucketName: 'audit-bucket', AuditReportResponseFormat: 'JSON' })));
    expect(otherAccount.name).toBe('AccessDeniedException');
  });

  it('creates a report for an ACTIVE CA (waiter AuditReportCreated), private to the owner and served by the gateway', async () => {
    const arn = await activeSubordinate();
    const caId = arn.split('/').pop()!;
    const created = await client().send(new CreateCertificateAuthorityAuditReportCommand({ CertificateAuthorityArn: arn, S3BucketName: 'audit-bucket', AuditReportResponseFormat: 'CSV' }));
    expect(created.S3Key).toBe(`audit-report/${caId}/${created.AuditReportId}.csv`);
    await waitUntilAuditReportCreated({ client: client(), maxWaitTime: 60, minDelay: 1, maxDelay: 2 }, { CertificateAuthorityArn: arn, AuditReportId: created.AuditReportId });
    const described = await client().send(new DescribeCertificateAuthorityAuditReportCommand({ CertificateAuthorityArn: arn, AuditReportId: created.AuditReportId }));
    expect(described).toMatchObject({ AuditReportStatus: 'SUCCESS', S3BucketName: 'audit-bucket', S3Key: created.S3Key });
    expect(Math.abs(described.CreatedAt!.getTime() - Date.now())).toBeLessThan(120_000);

    const again = await errorOf(client().send(new CreateCertificateAuthorityAuditReportCommand({ CertificateAuthorityArn: arn, S3BucketName: 'audit-bucket', AuditReportResponseFormat: 'JSON' })));
    expect(again.name).toBe('RequestInProgressException');

    const objectPath = `/audit-bucket/${created.S3Key}`;
    expect((await fetch(stack.endpoint + objectPath)).status).toBe(403);
    expect((await signedS3Get(stack.endpoint, objectPath, ACCOUNT_B)).status).toBe(403);
    const owner = await signedS3Get(stack.endpoint, objectPath, ACCOUNT_A);
    expect(owner.status).toBe(200);
    expect(owner.headers.get('content-type')).toBe('text/csv');
    // No certificate has been issued by this CA (IssueCertificate arrives with the issuance issue): the header line only.
    expect(await owner.text()).toBe('awsAccountId,requestedByServicePrincipal,certificateArn,serial,subject,notBefore,notAfter,issuedAt,revokedAt,revocationReason,templateArn\r\n');
  });

  it('lists exactly the certificates the CA issued and revoked, with AWS fields', async () => {
    const arn = await activeSubordinate();
    const leaves = new OpensslDir('leaves', dir);
    const issued: Array<{ arn: string; serial: string; cn: string }> = [];
    for (const cn of ['a.example.com', 'b.example.com', 'c.example.com']) {
      const { CertificateArn } = await client().send(
        new IssueCertificateCommand({
          CertificateAuthorityArn: arn,
          Csr: bytes(leaves.csr(cn, `/O=Example Corp/CN=${cn}`)),
          SigningAlgorithm: 'SHA256WITHECDSA',
          TemplateArn: template('EndEntityCertificate'),
          Validity: { Type: 'DAYS', Value: 30 },
        }),
      );
      await waitUntilCertificateIssued({ client: client(), maxWaitTime: 60, minDelay: 1, maxDelay: 2 }, { CertificateAuthorityArn: arn, CertificateArn });
      issued.push({ arn: CertificateArn!, serial: CertificateArn!.split('/').pop()!, cn });
    }
    const revoked = issued[1]!;
    await client().send(new RevokeCertificateCommand({ CertificateAuthorityArn: arn, CertificateSerial: revoked.serial, RevocationReason: 'KEY_COMPROMISE' }));
    // The report reads ca-service's projection of issuance and revocation events: wait until it has them all.
    const caId = arn.split('/').pop()!;
    await waitFor(
      async () => {
        const rows = (await stack.db.withSchema('ca').selectFrom('audit_records').selectAll().where('certificate_authority_id', '=', caId).execute()) as Array<Record<string, unknown>>;
        return rows.length === 3 && rows.every((r) => r.issued_at !== null) && rows.some((r) => r.revoked_at !== null);
      },
      { timeoutMs: 30_000, what: 'ca-service to project the issued and revoked certificates' },
    );
    const created = await client().send(new CreateCertificateAuthorityAuditReportCommand({ CertificateAuthorityArn: arn, S3BucketName: 'audit-bucket', AuditReportResponseFormat: 'JSON' }));
    expect(created.S3Key).toBe(`audit-report/${caId}/${created.AuditReportId}.json`);
    await waitUntilAuditReportCreated({ client: client(), maxWaitTime: 60, minDelay: 1, maxDelay: 2 }, { CertificateAuthorityArn: arn, AuditReportId: created.AuditReportId });
    const response = await signedS3Get(stack.endpoint, `/audit-bucket/${created.S3Key}`, ACCOUNT_A);
    expect(response.status).toBe(200);
    const records = JSON.parse(await response.text()) as Array<Record<string, string>>;
    expect(records.map((r) => r.certificateArn).sort()).toEqual(issued.map((c) => c.arn).sort());
    const time = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+0000$/;
    for (const record of records) {
      const certificate = issued.find((c) => c.arn === record.certificateArn)!;
      expect(record.awsAccountId).toBe(ACCOUNT_A.accountId);
      expect(record.serial).toBe(certificate.serial.padStart(certificate.serial.length + (certificate.serial.length % 2), '0').match(/../g)!.join(':'));
      expect(record.subject).toBe(`CN=${certificate.cn},O=Example Corp`);
      expect(record.templateArn).toBe('arn:aws:acm-pca:::template/EndEntityCertificate/V1');
      for (const field of ['notBefore', 'notAfter', 'issuedAt']) expect(record[field]).toMatch(time);
      if (certificate === revoked) {
        expect(record.revokedAt).toMatch(time);
        expect(record.revocationReason).toBe('KEY_COMPROMISE');
      } else {
        expect(record.revokedAt).toBeUndefined();
        expect(record.revocationReason).toBeUndefined();
      }
    }
  });
});
