import { execFileSync } from 'node:child_process';
import { createHash, createHmac, randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  ACMPCAClient,
  IssueCertificateCommand,
  RevokeCertificateCommand,
  waitUntilCertificateIssued,
  CreateCertificateAuthorityAuditReportCommand,
  CreateCertificateAuthorityCommand,
  DescribeCertificateAuthorityAuditReportCommand,
  DescribeCertificateAuthorityCommand,
  GetCertificateAuthorityCsrCommand,
  ImportCertificateAuthorityCertificateCommand,
  waitUntilAuditReportCreated,
  waitUntilCertificateAuthorityCSRCreated,
} from '@aws-sdk/client-acm-pca';
import { SignatureV4 } from '@smithy/signature-v4';
import { waitFor } from '@pki/testing';
import { ACCOUNT_A, ACCOUNT_B, startStack, type RunningStack } from './stack';
import type { Credentials } from './signed-fetch';

class Sha256 {
  private readonly hash;
  constructor(secret?: string | Uint8Array) {
    this.hash = secret ? createHmac('sha256', secret) : createHash('sha256');
  }
  update(data: string | Uint8Array): void {
    this.hash.update(data);
  }
  async digest(): Promise<Uint8Array> {
    return this.hash.digest();
  }
}

async function signedS3Get(endpoint: string, pathname: string, credentials: Credentials): Promise<Response> {
  const url = new URL(endpoint);
  const signer = new SignatureV4({ service: 's3', region: 'us-east-1', credentials, sha256: Sha256 as never, uriEscapePath: false });
  const signed = await signer.sign({ method: 'GET', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: pathname, query: {}, headers: { host: url.host, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } });
  return fetch(endpoint + pathname, { headers: signed.headers as Record<string, string> });
}

async function errorOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to fail');
}

describe('audit reports through the SDK', () => {
  let stack: RunningStack;
  let dir: string;
  const client = (credentials = ACCOUNT_A) => new ACMPCAClient({ endpoint: stack.endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
  const createCa = async (type: 'ROOT' | 'SUBORDINATE') =>
    (
      await client().send(
        new CreateCertificateAuthorityCommand({
          CertificateAuthorityType: type,
          CertificateAuthorityConfiguration: { KeyAlgorithm: 'EC_prime256v1', SigningAlgorithm: 'SHA256WITHECDSA', Subject: { CommonName: `Audit ${type}`, Organization: 'Example Corp' } },
        }),
      )
    ).CertificateAuthorityArn!;

  /** An ACTIVE subordinate CA: its CSR signed by an external root made with the openssl CLI, then imported. */
  async function activeSubordinate(): Promise<string> {
    const arn = await createCa('SUBORDINATE');
    await waitUntilCertificateAuthorityCSRCreated({ client: client(), maxWaitTime: 60, minDelay: 1, maxDelay: 2 }, { CertificateAuthorityArn: arn });
    const { Csr } = await client().send(new GetCertificateAuthorityCsrCommand({ CertificateAuthorityArn: arn }));
    const work = await mkdtemp(path.join(dir, 'openssl-'));
    const file = (name: string) => path.join(work, name);
    await writeFile(file('sub.csr'), Csr!);
    await writeFile(file('ext.cnf'), 'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign,digitalSignature\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n');
    const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
    openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', file('root.key'), '-out', file('root.pem'), '-days', '3650', '-subj', '/CN=External Audit Root/O=Example Corp',
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
    openssl('x509', '-req', '-in', file('sub.csr'), '-CA', file('root.pem'), '-CAkey', file('root.key'), '-CAcreateserial', '-days', '365', '-sha256', '-extfile', file('ext.cnf'), '-out', file('sub.pem'));
    await client().send(
      new ImportCertificateAuthorityCertificateCommand({
        CertificateAuthorityArn: arn,
        Certificate: await readFile(file('sub.pem')),
        CertificateChain: await readFile(file('root.pem')),
      }),
    );
    const { CertificateAuthority } = await client().send(new DescribeCertificateAuthorityCommand({ CertificateAuthorityArn: arn }));
    expect(CertificateAuthority!.Status).toBe('ACTIVE');
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
    const work = await mkdtemp(path.join(dir, 'leaves-'));
    const issued: Array<{ arn: string; serial: string; cn: string }> = [];
    for (const cn of ['a.example.com', 'b.example.com', 'c.example.com']) {
      execFileSync('openssl', ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', path.join(work, `${cn}.key`), '-out', path.join(work, `${cn}.csr`), '-subj', `/O=Example Corp/CN=${cn}`], { stdio: 'pipe' });
      const { CertificateArn } = await client().send(
        new IssueCertificateCommand({
          CertificateAuthorityArn: arn,
          Csr: await readFile(path.join(work, `${cn}.csr`)),
          SigningAlgorithm: 'SHA256WITHECDSA',
          TemplateArn: 'arn:aws:acm-pca:::template/EndEntityCertificate/V1',
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
