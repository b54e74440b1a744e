import { X509Certificate } from 'node:crypto';
import {
  AcceptCertificateTransferCommand,
  CancelCertificateTransferCommand,
  DeleteCACertificateCommand,
  DeleteCertificateCommand,
  DescribeCACertificateCommand,
  DescribeCertificateCommand,
  GetRegistrationCodeCommand,
  ListCACertificatesCommand,
  ListCertificatesByCACommand,
  ListCertificatesCommand,
  RegisterCACertificateCommand,
  RegisterCertificateCommand,
  RegisterCertificateWithoutCACommand,
  RejectCertificateTransferCommand,
  TransferCertificateCommand,
  UpdateCACertificateCommand,
  UpdateCertificateCommand,
  type Certificate,
} from '@aws-sdk/client-iot';
import { errorOf } from './fixtures/errors';
import { certificateId as idOf, iotClient, iotEventCount, pemBody } from './fixtures/iot';
import { OpensslDir } from './fixtures/openssl';
import { ACCOUNT_A, ACCOUNT_B, startStack, type RunningStack } from './stack';

describe('AWS IoT certificates through @aws-sdk/client-iot', () => {
  let stack: RunningStack;
  /** The openssl CLI in one working directory (the device maker's PKI in this test). */
  let pki: OpensslDir;
  const iot = (account = ACCOUNT_A) => iotClient(stack.endpoint, account);
  const iotEvents = () => iotEventCount(stack.db);
  /** A certificate for `cn` with the shared device key, signed by CA `ca`. */
  const signed = (name: string, cn: string, ca: string) => pki.certificate(name, `/CN=${cn}`, ca, { key: 'device.key' });

  beforeAll(async () => {
    stack = await startStack();
    pki = new OpensslDir('iot-e2e');
    pki.selfSigned('ca', '/O=IoT E2E/CN=Device Maker CA');
    pki.selfSigned('other', '/O=IoT E2E/CN=Someone Else CA');
    pki.key('device');
  }, 120_000);
  afterAll(async () => {
    pki?.remove();
    await stack?.stop();
  });

  let caId = '';
  const devices: Array<{ id: string; pem: string }> = [];

  it('GetRegistrationCode -> RegisterCACertificate with an openssl verification certificate -> DescribeCACertificate', async () => {
    const { registrationCode } = await iot().send(new GetRegistrationCodeCommand({}));
    expect(registrationCode).toMatch(/^[0-9a-f]{64}$/);
    expect((await iot().send(new GetRegistrationCodeCommand({}))).registrationCode).toBe(registrationCode);
    const codeB = (await iot(ACCOUNT_B).send(new GetRegistrationCodeCommand({}))).registrationCode;
    expect(codeB).not.toBe(registrationCode);

    const caCertificate = pki.read('ca.pem');
    const verificationCertificate = signed('verification', registrationCode!, 'ca');
    const before = await iotEvents();
    // Each rule, with its documented exception; nothing is written.
    const refused = async (input: Partial<ConstructorParameters<typeof RegisterCACertificateCommand>[0]>) =>
      errorOf(iot().send(new RegisterCACertificateCommand({ caCertificate, ...input } as ConstructorParameters<typeof RegisterCACertificateCommand>[0])));
    expect(await refused({})).toMatchObject({ name: 'InvalidRequestException', message: expect.stringMatching(/verificationCertificate is required/) });
    expect(await refused({ verificationCertificate: signed('wrong-cn', 'not-the-code', 'ca') })).toMatchObject({ name: 'RegistrationCodeValidationException' });
    expect(await refused({ verificationCertificate: signed('wrong-key', registrationCode!, 'other') })).toMatchObject({
      name: 'CertificateValidationException',
      message: expect.stringMatching(/not signed by the CA certificate's private key/),
    });
    expect(await refused({ caCertificate: 'not a certificate', verificationCertificate })).toMatchObject({ name: 'CertificateValidationException', message: expect.stringMatching(/PEM/) });
    expect(await refused({ caCertificate: verificationCertificate, verificationCertificate })).toMatchObject({ name: 'CertificateValidationException', message: expect.stringMatching(/not a CA certificate/) });
    expect(await iotEvents()).toBe(before);

    const registered = await iot().send(new RegisterCACertificateCommand({ caCertificate, verificationCertificate, setAsActive: true, allowAutoRegistration: true }));
    caId = idOf(caCertificate);
    expect(registered).toMatchObject({ certificateId: caId, certificateArn: `arn:aws:iot:us-east-1:${ACCOUNT_A.accountId}:cacert/${caId}` });
    expect(await refused({ verificationCertificate })).toMatchObject({ name: 'ResourceAlreadyExistsException', $metadata: { httpStatusCode: 409 } });

    const { certificateDescription: ca } = await iot().send(new DescribeCACertificateCommand({ certificateId: caId }));
    const x509 = new X509Certificate(caCertificate);
    expect(ca).toMatchObject({
      certificateArn: registered.certificateArn,
      certificateId: caId,
      status: 'ACTIVE',
      ownedBy: ACCOUNT_A.accountId,
      autoRegistrationStatus: 'ENABLE',
      customerVersion: 1,
      generationId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      certificateMode: 'DEFAULT',
      validity: { notBefore: new Date(x509.validFrom), notAfter: new Date(x509.validTo) },
    });
    expect(pemBody(ca!.certificatePem!)).toBe(pemBody(caCertificate));
    expect((await errorOf(iot(ACCOUNT_B).send(new DescribeCACertificateCommand({ certificateId: caId })))).name).toBe('ResourceNotFoundException');
    const { certificates } = await iot().send(new ListCACertificatesCommand({}));
    expect(certificates).toEqual([{ certificateArn: registered.certificateArn, certificateId: caId, status: 'ACTIVE', creationDate: ca!.creationDate }]);

    // SNI_ONLY needs no verification certificate.
    const sni = await iot().send(new RegisterCACertificateCommand({ caCertificate: pki.read('other.pem'), certificateMode: 'SNI_ONLY' }));
    expect((await iot().send(new DescribeCACertificateCommand({ certificateId: sni.certificateId }))).certificateDescription).toMatchObject({ certificateMode: 'SNI_ONLY', status: 'INACTIVE' });
    await iot().send(new DeleteCACertificateCommand({ certificateId: sni.certificateId }));
  });

  it('registers 30 device certificates and lists them by CA with pageSize 7 in both orders, each exactly once', async () => {
    for (let i = 0; i < 30; i++) {
      const pem = signed(`device-${i}`, `device-${i}`, 'ca');
      const out = await iot().send(new RegisterCertificateCommand({ certificatePem: pem, caCertificatePem: i % 2 ? pki.read('ca.pem') : undefined, setAsActive: true }));
      expect(out).toEqual(expect.objectContaining({ certificateId: idOf(pem), certificateArn: `arn:aws:iot:us-east-1:${ACCOUNT_A.accountId}:cert/${idOf(pem)}` }));
      devices.push({ id: out.certificateId!, pem });
    }
    const listAll = async (ascendingOrder: boolean) => {
      const pages: Certificate[][] = [];
      let marker: string | undefined;
      do {
        const page = await iot().send(new ListCertificatesByCACommand({ caCertificateId: caId, pageSize: 7, marker, ascendingOrder }));
        pages.push(page.certificates!);
        marker = page.nextMarker;
      } while (marker);
      return pages;
    };
    for (const ascendingOrder of [true, false]) {
      const pages = await listAll(ascendingOrder);
      expect(pages.map((p) => p.length)).toEqual([7, 7, 7, 7, 2]);
      const ids = pages.flat().map((c) => c.certificateId);
      expect(new Set(ids).size).toBe(30);
      expect(ids).toEqual(ascendingOrder ? devices.map((d) => d.id) : devices.map((d) => d.id).reverse());
      const times = pages.flat().map((c) => c.creationDate!.getTime());
      expect(times).toEqual([...times].sort((a, b) => (ascendingOrder ? a - b : b - a)));
      expect(pages.flat().every((c) => c.status === 'ACTIVE' && c.certificateMode === 'DEFAULT')).toBe(true);
    }
    const all = await iot().send(new ListCertificatesCommand({ pageSize: 250 }));
    expect(all.certificates).toHaveLength(30);
    expect(all.nextMarker).toBeUndefined();
  });

  it('DescribeCertificate returns every seed field with its value', async () => {
    const { id, pem } = devices[0]!;
    const { certificateDescription: d } = await iot().send(new DescribeCertificateCommand({ certificateId: id }));
    const x509 = new X509Certificate(pem);
    expect(d).toEqual({
      certificateArn: `arn:aws:iot:us-east-1:${ACCOUNT_A.accountId}:cert/${id}`,
      certificateId: id,
      caCertificateId: caId,
      status: 'ACTIVE',
      certificatePem: expect.any(String),
      ownedBy: ACCOUNT_A.accountId,
      creationDate: expect.any(Date),
      lastModifiedDate: expect.any(Date),
      customerVersion: 1,
      generationId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      validity: { notBefore: new Date(x509.validFrom), notAfter: new Date(x509.validTo) },
      certificateMode: 'DEFAULT',
    });
    expect(pemBody(d!.certificatePem!)).toBe(pemBody(pem));
    expect(d!.lastModifiedDate).toEqual(d!.creationDate);
    expect(Math.abs(d!.creationDate!.getTime() - Date.now())).toBeLessThan(120_000);
  });

  it('UpdateCertificate and DeleteCertificate follow AWS rules', async () => {
    const { id } = devices[1]!;
    const describe = async () => (await iot().send(new DescribeCertificateCommand({ certificateId: id }))).certificateDescription!;
    const first = await describe();
    expect((await errorOf(iot().send(new DeleteCertificateCommand({ certificateId: id, forceDelete: true })))).name).toBe('CertificateStateException');
    expect((await errorOf(iot().send(new UpdateCertificateCommand({ certificateId: id, newStatus: 'PENDING_TRANSFER' })))).name).toBe('InvalidRequestException');
    await iot().send(new UpdateCertificateCommand({ certificateId: id, newStatus: 'INACTIVE' }));
    const second = await describe();
    expect(second).toMatchObject({ status: 'INACTIVE', customerVersion: 2 });
    expect(second.generationId).not.toBe(first.generationId);
    expect(second.lastModifiedDate!.getTime()).toBeGreaterThan(first.lastModifiedDate!.getTime());
    await iot().send(new UpdateCertificateCommand({ certificateId: id, newStatus: 'REVOKED' }));
    expect((await errorOf(iot().send(new UpdateCertificateCommand({ certificateId: id, newStatus: 'ACTIVE' })))).name).toBe('CertificateStateException');
    expect((await errorOf(iot(ACCOUNT_B).send(new UpdateCertificateCommand({ certificateId: id, newStatus: 'INACTIVE' })))).name).toBe('ResourceNotFoundException');
    await iot().send(new DeleteCertificateCommand({ certificateId: id, forceDelete: true }));
    expect((await errorOf(iot().send(new DescribeCertificateCommand({ certificateId: id })))).name).toBe('ResourceNotFoundException');
    // Deleted certificates can be registered again.
    await iot().send(new RegisterCertificateCommand({ certificatePem: devices[1]!.pem }));
    expect((await describe()).status).toBe('INACTIVE');
  });

  it('transfers between accounts: accept, reject and cancel, with transferData', async () => {
    const [accepted, rejected, cancelled] = [devices[2]!.id, devices[3]!.id, devices[4]!.id];
    expect((await errorOf(iot().send(new TransferCertificateCommand({ certificateId: accepted, targetAwsAccount: ACCOUNT_B.accountId })))).name).toBe('CertificateStateException');
    for (const id of [accepted, rejected, cancelled]) await iot().send(new UpdateCertificateCommand({ certificateId: id, newStatus: 'INACTIVE' }));
    for (const id of [accepted, rejected, cancelled]) {
      const out = await iot().send(new TransferCertificateCommand({ certificateId: id, targetAwsAccount: ACCOUNT_B.accountId, transferMessage: `take ${id.slice(0, 6)}` }));
      expect(out.transferredCertificateArn).toBe(`arn:aws:iot:us-east-1:${ACCOUNT_B.accountId}:cert/${id}`);
    }
    const pending = (await iot(ACCOUNT_B).send(new DescribeCertificateCommand({ certificateId: accepted }))).certificateDescription!;
    expect(pending).toMatchObject({ status: 'PENDING_TRANSFER', ownedBy: ACCOUNT_A.accountId, transferData: { transferMessage: `take ${accepted.slice(0, 6)}`, transferDate: expect.any(Date) } });
    expect((await errorOf(iot().send(new AcceptCertificateTransferCommand({ certificateId: accepted })))).name).toBe('UnauthorizedException');

    await iot(ACCOUNT_B).send(new AcceptCertificateTransferCommand({ certificateId: accepted, setAsActive: true }));
    const moved = (await iot(ACCOUNT_B).send(new DescribeCertificateCommand({ certificateId: accepted }))).certificateDescription!;
    expect(moved).toMatchObject({
      certificateArn: `arn:aws:iot:us-east-1:${ACCOUNT_B.accountId}:cert/${accepted}`,
      status: 'ACTIVE',
      ownedBy: ACCOUNT_B.accountId,
      previousOwnedBy: ACCOUNT_A.accountId,
      customerVersion: 4,
      transferData: { transferMessage: `take ${accepted.slice(0, 6)}`, transferDate: expect.any(Date), acceptDate: expect.any(Date) },
    });
    expect((await errorOf(iot().send(new DescribeCertificateCommand({ certificateId: accepted })))).name).toBe('ResourceNotFoundException');
    expect((await errorOf(iot().send(new CancelCertificateTransferCommand({ certificateId: accepted })))).name).toBe('TransferAlreadyCompletedException');

    await iot(ACCOUNT_B).send(new RejectCertificateTransferCommand({ certificateId: rejected, rejectReason: 'not ours' }));
    expect((await iot().send(new DescribeCertificateCommand({ certificateId: rejected }))).certificateDescription).toMatchObject({
      status: 'INACTIVE',
      ownedBy: ACCOUNT_A.accountId,
      transferData: { rejectReason: 'not ours', rejectDate: expect.any(Date) },
    });
    expect((await errorOf(iot(ACCOUNT_B).send(new AcceptCertificateTransferCommand({ certificateId: rejected })))).name).toBe('TransferAlreadyCompletedException');

    expect((await errorOf(iot(ACCOUNT_B).send(new CancelCertificateTransferCommand({ certificateId: cancelled })))).name).toBe('UnauthorizedException');
    await iot().send(new CancelCertificateTransferCommand({ certificateId: cancelled }));
    expect((await iot().send(new DescribeCertificateCommand({ certificateId: cancelled }))).certificateDescription!.status).toBe('INACTIVE');
    expect(await errorOf(iot(ACCOUNT_B).send(new AcceptCertificateTransferCommand({ certificateId: cancelled })))).toMatchObject({
      name: 'TransferAlreadyCompletedException',
      message: expect.stringMatching(/already cancelled/),
      $metadata: { httpStatusCode: 410 },
    });
    expect((await errorOf(iot(ACCOUNT_B).send(new AcceptCertificateTransferCommand({ certificateId: devices[8]!.id })))).name).toBe('ResourceNotFoundException');
  });

  it('CA certificate updates and the DeleteCACertificate rules', async () => {
    expect((await errorOf(iot().send(new DeleteCACertificateCommand({ certificateId: caId })))).name).toBe('CertificateStateException');
    await iot().send(new UpdateCACertificateCommand({ certificateId: caId, newStatus: 'INACTIVE', newAutoRegistrationStatus: 'DISABLE' }));
    expect((await iot().send(new DescribeCACertificateCommand({ certificateId: caId }))).certificateDescription).toMatchObject({
      status: 'INACTIVE',
      autoRegistrationStatus: 'DISABLE',
      customerVersion: 2,
    });
    // An inactive CA's certificates cannot be activated.
    await iot().send(new UpdateCertificateCommand({ certificateId: devices[5]!.id, newStatus: 'INACTIVE' }));
    expect((await errorOf(iot().send(new UpdateCertificateCommand({ certificateId: devices[5]!.id, newStatus: 'ACTIVE' })))).name).toBe('CertificateStateException');
    const error = await errorOf(iot().send(new DeleteCACertificateCommand({ certificateId: caId })));
    expect(error).toMatchObject({ name: 'CertificateStateException', message: expect.stringMatching(/still has \d+ registered device certificate/) });
  });

  it('RegisterCertificateWithoutCA registers in SNI_ONLY mode without an issuer', async () => {
    const pem = signed('sni-device', 'sni-device', 'other');
    const out = await iot().send(new RegisterCertificateWithoutCACommand({ certificatePem: pem, status: 'ACTIVE' }));
    const d = (await iot().send(new DescribeCertificateCommand({ certificateId: out.certificateId! }))).certificateDescription!;
    expect(d).toMatchObject({ certificateMode: 'SNI_ONLY', status: 'ACTIVE', certificateId: idOf(pem) });
    expect(d.caCertificateId).toBeUndefined();
  });

  it('bad input answers the documented errors and writes nothing', async () => {
    pki.write('ca.cnf', '[ca]\ndefault_ca = d\n[d]\ndatabase = index.txt\nnew_certs_dir = .\nserial = serial.txt\ndefault_md = sha256\npolicy = p\n[p]\ncommonName = supplied\n');
    pki.write('index.txt', '');
    pki.write('serial.txt', '1000\n');
    pki.csr('expired', '/CN=expired-device', { key: 'device.key' });
    pki.run('ca', '-batch', '-config', 'ca.cnf', '-cert', 'ca.pem', '-keyfile', 'ca.key', '-in', 'expired.csr', '-out', 'expired.pem', '-notext', '-startdate', '20200101000000Z', '-enddate', '20210101000000Z');
    const wrongCa = signed('wrong-ca-device', 'wrong-ca-device', 'other');
    const before = await iotEvents();
    const count = async () => (await iot().send(new ListCertificatesCommand({ pageSize: 250 }))).certificates!.length;
    const countBefore = await count();
    const register = (certificatePem: string, caCertificatePem?: string) => errorOf(iot().send(new RegisterCertificateCommand({ certificatePem, caCertificatePem, setAsActive: false })));

    expect(await register('-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n')).toMatchObject({ name: 'CertificateValidationException', $metadata: { httpStatusCode: 400 } });
    expect(await register('hello')).toMatchObject({ name: 'CertificateValidationException', message: expect.stringMatching(/PEM/) });
    expect(await register(pki.read('expired.pem'))).toMatchObject({ name: 'CertificateValidationException', message: expect.stringMatching(/expired on 2021-01-01/) });
    // Signed by the SNI_ONLY CA "other", which is not registered in DEFAULT mode any more (deleted above).
    expect(await register(wrongCa)).toMatchObject({ name: 'CertificateValidationException', message: expect.stringMatching(/not signed by any CA certificate registered/) });
    expect(await register(wrongCa, pki.read('other.pem'))).toMatchObject({ name: 'ResourceNotFoundException' });
    expect(await register(wrongCa, pki.read('ca.pem'))).toMatchObject({ name: 'CertificateValidationException', message: expect.stringMatching(/does not chain/) });
    expect(await register(devices[0]!.pem)).toMatchObject({ name: 'ResourceAlreadyExistsException' });
    expect(await register(`${devices[6]!.pem}${' '.repeat(70_000)}`)).toMatchObject({
      name: 'InvalidRequestException',
      message: expect.stringMatching(/at 'certificatePem' failed to satisfy constraint: Member must have length less than or equal to 65536/),
    });
    expect(await errorOf(iot().send(new RegisterCertificateWithoutCACommand({ certificatePem: pki.read('expired.pem') })))).toMatchObject({ name: 'CertificateValidationException' });

    for (const pageSize of [0, 251]) {
      expect(await errorOf(iot().send(new ListCertificatesByCACommand({ caCertificateId: caId, pageSize })))).toMatchObject({
        name: 'InvalidRequestException',
        message: expect.stringMatching(new RegExp(`Value '${pageSize}' at 'pageSize' failed to satisfy constraint`)),
      });
    }
    expect((await errorOf(iot().send(new ListCertificatesByCACommand({ caCertificateId: caId, marker: 'bm90LWEtbWFya2Vy' })))).name).toBe('InvalidRequestException');
    expect((await errorOf(iot().send(new ListCertificatesByCACommand({ caCertificateId: 'f'.repeat(64) })))).name).toBe('InvalidRequestException');
    expect((await errorOf(iot().send(new DescribeCertificateCommand({ certificateId: 'f'.repeat(64) })))).name).toBe('ResourceNotFoundException');
    expect((await errorOf(iot().send(new DescribeCACertificateCommand({ certificateId: 'f'.repeat(64) })))).name).toBe('ResourceNotFoundException');
    expect(await errorOf(iot().send(new DescribeCertificateCommand({ certificateId: 'not-an-id' })))).toMatchObject({
      name: 'InvalidRequestException',
      message: expect.stringMatching(/at 'certificateId' failed to satisfy constraint/),
    });
    expect((await errorOf(iot().send(new TransferCertificateCommand({ certificateId: devices[7]!.id, targetAwsAccount: '12' })))).name).toBe('InvalidRequestException');

    expect(await count()).toBe(countBefore);
    expect(await iotEvents()).toBe(before);
  });
});
