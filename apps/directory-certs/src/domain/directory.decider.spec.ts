import { DomainError } from '@pki/contracts';
import type { CertificateFacts } from './certificate-data';
import { decide, evolve, initialState, type CreateDirectoryInput, type DirectoryCommand } from './directory.decider';
import type { DirectoryEvent } from './directory.events';
import type { DirectoryState } from './directory.state';

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

/** given(commands) -> state: each command decided and evolved in turn (a real history). */
function given(...commands: DirectoryCommand[]): DirectoryState {
  return commands.reduce((state, command) => decide(command, state).reduce(evolve, state), initialState);
}

const step = (from: 'Requested' | 'Creating' | 'Deleting'): DirectoryCommand => ({ type: 'AdvanceStage', from, now: NOW });
const active = (over: Partial<Create> = {}) => [create(over), step('Requested'), step('Creating')];
const simpleAd = () => active({ directoryType: 'SimpleAD', input: { ...msInput, Size: 'Small' } });
const registered = (certificateId: string, over: Partial<Register> = {}): DirectoryCommand[] => [
  register(certificateId, over),
  { type: 'CompleteRegistration', certificateId, problem: null, now: NOW },
];

function errorOf(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a DomainError');
}

const codeOf = (command: DirectoryCommand, state: DirectoryState) => errorOf(() => decide(command, state)).code;
const types = (events: DirectoryEvent[]) => events.map((e) => e.type);

describe('Directory decider: directories', () => {
  it('given nothing, when CreateMicrosoftAD, then DirectoryRequested with AWS defaults and without the password', () => {
    const events = decide(create(), initialState);
    expect(types(events)).toEqual(['DirectoryRequested']);
    expect(events[0]!.data).toMatchObject({ directoryId: D, accountId: OWNER, directoryType: 'MicrosoftAD', shortName: 'CORP', edition: 'Enterprise', size: null });
    expect(JSON.stringify(events)).not.toContain(PASSWORD);
    const state = events.reduce(evolve, initialState);
    expect(state.status === 'Present' && state.stage).toBe('Requested');
  });

  it.each([
    ['too short', 'Ab1!'],
    ['only two character groups', 'alllowercase123'],
    ['contains the Microsoft AD account name', 'MyAdmin#2026'],
  ])('refuses a password that is %s with InvalidParameterException, never quoting it', (_why, password) => {
    const error = errorOf(() => decide(create({}, { Password: password }), initialState));
    expect(error.code).toBe('InvalidParameterException');
    expect(error.message).not.toContain(password);
  });

  it('applies the Simple AD account name (Administrator) to Simple AD only', () => {
    const simple = (Password: string) => create({ directoryType: 'SimpleAD' }, { Password, Size: 'Small' });
    expect(codeOf(simple('xAdministrator1!'), initialState)).toBe('InvalidParameterException');
    expect(types(decide(simple('MyAdmin#2026'), initialState))).toEqual(['DirectoryRequested']);
  });

  it('refuses a Simple AD without Size, the Hybrid edition, one subnet, and repeated tag keys', () => {
    expect(codeOf(create({ directoryType: 'SimpleAD' }), initialState)).toBe('InvalidParameterException');
    expect(codeOf(create({}, { Edition: 'Hybrid' }), initialState)).toBe('UnsupportedOperationException');
    expect(codeOf(create({}, { VpcSettings: { VpcId: 'vpc-0123abcd', SubnetIds: ['subnet-0123abcd'] } }), initialState)).toBe('InvalidParameterException');
    expect(codeOf(create({}, { VpcSettings: { VpcId: 'vpc-0123abcd', SubnetIds: ['subnet-0123abcd', 'subnet-0123abcd'] } }), initialState)).toBe('InvalidParameterException');
    expect(codeOf(create({}, { Tags: [{ Key: 'a', Value: '1' }, { Key: 'a', Value: '2' }] }), initialState)).toBe('InvalidParameterException');
  });

  it('refuses the 21st Microsoft AD and the 11th Simple AD with DirectoryLimitExceededException', () => {
    expect(codeOf(create({ existingDirectories: 20 }), initialState)).toBe('DirectoryLimitExceededException');
    expect(types(decide(create({ existingDirectories: 19 }), initialState))).toEqual(['DirectoryRequested']);
    expect(codeOf(create({ directoryType: 'SimpleAD', existingDirectories: 10 }, { Size: 'Small' }), initialState)).toBe('DirectoryLimitExceededException');
  });

  it('moves Requested -> Creating -> Active one step at a time; a stale step decides nothing', () => {
    let state = given(create());
    expect(types(decide(step('Creating'), state))).toEqual([]);
    state = decide(step('Requested'), state).reduce(evolve, state);
    expect(state.status === 'Present' && state.stage).toBe('Creating');
    expect(types(decide(step('Requested'), state))).toEqual([]);
    state = decide(step('Creating'), state).reduce(evolve, state);
    expect(state.status === 'Present' && state.stage).toBe('Active');
  });

  it('deletes through Deleting -> Deleted; another account sees EntityDoesNotExistException; deleting twice is a ClientException', () => {
    const del = (accountId = OWNER): DirectoryCommand => ({ type: 'DeleteDirectory', directoryId: D, accountId, now: NOW });
    expect(codeOf(del(OTHER), given(...active()))).toBe('EntityDoesNotExistException');
    expect(codeOf(del(), initialState)).toBe('EntityDoesNotExistException');
    const deleting = given(...active(), del());
    expect(deleting.status === 'Present' && deleting.stage).toBe('Deleting');
    expect(codeOf(del(), deleting)).toBe('ClientException');
    expect(codeOf(register('c-0000000001'), deleting)).toBe('DirectoryUnavailableException');
    const deleted = decide(step('Deleting'), deleting).reduce(evolve, deleting);
    expect(deleted.status === 'Present' && deleted.stage).toBe('Deleted');
    expect(codeOf(del(), deleted)).toBe('EntityDoesNotExistException');
    expect(codeOf(register('c-0000000001'), deleted)).toBe('DirectoryDoesNotExistException');
  });
});

