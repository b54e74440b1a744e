import { deciderSpec } from '@pki/testing';
import type { ConnectDirectoryInput } from './ad-connector';
import type { CertificateFacts } from './certificate-data';
import { decide, evolve, initialState, type CreateDirectoryInput, type DirectoryCommand } from './directory.decider';
import type { DirectoryEvent } from './directory.events';
import { settingEntries } from './directory-settings';
import type { PresentDirectory } from './directory.state';

const NOW = new Date('2026-11-22T10:00:00.000Z');
const LATER = new Date('2026-11-22T11:00:00.000Z');
const DAY = 24 * 60 * 60 * 1000;
const OWNER = '111111111111';
const OTHER = '222222222222';
const D = 'd-0123456789';

const VPC = { VpcId: 'vpc-0123abcd', SubnetIds: ['subnet-0123abcd', 'subnet-4567ef01'] };
const msInput: CreateDirectoryInput = { Name: 'corp.example.com', Password: 'Sup3r-Secret', VpcSettings: VPC };
const connectInput: ConnectDirectoryInput = {
  Name: 'corp.example.com',
  Password: 'service-account-password',
  Size: 'Small',
  ConnectSettings: { ...VPC, CustomerDnsIps: ['10.0.0.10', '10.0.1.10'], CustomerUserName: 'svc-adconnector' },
};

const createMs = (input: Partial<CreateDirectoryInput> = {}, existingDirectories = 0): DirectoryCommand => ({
  type: 'CreateDirectory',
  directoryId: D,
  accountId: OWNER,
  directoryType: 'MicrosoftAD',
  existingDirectories,
  now: NOW,
  input: { ...msInput, ...input },
});
const connect = (input: Partial<ConnectDirectoryInput> = {}, existingDirectories = 0): DirectoryCommand => ({
  type: 'ConnectDirectory',
  directoryId: D,
  accountId: OWNER,
  existingDirectories,
  now: NOW,
  input: { ...connectInput, ...input },
});
const step = (from: 'Requested' | 'Creating'): DirectoryCommand => ({ type: 'AdvanceStage', from, now: NOW });
const addTags = (tags: Array<{ Key: string; Value: string }>, accountId = OWNER): DirectoryCommand => ({ type: 'AddTags', directoryId: D, accountId, tags, now: NOW });
const removeTags = (tagKeys: string[]): DirectoryCommand => ({ type: 'RemoveTags', directoryId: D, accountId: OWNER, tagKeys, now: NOW });
const update = (settings: Array<{ Name: string; Value: string }>, now = NOW): DirectoryCommand => ({ type: 'UpdateSettings', directoryId: D, accountId: OWNER, settings, now });

const spec = deciderSpec({ decide, evolve, initialState });
const given = (...commands: DirectoryCommand[]) => spec.given(spec.history(...commands));
const types = (events: DirectoryEvent[]) => events.map((e) => e.type);
const present = (state: unknown) => state as PresentDirectory;

const tags = (n: number, prefix = 'k') => Array.from({ length: n }, (_, i) => ({ Key: `${prefix}${i}`, Value: `v${i}` }));

