/**
 * ACM-PCA -> AWS IoT, end to end with both real SDKs: a private CA made entirely through the
 * ACM-PCA API is registered as an IoT CA (its verification certificate, CN = the registration
 * code, issued by the private CA itself) with auto-registration; a certificate it issues later
 * appears in IoT as PENDING_ACTIVATION (issuance-service's CertificateIssued projected by
 * iot-registry); a certificate revoked in ACM-PCA becomes REVOKED in IoT (revocation-service's
 * CertificateRevoked projected by iot-registry).
 */
import { X509Certificate } from 'node:crypto';
import { RevokeCertificateCommand } from '@aws-sdk/client-acm-pca';
import {
  DescribeCACertificateCommand,
  DescribeCertificateCommand,
  GetRegistrationCodeCommand,
  ListCertificatesByCACommand,
  ListCertificatesCommand,
  RegisterCACertificateCommand,
  RegisterCertificateCommand,
  UpdateCACertificateCommand,
  UpdateCertificateCommand,
  type Certificate,
} from '@aws-sdk/client-iot';
import { waitFor } from '@pki/testing';
import { activeRootCa, bytes, caStatus, issueCertificate, pcaClient, template } from './fixtures/acm-pca';
import { certificateId as idOf, iotClient, pemBody } from './fixtures/iot';
import { OpensslDir } from './fixtures/openssl';
import { outboxSchemas, pendingOutbox, publicEvents } from './fixtures/audit';
import { ACCOUNT_A, softwareKeysEnv, startStack, type RunningStack } from './stack';

describe('ACM-PCA -> AWS IoT: auto-registration on issuance and revocation', () => {
  let stack: RunningStack;
  let pki: OpensslDir;
  const pca = () => pcaClient(stack.endpoint);
  const iot = () => iotClient(stack.endpoint);
  let caArn = '';
  let caPem = '';
  let caId = '';

  const issueDevice = (name: string) =>
    issueCertificate(pca(), { CertificateAuthorityArn: caArn, Csr: bytes(pki.csr(name, `/CN=${name}.devices.example.com`)), SigningAlgorithm: 'SHA256WITHECDSA', TemplateArn: template('EndEntityClientAuthCertificate'), Validity: { Type: 'DAYS', Value: 30 } });
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
    stack = await startStack(softwareKeysEnv());
    pki = new OpensslDir('iot-pca-e2e');
  }, 180_000);
  afterAll(async () => {
    pki?.remove();
    await stack?.stop();
  });

  it('makes an ACTIVE ROOT CA (EC P-256) entirely through the ACM-PCA API', async () => {
    const client = pca();
    const root = await activeRootCa(client, { subject: { Country: 'US', Organization: 'Example Corp', CommonName: 'IoT Fleet Root CA' }, validity: { Type: 'YEARS', Value: 10 } });
    caArn = root.arn;
    caPem = root.certificate;
    expect(await caStatus(client, caArn)).toBe('ACTIVE');
  }, 180_000);

  it('registers the private CA in IoT with a verification certificate the private CA issued for the registration code', async () => {
    const { registrationCode } = await iot().send(new GetRegistrationCodeCommand({}));
    expect(registrationCode).toMatch(/^[0-9a-f]{64}$/);
    const verification = await issueCertificate(pca(), { CertificateAuthorityArn: caArn, Csr: bytes(pki.csr('verification', `/CN=${registrationCode!}`)), SigningAlgorithm: 'SHA256WITHECDSA', TemplateArn: template('EndEntityCertificate'), Validity: { Type: 'DAYS', Value: 1 } });
    pki.write('ca.pem', caPem);
    pki.write('verification.pem', verification.certificate);
    expect(pki.run('x509', '-in', 'verification.pem', '-noout', '-subject')).toContain(registrationCode!);
    expect(pki.run('verify', '-CAfile', 'ca.pem', 'verification.pem')).toContain('verification.pem: OK');

    const registered = await iot().send(new RegisterCACertificateCommand({ caCertificate: caPem, verificationCertificate: verification.certificate, setAsActive: true, allowAutoRegistration: true }));
    caId = idOf(caPem);
    expect(registered).toMatchObject({ certificateId: caId, certificateArn: `arn:aws:iot:us-east-1:${ACCOUNT_A.accountId}:cacert/${caId}` });
  }, 120_000);

  let autoId = '';
  it('a device certificate the private CA issues afterwards appears in IoT as PENDING_ACTIVATION (auto-registration on issuance)', async () => {
    const device = await issueDevice('auto-device');
    autoId = idOf(device.certificate);
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
    expect(pemBody(description.certificatePem!)).toBe(pemBody(device.certificate));
    const x509 = new X509Certificate(device.certificate);
    expect(description.validity).toEqual({ notBefore: new Date(x509.validFrom), notAfter: new Date(x509.validTo) });
  }, 120_000);

  it('revoking in ACM-PCA makes the IoT certificate REVOKED: one registered with RegisterCertificate (ACTIVE), one auto-registered then activated', async () => {
    // With auto-registration off (committed before the issuance, so the projection sees it off),
    // the next certificate is registered explicitly.
    await iot().send(new UpdateCACertificateCommand({ certificateId: caId, newAutoRegistrationStatus: 'DISABLE' }));
    expect((await iot().send(new DescribeCACertificateCommand({ certificateId: caId }))).certificateDescription!.autoRegistrationStatus).toBe('DISABLE');
    const explicit = await issueDevice('explicit-device');
    const registered = await iot().send(new RegisterCertificateCommand({ certificatePem: explicit.certificate, caCertificatePem: caPem, status: 'ACTIVE' }));
    const explicitId = idOf(explicit.certificate);
    expect(registered).toEqual(expect.objectContaining({ certificateId: explicitId, certificateArn: `arn:aws:iot:us-east-1:${ACCOUNT_A.accountId}:cert/${explicitId}` }));
    expect(await describe_(explicitId)).toMatchObject({ status: 'ACTIVE', caCertificateId: caId });
    await iot().send(new UpdateCertificateCommand({ certificateId: autoId, newStatus: 'ACTIVE' }));
    expect((await describe_(autoId)).status).toBe('ACTIVE');

    // A third certificate stays ACTIVE: only the revoked ones change.
    const bystander = await issueDevice('bystander-device');
    const bystanderId = idOf(bystander.certificate);
    await iot().send(new RegisterCertificateCommand({ certificatePem: bystander.certificate, caCertificatePem: caPem, setAsActive: true }));

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

    // The public feed (issue #15) tells the owner's account of both, with the cause, and every outbox drains.
    const changes = await waitFor(async () => {
      const found = (await publicEvents(stack)).filter((e) => e['detail-type'] === 'IoT Certificate Status Change' && (e.detail as { cause: string }).cause === 'IssuerRevocation');
      return found.length >= 2 && found;
    }, { what: "the IssuerRevocation status changes in the public feed", timeoutMs: 30_000 });
    expect(changes.map((e) => [e.account, (e.detail as { certificateId: string }).certificateId]).sort()).toEqual([[ACCOUNT_A.accountId, autoId], [ACCOUNT_A.accountId, explicitId]].sort());
    await waitFor(async () => Object.keys(await pendingOutbox(stack.db, await outboxSchemas(stack.db))).length === 0, { what: 'every outbox drained' });
  }, 120_000);
});
