import { deciderSpec } from '@pki/testing';
import type { CertificateFacts } from './certificate-data';
import { decide, evolve, initialState, type CreateDirectoryInput, type DirectoryCommand } from './directory.decider';
import type { DirectoryEvent } from './directory.events';

const NOW = new Date('2026-11-22T10:00:00.000Z');
const DAY = 24 * 60 * 60 * 1000;
const OWNER = '111111111111';
const OTHER = '222222222222';
const D = 'd-0123456789';
const PASSWORD = 'Sup3r-Secret';

const msInput: CreateDirectoryInput = {
  Name: 'corp.example.com',
  Password: PASSWORD,
  VpcSettings: { VpcId: 'vpc-0123abcd', SubnetIds: ['subnet-0123abcd', 'subnet-4567ef01'] },
};

type Create = Extract<DirectoryCommand, { type: 'CreateDirectory' }>;
type Register = Extract<DirectoryCommand, { type: 'RegisterCertificate' }>;

const create = (over: Partial<Create> = {}, input: Partial<CreateDirectoryInput> = {}): DirectoryCommand => ({
  type: 'CreateDirectory',
  directoryId: D,
  accountId: OWNER,
  directoryType: 'MicrosoftAD',
  existingDirectories: 0,
  now: NOW,
  ...over,
  input: { ...msInput, ...(over.input ?? {}), ...input },
});

function facts(over: Partial<CertificateFacts> = {}): CertificateFacts {
  return {
    certificatePem: '-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n',
    sha256Fingerprint: 'aa'.repeat(32),
    commonName: 'Example LDAPS Root',
    subject: 'CN=Example LDAPS Root,O=Example Corp',
    issuer: 'CN=Example LDAPS Root,O=Example Corp',
    notBefore: new Date(NOW.getTime() - DAY),
    notAfter: new Date(NOW.getTime() + 365 * DAY),
    rsassaPss: false,
    ...over,
  };
}

const register = (certificateId: string, over: Partial<Register> = {}): DirectoryCommand => ({
  type: 'RegisterCertificate',
  directoryId: D,
  accountId: OWNER,
  certificateId,
  certificateType: 'ClientLDAPS',
  certificate: facts({ sha256Fingerprint: certificateId.replace('c-', '').padEnd(64, '0') }),
  clientCertAuthSettings: undefined,
  now: NOW,
  ...over,
});

const spec = deciderSpec({ decide, evolve, initialState });
/** given(commands): each command decided and evolved in turn (a real history). */
const given = (...commands: DirectoryCommand[]) => spec.given(spec.history(...commands));

const step = (from: 'Requested' | 'Creating' | 'Deleting'): DirectoryCommand => ({ type: 'AdvanceStage', from, now: NOW });
const active = (over: Partial<Create> = {}) => [create(over), step('Requested'), step('Creating')];
const simpleAd = () => active({ directoryType: 'SimpleAD', input: { ...msInput, Size: 'Small' } });
const registered = (certificateId: string, over: Partial<Register> = {}): DirectoryCommand[] => [
  register(certificateId, over),
  { type: 'CompleteRegistration', certificateId, problem: null, now: NOW },
];

const types = (events: DirectoryEvent[]) => events.map((e) => e.type);

