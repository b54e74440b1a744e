import {
  CreateDirectoryCommand,
  CreateMicrosoftADCommand,
  DeleteDirectoryCommand,
  DeregisterCertificateCommand,
  DescribeCertificateCommand,
  DescribeClientAuthenticationSettingsCommand,
  DescribeDirectoriesCommand,
  DescribeLDAPSSettingsCommand,
  DirectoryServiceClient,
  DisableClientAuthenticationCommand,
  DisableLDAPSCommand,
  EnableClientAuthenticationCommand,
  EnableLDAPSCommand,
  ListCertificatesCommand,
  RegisterCertificateCommand,
  type Certificate,
} from '@aws-sdk/client-directory-service';
import { waitFor } from '@pki/testing';
import { activeRootCa, pcaClient } from './fixtures/acm-pca';
import { countRows } from './fixtures/db';
import { errorOf } from './fixtures/errors';
import { OpensslDir } from './fixtures/openssl';
import { ACCOUNT_A, ACCOUNT_B, softwareKeysEnv, startStack, type RunningStack } from './stack';

/** The openssl CLI in one working directory. */
class DirectoryPki extends OpensslDir {
  /** A self-signed CA certificate (EC P-256), PEM. */
  ca(name: string, commonName: string, daysValid = 400): string {
    return this.selfSigned(name, `/O=Example Corp/CN=${commonName}`, { days: daysValid });
  }
  /** A self-signed end-entity certificate, PEM. */
  leaf(name: string, commonName: string): string {
    return this.selfSigned(name, `/CN=${commonName}`, { days: 400, extensions: ['basicConstraints=critical,CA:false', 'keyUsage=critical,digitalSignature'] });
  }
  notAfter(name: string): Date {
    return new Date(this.run('x509', '-in', `${name}.pem`, '-noout', '-enddate').trim().replace('notAfter=', ''));
  }
}

const MS_AD = { Name: 'corp.example.com', Password: 'Sup3r-Secret', VpcSettings: { VpcId: 'vpc-0123abcd', SubnetIds: ['subnet-0123abcd', 'subnet-4567ef01'] } };

