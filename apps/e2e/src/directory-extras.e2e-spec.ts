/**
 * Directory Service beyond certificates, through the real AWS SDK and a sample with the aws CLI:
 * ConnectDirectory (AD Connector, with smart-card client-certificate authentication),
 * GetDirectoryLimits, tags, DescribeSettings / UpdateSettings, and directories refused without a VPC.
 */
import {
  AddTagsToResourceCommand,
  ConnectDirectoryCommand,
  CreateDirectoryCommand,
  CreateMicrosoftADCommand,
  DescribeClientAuthenticationSettingsCommand,
  DescribeCertificateCommand,
  DescribeDirectoriesCommand,
  DescribeSettingsCommand,
  DirectoryServiceClient,
  EnableClientAuthenticationCommand,
  GetDirectoryLimitsCommand,
  ListTagsForResourceCommand,
  RegisterCertificateCommand,
  RemoveTagsFromResourceCommand,
  UpdateSettingsCommand,
  type ConnectDirectoryCommandInput,
} from '@aws-sdk/client-directory-service';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { waitFor } from '@pki/testing';
import { errorOf } from './fixtures/errors';
import { CA_EXTENSIONS, OpensslDir } from './fixtures/openssl';
import { ACCOUNT_A, ACCOUNT_B, startStack, type RunningStack } from './stack';

const run = promisify(execFile);
const VPC = { VpcId: 'vpc-0123abcd', SubnetIds: ['subnet-0123abcd', 'subnet-4567ef01'] };
const MS_AD = { Name: 'corp.example.com', Password: 'Sup3r-Secret', VpcSettings: VPC };
const CONNECT: ConnectDirectoryCommandInput = {
  Name: 'onprem.example.com',
  Password: 'service-account-password',
  Size: 'Small',
  ConnectSettings: { ...VPC, CustomerDnsIps: ['10.0.0.10', '10.0.1.10'], CustomerUserName: 'svc-connector' },
};