describe('Directory decider: directories', () => {
  it("given a directory created in the caller's region, then it and every later event name that region (public events are in it)", () => {
    const history = [...active({ region: 'eu-west-1' }), ...registered('c-0000000001')];
    const events = spec.history(...history);
    expect(events.length).toBeGreaterThan(3);
    for (const event of events) expect(event.data).toMatchObject({ region: 'eu-west-1' });
    expect(given(...history).when({ type: 'EnableLDAPS', directoryId: D, accountId: OWNER, now: NOW }).events()[0]?.data).toMatchObject({ region: 'eu-west-1' });
  });

  it('given a directory created without a region (before regions), then its events name none (the default region)', () => {
    for (const event of spec.history(...active())) expect(event.data).not.toHaveProperty('region');
  });

  it('given nothing, when CreateMicrosoftAD, then DirectoryRequested with AWS defaults and without the password', () => {
    const events = given().when(create()).events();
    expect(types(events)).toEqual(['DirectoryRequested']);
    expect(events[0]!.data).toMatchObject({ directoryId: D, accountId: OWNER, directoryType: 'MicrosoftAD', shortName: 'CORP', edition: 'Enterprise', size: null });
    expect(JSON.stringify(events)).not.toContain(PASSWORD);
    const state = given().when(create()).state();
    expect(state.status === 'Present' && state.stage).toBe('Requested');
  });

  it.each([
    ['too short', 'Ab1!'],
    ['only two character groups', 'alllowercase123'],
    ['contains the Microsoft AD account name', 'MyAdmin#2026'],
  ])('refuses a password that is %s with InvalidParameterException, never quoting it', (_why, password) => {
    const error = given().when(create({}, { Password: password })).thenThrows({ code: 'InvalidParameterException' });
    expect(error.message).not.toContain(password);
  });

  it('applies the Simple AD account name (Administrator) to Simple AD only', () => {
    const simple = (Password: string) => create({ directoryType: 'SimpleAD' }, { Password, Size: 'Small' });
    given().when(simple('xAdministrator1!')).thenThrows({ code: 'InvalidParameterException' });
    expect(types(given().when(simple('MyAdmin#2026')).events())).toEqual(['DirectoryRequested']);
  });

  it('refuses a Simple AD without Size, the Hybrid edition, one subnet, and repeated tag keys', () => {
    given().when(create({ directoryType: 'SimpleAD' })).thenThrows({ code: 'InvalidParameterException' });
    given().when(create({}, { Edition: 'Hybrid' })).thenThrows({ code: 'UnsupportedOperationException' });
    given().when(create({}, { VpcSettings: { VpcId: 'vpc-0123abcd', SubnetIds: ['subnet-0123abcd'] } })).thenThrows({ code: 'InvalidParameterException' });
    given().when(create({}, { VpcSettings: { VpcId: 'vpc-0123abcd', SubnetIds: ['subnet-0123abcd', 'subnet-0123abcd'] } })).thenThrows({ code: 'InvalidParameterException' });
    given().when(create({}, { Tags: [{ Key: 'a', Value: '1' }, { Key: 'a', Value: '2' }] })).thenThrows({ code: 'InvalidParameterException' });
  });

  it('refuses the 21st Microsoft AD and the 11th Simple AD with DirectoryLimitExceededException', () => {
    given().when(create({ existingDirectories: 20 })).thenThrows({ code: 'DirectoryLimitExceededException' });
    expect(types(given().when(create({ existingDirectories: 19 })).events())).toEqual(['DirectoryRequested']);
    given().when(create({ directoryType: 'SimpleAD', existingDirectories: 10 }, { Size: 'Small' })).thenThrows({ code: 'DirectoryLimitExceededException' });
  });

  it('moves Requested -> Creating -> Active one step at a time; a stale step decides nothing', () => {
    given(create()).when(step('Creating')).then([]);
    const creating = given(create(), step('Requested')).state;
    expect(creating.status === 'Present' && creating.stage).toBe('Creating');
    given(create(), step('Requested')).when(step('Requested')).then([]);
    const activeState = given(create(), step('Requested'), step('Creating')).state;
    expect(activeState.status === 'Present' && activeState.stage).toBe('Active');
  });

  it('deletes through Deleting -> Deleted; another account sees EntityDoesNotExistException; deleting twice is a ClientException', () => {
    const del = (accountId = OWNER): DirectoryCommand => ({ type: 'DeleteDirectory', directoryId: D, accountId, now: NOW });
    given(...active()).when(del(OTHER)).thenThrows({ code: 'EntityDoesNotExistException' });
    given().when(del()).thenThrows({ code: 'EntityDoesNotExistException' });
    const deleting = given(...active(), del());
    expect(deleting.state.status === 'Present' && deleting.state.stage).toBe('Deleting');
    deleting.when(del()).thenThrows({ code: 'ClientException' });
    deleting.when(register('c-0000000001')).thenThrows({ code: 'DirectoryUnavailableException' });
    const deleted = given(...active(), del(), step('Deleting'));
    expect(deleted.state.status === 'Present' && deleted.state.stage).toBe('Deleted');
    deleted.when(del()).thenThrows({ code: 'EntityDoesNotExistException' });
    deleted.when(register('c-0000000001')).thenThrows({ code: 'DirectoryDoesNotExistException' });
  });
});

