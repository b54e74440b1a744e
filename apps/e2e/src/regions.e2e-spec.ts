/**
 * Several regions in one deployment (issue #17): with PKI_REGIONS=us-east-1,eu-west-1 the real
 * SDKs and the aws CLI work in either region, each region keeps its own resources (ARNs carry the
 * region; a CA of us-east-1 is neither found nor listed through eu-west-1, as on AWS), and a
 * client of an unlisted region gets AWS's answer to a wrong-region signature.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import {
  DescribeCertificateAuthorityCommand,
  GetCertificateCommand,
  IssueCertificateCommand,
  ListCertificateAuthoritiesCommand,
  RevokeCertificateCommand,
} from '@aws-sdk/client-acm-pca';
import { DescribeCertificateCommand, IoTClient, ListCertificatesCommand, RegisterCertificateWithoutCACommand } from '@aws-sdk/client-iot';
import { activeRootCa, bytes, issueCertificate, pcaClient } from './fixtures/acm-pca';
import { errorOf } from './fixtures/errors';
import { OpensslDir } from './fixtures/openssl';
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

  let usCa: { arn: string; certificate: string };
  let euCa: { arn: string; certificate: string };

  beforeAll(async () => {
    stack = await startStack({ ...softwareKeysEnv(), PKI_REGIONS: 'us-east-1,eu-west-1' });
    pki = new OpensslDir('regions-e2e');
  }, 180_000);
  afterAll(async () => {
    pki?.remove();
    await stack?.stop();
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
    expect(await list('us-east-1')).toEqual([usCa.arn]);
  });
});
