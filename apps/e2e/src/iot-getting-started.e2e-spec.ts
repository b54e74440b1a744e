/**
 * AWS IoT's getting-started sequence on a freshly started stack with no configuration (no
 * PKI_IOT_ISSUING_CA_ARN): CreateKeysAndCertificate -> CreatePolicy -> AttachPolicy ->
 * CreateThing -> AttachThingPrincipal -> DescribeEndpoint, with the real SDK, and the device
 * certificate verified by `openssl verify` against the root served unsigned at /iot/root-ca.pem.
 * The first requests race on two iot-registry replicas: the platform IoT CA hierarchy is made once.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  AttachPolicyCommand,
  AttachThingPrincipalCommand,
  CreateKeysAndCertificateCommand,
  CreatePolicyCommand,
  CreateThingCommand,
  DescribeEndpointCommand,
  ListThingPrincipalsCommand,
  type CreateKeysAndCertificateCommandOutput,
} from '@aws-sdk/client-iot';
import { sql } from 'kysely';
import { errorOf } from './fixtures/errors';
import { certificateId as idOf, iotClient } from './fixtures/iot';
import { OpensslDir } from './fixtures/openssl';
import { ACCOUNT_A, ACCOUNT_B, softwareKeysEnv, startStack, type RunningStack } from './stack';

const run = promisify(execFile);
const PLATFORM_ACCOUNT = '000000000001';

describe('IoT getting started with no configuration', () => {
  let stack: RunningStack;
  let pki: OpensslDir;
  const iot = (account = ACCOUNT_A) => iotClient(stack.endpoint, account);
  let device: CreateKeysAndCertificateCommandOutput;

  beforeAll(async () => {
    stack = await startStack(softwareKeysEnv());
    await stack.spawnReplica('iot-registry');
    pki = new OpensslDir('iot-getting-started-e2e');
  }, 240_000);
  afterAll(async () => {
    pki?.remove();
    await stack?.stop();
  });

  it('the first requests, on two iot-registry replicas at once, all succeed and make one root and one issuing CA in the platform account', async () => {
    const rootFetch = fetch(`${stack.endpoint}/iot/root-ca.pem`);
    const created = await Promise.all([ACCOUNT_A, ACCOUNT_A, ACCOUNT_B, ACCOUNT_B, ACCOUNT_A].map((account) => iot(account).send(new CreateKeysAndCertificateCommand({ setAsActive: true }))));
    device = created[0]!;
    expect(new Set(created.map((c) => c.certificateId)).size).toBe(created.length);
    expect((await rootFetch).status).toBe(200);

    const events = await sql<{ type: string; n: string }>`select type, count(*) as n from iot.events where type like 'IotPlatform%' group by type order by type`.execute(stack.db);
    expect(events.rows).toEqual([
      { type: 'IotPlatformCaProvisioned', n: '1' },
      { type: 'IotPlatformIssuingCaCreated', n: '1' },
      { type: 'IotPlatformRootCaCreated', n: '1' },
    ]);
    const cas = await sql<{ owner_account: string; n: string }>`select owner_account, count(*) as n from ca.certificate_authorities group by owner_account`.execute(stack.db);
    expect(cas.rows).toEqual([{ owner_account: PLATFORM_ACCOUNT, n: '2' }]);
  }, 240_000);

  it('CreateKeysAndCertificate -> CreatePolicy -> AttachPolicy -> CreateThing -> AttachThingPrincipal -> DescribeEndpoint', async () => {
    const created = await iot().send(new CreateKeysAndCertificateCommand({ setAsActive: true }));
    expect(created.certificateId).toBe(idOf(created.certificatePem!));
    expect(created.certificateArn).toBe(`arn:aws:iot:us-east-1:${ACCOUNT_A.accountId}:cert/${created.certificateId}`);
    const policyDocument = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['iot:Connect', 'iot:Publish', 'iot:Subscribe', 'iot:Receive'], Resource: '*' }] });
    const policy = await iot().send(new CreatePolicyCommand({ policyName: 'GettingStartedPolicy', policyDocument }));
    expect(policy.policyName).toBe('GettingStartedPolicy');
    await iot().send(new AttachPolicyCommand({ policyName: 'GettingStartedPolicy', target: created.certificateArn }));
    const thing = await iot().send(new CreateThingCommand({ thingName: 'MyIotThing' }));
    expect(thing.thingName).toBe('MyIotThing');
    await iot().send(new AttachThingPrincipalCommand({ thingName: 'MyIotThing', principal: created.certificateArn }));
    expect((await iot().send(new ListThingPrincipalsCommand({ thingName: 'MyIotThing' }))).principals).toEqual([created.certificateArn]);
    const { endpointAddress } = await iot().send(new DescribeEndpointCommand({ endpointType: 'iot:Data-ATS' }));
    expect(endpointAddress).toMatch(/^[a-z][a-z0-9]{13}-ats\.iot\.us-east-1\.amazonaws\.com$/);
    device = created;
  }, 120_000);

  it('the device certificate verifies against the root served unsigned at /iot/root-ca.pem, with the AWS IoT profile', async () => {
    const root = await fetch(`${stack.endpoint}/iot/root-ca.pem`);
    expect(root.status).toBe(200);
    expect(root.headers.get('content-type')).toBe('application/x-pem-file');
    pki.write('root.pem', await root.text());
    const issuing = await fetch(`${stack.endpoint}/iot/issuing-ca.pem`);
    expect(issuing.status).toBe(200);
    pki.write('issuing.pem', await issuing.text());
    pki.write('device.pem', device.certificatePem!);
    expect(pki.run('verify', '-CAfile', 'root.pem', '-untrusted', 'issuing.pem', '-purpose', 'sslclient', 'device.pem')).toContain('device.pem: OK');
    // Without the issuing CA the root alone does not vouch for it (a two-level hierarchy, as AWS's).
    expect(() => pki.run('verify', '-CAfile', 'root.pem', 'device.pem')).toThrow();

    const text = pki.run('x509', '-in', 'device.pem', '-noout', '-text', '-enddate');
    expect(text).toContain('notAfter=Dec 31 23:59:59 2049 GMT');
    expect(text).toMatch(/X509v3 Extended Key Usage:\s*\n\s*TLS Web Client Authentication/);
    expect(text).toMatch(/CN\s*=\s*AWS IoT Certificate/);
    const rootText = pki.run('x509', '-in', 'root.pem', '-noout', '-text');
    expect(rootText).toMatch(/Public-Key: \(2048 bit\)/);
    expect(rootText).toMatch(/Signature Algorithm: sha256WithRSAEncryption/);
    expect(rootText).toMatch(/CA:TRUE/);
    expect(pki.run('x509', '-in', 'issuing.pem', '-noout', '-text')).toMatch(/CA:TRUE, pathlen:0/);
  }, 60_000);

  it('DescribeEndpoint: each endpoint type as AWS forms it, per account; iot:Data by default; an unknown type is InvalidRequestException', async () => {
    const ats = (await iot().send(new DescribeEndpointCommand({ endpointType: 'iot:Data-ATS' }))).endpointAddress!;
    const prefix = ats.split('-ats.')[0]!;
    expect((await iot().send(new DescribeEndpointCommand({ endpointType: 'iot:Data' }))).endpointAddress).toBe(`${prefix}.iot.us-east-1.amazonaws.com`);
    expect((await iot().send(new DescribeEndpointCommand({}))).endpointAddress).toBe(`${prefix}.iot.us-east-1.amazonaws.com`);
    expect((await iot().send(new DescribeEndpointCommand({ endpointType: 'iot:CredentialProvider' }))).endpointAddress).toBe(`${prefix}.credentials.iot.us-east-1.amazonaws.com`);
    expect((await iot().send(new DescribeEndpointCommand({ endpointType: 'iot:Jobs' }))).endpointAddress).toBe(`${prefix}.jobs.iot.us-east-1.amazonaws.com`);
    expect((await iot(ACCOUNT_B).send(new DescribeEndpointCommand({ endpointType: 'iot:Data-ATS' }))).endpointAddress).not.toBe(ats);
    expect(await errorOf(iot().send(new DescribeEndpointCommand({ endpointType: 'iot:Bogus' })))).toMatchObject({ name: 'InvalidRequestException', message: expect.stringMatching(/Invalid endpoint type/) });
  }, 60_000);

  it('the aws CLI: aws iot describe-endpoint --endpoint-type iot:Data-ATS', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'iot-cli-'));
    try {
      const { stdout } = await run('aws', ['--region', 'us-east-1', '--endpoint-url', stack.endpoint, 'iot', 'describe-endpoint', '--endpoint-type', 'iot:Data-ATS'], {
        env: {
          ...process.env,
          AWS_ACCESS_KEY_ID: ACCOUNT_A.accessKeyId,
          AWS_SECRET_ACCESS_KEY: ACCOUNT_A.secretAccessKey,
          AWS_CONFIG_FILE: join(dir, 'config'),
          AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
          AWS_PAGER: '',
          AWS_DEFAULT_OUTPUT: 'json',
          AWS_MAX_ATTEMPTS: '1',
        },
      });
      const sdk = (await iot().send(new DescribeEndpointCommand({ endpointType: 'iot:Data-ATS' }))).endpointAddress;
      expect(JSON.parse(stdout)).toEqual({ endpointAddress: sdk });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