describe('Directory Service directories, tags and settings through the AWS SDK', () => {
  let stack: RunningStack;
  let pki: OpensslDir;
  const client = (credentials = ACCOUNT_A) => new DirectoryServiceClient({ endpoint: stack.endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
  const expectError = async (promise: Promise<unknown>, name: string) => {
    const error = await errorOf(promise);
    expect({ name: error.name, status: error.$metadata?.httpStatusCode }).toEqual({ name, status: 400 });
    return error;
  };
  const stageOf = async (ds: DirectoryServiceClient, id: string) => (await ds.send(new DescribeDirectoriesCommand({ DirectoryIds: [id] }))).DirectoryDescriptions![0]!.Stage;
  const active = (ds: DirectoryServiceClient, id: string) =>
    waitFor(async () => (await stageOf(ds, id)) === 'Active', { timeoutMs: 30_000, intervalMs: 100, what: `directory ${id} to become Active` });

  beforeAll(async () => {
    stack = await startStack({ PKI_DIRECTORY_STEP_MS: '300', PKI_DIRECTORY_WORKER_INTERVAL_MS: '100' });
    pki = new OpensslDir('directory-extras-e2e');
  }, 120_000);
  afterAll(async () => {
    pki?.remove();
    await stack?.stop();
  });

  it('refuses directories without VpcSettings / ConnectSettings, and VPC or subnet ids of the wrong form', async () => {
    const ds = client();
    await expectError(ds.send(new CreateDirectoryCommand({ Name: 'simple.example.com', Password: 'Sup3r-Secret', Size: 'Small' })), 'InvalidParameterException');
    await expectError(ds.send(new CreateMicrosoftADCommand({ Name: 'corp.example.com', Password: 'Sup3r-Secret' } as never)), 'ValidationException');
    await expectError(ds.send(new ConnectDirectoryCommand({ ...CONNECT, ConnectSettings: undefined } as never)), 'ValidationException');
    const badVpc = await expectError(ds.send(new CreateMicrosoftADCommand({ ...MS_AD, VpcSettings: { VpcId: 'vpc-1', SubnetIds: ['subnet-0123abcd', 'sub-1'] } })), 'ValidationException');
    expect(badVpc.message).toContain('vpcSettings.vpcId');
    await expectError(ds.send(new ConnectDirectoryCommand({ ...CONNECT, ConnectSettings: { ...CONNECT.ConnectSettings!, SubnetIds: ['subnet-0123abcd'] } })), 'InvalidParameterException');
    await expectError(ds.send(new ConnectDirectoryCommand({ ...CONNECT, ConnectSettings: { ...CONNECT.ConnectSettings!, CustomerDnsIps: [] } })), 'InvalidParameterException');
    expect((await ds.send(new DescribeDirectoriesCommand({}))).DirectoryDescriptions).toEqual([]);
  });

  it('connects AD Connectors up to the limit GetDirectoryLimits reports, and enables smart-card authentication on one', async () => {
    const ds = client(ACCOUNT_B);
    const before = (await ds.send(new GetDirectoryLimitsCommand({}))).DirectoryLimits;
    expect(before).toEqual({
      CloudOnlyDirectoriesLimit: 10,
      CloudOnlyDirectoriesCurrentCount: 0,
      CloudOnlyDirectoriesLimitReached: false,
      CloudOnlyMicrosoftADLimit: 20,
      CloudOnlyMicrosoftADCurrentCount: 0,
      CloudOnlyMicrosoftADLimitReached: false,
      ConnectedDirectoriesLimit: 10,
      ConnectedDirectoriesCurrentCount: 0,
      ConnectedDirectoriesLimitReached: false,
    });
    const { DirectoryId: adc } = await ds.send(new ConnectDirectoryCommand({ ...CONNECT, Tags: [{ Key: 'site', Value: 'hq' }] }));
    expect(adc).toMatch(/^d-[0-9a-f]{10}$/);
    const [description] = (await ds.send(new DescribeDirectoriesCommand({ DirectoryIds: [adc!] }))).DirectoryDescriptions!;
    expect(description).toMatchObject({
      Type: 'ADConnector',
      Size: 'Small',
      Name: 'onprem.example.com',
      ShortName: 'ONPREM',
      ConnectSettings: { VpcId: VPC.VpcId, SubnetIds: VPC.SubnetIds, CustomerUserName: 'svc-connector' },
      DnsIpAddrs: ['10.0.0.10', '10.0.1.10'],
    });
    expect((await ds.send(new ListTagsForResourceCommand({ ResourceId: adc }))).Tags).toEqual([{ Key: 'site', Value: 'hq' }]);
    await ds.send(new CreateMicrosoftADCommand(MS_AD));
    await ds.send(new CreateDirectoryCommand({ ...MS_AD, Name: 'simple.example.com', Size: 'Small' }));
    for (let i = 1; i < 10; i++) await ds.send(new ConnectDirectoryCommand({ ...CONNECT, Name: `site${i}.example.com` }));
    expect((await ds.send(new GetDirectoryLimitsCommand({}))).DirectoryLimits).toMatchObject({
      CloudOnlyDirectoriesCurrentCount: 1,
      CloudOnlyMicrosoftADCurrentCount: 1,
      ConnectedDirectoriesCurrentCount: 10,
      ConnectedDirectoriesLimitReached: true,
    });
    await expectError(ds.send(new ConnectDirectoryCommand({ ...CONNECT, Name: 'one-more.example.com' })), 'DirectoryLimitExceededException');

    // Smart-card (mTLS) authentication in AD Connector: a ClientCertAuth CA certificate with its OCSP responder, then SmartCard.
    await active(ds, adc!);
    await expectError(ds.send(new EnableClientAuthenticationCommand({ DirectoryId: adc, Type: 'SmartCard' })), 'NoAvailableCertificateException');
    const root = pki.selfSigned('smartcard-root', '/O=Example Corp/CN=Smart Card Root', { days: 400, extensions: [...CA_EXTENSIONS] });
    await expectError(ds.send(new RegisterCertificateCommand({ DirectoryId: adc, CertificateData: root, Type: 'ClientCertAuth' })), 'InvalidParameterException');
    const { CertificateId } = await ds.send(new RegisterCertificateCommand({ DirectoryId: adc, CertificateData: root, Type: 'ClientCertAuth', ClientCertAuthSettings: { OCSPUrl: 'http://ocsp.example.com' } }));
    await waitFor(async () => (await ds.send(new DescribeCertificateCommand({ DirectoryId: adc, CertificateId }))).Certificate!.State === 'Registered', {
      timeoutMs: 30_000,
      what: 'the smart-card CA certificate to be Registered',
    });
    await ds.send(new EnableClientAuthenticationCommand({ DirectoryId: adc, Type: 'SmartCard' }));
    const settings = (await ds.send(new DescribeClientAuthenticationSettingsCommand({ DirectoryId: adc, Type: 'SmartCard' }))).ClientAuthenticationSettingsInfo;
    expect(settings).toEqual([expect.objectContaining({ Type: 'SmartCard', Status: 'Enabled' })]);
    // Directory settings belong to AWS Managed Microsoft AD.
    await expectError(ds.send(new DescribeSettingsCommand({ DirectoryId: adc })), 'UnsupportedOperationException');
    await expectError(ds.send(new UpdateSettingsCommand({ DirectoryId: adc, Settings: [{ Name: 'TLS_1_0', Value: 'Disable' }] })), 'UnsupportedOperationException');
  });

  it('tags a directory: at creation, added, overwritten, removed, paged; the 51st tag, aws: keys and other accounts refused', async () => {
    const ds = client();
    const { DirectoryId: id } = await ds.send(new CreateMicrosoftADCommand({ ...MS_AD, Tags: [{ Key: 'env', Value: 'prod' }] }));
    await ds.send(new AddTagsToResourceCommand({ ResourceId: id, Tags: [{ Key: 'team', Value: 'identity' }, { Key: 'env', Value: 'staging' }, { Key: 'cost-center', Value: '' }] }));
    expect((await ds.send(new ListTagsForResourceCommand({ ResourceId: id }))).Tags).toEqual([
      { Key: 'env', Value: 'staging' },
      { Key: 'team', Value: 'identity' },
      { Key: 'cost-center', Value: '' },
    ]);
    const first = await ds.send(new ListTagsForResourceCommand({ ResourceId: id, Limit: 2 }));
    expect(first.Tags!.map((t) => t.Key)).toEqual(['env', 'team']);
    const second = await ds.send(new ListTagsForResourceCommand({ ResourceId: id, Limit: 2, NextToken: first.NextToken }));
    expect(second).toMatchObject({ Tags: [{ Key: 'cost-center', Value: '' }] });
    expect(second.NextToken).toBeUndefined();
    await ds.send(new RemoveTagsFromResourceCommand({ ResourceId: id, TagKeys: ['cost-center', 'not-there'] }));
    expect((await ds.send(new ListTagsForResourceCommand({ ResourceId: id }))).Tags!.map((t) => t.Key)).toEqual(['env', 'team']);

    const many = Array.from({ length: 49 }, (_, i) => ({ Key: `k${i}`, Value: `${i}` }));
    const limit = await expectError(ds.send(new AddTagsToResourceCommand({ ResourceId: id, Tags: many })), 'TagLimitExceededException');
    expect(limit.message).toContain('50');
    await ds.send(new AddTagsToResourceCommand({ ResourceId: id, Tags: many.slice(0, 48) }));
    expect((await ds.send(new ListTagsForResourceCommand({ ResourceId: id }))).Tags).toHaveLength(50);
    await expectError(ds.send(new AddTagsToResourceCommand({ ResourceId: id, Tags: [{ Key: 'aws:created-by', Value: 'me' }] })), 'InvalidParameterException');
    await expectError(ds.send(new RemoveTagsFromResourceCommand({ ResourceId: id, TagKeys: ['aws:created-by'] })), 'InvalidParameterException');
    await expectError(ds.send(new AddTagsToResourceCommand({ ResourceId: id, Tags: [{ Key: 'bad#key', Value: 'x' }] })), 'ValidationException');
    await expectError(ds.send(new CreateMicrosoftADCommand({ ...MS_AD, Tags: [{ Key: 'aws:x', Value: 'y' }] })), 'InvalidParameterException');
    await expectError(client(ACCOUNT_B).send(new ListTagsForResourceCommand({ ResourceId: id })), 'EntityDoesNotExistException');
    await expectError(ds.send(new AddTagsToResourceCommand({ ResourceId: 'd-00000000ff', Tags: [{ Key: 'a', Value: 'b' }] })), 'EntityDoesNotExistException');
    await expectError(ds.send(new RemoveTagsFromResourceCommand({ ResourceId: 'd-00000000ff', TagKeys: ['a'] })), 'EntityDoesNotExistException');
    await expectError(ds.send(new ListTagsForResourceCommand({ ResourceId: id, NextToken: 'garbage' })), 'InvalidNextTokenException');
  });

  it('describes and updates the TLS protocol and cipher settings of a Microsoft AD, each refusal modelled', async () => {
    const ds = client();
    const { DirectoryId: id } = await ds.send(new CreateMicrosoftADCommand(MS_AD));
    await expectError(ds.send(new UpdateSettingsCommand({ DirectoryId: id, Settings: [{ Name: 'TLS_1_0', Value: 'Disable' }] })), 'DirectoryUnavailableException');
    await active(ds, id!);
    const defaults = (await ds.send(new DescribeSettingsCommand({ DirectoryId: id }))).SettingEntries!;
    expect(defaults.map((e) => e.Name)).toEqual(expect.arrayContaining(['PCT_1_0', 'SSL_2_0', 'SSL_3_0', 'TLS_1_0', 'TLS_1_1', 'AES_128', 'RC4_128', '3DES_168']));
    expect(defaults.find((e) => e.Name === 'TLS_1_0')).toEqual({ Type: 'Protocol', Name: 'TLS_1_0', AllowedValues: '["Enable","Disable"]', AppliedValue: 'Enable', RequestStatus: 'Default', DataType: 'Boolean' });

    const before = Date.now();
    expect(await ds.send(new UpdateSettingsCommand({ DirectoryId: id, Settings: [{ Name: 'TLS_1_0', Value: 'Disable' }, { Name: 'RC4_128', Value: 'Disable' }] }))).toMatchObject({ DirectoryId: id });
    const updated = (await ds.send(new DescribeSettingsCommand({ DirectoryId: id, Status: 'Updated' }))).SettingEntries!;
    expect(updated.map((e) => [e.Name, e.Type, e.RequestedValue, e.AppliedValue])).toEqual([
      ['TLS_1_0', 'Protocol', 'Disable', 'Disable'],
      ['RC4_128', 'Cipher', 'Disable', 'Disable'],
    ]);
    expect(updated[0]!.LastRequestedDateTime!.getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(updated[0]!.LastUpdatedDateTime!.getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect((await ds.send(new DescribeSettingsCommand({ DirectoryId: id, Status: 'Default' }))).SettingEntries).toHaveLength(defaults.length - 2);

    await expectError(ds.send(new UpdateSettingsCommand({ DirectoryId: id, Settings: [{ Name: 'TLS_1_3', Value: 'Disable' }] })), 'UnsupportedSettingsException');
    await expectError(ds.send(new UpdateSettingsCommand({ DirectoryId: id, Settings: [{ Name: 'TLS_1_1', Value: 'Off' }] })), 'InvalidParameterException');
    await expectError(
      ds.send(new UpdateSettingsCommand({ DirectoryId: id, Settings: [{ Name: 'SSL_3_0', Value: 'Enable' }, { Name: 'SSL_3_0', Value: 'Disable' }] })),
      'IncompatibleSettingsException',
    );
    await expectError(ds.send(new UpdateSettingsCommand({ DirectoryId: id, Settings: [{ Name: 'TLS_1_1', Value: 'Dis-able' }] })), 'ValidationException');
    await expectError(ds.send(new DescribeSettingsCommand({ DirectoryId: id, NextToken: 'garbage' })), 'InvalidNextTokenException');
    await expectError(ds.send(new DescribeSettingsCommand({ DirectoryId: 'd-00000000ff' })), 'DirectoryDoesNotExistException');
    await expectError(client(ACCOUNT_B).send(new UpdateSettingsCommand({ DirectoryId: id, Settings: [{ Name: 'TLS_1_0', Value: 'Enable' }] })), 'DirectoryDoesNotExistException');
    const simple = (await ds.send(new CreateDirectoryCommand({ ...MS_AD, Name: 'simple.example.com', Size: 'Small' }))).DirectoryId!;
    await expectError(ds.send(new DescribeSettingsCommand({ DirectoryId: simple })), 'UnsupportedOperationException');
  });

  it('answers the aws CLI (ds get-directory-limits, connect-directory, tags, update-settings and an error)', async () => {
    const aws = async (...args: string[]) => {
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        AWS_ACCESS_KEY_ID: ACCOUNT_A.accessKeyId,
        AWS_SECRET_ACCESS_KEY: ACCOUNT_A.secretAccessKey,
        AWS_PAGER: '',
        AWS_DEFAULT_OUTPUT: 'json',
        AWS_MAX_ATTEMPTS: '1',
        AWS_CONFIG_FILE: '/dev/null',
        AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      };
      delete env.AWS_PROFILE;
      delete env.AWS_SESSION_TOKEN;
      try {
        const { stdout } = await run('aws', ['--region', 'us-east-1', '--endpoint-url', stack.endpoint, 'ds', ...args], { env, timeout: 120_000 });
        return { status: 0, out: stdout.trim() ? JSON.parse(stdout) : {}, err: '' };
      } catch (error) {
        const e = error as { code?: unknown; stderr?: string };
        if (typeof e.code !== 'number') throw error;
        return { status: e.code, out: {}, err: e.stderr ?? '' };
      }
    };
    const limits = await aws('get-directory-limits');
    expect(limits.out.DirectoryLimits).toMatchObject({ ConnectedDirectoriesLimit: 10, CloudOnlyMicrosoftADLimit: 20, CloudOnlyDirectoriesLimit: 10 });
    const connected = await aws(
      'connect-directory',
      '--name', 'cli.example.com',
      '--password', 'service-account-password',
      '--size', 'Small',
      '--connect-settings', `VpcId=${VPC.VpcId},SubnetIds=${VPC.SubnetIds.join(',')},CustomerDnsIps=10.0.0.10,CustomerUserName=svc-cli`,
    );
    expect(connected.out.DirectoryId).toMatch(/^d-[0-9a-f]{10}$/);
    const id = connected.out.DirectoryId as string;
    expect((await aws('add-tags-to-resource', '--resource-id', id, '--tags', 'Key=owner,Value=cli')).status).toBe(0);
    expect((await aws('list-tags-for-resource', '--resource-id', id)).out.Tags).toEqual([{ Key: 'owner', Value: 'cli' }]);
    const refused = await aws('update-settings', '--directory-id', id, '--settings', 'Name=TLS_1_0,Value=Disable');
    expect(refused.status).not.toBe(0);
    expect(refused.err).toMatch(/An error occurred \(UnsupportedOperationException\) when calling the UpdateSettings operation/);
    const noVpc = await aws('create-directory', '--name', 'novpc.example.com', '--password', 'Sup3r-Secret', '--size', 'Small');
    expect(noVpc.err).toMatch(/\(InvalidParameterException\) when calling the CreateDirectory operation/);
  }, 240_000);
});
