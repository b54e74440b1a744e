/**
 * AWS IoT CreateCertificateFromCsr and CreateKeysAndCertificate, end to end with both real SDKs:
 * certificates signed by the IoT issuing CA that PKI_IOT_ISSUING_CA_ARN names (a private CA made
 * through the ACM-PCA API) and registered in the caller's account. Without it they issue from the
 * platform IoT CA: iot-getting-started.e2e-spec.ts. The generated private
 * key is answered once and found nowhere else: not in any table of the database, not in any log.
 */
import { X509Certificate, createPrivateKey, createPublicKey } from 'node:crypto';
import { CreateCertificateFromCsrCommand, CreateKeysAndCertificateCommand, DescribeCertificateCommand, ListCertificatesCommand } from '@aws-sdk/client-iot';
import { sql } from 'kysely';
import { activateRoot, caStatus, createCa, pcaClient, waitForCsr } from './fixtures/acm-pca';
import { errorOf } from './fixtures/errors';
import { certificateId as idOf, iotClient, iotEventCount } from './fixtures/iot';
import { OpensslDir } from './fixtures/openssl';
import { ACCOUNT_A, ACCOUNT_B, softwareKeysEnv, startStack, type RunningStack } from './stack';

describe('IoT CreateCertificateFromCsr / CreateKeysAndCertificate with the platform IoT issuing CA', () => {
  let stack: RunningStack;
  let pki: OpensslDir;
  const pca = () => pcaClient(stack.endpoint);
  const iot = (account = ACCOUNT_B) => iotClient(stack.endpoint, account);
  const iotEvents = () => iotEventCount(stack.db);
  let caArn = '';
  let pendingCaArn = '';
  let caPem = '';

  beforeAll(async () => {
    stack = await startStack(softwareKeysEnv());
    pki = new OpensslDir('iot-create-e2e');
  }, 180_000);
  afterAll(async () => {
    pki?.remove();
    await stack?.stop();
  });

  it('makes the CSR the device keeps', () => {
    pki.csr('device', '/O=Example Corp/CN=thing-1');
  });

  it('makes an ACTIVE ROOT CA (RSA-2048) and a CA still PENDING_CERTIFICATE through the ACM-PCA API (account A)', async () => {
    const client = pca();
    const create = () => createCa(client, { keyAlgorithm: 'RSA_2048', subject: { Organization: 'Example Corp', CommonName: 'IoT Device Issuing CA' } });
    caArn = await create();
    pendingCaArn = await create();
    caPem = await activateRoot(client, { arn: caArn, csr: await waitForCsr(client, caArn) }, { Type: 'YEARS', Value: 10 }, 'SHA256WITHRSA');
    expect(await caStatus(client, caArn)).toBe('ACTIVE');
    pki.write('ca.pem', caPem);
  }, 180_000);

  it('a configured CA that is not ACTIVE: ServiceUnavailableException naming the CA and its status', async () => {
    await stack.restart('iot-registry', { PKI_IOT_ISSUING_CA_ARN: pendingCaArn });
    const error = await errorOf(iot().send(new CreateCertificateFromCsrCommand({ certificateSigningRequest: pki.read('device.csr') })));
    expect({ name: error.name, message: error.message }).toEqual({
      name: 'ServiceUnavailableException',
      message: expect.stringMatching(new RegExp(`${pendingCaArn.replace(/[/.]/g, '\\$&')} is PENDING_CERTIFICATE, not ACTIVE; set PKI_IOT_ISSUING_CA_ARN`)),
    });
    expect(await iotEvents()).toBe(0);
  }, 120_000);

  it('CreateCertificateFromCsr: the CSR signed by the IoT issuing CA, registered ACTIVE in the caller\'s account', async () => {
    await stack.restart('iot-registry', { PKI_IOT_ISSUING_CA_ARN: caArn });
    const created = await iot().send(new CreateCertificateFromCsrCommand({ certificateSigningRequest: pki.read('device.csr'), setAsActive: true }));
    const certificateId = idOf(created.certificatePem!);
    expect(created).toMatchObject({ certificateId, certificateArn: `arn:aws:iot:us-east-1:${ACCOUNT_B.accountId}:cert/${certificateId}` });
    pki.write('device.pem', created.certificatePem!);
    expect(pki.run('verify', '-CAfile', 'ca.pem', '-purpose', 'sslclient', 'device.pem')).toContain('device.pem: OK');
    expect(pki.run('x509', '-in', 'device.pem', '-noout', '-subject')).toMatch(/O\s*=\s*Example Corp, CN\s*=\s*thing-1/);
    // The certificate carries the CSR's key.
    expect(new X509Certificate(created.certificatePem!).publicKey.export({ type: 'spki', format: 'der' })).toEqual(createPublicKey(createPrivateKey(pki.read('device.key'))).export({ type: 'spki', format: 'der' }));

    const description = (await iot().send(new DescribeCertificateCommand({ certificateId }))).certificateDescription!;
    expect(description).toMatchObject({ certificateId, status: 'ACTIVE', ownedBy: ACCOUNT_B.accountId, certificateMode: 'DEFAULT', certificatePem: created.certificatePem });
    const days = (description.validity!.notAfter!.getTime() - description.validity!.notBefore!.getTime()) / 86_400_000;
    expect(Math.round(days)).toBeGreaterThanOrEqual(365);
    // Registered in the caller's account only.
    const listedA = (await iot(ACCOUNT_A).send(new ListCertificatesCommand({}))).certificates ?? [];
    expect(listedA.map((c) => c.certificateId)).not.toContain(certificateId);
  }, 120_000);

  it('CreateCertificateFromCsr refuses a CSR that is not one with InvalidRequestException, and writes nothing', async () => {
    const before = await iotEvents();
    const tampered = pki.csr('other', '/CN=thing-2').replace(/(\n[A-Za-z0-9+/]{20})([A-Za-z0-9+/])/, (_m, head: string, c: string) => `${head}${c === 'A' ? 'B' : 'A'}`);
    for (const certificateSigningRequest of ['not a certificate signing request', tampered]) {
      const error = await errorOf(iot().send(new CreateCertificateFromCsrCommand({ certificateSigningRequest })));
      expect({ name: error.name, message: error.message }).toEqual({ name: 'InvalidRequestException', message: expect.stringMatching(/The certificate signing request was refused: .+/) });
    }
    expect(await iotEvents()).toBe(before);
  }, 60_000);

  it('CreateKeysAndCertificate: an RSA-2048 key pair answered once, CN "AWS IoT Certificate", INACTIVE by default; the private key is in no table and no log', async () => {
    const created = await iot().send(new CreateKeysAndCertificateCommand({}));
    const { PublicKey, PrivateKey } = created.keyPair!;
    expect(PrivateKey).toMatch(/^-----BEGIN RSA PRIVATE KEY-----\n/);
    const privateKey = createPrivateKey(PrivateKey!);
    expect(privateKey.asymmetricKeyDetails).toMatchObject({ modulusLength: 2048 });
    const certificate = new X509Certificate(created.certificatePem!);
    expect(certificate.checkPrivateKey(privateKey)).toBe(true);
    expect(createPublicKey(PublicKey!).export({ type: 'spki', format: 'der' })).toEqual(certificate.publicKey.export({ type: 'spki', format: 'der' }));
    pki.write('keys.pem', created.certificatePem!);
    expect(pki.run('verify', '-CAfile', 'ca.pem', 'keys.pem')).toContain('keys.pem: OK');
    expect(pki.run('x509', '-in', 'keys.pem', '-noout', '-subject')).toMatch(/CN\s*=\s*AWS IoT Certificate/);
    expect(created.certificateId).toBe(idOf(created.certificatePem!));
    const description = (await iot().send(new DescribeCertificateCommand({ certificateId: created.certificateId! }))).certificateDescription!;
    expect(description).toMatchObject({ status: 'INACTIVE', certificatePem: created.certificatePem });

    // The private key appears nowhere: a PEM line inside its private exponent, and its private exponent and
    // primes as hex and base64, searched in every text/json/bytea column of every table and in every app's output.
    const jwk = privateKey.export({ format: 'jwk' });
    const secrets = [jwk.d!, jwk.p!, jwk.q!].map((v) => Buffer.from(v, 'base64url').subarray(8, 56));
    const needles = [PrivateKey!.split('\n')[9]!, ...secrets.map((b) => b.toString('hex')), ...secrets.map((b) => b.toString('base64'))];
    const columns = await sql<{ table_schema: string; table_name: string; column_name: string; data_type: string }>`
      select table_schema, table_name, column_name, data_type from information_schema.columns
      where table_schema not in ('pg_catalog', 'information_schema') and data_type in ('text', 'character varying', 'json', 'jsonb', 'bytea')`.execute(stack.db);
    expect(columns.rows.some((c) => c.table_schema === 'iot' && c.table_name === 'events')).toBe(true);
    for (const { table_schema, table_name, column_name, data_type } of columns.rows) {
      const column = sql.id(table_schema, table_name, column_name);
      const text = data_type === 'bytea' ? sql`encode(${column}, 'hex') || translate(encode(${column}, 'base64'), E'\n', '')` : sql`${column}::text`;
      for (const needle of needles) {
        const found = await sql<{ n: string }>`select count(*) as n from ${sql.id(table_schema, table_name)} where position(${needle} in ${text}) > 0`.execute(stack.db);
        expect({ at: `${table_schema}.${table_name}.${column_name}`, n: found.rows[0]!.n }).toEqual({ at: `${table_schema}.${table_name}.${column_name}`, n: '0' });
      }
    }
    for (const app of stack.apps) for (const needle of needles) expect({ app: app.app, leaked: app.output().includes(needle) }).toEqual({ app: app.app, leaked: false });
  }, 120_000);
});
