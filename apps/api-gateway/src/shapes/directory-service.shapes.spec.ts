import { validate, validateRequest, validationMessage, type Shape } from '@pki/aws-protocol';
import { DIRECTORY_OPERATIONS, DS_TARGET_PREFIX } from '@pki/contracts';
import { DIRECTORY_SERVICE_INPUT_SHAPES, inputShapeFor } from './index';

const shapeOf = (operation: string): Shape => {
  const shape = inputShapeFor(DS_TARGET_PREFIX, operation);
  if (!shape) throw new Error(`no input shape for ${operation}`);
  return shape;
};

/** The error the gateway would answer, or undefined when the input is accepted. */
const answer = (operation: string, input: unknown): { code: string; message: string } | undefined => {
  const result = validateRequest(shapeOf(operation), input);
  return result.ok ? undefined : { code: result.error.code, message: result.error.message };
};

const DIRECTORY_ID = 'd-1234567890';
const CERTIFICATE_ID = 'c-0123456789';
const PEM = '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUY2E=\n-----END CERTIFICATE-----\n';
const VPC_SETTINGS = { VpcId: 'vpc-45025421', SubnetIds: ['subnet-ba0146de', 'subnet-0123456789abcdef0'] };

/** One realistic input per operation, shaped as the AWS SDK v3 serializes it. */
const VALID_INPUTS: Record<string, unknown> = {
  CreateDirectory: {
    Name: 'seattle.example.com',
    ShortName: 'seattle',
    Password: 'Str0ngP@ssw0rd',
    Description: 'Regional directory for example.com',
    Size: 'Small',
    VpcSettings: VPC_SETTINGS,
    Tags: [{ Key: 'env', Value: 'prod' }],
    NetworkType: 'IPv4',
  },
  CreateMicrosoftAD: {
    Name: 'corp.example.com',
    ShortName: 'CORP',
    Password: 'Str0ngP@ssw0rd',
    Description: 'Corporate AD',
    VpcSettings: VPC_SETTINGS,
    Edition: 'Enterprise',
    Tags: [{ Key: 'team', Value: '' }],
    NetworkType: 'Dual-stack',
  },
  DescribeDirectories: { DirectoryIds: [DIRECTORY_ID, 'd-abcdef0123'], Limit: 0, NextToken: 'token' },
  DeleteDirectory: { DirectoryId: DIRECTORY_ID },
  RegisterCertificate: {
    DirectoryId: DIRECTORY_ID,
    CertificateData: PEM,
    Type: 'ClientCertAuth',
    ClientCertAuthSettings: { OCSPUrl: 'https://ocsp.example.com/ocsp' },
  },
  DescribeCertificate: { DirectoryId: DIRECTORY_ID, CertificateId: CERTIFICATE_ID },
  ListCertificates: { DirectoryId: DIRECTORY_ID, NextToken: 'token', Limit: 50 },
  DeregisterCertificate: { DirectoryId: DIRECTORY_ID, CertificateId: CERTIFICATE_ID },
  EnableClientAuthentication: { DirectoryId: DIRECTORY_ID, Type: 'SmartCard' },
  DisableClientAuthentication: { DirectoryId: DIRECTORY_ID, Type: 'SmartCardOrPassword' },
  DescribeClientAuthenticationSettings: { DirectoryId: DIRECTORY_ID, Type: 'SmartCard', Limit: 1 },
  EnableLDAPS: { DirectoryId: DIRECTORY_ID, Type: 'Client' },
  DisableLDAPS: { DirectoryId: DIRECTORY_ID, Type: 'Client' },
  DescribeLDAPSSettings: { DirectoryId: DIRECTORY_ID, Type: 'Client', NextToken: 'token', Limit: 10 },
  ConnectDirectory: {
    Name: 'corp.example.com',
    ShortName: 'CORP',
    Password: 'service-account-password',
    Description: 'AD Connector',
    Size: 'Small',
    ConnectSettings: { ...VPC_SETTINGS, CustomerDnsIps: ['10.0.0.10', '10.0.1.10'], CustomerUserName: 'svc-connector' },
    Tags: [{ Key: 'env', Value: 'prod' }],
  },
  GetDirectoryLimits: {},
  AddTagsToResource: { ResourceId: DIRECTORY_ID, Tags: [{ Key: 'cost-center', Value: '1234' }] },
  RemoveTagsFromResource: { ResourceId: DIRECTORY_ID, TagKeys: ['cost-center'] },
  ListTagsForResource: { ResourceId: DIRECTORY_ID, NextToken: 'token', Limit: 10 },
  DescribeSettings: { DirectoryId: DIRECTORY_ID, Status: 'Updated', NextToken: 'token' },
  UpdateSettings: { DirectoryId: DIRECTORY_ID, Settings: [{ Name: 'TLS_1_0', Value: 'Disable' }] },
};

