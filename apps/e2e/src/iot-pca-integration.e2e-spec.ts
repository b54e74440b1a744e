/**
 * ACM-PCA -> AWS IoT, end to end with both real SDKs: a private CA made entirely through the
 * ACM-PCA API is registered as an IoT CA (its verification certificate, CN = the registration
 * code, issued by the private CA itself) with auto-registration; a certificate it issues later
 * appears in IoT as PENDING_ACTIVATION (issuance-service's CertificateIssued projected by
 * iot-registry); a certificate revoked in ACM-PCA becomes REVOKED in IoT (revocation-service's
 * CertificateRevoked projected by iot-registry).
 */
import { spawnSync } from 'node:child_process';
import { X509Certificate, createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ACMPCAClient,
  CreateCertificateAuthorityCommand,
  DescribeCertificateAuthorityCommand,
  GetCertificateAuthorityCsrCommand,
  GetCertificateCommand,
  ImportCertificateAuthorityCertificateCommand,
  IssueCertificateCommand,
  RevokeCertificateCommand,
  waitUntilCertificateAuthorityCSRCreated,
  waitUntilCertificateIssued,
  type IssueCertificateCommandInput,
} from '@aws-sdk/client-acm-pca';
import {
  DescribeCACertificateCommand,
  DescribeCertificateCommand,
  GetRegistrationCodeCommand,
  IoTClient,
  ListCertificatesByCACommand,
  ListCertificatesCommand,
  RegisterCACertificateCommand,
  RegisterCertificateCommand,
  UpdateCACertificateCommand,
  UpdateCertificateCommand,
  type Certificate,
} from '@aws-sdk/client-iot';
import { waitFor } from '@pki/testing';
import { ACCOUNT_A, startStack, type RunningStack } from './stack';