describe('Directory decider: certificates', () => {
  it('registers a ClientLDAPS certificate as Registering, then Registered or RegisterFailed with its reason', () => {
    const events = given(...active()).when(register('c-0000000001')).events();
    expect(types(events)).toEqual(['DirectoryCertificateRegistrationRequested']);
    expect(events[0]!.data).toMatchObject({ certificateId: 'c-0000000001', certificateType: 'ClientLDAPS', commonName: 'Example LDAPS Root', ocspUrl: null });
    const registering = given(...active(), register('c-0000000001')).state;
    expect(registering.status === 'Present' && registering.certificates['c-0000000001']!.state).toBe('Registering');

    const complete = (problem: string | null): DirectoryCommand => ({ type: 'CompleteRegistration', certificateId: 'c-0000000001', problem, now: NOW });
    const ok = given(...active(), register('c-0000000001'), complete(null));
    expect(ok.state.status === 'Present' && ok.state.certificates['c-0000000001']!.state).toBe('Registered');
    ok.when(complete(null)).then([]);

    const failed = given(...active(), register('c-0000000001'), complete('not a CA')).state;
    expect(failed.status === 'Present' && failed.certificates['c-0000000001']).toMatchObject({ state: 'RegisterFailed', stateReason: 'not a CA' });
  });

  it('answers each refusal with the exception AWS models', () => {
    const state = given(...active());
    given().when(register('c-0000000001')).thenThrows({ code: 'DirectoryDoesNotExistException' });
    state.when(register('c-0000000001', { accountId: OTHER })).thenThrows({ code: 'DirectoryDoesNotExistException' });
    given(create()).when(register('c-0000000001')).thenThrows({ code: 'DirectoryUnavailableException' });
    given(create(), step('Requested')).when(register('c-0000000001')).thenThrows({ code: 'DirectoryUnavailableException' });
    given(...simpleAd()).when(register('c-0000000001')).thenThrows({ code: 'UnsupportedOperationException' });
    given(...simpleAd())
      .when(register('c-0000000001', { certificateType: 'ClientCertAuth', clientCertAuthSettings: { OCSPUrl: 'http://ocsp.example.com' } }))
      .thenThrows({ code: 'UnsupportedOperationException' });
    const at = (notBefore: number, notAfter: number) => facts({ notBefore: new Date(NOW.getTime() + notBefore), notAfter: new Date(NOW.getTime() + notAfter) });
    state.when(register('c-0000000001', { certificate: at(DAY, 400 * DAY) })).thenThrows({ code: 'InvalidCertificateException' });
    state.when(register('c-0000000001', { certificate: at(-400 * DAY, -DAY) })).thenThrows({ code: 'InvalidCertificateException' });
    state.when(register('c-0000000001', { certificate: at(-DAY, 90 * DAY) })).thenThrows({ code: 'InvalidCertificateException' });
    expect(types(state.when(register('c-0000000001', { certificate: at(-DAY, 90 * DAY + 1000) })).events())).toHaveLength(1);
    state.when(register('c-0000000001', { certificate: facts({ rsassaPss: true }) })).thenThrows({ code: 'InvalidCertificateException' });
  });

  it('takes ClientCertAuthSettings only for ClientCertAuth, which needs an http(s) OCSPUrl', () => {
    const state = given(...active());
    const cca = (settings: { OCSPUrl?: string } | undefined) => register('c-0000000001', { certificateType: 'ClientCertAuth', clientCertAuthSettings: settings });
    state.when(cca(undefined)).thenThrows({ code: 'InvalidParameterException' });
    state.when(cca({})).thenThrows({ code: 'InvalidParameterException' });
    state.when(cca({ OCSPUrl: 'not a url' })).thenThrows({ code: 'InvalidParameterException' });
    state.when(cca({ OCSPUrl: 'ftp://ocsp.example.com/' })).thenThrows({ code: 'InvalidParameterException' });
    state.when(register('c-0000000001', { clientCertAuthSettings: { OCSPUrl: 'http://ocsp.example.com' } })).thenThrows({ code: 'InvalidParameterException' });
    const [e] = state.when(cca({ OCSPUrl: 'https://ocsp.example.com/check' })).events();
    expect(e!.data).toMatchObject({ certificateType: 'ClientCertAuth', ocspUrl: 'https://ocsp.example.com/check' });
  });

  it('refuses the same certificate twice, and a sixth certificate; a deregistered one no longer counts', () => {
    const five = ['c-0000000001', 'c-0000000002', 'c-0000000003', 'c-0000000004', 'c-0000000005'];
    const sameAsFirst = facts({ sha256Fingerprint: '0000000001'.padEnd(64, '0') });
    const state = given(...active(), ...five.map((id) => register(id)));
    state.when(register('c-0000000009', { certificate: sameAsFirst })).thenThrows({ code: 'CertificateAlreadyExistsException' });
    state.when(register('c-0000000006')).thenThrows({ code: 'CertificateLimitExceededException' });
    const freed = given(
      ...active(),
      ...five.flatMap((id) => registered(id)),
      { type: 'DeregisterCertificate', directoryId: D, accountId: OWNER, certificateId: 'c-0000000001', now: NOW },
      { type: 'CompleteDeregistration', certificateId: 'c-0000000001', now: NOW },
    );
    expect(types(freed.when(register('c-0000000006')).events())).toEqual(['DirectoryCertificateRegistrationRequested']);
    // The deregistered certificate may be registered again.
    expect(types(freed.when(register('c-0000000007', { certificate: sameAsFirst })).events())).toHaveLength(1);
  });

  it('deregisters through Deregistering -> Deregistered; unknown, busy and gone certificates are refused', () => {
    const dereg = (certificateId: string, accountId = OWNER): DirectoryCommand => ({ type: 'DeregisterCertificate', directoryId: D, accountId, certificateId, now: NOW });
    const history = [...active(), ...registered('c-0000000001'), register('c-0000000002')];
    const state = given(...history);
    state.when(dereg('c-00000000ff')).thenThrows({ code: 'CertificateDoesNotExistException' });
    state.when(dereg('c-0000000002')).thenThrows({ code: 'ClientException' });
    state.when(dereg('c-0000000001', OTHER)).thenThrows({ code: 'DirectoryDoesNotExistException' });
    const deregistering = given(...history, dereg('c-0000000001'));
    expect(deregistering.state.status === 'Present' && deregistering.state.certificates['c-0000000001']!.state).toBe('Deregistering');
    deregistering.when(dereg('c-0000000001')).thenThrows({ code: 'ClientException' });
    const done = given(...history, dereg('c-0000000001'), { type: 'CompleteDeregistration', certificateId: 'c-0000000001', now: NOW });
    expect(done.state.status === 'Present' && done.state.certificates['c-0000000001']!.state).toBe('Deregistered');
    done.when(dereg('c-0000000001')).thenThrows({ code: 'CertificateDoesNotExistException' });
  });
});

