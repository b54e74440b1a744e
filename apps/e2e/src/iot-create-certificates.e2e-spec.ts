/**
 * AWS IoT CreateCertificateFromCsr and CreateKeysAndCertificate, end to end with both real SDKs:
 * certificates signed by the platform's default IoT issuing CA (PKI_IOT_ISSUING_CA_ARN, a private
 * CA made through the ACM-PCA API) and registered in the caller's account. The generated private
 * key is answered once and found nowhere else: not in any table of the database, not in any log.
 */
import { spawnSync } from 'node:child_process';
import { X509Certificate, createHash, createPrivateKey, createPublicKey, randomBytes } from 'node:crypto';
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
  waitUntilCertificateAuthorityCSRCreated,
  waitUntilCertificateIssued,
} from '@aws-sdk/client-acm-pca';
import { CreateCertificateFromCsrCommand, CreateKeysAndCertificateCommand, DescribeCertificateCommand, IoTClient, ListCertificatesCommand } from '@aws-sdk/client-iot';
import { sql } from 'kysely';
import { ACCOUNT_A, ACCOUNT_B, startStack, type RunningStack } from './stack';

class OpensslDir {
  readonly path = mkdtempSync(join(tmpdir(), 'iot-create-e2e-'));
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
  remove(): void {
    rmSync(this.path, { recursive: true, force: true });
  }
}

async function errorOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to fail');
}

const bytes = (text: string) => new TextEncoder().encode(text);
const idOf = (pem: string) => createHash('sha256').update(new X509Certificate(pem).raw).digest('hex');

describe('IoT CreateCertificateFromCsr / CreateKeysAndCertificate with the platform IoT issuing CA', () => {
  let stack: RunningStack;
  let pki: OpensslDir;
  const pca = () => new ACMPCAClient({ endpoint: stack.endpoint, region: 'us-east-1', credentials: ACCOUNT_A, maxAttempts: 1 });
  const iot = (account = ACCOUNT_B) => new IoTClient({ endpoint: stack.endpoint, region: 'us-east-1', credentials: account, maxAttempts: 1 });
  const iotEventCount = async () => (await stack.db.withSchema('iot').selectFrom('events').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n;
  let caArn = '';
  let pendingCaArn = '';
  let caPem = '';

  beforeAll(async () => {
    stack = await startStack({ PKI_KEY_BACKEND: 'software', PKI_KEK: randomBytes(32).toString('base64'), PKI_CA_WORKER_INTERVAL_MS: '500' });
    pki = new OpensslDir();
  }, 180_000);
  afterAll(async () => {
    pki?.remove();
    await stack?.stop();
  });

  it('without PKI_IOT_ISSUING_CA_ARN both operations answer ServiceUnavailableException saying what to set', async () => {
    pki.run('req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'device.key', '-out', 'device.csr', '-subj', '/O=Example Corp/CN=thing-1');
    for (const call of [() => iot().send(new CreateKeysAndCertificateCommand({ setAsActive: true })), () => iot().send(new CreateCertificateFromCsrCommand({ certificateSigningRequest: pki.read('device.csr') }))]) {
      const error = await errorOf(call());
      expect({ name: error.name, message: error.message }).toEqual({ name: 'ServiceUnavailableException', message: expect.stringMatching(/No default IoT issuing CA is configured; set PKI_IOT_ISSUING_CA_ARN/) });
    }
    expect(await iotEventCount()).toBe('0');
  });

  it('makes an ACTIVE ROOT CA (RSA-2048) and a CA still PENDING_CERTIFICATE through the ACM-PCA API (account A)', async () => {
    const client = pca();
    const create = async () =>
      (
        await client.send(
          new CreateCertificateAuthorityCommand({
            CertificateAuthorityType: 'ROOT',
            CertificateAuthorityConfiguration: { KeyAlgorithm: 'RSA_2048', SigningAlgorithm: 'SHA256WITHRSA', Subject: { Organization: 'Example Corp', CommonName: 'IoT Device Issuing CA' } },
          }),
        )
      ).CertificateAuthorityArn!;
    caArn = await create();
    pendingCaArn = await create();
    await waitUntilCertificateAuthorityCSRCreated({ client, maxWaitTime: 120, minDelay: 1, maxDelay: 3 }, { CertificateAuthorityArn: caArn });
    const { Csr } = await client.send(new GetCertificateAuthorityCsrCommand({ CertificateAuthorityArn: caArn }));
    const { CertificateArn } = await client.send(
      new IssueCertificateCommand({ CertificateAuthorityArn: caArn, Csr: bytes(Csr!), SigningAlgorithm: 'SHA256WITHRSA', TemplateArn: 'arn:aws:acm-pca:::template/RootCACertificate/V1', Validity: { Type: 'YEARS', Value: 10 } }),
    );
    await waitUntilCertificateIssued({ client, maxWaitTime: 60, minDelay: 1, maxDelay: 2 }, { CertificateAuthorityArn: caArn, CertificateArn });
    caPem = (await client.send(new GetCertificateCommand({ CertificateAuthorityArn: caArn, CertificateArn }))).Certificate!;
    await client.send(new ImportCertificateAuthorityCertificateCommand({ CertificateAuthorityArn: caArn, Certificate: bytes(caPem) }));
    expect((await client.send(new DescribeCertificateAuthorityCommand({ CertificateAuthorityArn: caArn }))).CertificateAuthority!.Status).toBe('ACTIVE');
    pki.write('ca.pem', caPem);
  }, 180_000);

  it('a configured CA that is not ACTIVE: ServiceUnavailableException naming the CA and its status', async () => {
    await stack.restart('iot-registry', { PKI_IOT_ISSUING_CA_ARN: pendingCaArn });
    const error = await errorOf(iot().send(new CreateCertificateFromCsrCommand({ certificateSigningRequest: pki.read('device.csr') })));
    expect({ name: error.name, message: error.message }).toEqual({
      name: 'ServiceUnavailableException',
      message: expect.stringMatching(new RegExp(`${pendingCaArn.replace(/[/.]/g, '\\$&')} is PENDING_CERTIFICATE, not ACTIVE; set PKI_IOT_ISSUING_CA_ARN`)),
    });
    expect(await iotEventCount()).toBe('0');
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
    const before = await iotEventCount();
    pki.run('req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'other.key', '-out', 'other.csr', '-subj', '/CN=thing-2');
    const tampered = pki.read('other.csr').replace(/(\n[A-Za-z0-9+/]{20})([A-Za-z0-9+/])/, (_m, head: string, c: string) => `${head}${c === 'A' ? 'B' : 'A'}`);
    for (const certificateSigningRequest of ['not a certificate signing request', tampered]) {
      const error = await errorOf(iot().send(new CreateCertificateFromCsrCommand({ certificateSigningRequest })));
      expect({ name: error.name, message: error.message }).toEqual({ name: 'InvalidRequestException', message: expect.stringMatching(/The certificate signing request was refused: .+/) });
    }
    expect(await iotEventCount()).toBe(before);
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