const failed = (value: string | null, path: string, constraint: string): string =>
  `${value === null ? 'Value null' : `Value '${value}'`} at '${path}' failed to satisfy constraint: ${constraint}`;
const hidden = (path: string, constraint: string): string => `Value at '${path}' failed to satisfy constraint: ${constraint}`;
const one = (error: string): string => `1 validation error detected: ${error}`;
const many = (...errors: string[]): string => `${errors.length} validation errors detected: ${errors.join('; ')}`;
const NOT_NULL = 'Member must not be null';
const enumSet = (...values: string[]): string => `Member must satisfy enum value set: [${values.join(', ')}]`;
const pattern = (p: string): string => `Member must satisfy regular expression pattern: ${p}`;
const maxLen = (n: number): string => `Member must have length less than or equal to ${n}`;
const minLen = (n: number): string => `Member must have length greater than or equal to ${n}`;
const maxVal = (n: number): string => `Member must have value less than or equal to ${n}`;
const minVal = (n: number): string => `Member must have value greater than or equal to ${n}`;

const DIRECTORY_ID_PATTERN = '^d-[0-9a-f]{10}$';
const CERTIFICATE_ID_PATTERN = '^c-[0-9a-f]{10}$';
const PASSWORD_PATTERN = String.raw`(?=^.{8,64}$)((?=.*\d)(?=.*[A-Z])(?=.*[a-z])|(?=.*\d)(?=.*[^A-Za-z0-9\s])(?=.*[a-z])|(?=.*[^A-Za-z0-9\s])(?=.*[A-Z])(?=.*[a-z])|(?=.*\d)(?=.*[A-Z])(?=.*[^A-Za-z0-9\s]))^.*`;
const DIRECTORY_NAME_PATTERN = String.raw`^([a-zA-Z0-9]+[\\.-])+([a-zA-Z0-9])+$`;
const DESCRIPTION_PATTERN = String.raw`^([a-zA-Z0-9_])[\\a-zA-Z0-9_@#%*+=:?./!\s-]*$`;
const TAG_PATTERN = String.raw`^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$`;
const SUBNET_PATTERN = '^(subnet-[0-9a-f]{8}|subnet-[0-9a-f]{17})$';
const CLIENT_AUTH_SET = enumSet('SmartCard', 'SmartCardOrPassword');

const with_ = (operation: string, patch: Record<string, unknown>): Record<string, unknown> => ({
  ...(VALID_INPUTS[operation] as Record<string, unknown>),
  ...patch,
});