describe('Directory decider: VpcSettings and ConnectDirectory', () => {
  it('refuses CreateDirectory / CreateMicrosoftAD without VpcSettings (InvalidParameterException)', () => {
    given().when(createMs({ VpcSettings: undefined })).thenThrows({ code: 'InvalidParameterException' });
    const simple: DirectoryCommand = { ...(createMs({ VpcSettings: undefined, Size: 'Small' }) as Extract<DirectoryCommand, { type: 'CreateDirectory' }>), directoryType: 'SimpleAD' };
    given().when(simple).thenThrows({ code: 'InvalidParameterException' });
  });

  it('connects an AD Connector: AdConnectorRequested without the password, Type ADConnector, its connect settings and tags', () => {
    const events = given().when(connect({ Tags: [{ Key: 'team', Value: 'identity' }] })).events();
    expect(types(events)).toEqual(['AdConnectorRequested']);
    expect(JSON.stringify(events)).not.toContain('service-account-password');
    const state = present(given().when(connect({ Tags: [{ Key: 'team', Value: 'identity' }] })).state());
    expect(state.facts).toMatchObject({ directoryType: 'ADConnector', size: 'Small', shortName: 'CORP', connectSettings: { customerUserName: 'svc-adconnector', customerDnsIps: ['10.0.0.10', '10.0.1.10'] } });
    expect(state.tags).toEqual({ team: 'identity' });
  });

  it('refuses an AD Connector with one subnet, no DNS servers, reserved tag keys, or past its limit of 10', () => {
    given().when(connect({ ConnectSettings: { ...connectInput.ConnectSettings, SubnetIds: ['subnet-0123abcd'] } })).thenThrows({ code: 'InvalidParameterException' });
    given().when(connect({ ConnectSettings: { ...connectInput.ConnectSettings, CustomerDnsIps: [] } })).thenThrows({ code: 'InvalidParameterException' });
    given().when(connect({ Tags: [{ Key: 'aws:owner', Value: 'x' }] })).thenThrows({ code: 'InvalidParameterException' });
    given().when(connect({}, 10)).thenThrows({ code: 'DirectoryLimitExceededException' });
    expect(types(given().when(connect({}, 9)).events())).toEqual(['AdConnectorRequested']);
  });

  it('supports smart-card client authentication on an AD Connector (ClientCertAuth with an OCSP URL, then SmartCard)', () => {
    const facts: CertificateFacts = {
      certificatePem: '-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n',
      sha256Fingerprint: 'ab'.repeat(32),
      commonName: 'Smart Card Root',
      subject: 'CN=Smart Card Root',
      issuer: 'CN=Smart Card Root',
      notBefore: new Date(NOW.getTime() - DAY),
      notAfter: new Date(NOW.getTime() + 365 * DAY),
      rsassaPss: false,
    };
    const register: DirectoryCommand = {
      type: 'RegisterCertificate',
      directoryId: D,
      accountId: OWNER,
      certificateId: 'c-0000000001',
      certificateType: 'ClientCertAuth',
      certificate: facts,
      clientCertAuthSettings: { OCSPUrl: 'http://ocsp.example.com' },
      now: NOW,
    };
    const enable: DirectoryCommand = { type: 'EnableClientAuthentication', directoryId: D, accountId: OWNER, clientAuthenticationType: 'SmartCard', now: NOW };
    const adc = [connect(), step('Requested'), step('Creating')];
    given(...adc).when(enable).thenThrows({ code: 'NoAvailableCertificateException' });
    const events = given(...adc, register, { type: 'CompleteRegistration', certificateId: 'c-0000000001', problem: null, now: NOW }).when(enable).events();
    expect(types(events)).toEqual(['ClientAuthenticationEnabled']);
  });
});