describe('Directory decider: LDAPS and client authentication', () => {
  const ldaps = (type: 'EnableLDAPS' | 'DisableLDAPS'): DirectoryCommand => ({ type, directoryId: D, accountId: OWNER, now: NOW });
  const clientAuth = (type: 'EnableClientAuthentication' | 'DisableClientAuthentication', clientAuthenticationType: 'SmartCard' | 'SmartCardOrPassword' = 'SmartCard'): DirectoryCommand => ({
    type,
    directoryId: D,
    accountId: OWNER,
    clientAuthenticationType,
    now: NOW,
  });
  const dereg = (certificateId: string): DirectoryCommand => ({ type: 'DeregisterCertificate', directoryId: D, accountId: OWNER, certificateId, now: NOW });
  const smartCardCa = (id: string) => registered(id, { certificateType: 'ClientCertAuth', clientCertAuthSettings: { OCSPUrl: 'http://ocsp.example.com' } });

  it('enables LDAPS only with a Registered ClientLDAPS certificate, once; disables only when enabled', () => {
    given(...active()).when(ldaps('EnableLDAPS')).thenThrows({ code: 'NoAvailableCertificateException' });
    given(...active(), register('c-0000000001')).when(ldaps('EnableLDAPS')).thenThrows({ code: 'NoAvailableCertificateException' });
    given(...active(), ...smartCardCa('c-0000000001')).when(ldaps('EnableLDAPS')).thenThrows({ code: 'NoAvailableCertificateException' });
    given(...active()).when(ldaps('DisableLDAPS')).thenThrows({ code: 'InvalidLDAPSStatusException' });
    given(create()).when(ldaps('EnableLDAPS')).thenThrows({ code: 'DirectoryUnavailableException' });
    const enabled = given(...active(), ...registered('c-0000000001'), ldaps('EnableLDAPS'));
    expect(enabled.state.status === 'Present' && enabled.state.ldaps).toEqual({ enabled: true, lastUpdated: NOW });
    enabled.when(ldaps('EnableLDAPS')).thenThrows({ code: 'InvalidLDAPSStatusException' });
    expect(types(enabled.when(ldaps('DisableLDAPS')).events())).toEqual(['LdapsDisabled']);
  });

  it('refuses to deregister the last Registered ClientLDAPS certificate while LDAPS is enabled', () => {
    given(...active(), ...registered('c-0000000001'), ldaps('EnableLDAPS')).when(dereg('c-0000000001')).thenThrows({ code: 'CertificateInUseException' });
    const one = given(...active(), ...registered('c-0000000001'), ...registered('c-0000000002'), ldaps('EnableLDAPS'), dereg('c-0000000001'));
    one.when(dereg('c-0000000002')).thenThrows({ code: 'CertificateInUseException' });
    const disabled = given(...active(), ...registered('c-0000000002'), ldaps('EnableLDAPS'), ldaps('DisableLDAPS'));
    expect(types(disabled.when(dereg('c-0000000002')).events())).toEqual(['DirectoryCertificateDeregistrationRequested']);
  });

  it('enables smart-card authentication only with a Registered ClientCertAuth certificate and guards its last one', () => {
    given(...active(), ...registered('c-0000000001')).when(clientAuth('EnableClientAuthentication')).thenThrows({ code: 'NoAvailableCertificateException' });
    given(...active(), ...smartCardCa('c-0000000001')).when(clientAuth('EnableClientAuthentication', 'SmartCardOrPassword')).thenThrows({ code: 'UnsupportedOperationException' });
    given(create()).when(clientAuth('EnableClientAuthentication')).thenThrows({ code: 'ClientException' });
    given(...active()).when(clientAuth('DisableClientAuthentication')).thenThrows({ code: 'InvalidClientAuthStatusException' });
    const enabled = given(...active(), ...smartCardCa('c-0000000001'), clientAuth('EnableClientAuthentication'));
    enabled.when(clientAuth('EnableClientAuthentication')).thenThrows({ code: 'InvalidClientAuthStatusException' });
    enabled.when(dereg('c-0000000001')).thenThrows({ code: 'CertificateInUseException' });
    expect(types(enabled.when(clientAuth('DisableClientAuthentication')).events())).toEqual(['ClientAuthenticationDisabled']);
    given(...simpleAd()).when(clientAuth('EnableClientAuthentication')).thenThrows({ code: 'UnsupportedOperationException' });
    given(...simpleAd()).when(ldaps('EnableLDAPS')).thenThrows({ code: 'UnsupportedOperationException' });
  });
});
