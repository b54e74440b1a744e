/**
 * Several regions in one deployment (issue #17): with PKI_REGIONS=us-east-1,eu-west-1 the real
 * SDKs and the aws CLI work in either region, each region keeps its own resources (ARNs carry the
 * region; a CA of us-east-1 is neither found nor listed through eu-west-1, as on AWS), and a
 * client of an unlisted region gets AWS's answer to a wrong-region signature. IoT things, policies
 * and CA certificates, Directory Service directories, GET /events and gRPC (x-amz-region) too.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  DescribeCertificateAuthorityCommand,
  GetCertificateCommand,
  IssueCertificateCommand,
  ListCertificateAuthoritiesCommand,
  RevokeCertificateCommand,
} from '@aws-sdk/client-acm-pca';
import {
  AttachPolicyCommand,
  AttachThingPrincipalCommand,
  CreatePolicyCommand,
  CreateThingCommand,
  DeleteThingCommand,
  DescribeCACertificateCommand,
  DescribeCertificateCommand,
  DescribeThingCommand,
  GetPolicyCommand,
  IoTClient,
  ListCACertificatesCommand,
  ListCertificatesCommand,
  ListThingPrincipalsCommand,
  ListThingsCommand,
  RegisterCACertificateCommand,
  RegisterCertificateWithoutCACommand,
  UpdateCertificateCommand,
} from '@aws-sdk/client-iot';
import {
  CreateMicrosoftADCommand,
  DeleteDirectoryCommand,
  DescribeDirectoriesCommand,
  DirectoryServiceClient,
  ListCertificatesCommand as ListDirectoryCertificatesCommand,
  RegisterCertificateCommand as RegisterDirectoryCertificateCommand,
} from '@aws-sdk/client-directory-service';
import type { PublicEvent } from '@pki/contracts';
import { waitFor } from '@pki/testing';
import { activeRootCa, bytes, issueCertificate, pcaClient } from './fixtures/acm-pca';
import { errorOf } from './fixtures/errors';
import { Code, devCredentials, expectGrpcError, freePort, grpcClients, type GrpcClients } from './fixtures/grpc';
import { OpensslDir } from './fixtures/openssl';
import { openSse } from './fixtures/sse';
import { ACCOUNT_A, softwareKeysEnv, startStack, type RunningStack } from './stack';

const run = promisify(execFile);
jest.setTimeout(180_000);

describe('several regions in one deployment (PKI_REGIONS)', () => {
  let stack: RunningStack;
  let pki: OpensslDir;
  const pca = (region: string) => pcaClient(stack.endpoint, ACCOUNT_A, { region });
  const iot = (region: string) => new IoTClient({ endpoint: stack.endpoint, region, credentials: ACCOUNT_A, maxAttempts: 1 });
  const listArns = async (region: string) =>
    ((await pca(region).send(new ListCertificateAuthoritiesCommand({}))).CertificateAuthorities ?? []).map((ca) => ca.Arn);
  const subject = (CommonName: string) => ({ Country: 'US', Organization: 'Regions E2E', CommonName });

  const ds = (region: string) => new DirectoryServiceClient({ endpoint: stack.endpoint, region, credentials: ACCOUNT_A, maxAttempts: 1 });

  let usCa: { arn: string; certificate: string };
  let euCa: { arn: string; certificate: string };
  let suiteStart: string;
  let devDir: string;
  let grpcPort: number;
  let grpc: GrpcClients;

  beforeAll(async () => {
    suiteStart = new Date(Date.now() - 1000).toISOString();
    devDir = mkdtempSync(join(tmpdir(), 'pki-regions-grpc-'));
    grpcPort = await freePort();
    stack = await startStack({
      ...softwareKeysEnv(),
      PKI_REGIONS: 'us-east-1,eu-west-1',
      PKI_DIRECTORY_STEP_MS: '300',
      PKI_DIRECTORY_WORKER_INTERVAL_MS: '100',
      // gRPC with development credentials (its trust CA is made by a gRPC caller: in the default region, us-east-1).
      PKI_GRPC_DEV_CREDENTIALS: '1',
      PKI_GRPC_DEV_DIR: devDir,
      PKI_GRPC_PORT: String(grpcPort),
      PKI_GRPC_HEALTH_PORT: '0',
    });
    pki = new OpensslDir('regions-e2e');
  }, 180_000);
  afterAll(async () => {
    pki?.remove();
    await stack?.stop();
    if (devDir) rmSync(devDir, { recursive: true, force: true });
  });

  it('creates, activates and describes a CA in each listed region, its ARN naming that region', async () => {
    const validity = { Type: 'YEARS' as const, Value: 5 };
    [usCa, euCa] = await Promise.all([
      activeRootCa(pca('us-east-1'), { subject: subject('US Root'), validity }),
      activeRootCa(pca('eu-west-1'), { subject: subject('EU Root'), validity }),
    ]);
    expect(usCa.arn).toMatch(new RegExp(`^arn:aws:acm-pca:us-east-1:${ACCOUNT_A.accountId}:certificate-authority/`));
    expect(euCa.arn).toMatch(new RegExp(`^arn:aws:acm-pca:eu-west-1:${ACCOUNT_A.accountId}:certificate-authority/`));
    const described = await pca('eu-west-1').send(new DescribeCertificateAuthorityCommand({ CertificateAuthorityArn: euCa.arn }));
    expect(described.CertificateAuthority).toMatchObject({ Arn: euCa.arn, Status: 'ACTIVE' });
  });

  it('lists only the caller region\'s CAs', async () => {
    const [us, eu] = await Promise.all([listArns('us-east-1'), listArns('eu-west-1')]);
    expect(us).toContain(usCa.arn);
    expect(us).not.toContain(euCa.arn);
    expect(eu).toContain(euCa.arn);
    expect(eu).not.toContain(usCa.arn);
  });

  it('does not find a CA of us-east-1 through eu-west-1 (ResourceNotFoundException), even under its id with the other region', async () => {
    const eu = pca('eu-west-1');
    const notFound = { name: 'ResourceNotFoundException', $metadata: expect.objectContaining({ httpStatusCode: 400 }) };
    expect(await errorOf(eu.send(new DescribeCertificateAuthorityCommand({ CertificateAuthorityArn: usCa.arn })))).toMatchObject(notFound);
    const sameIdOtherRegion = usCa.arn.replace(':us-east-1:', ':eu-west-1:');
    expect(await errorOf(eu.send(new DescribeCertificateAuthorityCommand({ CertificateAuthorityArn: sameIdOtherRegion })))).toMatchObject(notFound);
    pki.csr('cross', '/CN=cross.example.com');
    const issue = { Csr: bytes(pki.read('cross.csr')), SigningAlgorithm: 'SHA256WITHECDSA' as const, Validity: { Type: 'DAYS' as const, Value: 1 } };
    expect(await errorOf(eu.send(new IssueCertificateCommand({ CertificateAuthorityArn: usCa.arn, ...issue })))).toMatchObject(notFound);
    expect(await errorOf(eu.send(new RevokeCertificateCommand({ CertificateAuthorityArn: usCa.arn, CertificateSerial: '01', RevocationReason: 'KEY_COMPROMISE' })))).toMatchObject(notFound);
  });

  it('issues in each region under that region\'s CA; a certificate is retrievable only in its own region', async () => {
    pki.csr('eu-leaf', '/CN=eu-leaf.example.com');
    const leaf = await issueCertificate(pca('eu-west-1'), { CertificateAuthorityArn: euCa.arn, Csr: bytes(pki.read('eu-leaf.csr')), SigningAlgorithm: 'SHA256WITHECDSA', Validity: { Type: 'DAYS', Value: 7 } });
    expect(leaf.arn).toMatch(new RegExp(`^${euCa.arn}/certificate/[0-9a-f]+$`));
    pki.write('eu-root.pem', euCa.certificate);
    pki.write('eu-leaf.pem', leaf.certificate);
    expect(pki.run('verify', '-CAfile', 'eu-root.pem', 'eu-leaf.pem')).toMatch(/eu-leaf.pem: OK/);
    const fromUs = await errorOf(pca('us-east-1').send(new GetCertificateCommand({ CertificateAuthorityArn: euCa.arn, CertificateArn: leaf.arn })));
    expect(fromUs.name).toBe('ResourceNotFoundException');
  });

  it('answers a client of an unlisted region (ap-south-1) with the wrong-region signature error, for ACM PCA and IoT', async () => {
    const refused = await errorOf(pca('ap-south-1').send(new ListCertificateAuthoritiesCommand({})));
    expect(refused).toMatchObject({ name: 'InvalidSignatureException', $metadata: expect.objectContaining({ httpStatusCode: 403 }) });
    expect(refused.message).toContain("Credential should be scoped to a valid region, not 'ap-south-1'.");
    const iotRefused = await errorOf(iot('ap-south-1').send(new ListCertificatesCommand({})));
    expect(iotRefused.$metadata?.httpStatusCode).toBe(403);
    expect(iotRefused.message).toContain("Credential should be scoped to a valid region, not 'ap-south-1'.");
  });

  it('keeps IoT device certificates per region: ARN in the caller\'s region, described and listed there only', async () => {
    const pem = pki.selfSigned('device', '/O=Regions E2E/CN=eu-device');
    const out = await iot('eu-west-1').send(new RegisterCertificateWithoutCACommand({ certificatePem: pem, status: 'ACTIVE' }));
    expect(out.certificateArn).toBe(`arn:aws:iot:eu-west-1:${ACCOUNT_A.accountId}:cert/${out.certificateId}`);
    const described = await iot('eu-west-1').send(new DescribeCertificateCommand({ certificateId: out.certificateId }));
    expect(described.certificateDescription?.certificateArn).toBe(out.certificateArn);
    expect(await errorOf(iot('us-east-1').send(new DescribeCertificateCommand({ certificateId: out.certificateId })))).toMatchObject({ name: 'ResourceNotFoundException' });
    const listed = async (region: string) => ((await iot(region).send(new ListCertificatesCommand({}))).certificates ?? []).map((c) => c.certificateId);
    expect(await listed('eu-west-1')).toContain(out.certificateId);
    expect(await listed('us-east-1')).not.toContain(out.certificateId);
  });

  it('the aws CLI (botocore, a second client) sees each region\'s own CAs', async () => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      AWS_ACCESS_KEY_ID: ACCOUNT_A.accessKeyId,
      AWS_SECRET_ACCESS_KEY: ACCOUNT_A.secretAccessKey,
      AWS_CONFIG_FILE: '/dev/null',
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      AWS_PAGER: '',
      AWS_MAX_ATTEMPTS: '1',
    };
    delete env.AWS_PROFILE;
    const list = async (region: string) => {
      const { stdout } = await run('aws', ['--region', region, '--endpoint-url', stack.endpoint, '--output', 'json', 'acm-pca', 'list-certificate-authorities'], { env, timeout: 120_000 });
      return (JSON.parse(stdout) as { CertificateAuthorities: Array<{ Arn: string }> }).CertificateAuthorities.map((ca) => ca.Arn);
    };
    expect(await list('eu-west-1')).toEqual([euCa.arn]);
    // us-east-1 also holds the gRPC development trust CA (made by a gRPC caller, in the default region).
    const us = await list('us-east-1');
    expect(us).toContain(usCa.arn);
    expect(us).not.toContain(euCa.arn);
  });

  it('keeps IoT things and policies per region: the same name in two regions, each with its own ARN; another region\'s is not found', async () => {
    const [us, eu] = [iot('us-east-1'), iot('eu-west-1')];
    const [usThing, euThing] = await Promise.all([us.send(new CreateThingCommand({ thingName: 'sensor-1' })), eu.send(new CreateThingCommand({ thingName: 'sensor-1', attributePayload: { attributes: { site: 'dublin' } } }))]);
    expect(usThing.thingArn).toBe(`arn:aws:iot:us-east-1:${ACCOUNT_A.accountId}:thing/sensor-1`);
    expect(euThing.thingArn).toBe(`arn:aws:iot:eu-west-1:${ACCOUNT_A.accountId}:thing/sensor-1`);
    expect(usThing.thingId).not.toBe(euThing.thingId);
    expect((await eu.send(new DescribeThingCommand({ thingName: 'sensor-1' }))).attributes).toEqual({ site: 'dublin' });
    expect((await us.send(new DescribeThingCommand({ thingName: 'sensor-1' }))).attributes).toEqual({});
    await eu.send(new CreateThingCommand({ thingName: 'eu-only' }));
    expect(await errorOf(us.send(new DescribeThingCommand({ thingName: 'eu-only' })))).toMatchObject({ name: 'ResourceNotFoundException' });
    const names = async (client: IoTClient) => ((await client.send(new ListThingsCommand({}))).things ?? []).map((t) => t.thingArn);
    expect(await names(us)).toEqual([usThing.thingArn]);
    // By name, as ListThings pages.
    expect(await names(eu)).toEqual([`arn:aws:iot:eu-west-1:${ACCOUNT_A.accountId}:thing/eu-only`, euThing.thingArn]);
    // Deleting one region's thing leaves the other's.
    await us.send(new DeleteThingCommand({ thingName: 'sensor-1' }));
    expect((await eu.send(new DescribeThingCommand({ thingName: 'sensor-1' }))).thingArn).toBe(euThing.thingArn);

    const document = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iot:Connect', Resource: '*' }] });
    const [usPolicy, euPolicy] = await Promise.all([us.send(new CreatePolicyCommand({ policyName: 'devices', policyDocument: document })), eu.send(new CreatePolicyCommand({ policyName: 'devices', policyDocument: document }))]);
    expect(usPolicy.policyArn).toBe(`arn:aws:iot:us-east-1:${ACCOUNT_A.accountId}:policy/devices`);
    expect(euPolicy.policyArn).toBe(`arn:aws:iot:eu-west-1:${ACCOUNT_A.accountId}:policy/devices`);
    await eu.send(new CreatePolicyCommand({ policyName: 'eu-policy', policyDocument: document }));
    expect(await errorOf(us.send(new GetPolicyCommand({ policyName: 'eu-policy' })))).toMatchObject({ name: 'ResourceNotFoundException' });

    // Attachments stay in the certificate's region: an eu-west-1 certificate attaches to eu-west-1's thing and policy only.
    const pem = pki.selfSigned('attach-device', '/O=Regions E2E/CN=eu-attach');
    const device = await eu.send(new RegisterCertificateWithoutCACommand({ certificatePem: pem, status: 'ACTIVE' }));
    await eu.send(new AttachThingPrincipalCommand({ thingName: 'sensor-1', principal: device.certificateArn }));
    await eu.send(new AttachPolicyCommand({ policyName: 'devices', target: device.certificateArn }));
    expect((await eu.send(new ListThingPrincipalsCommand({ thingName: 'sensor-1' }))).principals).toEqual([device.certificateArn]);
    const usArnOfIt = device.certificateArn!.replace(':eu-west-1:', ':us-east-1:');
    expect(await errorOf(us.send(new AttachPolicyCommand({ policyName: 'devices', target: usArnOfIt })))).toMatchObject({ name: 'ResourceNotFoundException' });
    expect(await errorOf(us.send(new UpdateCertificateCommand({ certificateId: device.certificateId, newStatus: 'INACTIVE' })))).toMatchObject({ name: 'ResourceNotFoundException' });
    // A certificate id is unique in the deployment (README: Several regions): the same certificate is not registered in a second region.
    expect(await errorOf(us.send(new RegisterCertificateWithoutCACommand({ certificatePem: pem, status: 'ACTIVE' })))).toMatchObject({ name: 'ResourceAlreadyExistsException' });
  });

  it('keeps IoT CA certificates per region: described and listed in their region only', async () => {
    const caPem = pki.selfSigned('eu-iot-ca', '/O=Regions E2E/CN=EU IoT CA', { extensions: ['basicConstraints=critical,CA:true', 'keyUsage=critical,keyCertSign,cRLSign'] });
    const registered = await iot('eu-west-1').send(new RegisterCACertificateCommand({ caCertificate: caPem, certificateMode: 'SNI_ONLY', setAsActive: true }));
    expect(registered.certificateArn).toBe(`arn:aws:iot:eu-west-1:${ACCOUNT_A.accountId}:cacert/${registered.certificateId}`);
    expect((await iot('eu-west-1').send(new DescribeCACertificateCommand({ certificateId: registered.certificateId }))).certificateDescription?.certificateArn).toBe(registered.certificateArn);
    expect(await errorOf(iot('us-east-1').send(new DescribeCACertificateCommand({ certificateId: registered.certificateId })))).toMatchObject({ name: 'ResourceNotFoundException' });
    const listed = async (region: string) => ((await iot(region).send(new ListCACertificatesCommand({}))).certificates ?? []).map((c) => c.certificateId);
    expect(await listed('eu-west-1')).toContain(registered.certificateId);
    expect(await listed('us-east-1')).not.toContain(registered.certificateId);
  });

  it('keeps Directory Service directories per region: created, described and listed in the caller\'s region; another region\'s id does not exist', async () => {
    const [us, eu] = [ds('us-east-1'), ds('eu-west-1')];
    const MS_AD = { Name: 'corp.example.com', Password: 'Sup3r-Secret', VpcSettings: { VpcId: 'vpc-0123abcd', SubnetIds: ['subnet-0123abcd', 'subnet-4567ef01'] } };
    const { DirectoryId: euId } = await eu.send(new CreateMicrosoftADCommand(MS_AD));
    const { DirectoryId: usId } = await us.send(new CreateMicrosoftADCommand({ ...MS_AD, Name: 'us.example.com' }));
    const ids = async (client: DirectoryServiceClient) => ((await client.send(new DescribeDirectoriesCommand({}))).DirectoryDescriptions ?? []).map((d) => d.DirectoryId);
    expect(await ids(eu)).toEqual([euId]);
    expect(await ids(us)).toEqual([usId]);
    expect(await errorOf(us.send(new DescribeDirectoriesCommand({ DirectoryIds: [euId!] })))).toMatchObject({ name: 'EntityDoesNotExistException', message: `Directory ${euId} does not exist.` });
    await waitFor(async () => (await eu.send(new DescribeDirectoriesCommand({ DirectoryIds: [euId!] }))).DirectoryDescriptions![0]!.Stage === 'Active', { timeoutMs: 30_000, what: 'the eu-west-1 directory to be Active' });
    const ldapsRoot = pki.selfSigned('ds-root', '/O=Example Corp/CN=Regions LDAPS Root', { days: 400, extensions: ['basicConstraints=critical,CA:true', 'keyUsage=critical,keyCertSign,cRLSign'] });
    expect(await errorOf(us.send(new RegisterDirectoryCertificateCommand({ DirectoryId: euId, CertificateData: ldapsRoot })))).toMatchObject({ name: 'DirectoryDoesNotExistException' });
    expect(await errorOf(us.send(new ListDirectoryCertificatesCommand({ DirectoryId: euId })))).toMatchObject({ name: 'DirectoryDoesNotExistException' });
    expect(await errorOf(us.send(new DeleteDirectoryCommand({ DirectoryId: euId })))).toMatchObject({ name: 'EntityDoesNotExistException' });
    const { CertificateId } = await eu.send(new RegisterDirectoryCertificateCommand({ DirectoryId: euId, CertificateData: ldapsRoot }));
    expect(CertificateId).toMatch(/^c-[0-9a-f]{10}$/);
  });

  it('GET /events: a subscriber signed for a region receives that region\'s events only, each in its resource\'s region', async () => {
    const eventsOf = async (region: string, expected: (events: PublicEvent[]) => boolean) => {
      const stream = await openSse(stack.endpoint, { since: suiteStart }, ACCOUNT_A, { region });
      expect(stream.status).toBe(200);
      try {
        return await waitFor(
          async () => {
            const events = stream.messages.map((m) => JSON.parse(m.data) as PublicEvent);
            return expected(events) ? events : undefined;
          },
          { what: `the ${region} events`, timeoutMs: 60_000 },
        );
      } finally {
        stream.close();
      }
    };
    const names = (events: PublicEvent[], source: string) => events.filter((e) => e.source === source);
    const eu = await eventsOf('eu-west-1', (events) => events.some((e) => e.resources.includes(euCa.arn)) && names(events, 'pki.iot').length >= 1 && names(events, 'pki.ds').length >= 1);
    expect(eu.filter((e) => e.region !== 'eu-west-1')).toEqual([]);
    expect(eu.some((e) => e.resources.includes(usCa.arn))).toBe(false);
    expect(names(eu, 'pki.ds')[0]!.resources[0]).toMatch(/^arn:aws:ds:eu-west-1:/);
    const us = await eventsOf('us-east-1', (events) => events.some((e) => e.resources.includes(usCa.arn)));
    expect(us.filter((e) => e.region !== 'us-east-1')).toEqual([]);
    expect(us.some((e) => e.resources.includes(euCa.arn))).toBe(false);
  });

  it('gRPC: a call acts in the default region, or in the PKI_REGIONS region its x-amz-region metadata names; an unlisted one is UNAUTHENTICATED InvalidSignatureException', async () => {
    const dev = await waitFor(
      async () => {
        try {
          const creds = devCredentials(devDir);
          await grpcClients(grpcPort, creds.ca, creds).pca.listCertificateAuthorities({ maxResults: 1 });
          return creds;
        } catch {
          return undefined;
        }
      },
      { what: 'the gRPC listener with its development credentials', timeoutMs: 60_000 },
    );
    grpc = grpcClients(grpcPort, dev.ca, dev);
    const arns = async (headers?: Record<string, string>) => (await grpc.pca.listCertificateAuthorities({}, { headers })).certificateAuthorities.map((ca) => ca.arn);
    const plain = await arns();
    expect(plain).toContain(usCa.arn);
    expect(plain).not.toContain(euCa.arn);
    const eu = await arns({ 'x-amz-region': 'eu-west-1' });
    expect(eu).toContain(euCa.arn);
    expect(eu).not.toContain(usCa.arn);
    const refused = await expectGrpcError(grpc.pca.listCertificateAuthorities({}, { headers: { 'x-amz-region': 'ap-south-1' } }), Code.Unauthenticated, 'InvalidSignatureException');
    expect(refused.rawMessage).toContain("Credential should be scoped to a valid region, not 'ap-south-1'.");
  });
});