describe('Directory decider: tags', () => {
  const ms = [createMs({ Tags: [{ Key: 'env', Value: 'prod' }] })];

  it('adds (overwriting a key), removes (ignoring absent keys), keeps the order keys were first added', () => {
    const state = present(given(...ms, addTags([{ Key: 'team', Value: 'a' }, { Key: 'env', Value: 'dev' }])).state);
    expect(Object.entries(state.tags)).toEqual([['env', 'dev'], ['team', 'a']]);
    const removed = given(...ms, addTags([{ Key: 'team', Value: 'a' }])).when(removeTags(['env', 'absent'])).events();
    expect(removed[0]!.data).toMatchObject({ tagKeys: ['env'] });
    given(...ms).when(removeTags(['absent'])).then([]);
  });

  it('refuses a 51st tag (TagLimitExceededException), aws: keys, repeated keys and empty lists (InvalidParameterException)', () => {
    given(...ms, addTags(tags(49))).when(addTags([{ Key: 'one-more', Value: '' }, { Key: 'k0', Value: 'x' }])).thenThrows({ code: 'TagLimitExceededException' });
    expect(types(given(...ms, addTags(tags(48))).when(addTags([{ Key: 'last', Value: '' }])).events())).toEqual(['DirectoryTagsAdded']);
    given(...ms).when(addTags([{ Key: 'AWS:name', Value: 'x' }])).thenThrows({ code: 'InvalidParameterException' });
    given(...ms).when(removeTags(['aws:name'])).thenThrows({ code: 'InvalidParameterException' });
    given(...ms).when(addTags([{ Key: 'a', Value: '1' }, { Key: 'a', Value: '2' }])).thenThrows({ code: 'InvalidParameterException' });
    given(...ms).when(addTags([])).thenThrows({ code: 'InvalidParameterException' });
    given().when(createMs({ Tags: tags(51) })).thenThrows({ code: 'InvalidParameterException' });
  });

  it('answers EntityDoesNotExistException for an unknown directory or another account', () => {
    given().when(addTags([{ Key: 'a', Value: '1' }])).thenThrows({ code: 'EntityDoesNotExistException' });
    given(...ms).when(addTags([{ Key: 'a', Value: '1' }], OTHER)).thenThrows({ code: 'EntityDoesNotExistException' });
  });
});

describe('Directory decider: directory settings', () => {
  const ms = [createMs(), step('Requested'), step('Creating')];

  it('lists every protocol and cipher at its default, then applies an update with its request times', () => {
    const before = settingEntries(present(given(...ms).state), undefined);
    expect(before.find((e) => e.Name === 'TLS_1_0')).toEqual({ Type: 'Protocol', Name: 'TLS_1_0', AllowedValues: '["Enable","Disable"]', DataType: 'Boolean', AppliedValue: 'Enable', RequestStatus: 'Default' });
    const after = present(given(...ms, update([{ Name: 'TLS_1_0', Value: 'Disable' }, { Name: 'RC4_128', Value: 'Disable' }], LATER)).state);
    const updated = settingEntries(after, 'Updated');
    expect(updated.map((e) => [e.Name, e.AppliedValue, e.RequestedValue])).toEqual([['TLS_1_0', 'Disable', 'Disable'], ['RC4_128', 'Disable', 'Disable']]);
    expect(updated[0]).toMatchObject({ LastRequestedDateTime: LATER.getTime() / 1000, LastUpdatedDateTime: LATER.getTime() / 1000 });
    expect(settingEntries(after, 'Default').length).toBe(before.length - 2);
  });

  it('refuses unknown settings, bad values, conflicting repeats, inactive and non-Microsoft-AD directories', () => {
    given(...ms).when(update([{ Name: 'TLS_1_3', Value: 'Disable' }])).thenThrows({ code: 'UnsupportedSettingsException' });
    given(...ms).when(update([{ Name: 'TLS_1_0', Value: 'Off' }])).thenThrows({ code: 'InvalidParameterException' });
    given(...ms).when(update([{ Name: 'TLS_1_0', Value: 'Enable' }, { Name: 'TLS_1_0', Value: 'Disable' }])).thenThrows({ code: 'IncompatibleSettingsException' });
    given(...ms).when(update([])).thenThrows({ code: 'InvalidParameterException' });
    given(createMs()).when(update([{ Name: 'TLS_1_0', Value: 'Disable' }])).thenThrows({ code: 'DirectoryUnavailableException' });
    given(connect(), step('Requested'), step('Creating')).when(update([{ Name: 'TLS_1_0', Value: 'Disable' }])).thenThrows({ code: 'UnsupportedOperationException' });
    given().when(update([{ Name: 'TLS_1_0', Value: 'Disable' }])).thenThrows({ code: 'DirectoryDoesNotExistException' });
  });
});