/** [operation, what is wrong, input, AWS's message]: at least one per operation. */
const VIOLATIONS: ReadonlyArray<readonly [string, string, unknown, string]> = [
  [
    'CreateDirectory',
    'weak password (sensitive: never echoed) and unknown size',
    with_('CreateDirectory', { Password: 'password', Size: 'Medium' }),
    many(hidden('password', pattern(PASSWORD_PATTERN)), failed('Medium', 'size', enumSet('Small', 'Large'))),
  ],
  [
    'CreateDirectory',
    'missing name, password and size',
    {},
    many(failed(null, 'name', NOT_NULL), failed(null, 'password', NOT_NULL), failed(null, 'size', NOT_NULL)),
  ],
  [
    'CreateDirectory',
    'single-label name, NetBIOS name starting with a dot, description starting with a space',
    with_('CreateDirectory', { Name: 'corp', ShortName: '.corp', Description: ' leading space' }),
    many(
      failed('corp', 'name', pattern(DIRECTORY_NAME_PATTERN)),
      failed('.corp', 'shortName', pattern(String.raw`^[^\\/:*?"<>|.]+[^\\/:*?"<>|]*$`)),
      failed(' leading space', 'description', pattern(DESCRIPTION_PATTERN)),
    ),
  ],
  [
    'CreateDirectory',
    'description over 128 characters, unknown network type',
    with_('CreateDirectory', { Description: 'd'.repeat(129), NetworkType: 'IPv5' }),
    many(failed('d'.repeat(129), 'description', maxLen(128)), failed('IPv5', 'networkType', enumSet('Dual-stack', 'IPv4', 'IPv6'))),
  ],
  [
    'CreateMicrosoftAD',
    'no VPC settings, unknown edition',
    with_('CreateMicrosoftAD', { VpcSettings: undefined, Edition: 'Datacenter' }),
    many(failed(null, 'vpcSettings', NOT_NULL), failed('Datacenter', 'edition', enumSet('Enterprise', 'Standard', 'Hybrid'))),
  ],
  [
    'CreateMicrosoftAD',
    'bad VPC id and subnet id, tag without value',
    with_('CreateMicrosoftAD', {
      VpcSettings: { VpcId: 'vpc-123', SubnetIds: ['subnet-ba0146de', 'subnet-xyz'] },
      Tags: [{ Key: 'env' }],
    }),
    many(
      failed('vpc-123', 'vpcSettings.vpcId', pattern('^(vpc-[0-9a-f]{8}|vpc-[0-9a-f]{17})$')),
      failed('[subnet-ba0146de, subnet-xyz]', 'vpcSettings.subnetIds', `Member must satisfy constraint: [${pattern(SUBNET_PATTERN)}]`),
      failed(null, 'tags.1.member.value', NOT_NULL),
    ),
  ],
  [
    'CreateMicrosoftAD',
    'empty tag key, tag key with a forbidden character, tag value over 256',
    with_('CreateMicrosoftAD', { Tags: [{ Key: '', Value: 'x' }, { Key: 'a*b', Value: 'v'.repeat(257) }] }),
    many(
      failed('', 'tags.1.member.key', minLen(1)),
      failed('a*b', 'tags.2.member.key', pattern(TAG_PATTERN)),
      failed('v'.repeat(257), 'tags.2.member.value', maxLen(256)),
    ),
  ],
  [
    'DescribeDirectories',
    'malformed directory id in the list, negative limit',
    { DirectoryIds: ['d-1234567890', 'D-XYZ'], Limit: -1 },
    many(
      failed('[d-1234567890, D-XYZ]', 'directoryIds', `Member must satisfy constraint: [${pattern(DIRECTORY_ID_PATTERN)}]`),
      failed('-1', 'limit', minVal(0)),
    ),
  ],
  ['DeleteDirectory', 'no directory id', {}, one(failed(null, 'directoryId', NOT_NULL))],
  ['DeleteDirectory', 'upper-case directory id', { DirectoryId: 'd-ABCDEF0123' }, one(failed('d-ABCDEF0123', 'directoryId', pattern(DIRECTORY_ID_PATTERN)))],
  [
    'RegisterCertificate',
    'empty certificate data, unknown type, OCSP URL without scheme',
    with_('RegisterCertificate', { CertificateData: '', Type: 'ServerAuth', ClientCertAuthSettings: { OCSPUrl: 'ocsp.example.com' } }),
    many(
      failed('', 'certificateData', minLen(1)),
      failed('ServerAuth', 'type', enumSet('ClientCertAuth', 'ClientLDAPS')),
      failed(
        'ocsp.example.com',
        'clientCertAuthSettings.oCSPUrl',
        pattern('^(https?|ftp|file|ldaps?)://[-a-zA-Z0-9+&@#/%?=~_|!:,.;()]*[-a-zA-Z0-9+&@#/%=~_|()]'),
      ),
    ),
  ],
  [
    'RegisterCertificate',
    'certificate data over 8192 characters',
    with_('RegisterCertificate', { CertificateData: 'A'.repeat(8193) }),
    one(failed('A'.repeat(8193), 'certificateData', maxLen(8192))),
  ],
  [
    'DescribeCertificate',
    'certificate id of the wrong kind',
    with_('DescribeCertificate', { CertificateId: 'd-0123456789' }),
    one(failed('d-0123456789', 'certificateId', pattern(CERTIFICATE_ID_PATTERN))),
  ],
  [
    'ListCertificates',
    'page limit over 50',
    with_('ListCertificates', { Limit: 51 }),
    one(failed('51', 'limit', maxVal(50))),
  ],
  [
    'ListCertificates',
    'page limit 0, no directory',
    { Limit: 0 },
    many(failed(null, 'directoryId', NOT_NULL), failed('0', 'limit', minVal(1))),
  ],
  [
    'DeregisterCertificate',
    'no certificate id',
    { DirectoryId: DIRECTORY_ID },
    one(failed(null, 'certificateId', NOT_NULL)),
  ],
  [
    'EnableClientAuthentication',
    'unknown client authentication type',
    with_('EnableClientAuthentication', { Type: 'Password' }),
    one(failed('Password', 'type', CLIENT_AUTH_SET)),
  ],
  ['DisableClientAuthentication', 'no type', { DirectoryId: DIRECTORY_ID }, one(failed(null, 'type', NOT_NULL))],
  [
    'DescribeClientAuthenticationSettings',
    'unknown type, page limit 0',
    with_('DescribeClientAuthenticationSettings', { Type: 'smartcard', Limit: 0 }),
    many(failed('smartcard', 'type', CLIENT_AUTH_SET), failed('0', 'limit', minVal(1))),
  ],
  [
    'EnableLDAPS',
    'server LDAPS (only Client exists)',
    with_('EnableLDAPS', { Type: 'Server' }),
    one(failed('Server', 'type', enumSet('Client'))),
  ],
  ['DisableLDAPS', 'nothing at all', {}, many(failed(null, 'directoryId', NOT_NULL), failed(null, 'type', NOT_NULL))],
  [
    'DescribeLDAPSSettings',
    'page limit over 50',
    with_('DescribeLDAPSSettings', { Limit: 100 }),
    one(failed('100', 'limit', maxVal(50))),
  ],
  [
    'ConnectDirectory',
    'no connect settings, unknown size',
    with_('ConnectDirectory', { ConnectSettings: undefined, Size: 'Medium' }),
    many(failed('Medium', 'size', enumSet('Small', 'Large')), failed(null, 'connectSettings', NOT_NULL)),
  ],
  [
    'ConnectDirectory',
    'bad VPC id, subnet id and DNS address',
    with_('ConnectDirectory', { ConnectSettings: { VpcId: 'vpc-123', SubnetIds: ['subnet-ba0146de', 'subnet-xyz'], CustomerDnsIps: ['10.0.0.300'], CustomerUserName: 'svc' } }),
    many(
      failed('vpc-123', 'connectSettings.vpcId', pattern('^(vpc-[0-9a-f]{8}|vpc-[0-9a-f]{17})$')),
      failed('[subnet-ba0146de, subnet-xyz]', 'connectSettings.subnetIds', `Member must satisfy constraint: [${pattern(SUBNET_PATTERN)}]`),
      failed('[10.0.0.300]', 'connectSettings.customerDnsIps', `Member must satisfy constraint: [${pattern(String.raw`^(?:(?:25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?)\.){3}(?:25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?)$`)}]`),
    ),
  ],
  [
    'AddTagsToResource',
    'bad resource id, tag key too long',
    { ResourceId: 'd-123', Tags: [{ Key: 'k'.repeat(129), Value: 'v' }] },
    many(failed('d-123', 'resourceId', pattern('^[d]-[0-9a-f]{10}$')), failed('k'.repeat(129), 'tags.1.member.key', maxLen(128))),
  ],
  ['RemoveTagsFromResource', 'no tag keys', { ResourceId: DIRECTORY_ID }, one(failed(null, 'tagKeys', NOT_NULL))],
  ['ListTagsForResource', 'negative limit', { ResourceId: DIRECTORY_ID, Limit: -1 }, one(failed('-1', 'limit', minVal(0)))],
  ['DescribeSettings', 'unknown status', { DirectoryId: DIRECTORY_ID, Status: 'Pending' }, one(failed('Pending', 'status', enumSet('Requested', 'Updating', 'Updated', 'Failed', 'Default')))],
  [
    'UpdateSettings',
    'setting value with a dash',
    { DirectoryId: DIRECTORY_ID, Settings: [{ Name: 'TLS_1_0', Value: 'Dis-able' }] },
    one(failed('Dis-able', 'settings.1.member.value', pattern('^[a-zA-Z0-9_]*$'))),
  ],
];