describe('Directory Service certificates through the AWS SDK', () => {
  let stack: RunningStack;
  let pki: DirectoryPki;
  const client = (credentials = ACCOUNT_A) => new DirectoryServiceClient({ endpoint: stack.endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
  const eventCount = () => countRows(stack.db, 'directory', 'events');

  beforeAll(async () => {
    // Each asynchronous step (directory stages, certificate registration) takes 1.5 s, so every state is observable.
    stack = await startStack({
      PKI_DIRECTORY_STEP_MS: '1500',
      PKI_DIRECTORY_WORKER_INTERVAL_MS: '200',
      // ACM-PCA, for a certificate issued by the platform's own private CA.
      ...softwareKeysEnv(),
    });
    pki = new DirectoryPki('directory-certs-e2e');
  }, 120_000);
  afterAll(async () => {
    pki?.remove();
    await stack?.stop();
  });

  it('Microsoft AD: Requested -> Active, certificates through every state, pagination, LDAPS and smart-card settings, each exception', async () => {
    const ds = client();
    const describeCert = async (DirectoryId: string, CertificateId: string): Promise<Certificate> => (await ds.send(new DescribeCertificateCommand({ DirectoryId, CertificateId }))).Certificate!;
    const stageOf = async (id: string) => (await ds.send(new DescribeDirectoriesCommand({ DirectoryIds: [id] }))).DirectoryDescriptions![0]!.Stage;

    // --- creation, validated, never storing the password ---
    const weak = await errorOf(ds.send(new CreateMicrosoftADCommand({ ...MS_AD, Password: 'MyAdmin#2026' })));
    expect(weak.name).toBe('InvalidParameterException');
    expect(weak.message).not.toContain('MyAdmin#2026');
    expect(weak.RequestId).toBe(weak.$metadata?.requestId);
    const badPattern = await errorOf(ds.send(new CreateMicrosoftADCommand({ ...MS_AD, Password: 'short' })));
    expect(badPattern.name).toBe('ValidationException');
    expect(badPattern.message).not.toContain('short');
    const { DirectoryId: id } = await ds.send(new CreateMicrosoftADCommand(MS_AD));
    expect(id).toMatch(/^d-[0-9a-f]{10}$/);
    expect(await stageOf(id!)).toBe('Requested');
    const root = pki.ca('root', 'Corp LDAPS Root');
    const early = await errorOf(ds.send(new RegisterCertificateCommand({ DirectoryId: id, CertificateData: root })));
    expect(early.name).toBe('DirectoryUnavailableException');
    const seen = new Set<string>();
    await waitFor(async () => {
      const stage = await stageOf(id!);
      seen.add(stage!);
      return stage === 'Active';
    }, { timeoutMs: 30_000, intervalMs: 100, what: 'the directory to become Active' });
    expect([...seen]).toEqual(expect.arrayContaining(['Creating', 'Active']));
    const all = await stack.db.withSchema('directory').selectFrom('events').select('data').execute();
    expect(JSON.stringify(all)).not.toContain(MS_AD.Password);

    // --- a CA certificate made with openssl: Registering -> Registered, every field ---
    const { CertificateId: ldapsCert } = await ds.send(new RegisterCertificateCommand({ DirectoryId: id, CertificateData: root }));
    expect(ldapsCert).toMatch(/^c-[0-9a-f]{10}$/);
    const registering = await describeCert(id!, ldapsCert!);
    expect(registering).toMatchObject({ CertificateId: ldapsCert, State: 'Registering', CommonName: 'Corp LDAPS Root', Type: 'ClientLDAPS' });
    expect(registering.ExpiryDateTime!.getTime()).toBe(pki.notAfter('root').getTime());
    expect(Math.abs(registering.RegisteredDateTime!.getTime() - Date.now())).toBeLessThan(60_000);
    const registered = await waitFor(async () => {
      const c = await describeCert(id!, ldapsCert!);
      return c.State === 'Registered' ? c : undefined;
    }, { timeoutMs: 30_000, what: 'the certificate to be Registered' });
    expect(registered.StateReason).toBe('The certificate is registered.');

    // --- each refusal, nothing written ---
    const before = await eventCount();
    const refusals: Array<[string, Promise<unknown>]> = [
      ['CertificateAlreadyExistsException', ds.send(new RegisterCertificateCommand({ DirectoryId: id, CertificateData: root }))],
      ['InvalidCertificateException', ds.send(new RegisterCertificateCommand({ DirectoryId: id, CertificateData: '-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n' }))],
      ['InvalidCertificateException', ds.send(new RegisterCertificateCommand({ DirectoryId: id, CertificateData: pki.ca('short', 'Short Lived', 30) }))],
      ['InvalidParameterException', ds.send(new RegisterCertificateCommand({ DirectoryId: id, CertificateData: pki.ca('cca0', 'No OCSP'), Type: 'ClientCertAuth' }))],
      ['InvalidParameterException', ds.send(new RegisterCertificateCommand({ DirectoryId: id, CertificateData: pki.ca('cca1', 'Bad OCSP'), Type: 'ClientCertAuth', ClientCertAuthSettings: { OCSPUrl: 'ftp://ocsp.example.com/x' } }))],
      ['DirectoryDoesNotExistException', client(ACCOUNT_B).send(new RegisterCertificateCommand({ DirectoryId: id, CertificateData: root }))],
      ['DirectoryDoesNotExistException', ds.send(new DescribeCertificateCommand({ DirectoryId: 'd-00000000ff', CertificateId: ldapsCert }))],
      ['CertificateDoesNotExistException', ds.send(new DescribeCertificateCommand({ DirectoryId: id, CertificateId: 'c-00000000ff' }))],
      ['CertificateDoesNotExistException', ds.send(new DeregisterCertificateCommand({ DirectoryId: id, CertificateId: 'c-00000000ff' }))],
      ['EntityDoesNotExistException', ds.send(new DescribeDirectoriesCommand({ DirectoryIds: ['d-00000000ff'] }))],
      ['EntityDoesNotExistException', client(ACCOUNT_B).send(new DeleteDirectoryCommand({ DirectoryId: id }))],
      ['InvalidLDAPSStatusException', ds.send(new DisableLDAPSCommand({ DirectoryId: id, Type: 'Client' }))],
      ['NoAvailableCertificateException', ds.send(new EnableClientAuthenticationCommand({ DirectoryId: id, Type: 'SmartCard' }))],
      ['InvalidClientAuthStatusException', ds.send(new DisableClientAuthenticationCommand({ DirectoryId: id, Type: 'SmartCard' }))],
      ['UnsupportedOperationException', ds.send(new EnableClientAuthenticationCommand({ DirectoryId: id, Type: 'SmartCardOrPassword' }))],
      ['InvalidNextTokenException', ds.send(new ListCertificatesCommand({ DirectoryId: id, NextToken: 'garbage' }))],
    ];
    for (const [code, call] of refusals) {
      const error = await errorOf(call);
      expect({ code, name: error.name, status: error.$metadata?.httpStatusCode }).toEqual({ code, name: code, status: 400 });
      expect(error.message.length).toBeGreaterThan(10);
    }
    expect(await eventCount()).toBe(before);

    // --- LDAPS ---
    await ds.send(new EnableLDAPSCommand({ DirectoryId: id, Type: 'Client' }));
    expect((await ds.send(new DescribeLDAPSSettingsCommand({ DirectoryId: id }))).LDAPSSettingsInfo).toEqual([{ LDAPSStatus: 'Enabled', LastUpdatedDateTime: expect.any(Date) }]);
    expect((await errorOf(ds.send(new EnableLDAPSCommand({ DirectoryId: id, Type: 'Client' })))).name).toBe('InvalidLDAPSStatusException');
    expect((await errorOf(ds.send(new DeregisterCertificateCommand({ DirectoryId: id, CertificateId: ldapsCert })))).name).toBe('CertificateInUseException');

    // --- smart-card CA (ClientCertAuth with an OCSP URL), an end-entity certificate that fails its checks ---
    const { CertificateId: smartCard } = await ds.send(
      new RegisterCertificateCommand({ DirectoryId: id, CertificateData: pki.ca('smartcard', 'Smart Card CA'), Type: 'ClientCertAuth', ClientCertAuthSettings: { OCSPUrl: 'http://ocsp.example.com/check' } }),
    );
    const { CertificateId: leaf } = await ds.send(new RegisterCertificateCommand({ DirectoryId: id, CertificateData: pki.leaf('leaf', 'host.corp.example.com') }));
    await waitFor(async () => (await describeCert(id!, smartCard!)).State === 'Registered', { timeoutMs: 30_000, what: 'the smart-card CA to be Registered' });
    expect(await describeCert(id!, smartCard!)).toMatchObject({ Type: 'ClientCertAuth', CommonName: 'Smart Card CA', ClientCertAuthSettings: { OCSPUrl: 'http://ocsp.example.com/check' } });
    const failed = await waitFor(async () => {
      const c = await describeCert(id!, leaf!);
      return c.State === 'RegisterFailed' ? c : undefined;
    }, { timeoutMs: 30_000, what: 'the end-entity certificate to fail registration' });
    expect(failed.StateReason).toMatch(/not a CA certificate/);
    await ds.send(new EnableClientAuthenticationCommand({ DirectoryId: id, Type: 'SmartCard' }));
    expect((await ds.send(new DescribeClientAuthenticationSettingsCommand({ DirectoryId: id, Type: 'SmartCard' }))).ClientAuthenticationSettingsInfo).toEqual([
      { Type: 'SmartCard', Status: 'Enabled', LastUpdatedDateTime: expect.any(Date) },
    ]);
    expect((await errorOf(ds.send(new EnableClientAuthenticationCommand({ DirectoryId: id, Type: 'SmartCard' })))).name).toBe('InvalidClientAuthStatusException');
    expect((await errorOf(ds.send(new DeregisterCertificateCommand({ DirectoryId: id, CertificateId: smartCard })))).name).toBe('CertificateInUseException');

    // --- the per-directory limit (5), and pagination ---
    await ds.send(new RegisterCertificateCommand({ DirectoryId: id, CertificateData: pki.ca('ca4', 'Fourth CA') }));
    await ds.send(new RegisterCertificateCommand({ DirectoryId: id, CertificateData: pki.ca('ca5', 'Fifth CA') }));
    const sixth = await errorOf(ds.send(new RegisterCertificateCommand({ DirectoryId: id, CertificateData: pki.ca('ca6', 'Sixth CA') })));
    expect(sixth.name).toBe('CertificateLimitExceededException');
    const listed: string[] = [];
    let NextToken: string | undefined;
    let pages = 0;
    do {
      const page = await ds.send(new ListCertificatesCommand({ DirectoryId: id, Limit: 2, NextToken }));
      expect(page.CertificatesInfo!.length).toBeLessThanOrEqual(2);
      listed.push(...page.CertificatesInfo!.map((c) => c.CommonName!));
      NextToken = page.NextToken;
      pages++;
    } while (NextToken);
    expect(pages).toBe(3);
    expect(listed).toEqual(['Corp LDAPS Root', 'Smart Card CA', 'host.corp.example.com', 'Fourth CA', 'Fifth CA']);

    // --- disable, then deregister: Deregistering -> Deregistered ---
    await ds.send(new DisableLDAPSCommand({ DirectoryId: id, Type: 'Client' }));
    await ds.send(new DisableClientAuthenticationCommand({ DirectoryId: id, Type: 'SmartCard' }));
    expect((await ds.send(new DescribeLDAPSSettingsCommand({ DirectoryId: id }))).LDAPSSettingsInfo![0]!.LDAPSStatus).toBe('Disabled');
    await ds.send(new DeregisterCertificateCommand({ DirectoryId: id, CertificateId: ldapsCert }));
    expect((await describeCert(id!, ldapsCert!)).State).toBe('Deregistering');
    await waitFor(async () => (await describeCert(id!, ldapsCert!)).State === 'Deregistered', { timeoutMs: 30_000, what: 'the certificate to be Deregistered' });
    // The freed place takes a new certificate.
    await ds.send(new RegisterCertificateCommand({ DirectoryId: id, CertificateData: pki.read('ca6.pem') }));

    await ds.send(new DeleteDirectoryCommand({ DirectoryId: id }));
    await waitFor(async () => (await errorOf(ds.send(new DescribeDirectoriesCommand({ DirectoryIds: [id!] })))).name === 'EntityDoesNotExistException', {
      timeoutMs: 30_000,
      what: 'the directory to be deleted',
    });
  }, 180_000);

  it('Simple AD: no certificates or secure LDAP (UnsupportedOperationException); DescribeDirectories pages', async () => {
    const ds = client(ACCOUNT_B);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      ids.push((await ds.send(new CreateDirectoryCommand({ Name: `simple${i}.example.com`, Password: 'Sup3r-Secret', Size: 'Small', VpcSettings: MS_AD.VpcSettings }))).DirectoryId!);
    }
    const unsupported = await errorOf(ds.send(new RegisterCertificateCommand({ DirectoryId: ids[0], CertificateData: pki.ca('simple', 'Simple CA'), Type: 'ClientCertAuth', ClientCertAuthSettings: { OCSPUrl: 'http://ocsp.example.com' } })));
    expect(unsupported.name).toBe('UnsupportedOperationException');
    expect((await errorOf(ds.send(new EnableLDAPSCommand({ DirectoryId: ids[0], Type: 'Client' })))).name).toBe('UnsupportedOperationException');
    const seen: string[] = [];
    let NextToken: string | undefined;
    do {
      const page = await ds.send(new DescribeDirectoriesCommand({ Limit: 2, NextToken }));
      seen.push(...page.DirectoryDescriptions!.map((d) => d.DirectoryId!));
      NextToken = page.NextToken;
    } while (NextToken);
    expect(seen).toEqual(ids);
    const [first] = (await ds.send(new DescribeDirectoriesCommand({ DirectoryIds: [ids[0]!] }))).DirectoryDescriptions!;
    expect(first).toMatchObject({ DirectoryId: ids[0], Name: 'simple0.example.com', ShortName: 'SIMPLE0', Size: 'Small', Type: 'SimpleAD' });
  }, 120_000);

  it('registers a CA certificate issued by the platform\'s own private CA through ACM-PCA (IssueCertificate)', async () => {
    const { certificate: issued } = await activeRootCa(pcaClient(stack.endpoint), {
      subject: { Organization: 'Example Corp', CommonName: 'Platform LDAPS Root' },
      validity: { Type: 'YEARS', Value: 5 },
    });

    const ds = client();
    const { DirectoryId: id } = await ds.send(new CreateMicrosoftADCommand({ ...MS_AD, Name: 'pca.example.com' }));
    await waitFor(async () => (await ds.send(new DescribeDirectoriesCommand({ DirectoryIds: [id!] }))).DirectoryDescriptions![0]!.Stage === 'Active', { timeoutMs: 30_000, what: 'Active' });
    const { CertificateId } = await ds.send(new RegisterCertificateCommand({ DirectoryId: id, CertificateData: issued }));
    expect((await ds.send(new DescribeCertificateCommand({ DirectoryId: id, CertificateId }))).Certificate).toMatchObject({ State: 'Registering', CommonName: 'Platform LDAPS Root' });
    const registered = await waitFor(async () => {
      const c = (await ds.send(new DescribeCertificateCommand({ DirectoryId: id, CertificateId }))).Certificate!;
      return c.State !== 'Registering' ? c : undefined;
    }, { timeoutMs: 30_000, what: 'the registration to finish' });
    expect(registered).toMatchObject({ State: 'Registered', Type: 'ClientLDAPS', CommonName: 'Platform LDAPS Root' });
    await ds.send(new DeregisterCertificateCommand({ DirectoryId: id, CertificateId }));
    await waitFor(async () => (await ds.send(new DescribeCertificateCommand({ DirectoryId: id, CertificateId }))).Certificate!.State === 'Deregistered', { timeoutMs: 30_000, what: 'Deregistered' });
  }, 240_000);
});