class OpensslDir {
  readonly path = mkdtempSync(join(tmpdir(), 'iot-pca-e2e-'));
  read(name: string): string {
    return readFileSync(join(this.path, name), 'utf8');
  }
  write(name: string, content: string): void {
    writeFileSync(join(this.path, name), content);
  }
  run(...args: string[]): string {
    const r = spawnSync('openssl', args, { cwd: this.path, encoding: 'utf8', timeout: 60_000 });
    if (r.status !== 0) throw new Error(`openssl ${args.join(' ')} failed: ${r.stdout}\n${r.stderr}`);
    return `${r.stdout}\n${r.stderr}`;
  }
  /** A new P-256 key and a CSR for `/CN=<cn>`; returns the CSR PEM. */
  csr(name: string, cn: string): string {
    this.run('req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`);
    return this.read(`${name}.csr`);
  }
  remove(): void {
    rmSync(this.path, { recursive: true, force: true });
  }
}

const template = (name: string) => `arn:aws:acm-pca:::template/${name}/V1`;
const bytes = (text: string) => new TextEncoder().encode(text);
const idOf = (pem: string) => createHash('sha256').update(new X509Certificate(pem).raw).digest('hex');
const pemBody = (pem: string) => pem.replace(/-----[A-Z ]+-----|\s+/g, '');

describe('ACM-PCA -> AWS IoT: auto-registration on issuance and revocation', () => {
  let stack: RunningStack;
  let pki: OpensslDir;
  const pca = () => new ACMPCAClient({ endpoint: stack.endpoint, region: 'us-east-1', credentials: ACCOUNT_A, maxAttempts: 1 });
  const iot = () => new IoTClient({ endpoint: stack.endpoint, region: 'us-east-1', credentials: ACCOUNT_A, maxAttempts: 1 });
  let caArn = '';
  let caPem = '';
  let caId = '';

  const issued = async (input: IssueCertificateCommandInput) => {
    const client = pca();
    const { CertificateArn } = await client.send(new IssueCertificateCommand(input));
    await waitUntilCertificateIssued({ client, maxWaitTime: 60, minDelay: 1, maxDelay: 2 }, { CertificateAuthorityArn: input.CertificateAuthorityArn, CertificateArn });
    const got = await client.send(new GetCertificateCommand({ CertificateAuthorityArn: input.CertificateAuthorityArn, CertificateArn }));
    return { arn: CertificateArn!, pem: got.Certificate!, serial: CertificateArn!.split('/').pop()! };
  };
  const issueDevice = (name: string) =>
    issued({ CertificateAuthorityArn: caArn, Csr: bytes(pki.csr(name, `${name}.devices.example.com`)), SigningAlgorithm: 'SHA256WITHECDSA', TemplateArn: template('EndEntityClientAuthCertificate'), Validity: { Type: 'DAYS', Value: 30 } });
  const listedByCa = async (): Promise<Certificate[]> => {
    const all: Certificate[] = [];
    let marker: string | undefined;
    do {
      const page = await iot().send(new ListCertificatesByCACommand({ caCertificateId: caId, pageSize: 250, marker }));
      all.push(...(page.certificates ?? []));
      marker = page.nextMarker ?? undefined;
    } while (marker);
    return all;
  };
  const describe_ = async (certificateId: string) => (await iot().send(new DescribeCertificateCommand({ certificateId }))).certificateDescription!;
  const onceEach = (certs: Certificate[], ids: string[]) => {
    for (const id of ids) expect({ id, count: certs.filter((c) => c.certificateId === id).length }).toEqual({ id, count: 1 });
  };

  beforeAll(async () => {
    stack = await startStack({ PKI_KEY_BACKEND: 'software', PKI_KEK: randomBytes(32).toString('base64'), PKI_CA_WORKER_INTERVAL_MS: '500' });
    pki = new OpensslDir();
  }, 180_000);
  afterAll(async () => {
    pki?.remove();
    await stack?.stop();
  });

  it('makes an ACTIVE ROOT CA (EC P-256) entirely through the ACM-PCA API', async () => {
    const client = pca();
    const { CertificateAuthorityArn } = await client.send(
      new CreateCertificateAuthorityCommand({
        CertificateAuthorityType: 'ROOT',
        CertificateAuthorityConfiguration: { KeyAlgorithm: 'EC_prime256v1', SigningAlgorithm: 'SHA256WITHECDSA', Subject: { Country: 'US', Organization: 'Example Corp', CommonName: 'IoT Fleet Root CA' } },
      }),
    );
    caArn = CertificateAuthorityArn!;
    await waitUntilCertificateAuthorityCSRCreated({ client, maxWaitTime: 120, minDelay: 1, maxDelay: 3 }, { CertificateAuthorityArn: caArn });
    const { Csr } = await client.send(new GetCertificateAuthorityCsrCommand({ CertificateAuthorityArn: caArn }));
    const own = await issued({ CertificateAuthorityArn: caArn, Csr: bytes(Csr!), SigningAlgorithm: 'SHA256WITHECDSA', TemplateArn: template('RootCACertificate'), Validity: { Type: 'YEARS', Value: 10 } });
    caPem = own.pem;
    await client.send(new ImportCertificateAuthorityCertificateCommand({ CertificateAuthorityArn: caArn, Certificate: bytes(caPem) }));
    expect((await client.send(new DescribeCertificateAuthorityCommand({ CertificateAuthorityArn: caArn }))).CertificateAuthority!.Status).toBe('ACTIVE');
  }, 180_000);

  it('registers the private CA in IoT with a verification certificate the private CA issued for the registration code', async () => {
    const { registrationCode } = await iot().send(new GetRegistrationCodeCommand({}));
    expect(registrationCode).toMatch(/^[0-9a-f]{64}$/);
    const verification = await issued({ CertificateAuthorityArn: caArn, Csr: bytes(pki.csr('verification', registrationCode!)), SigningAlgorithm: 'SHA256WITHECDSA', TemplateArn: template('EndEntityCertificate'), Validity: { Type: 'DAYS', Value: 1 } });
    pki.write('ca.pem', caPem);
    pki.write('verification.pem', verification.pem);
    expect(pki.run('x509', '-in', 'verification.pem', '-noout', '-subject')).toContain(registrationCode!);
    expect(pki.run('verify', '-CAfile', 'ca.pem', 'verification.pem')).toContain('verification.pem: OK');

    const registered = await iot().send(new RegisterCACertificateCommand({ caCertificate: caPem, verificationCertificate: verification.pem, setAsActive: true, allowAutoRegistration: true }));
    caId = idOf(caPem);
    expect(registered).toMatchObject({ certificateId: caId, certificateArn: `arn:aws:iot:us-east-1:${ACCOUNT_A.accountId}:cacert/${caId}` });
  }, 120_000);

  let autoId = '';
  it('a device certificate the private CA issues afterwards appears in IoT as PENDING_ACTIVATION (auto-registration on issuance)', async () => {
    const device = await issueDevice('auto-device');
    autoId = idOf(device.pem);
    const listed = await waitFor(
      async () => {
        const certs = await listedByCa();
        return certs.some((c) => c.certificateId === autoId) && certs;
      },
      { timeoutMs: 30_000, intervalMs: 200, what: 'the issued certificate to be auto-registered in IoT' },
    );
    // Only this one: the verification certificate, issued (earlier in the same issuance stream)
    // before the CA was registered, is not auto-registered.
    expect(listed.map((c) => c.certificateId)).toEqual([autoId]);
    expect(listed.find((c) => c.certificateId === autoId)).toMatchObject({ status: 'PENDING_ACTIVATION', certificateArn: `arn:aws:iot:us-east-1:${ACCOUNT_A.accountId}:cert/${autoId}` });

    const description = await describe_(autoId);
    expect(description).toMatchObject({ certificateId: autoId, caCertificateId: caId, status: 'PENDING_ACTIVATION', ownedBy: ACCOUNT_A.accountId, certificateMode: 'DEFAULT' });
    expect(pemBody(description.certificatePem!)).toBe(pemBody(device.pem));
    const x509 = new X509Certificate(device.pem);
    expect(description.validity).toEqual({ notBefore: new Date(x509.validFrom), notAfter: new Date(x509.validTo) });
  }, 120_000);

  it('revoking in ACM-PCA makes the IoT certificate REVOKED: one registered with RegisterCertificate (ACTIVE), one auto-registered then activated', async () => {
    // With auto-registration off (committed before the issuance, so the projection sees it off),
    // the next certificate is registered explicitly.
    await iot().send(new UpdateCACertificateCommand({ certificateId: caId, newAutoRegistrationStatus: 'DISABLE' }));
    expect((await iot().send(new DescribeCACertificateCommand({ certificateId: caId }))).certificateDescription!.autoRegistrationStatus).toBe('DISABLE');
    const explicit = await issueDevice('explicit-device');
    const registered = await iot().send(new RegisterCertificateCommand({ certificatePem: explicit.pem, caCertificatePem: caPem, status: 'ACTIVE' }));
    const explicitId = idOf(explicit.pem);
    expect(registered).toEqual(expect.objectContaining({ certificateId: explicitId, certificateArn: `arn:aws:iot:us-east-1:${ACCOUNT_A.accountId}:cert/${explicitId}` }));
    expect(await describe_(explicitId)).toMatchObject({ status: 'ACTIVE', caCertificateId: caId });
    await iot().send(new UpdateCertificateCommand({ certificateId: autoId, newStatus: 'ACTIVE' }));
    expect((await describe_(autoId)).status).toBe('ACTIVE');

    // A third certificate stays ACTIVE: only the revoked ones change.
    const bystander = await issueDevice('bystander-device');
    const bystanderId = idOf(bystander.pem);
    await iot().send(new RegisterCertificateCommand({ certificatePem: bystander.pem, caCertificatePem: caPem, setAsActive: true }));

    const revoke = (serial: string) => pca().send(new RevokeCertificateCommand({ CertificateAuthorityArn: caArn, CertificateSerial: serial, RevocationReason: 'KEY_COMPROMISE' }));
    const versions = { explicit: (await describe_(explicitId)).customerVersion!, auto: (await describe_(autoId)).customerVersion! };
    await revoke(explicit.serial);
    await waitFor(async () => (await describe_(explicitId)).status === 'REVOKED', { timeoutMs: 30_000, intervalMs: 200, what: 'IoT to show the explicitly registered certificate REVOKED' });
    const autoPem = (await describe_(autoId)).certificatePem!;
    await revoke(new X509Certificate(autoPem).serialNumber);
    await waitFor(async () => (await describe_(autoId)).status === 'REVOKED', { timeoutMs: 30_000, intervalMs: 200, what: 'IoT to show the auto-registered certificate REVOKED' });

    expect((await describe_(explicitId)).customerVersion).toBe(versions.explicit + 1);
    expect((await describe_(autoId)).customerVersion).toBe(versions.auto + 1);
    expect((await describe_(bystanderId)).status).toBe('ACTIVE');

    // Each certificate appears exactly once, in both listings.
    const listed = await listedByCa();
    onceEach(listed, [autoId, explicitId, bystanderId]);
    expect(Object.fromEntries(listed.filter((c) => [autoId, explicitId, bystanderId].includes(c.certificateId!)).map((c) => [c.certificateId, c.status]))).toEqual({
      [autoId]: 'REVOKED',
      [explicitId]: 'REVOKED',
      [bystanderId]: 'ACTIVE',
    });
    const { certificates } = await iot().send(new ListCertificatesCommand({ pageSize: 250 }));
    onceEach(certificates ?? [], [autoId, explicitId, bystanderId]);
  }, 120_000);
});