describe('Directory Service input shapes', () => {
  it('has a shape for every Directory Service operation, and none for anything else', () => {
    expect(DIRECTORY_OPERATIONS).toHaveLength(21);
    for (const operation of DIRECTORY_OPERATIONS) expect(inputShapeFor(DS_TARGET_PREFIX, operation)?.type).toBe('structure');
    expect(Object.keys(DIRECTORY_SERVICE_INPUT_SHAPES).sort()).toEqual([...DIRECTORY_OPERATIONS].sort());
    expect(inputShapeFor(DS_TARGET_PREFIX, 'CreateTrust')).toBeUndefined();
    expect(inputShapeFor(DS_TARGET_PREFIX, 'hasOwnProperty')).toBeUndefined();
    expect(inputShapeFor('DirectoryService_20150417', 'CreateDirectory')).toBeUndefined();
  });

  it('has a realistic valid input and a violation for every operation in this suite', () => {
    expect(Object.keys(VALID_INPUTS).sort()).toEqual([...DIRECTORY_OPERATIONS].sort());
    // GetDirectoryLimits takes no members: nothing in it can fail a constraint.
    expect(new Set(VIOLATIONS.map(([operation]) => operation))).toEqual(new Set(DIRECTORY_OPERATIONS.filter((operation) => operation !== 'GetDirectoryLimits')));
  });

  it.each(Object.entries(VALID_INPUTS))('accepts a valid %s input as the SDK sends it', (operation, input) => {
    expect(answer(operation, input)).toBeUndefined();
  });

  it.each(VIOLATIONS)('%s: %s', (operation, _what, input, message) => {
    expect(answer(operation, input)).toEqual({ code: 'ValidationException', message });
  });

  it('never echoes the password, only the constraint it fails', () => {
    const message = validationMessage(validate(shapeOf('CreateMicrosoftAD'), with_('CreateMicrosoftAD', { Password: 'short1A' })));
    expect(message).toBe(one(hidden('password', pattern(PASSWORD_PATTERN))));
    expect(message).not.toContain('short1A');
  });

  it('accepts passwords that meet any three of the four Active Directory complexity rules', () => {
    for (const password of ['Passw0rd', 'p@ssw0rd', 'P@ssword', 'P@SSW0RD', 'A'.repeat(60) + 'a1b!']) {
      expect(answer('CreateDirectory', with_('CreateDirectory', { Password: password }))).toBeUndefined();
    }
    for (const password of ['password', 'PASSWORD1', 'Pass1!', 'A'.repeat(62) + 'a1!']) {
      expect(answer('CreateDirectory', with_('CreateDirectory', { Password: password }))?.message).toBe(
        one(hidden('password', pattern(PASSWORD_PATTERN))),
      );
    }
  });

  it('refuses wrongly typed JSON before any constraint (SerializationException)', () => {
    expect(answer('ListCertificates', with_('ListCertificates', { Limit: '10' }))).toEqual({
      code: 'SerializationException',
      message: 'STRING_VALUE can not be converted to an Integer',
    });
    expect(answer('CreateDirectory', with_('CreateDirectory', { VpcSettings: { VpcId: 'vpc-45025421', SubnetIds: 'subnet-ba0146de' } }))?.code).toBe(
      'SerializationException',
    );
  });
});