describe('Directory decider: certificates', () => {
  it('registers a ClientLDAPS certificate as Registering, then Registered or RegisterFailed with its reason', () => {
    const state = given(...active());
    const events = decide(register('c-0000000001'), state);
    expect(types(events)).toEqual(['DirectoryCertificateRegistrationRequested']);
    expect(events[0]!.data).toMatchObject({ certificateId: 'c-0000000001', certificateType: 'ClientLDAPS', commonName: 'Example LDAPS Root', ocspUrl: null });
    const registering = events.reduce(evolve, state);
    expect(registering.status === 'Present' && registering.certificates['c-0000000001']!.state).toBe('Registering');

    const complete = (problem: string | null): DirectoryCommand => ({ type: 'CompleteRegistration', certificateId: 'c-0000000001', problem, now: NOW });
    const ok = decide(complete(null), registering).reduce(evolve, registering);
    expect(ok.status === 'Present' && ok.certificates['c-0000000001']!.state).toBe('Registered');
    expect(decide(complete(null), ok)).toEqual([]);

    const failed = decide(complete('not a CA'), registering).reduce(evolve, registering);
    expect(failed.status === 'Present' && failed.certificates['c-0000000001']).toMatchObject({ state: 'RegisterFailed', stateReason: 'not a CA' });
  });

  it('answers each refusal with the exception AWS models', () => {
    const state = given(...active());
    expect(codeOf(register('c-0000000001'), initialState)).toBe('DirectoryDoesNotExistException');
    expect(codeOf(register('c-0000000001', { accountId: OTHER }), state)).toBe('DirectoryDoesNotExistException');
    expect(codeOf(register('c-0000000001'), given(create()))).toBe('DirectoryUnavailableException');
    expect(codeOf(register('c-0000000001'), given(create(), step('Requested')))).toBe('DirectoryUnavailableException');
    expect(codeOf(register('c-0000000001'), given(...simpleAd()))).toBe('UnsupportedOperationException');
    expect(codeOf(register('c-0000000001', { certificateType: 'ClientCertAuth', clientCertAuthSettings: { OCSPUrl: 'http://ocsp.example.com' } }), given(...simpleAd()))).toBe(
      'UnsupportedOperationException',
    );
    const at = (notBefore: number, notAfter: number) => facts({ notBefore: new Date(NOW.getTime() + notBefore), notAfter: new Date(NOW.getTime() + notAfter) });
    expect(codeOf(register('c-0000000001', { certificate: at(DAY, 400 * DAY) }), state)).toBe('InvalidCertificateException');
    expect(codeOf(register('c-0000000001', { certificate: at(-400 * DAY, -DAY) }), state)).toBe('InvalidCertificateException');
    expect(codeOf(register('c-0000000001', { certificate: at(-DAY, 90 * DAY) }), state)).toBe('InvalidCertificateException');
    expect(types(decide(register('c-0000000001', { certificate: at(-DAY, 90 * DAY + 1000) }), state))).toHaveLength(1);
    expect(codeOf(register('c-0000000001', { certificate: facts({ rsassaPss: true }) }), state)).toBe('InvalidCertificateException');
  });

  it('takes ClientCertAuthSettings only for ClientCertAuth, which needs an http(s) OCSPUrl', () => {
    const state = given(...active());
    const cca = (settings: { OCSPUrl?: string } | undefined) => register('c-0000000001', { certificateType: 'ClientCertAuth', clientCertAuthSettings: settings });
    expect(codeOf(cca(undefined), state)).toBe('InvalidParameterException');
    expect(codeOf(cca({}), state)).toBe('InvalidParameterException');
    expect(codeOf(cca({ OCSPUrl: 'not a url' }), state)).toBe('InvalidParameterException');
    expect(codeOf(cca({ OCSPUrl: 'ftp://ocsp.example.com/' }), state)).toBe('InvalidParameterException');
    expect(codeOf(register('c-0000000001', { clientCertAuthSettings: { OCSPUrl: 'http://ocsp.example.com' } }), state)).toBe('InvalidParameterException');
    const [e] = decide(cca({ OCSPUrl: 'https://ocsp.example.com/check' }), state);
    expect(e!.data).toMatchObject({ certificateType: 'ClientCertAuth', ocspUrl: 'https://ocsp.example.com/check' });
  });

  it('refuses the same certificate twice, and a sixth certificate; a deregistered one no longer counts', () => {
    const five = ['c-0000000001', 'c-0000000002', 'c-0000000003', 'c-0000000004', 'c-0000000005'];
    const sameAsFirst = facts({ sha256Fingerprint: '0000000001'.padEnd(64, '0') });
    const state = given(...active(), ...five.map((id) => register(id)));
    expect(codeOf(register('c-0000000009', { certificate: sameAsFirst }), state)).toBe('CertificateAlreadyExistsException');
    expect(codeOf(register('c-0000000006'), state)).toBe('CertificateLimitExceededException');
    const freed = given(
      ...active(),
      ...five.flatMap((id) => registered(id)),
      { type: 'DeregisterCertificate', directoryId: D, accountId: OWNER, certificateId: 'c-0000000001', now: NOW },
      { type: 'CompleteDeregistration', certificateId: 'c-0000000001', now: NOW },
    );
    expect(types(decide(register('c-0000000006'), freed))).toEqual(['DirectoryCertificateRegistrationRequested']);
    // The deregistered certificate may be registered again.
    expect(types(decide(register('c-0000000007', { certificate: sameAsFirst }), freed))).toHaveLength(1);
  });

  it('deregisters through Deregistering -> Deregistered; unknown, busy and gone certificates are refused', () => {
    const dereg = (certificateId: string, accountId = OWNER): DirectoryCommand => ({ type: 'DeregisterCertificate', directoryId: D, accountId, certificateId, now: NOW });
    const state = given(...active(), ...registered('c-0000000001'), register('c-0000000002'));
    expect(codeOf(dereg('c-00000000ff'), state)).toBe('CertificateDoesNotExistException');
    expect(codeOf(dereg('c-0000000002'), state)).toBe('ClientException');
    expect(codeOf(dereg('c-0000000001', OTHER), state)).toBe('DirectoryDoesNotExistException');
    const deregistering = decide(dereg('c-0000000001'), state).reduce(evolve, state);
    expect(deregistering.status === 'Present' && deregistering.certificates['c-0000000001']!.state).toBe('Deregistering');
    expect(codeOf(dereg('c-0000000001'), deregistering)).toBe('ClientException');
    const done = decide({ type: 'CompleteDeregistration', certificateId: 'c-0000000001', now: NOW }, deregistering).reduce(evolve, deregistering);
    expect(done.status === 'Present' && done.certificates['c-0000000001']!.state).toBe('Deregistered');
    expect(codeOf(dereg('c-0000000001'), done)).toBe('CertificateDoesNotExistException');
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
    expect(codeOf(ldaps('EnableLDAPS'), given(...active()))).toBe('NoAvailableCertificateException');
    expect(codeOf(ldaps('EnableLDAPS'), given(...active(), register('c-0000000001')))).toBe('NoAvailableCertificateException');
    expect(codeOf(ldaps('EnableLDAPS'), given(...active(), ...smartCardCa('c-0000000001')))).toBe('NoAvailableCertificateException');
    expect(codeOf(ldaps('DisableLDAPS'), given(...active()))).toBe('InvalidLDAPSStatusException');
    expect(codeOf(ldaps('EnableLDAPS'), given(create()))).toBe('DirectoryUnavailableException');
    const enabled = given(...active(), ...registered('c-0000000001'), ldaps('EnableLDAPS'));
    expect(enabled.status === 'Present' && enabled.ldaps).toEqual({ enabled: true, lastUpdated: NOW });
    expect(codeOf(ldaps('EnableLDAPS'), enabled)).toBe('InvalidLDAPSStatusException');
    expect(types(decide(ldaps('DisableLDAPS'), enabled))).toEqual(['LdapsDisabled']);
  });

  it('refuses to deregister the last Registered ClientLDAPS certificate while LDAPS is enabled', () => {
    const enabled = given(...active(), ...registered('c-0000000001'), ldaps('EnableLDAPS'));
    expect(codeOf(dereg('c-0000000001'), enabled)).toBe('CertificateInUseException');
    const two = given(...active(), ...registered('c-0000000001'), ...registered('c-0000000002'), ldaps('EnableLDAPS'));
    const one = decide(dereg('c-0000000001'), two).reduce(evolve, two);
    expect(codeOf(dereg('c-0000000002'), one)).toBe('CertificateInUseException');
    const disabled = given(...active(), ...registered('c-0000000002'), ldaps('EnableLDAPS'), ldaps('DisableLDAPS'));
    expect(types(decide(dereg('c-0000000002'), disabled))).toEqual(['DirectoryCertificateDeregistrationRequested']);
  });

  it('enables smart-card authentication only with a Registered ClientCertAuth certificate and guards its last one', () => {
    expect(codeOf(clientAuth('EnableClientAuthentication'), given(...active(), ...registered('c-0000000001')))).toBe('NoAvailableCertificateException');
    expect(codeOf(clientAuth('EnableClientAuthentication', 'SmartCardOrPassword'), given(...active(), ...smartCardCa('c-0000000001')))).toBe('UnsupportedOperationException');
    expect(codeOf(clientAuth('EnableClientAuthentication'), given(create()))).toBe('ClientException');
    expect(codeOf(clientAuth('DisableClientAuthentication'), given(...active()))).toBe('InvalidClientAuthStatusException');
    const enabled = given(...active(), ...smartCardCa('c-0000000001'), clientAuth('EnableClientAuthentication'));
    expect(codeOf(clientAuth('EnableClientAuthentication'), enabled)).toBe('InvalidClientAuthStatusException');
    expect(codeOf(dereg('c-0000000001'), enabled)).toBe('CertificateInUseException');
    expect(types(decide(clientAuth('DisableClientAuthentication'), enabled))).toEqual(['ClientAuthenticationDisabled']);
    expect(codeOf(clientAuth('EnableClientAuthentication'), given(...simpleAd()))).toBe('UnsupportedOperationException');
    expect(codeOf(ldaps('EnableLDAPS'), given(...simpleAd()))).toBe('UnsupportedOperationException');
  });
});
