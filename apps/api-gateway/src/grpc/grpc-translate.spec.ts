import { join } from 'node:path';
import { ACMPCAClient, CreateCertificateAuthorityCommand, IssueCertificateCommand, RevokeCertificateCommand } from '@aws-sdk/client-acm-pca';
import { DirectoryServiceClient, EnableClientAuthenticationCommand, RegisterCertificateCommand } from '@aws-sdk/client-directory-service';
import { CreateCertificateFromCsrCommand, CreateThingCommand, IoTClient, ListCertificatesCommand, UpdateCertificateCommand } from '@aws-sdk/client-iot';
import * as protoLoader from '@grpc/proto-loader';
import { buildQueryString } from '@smithy/querystring-builder';
import { toWireJson, validateRequest } from '@pki/aws-protocol';
import type { Caller, CommandMessage, Reply } from '@pki/contracts';
import type { ServiceClient } from '@pki/service-kit';
import { AwsJsonRouter } from '../routing/aws-json.router';
import { OperationDispatcher, type ApiName } from '../routing/operation-dispatcher';
import { RestJsonRouter } from '../routing/rest-json.router';
import * as acmPcaShapes from '../shapes/generated/acm-pca';
import * as directoryShapes from '../shapes/generated/directory-service';
import * as iotShapes from '../shapes/generated/iot';
import { GRPC_ENUMS, GRPC_MESSAGES, GRPC_SERVICES, type GrpcWireType } from './generated/grpc-model';
import { fromAwsJson, PROTO_LOADER_OPTIONS, toAwsJson } from './grpc-translate';

/**
 * Proto messages <-> AWS JSON (issue #16). A gRPC call must give the owning service exactly the
 * input the AWS SDK's call gives it through the HTTP routes (checked side by side: the real SDKs,
 * their requests handed to the real routers, against the gRPC translation handed to the same
 * dispatcher); answers must come back unchanged; and grpc-model.ts must agree with the .proto
 * files (checked by encoding with the very serializers @grpc/proto-loader builds from proto/).
 */

const CALLER = { accountId: '111122223333', accessKeyId: 'AKIDEXAMPLE' } as unknown as Caller;
const CA_ARN = 'arn:aws:acm-pca:us-east-1:111122223333:certificate-authority/11111111-2222-3333-4444-555555555555';
const PROTO_DIR = join(__dirname, '..', '..', '..', '..', 'proto');

/** What reaches the owning service: a recording stand-in for the ServiceClient port. */
function recorder() {
  const inputs: Array<{ service: string; operation: string; input: unknown }> = [];
  const services = {
    request: async <T>(service: string, operation: string, message: CommandMessage): Promise<Reply<T>> => {
      inputs.push({ service, operation, input: message.input });
      return { ok: true, result: {} as T };
    },
  };
  return { inputs, dispatcher: new OperationDispatcher(services as unknown as ServiceClient) };
}

interface SdkRequest {
  method: string;
  path: string;
  query?: Record<string, string | string[] | null>;
  headers: Record<string, string>;
  body?: string | Uint8Array;
}

const lower = (headers: Readonly<Record<string, string>>) => Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));

/** Runs `send` with an SDK config whose requestHandler gives the signed request to the gateway's router; what reached the service. */
async function viaSdk(api: ApiName, send: (config: Record<string, unknown>) => Promise<unknown>) {
  const { inputs, dispatcher } = recorder();
  const router = api === 'iot' ? new RestJsonRouter(dispatcher) : new AwsJsonRouter(dispatcher);
  const requestHandler = {
    async handle(request: SdkRequest) {
      const body = request.body === undefined ? Buffer.alloc(0) : typeof request.body === 'string' ? Buffer.from(request.body, 'utf8') : Buffer.from(request.body.buffer, request.body.byteOffset, request.body.byteLength);
      const rawQuery = request.query ? buildQueryString(request.query as Record<string, string | string[]>) : '';
      const response = await router.route({ method: request.method, rawPath: request.path, rawQuery, headers: lower(request.headers), body }, CALLER, 'req-sdk');
      return { response: { statusCode: response.status, headers: lower(response.headers), body: Buffer.from(response.body, 'utf8') } };
    },
    updateHttpClientConfig() {},
    httpHandlerConfigs: () => ({}),
  };
  await send({ region: 'us-east-1', endpoint: 'https://pki.example.test', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' }, requestHandler, maxAttempts: 1 });
  expect(inputs).toHaveLength(1);
  return inputs[0]!;
}

/** The gRPC side: the request message as the server's unary handler translates and dispatches it. */
async function viaGrpc(api: ApiName, rpc: string, request: Record<string, unknown>) {
  const service = Object.values(GRPC_SERVICES).find((s) => s.api === api)!;
  const method = service.methods.find((m) => m.rpc === rpc)!;
  const { inputs, dispatcher } = recorder();
  const reply = await dispatcher.dispatch(api, method.operation, toAwsJson(method.request, request), CALLER, 'req-grpc');
  expect(reply).toEqual({ ok: true, result: {} });
  expect(inputs).toHaveLength(1);
  return inputs[0]!;
}

const CSR_DER = Buffer.from('3082010a0282010100c0ffee00ff', 'hex');

describe('toAwsJson: a gRPC request reaches the service exactly as the AWS SDK call does', () => {
  it('ACM PCA CreateCertificateAuthority: nested configuration, odd enum values (EC_prime256v1), tags', async () => {
    const sdk = await viaSdk('acm-pca', (config) =>
      new ACMPCAClient(config).send(
        new CreateCertificateAuthorityCommand({
          CertificateAuthorityType: 'ROOT',
          CertificateAuthorityConfiguration: {
            KeyAlgorithm: 'EC_prime256v1',
            SigningAlgorithm: 'SHA256WITHECDSA',
            Subject: { Country: 'US', Organization: 'Example Corp', CommonName: 'Example Root', CustomAttributes: [{ ObjectIdentifier: '1.3.6.1.4.1.37244.1.1', Value: 'x' }] },
            CsrExtensions: { KeyUsage: { KeyCertSign: true, CRLSign: true, DigitalSignature: false } },
          },
          RevocationConfiguration: { CrlConfiguration: { Enabled: true, ExpirationInDays: 7, S3BucketName: 'crls', S3ObjectAcl: 'BUCKET_OWNER_FULL_CONTROL' }, OcspConfiguration: { Enabled: false } },
          IdempotencyToken: 'token-1',
          KeyStorageSecurityStandard: 'FIPS_140_2_LEVEL_3_OR_HIGHER',
          UsageMode: 'SHORT_LIVED_CERTIFICATE',
          Tags: [{ Key: 'team', Value: 'pki' }, { Key: 'empty' }],
        }),
      ),
    );
    const grpc = await viaGrpc('acm-pca', 'CreateCertificateAuthority', {
      certificate_authority_type: 'CERTIFICATE_AUTHORITY_TYPE_ROOT',
      _certificate_authority_type: 'certificate_authority_type',
      certificate_authority_configuration: {
        key_algorithm: 'KEY_ALGORITHM_EC_PRIME256V1',
        _key_algorithm: 'key_algorithm',
        signing_algorithm: 'SIGNING_ALGORITHM_SHA256WITHECDSA',
        subject: { country: 'US', organization: 'Example Corp', common_name: 'Example Root', custom_attributes: [{ object_identifier: '1.3.6.1.4.1.37244.1.1', value: 'x' }] },
        csr_extensions: { key_usage: { key_cert_sign: true, crl_sign: true, digital_signature: false } },
      },
      revocation_configuration: { crl_configuration: { enabled: true, expiration_in_days: 7, s3_bucket_name: 'crls', s3_object_acl: 'S3_OBJECT_ACL_BUCKET_OWNER_FULL_CONTROL' }, ocsp_configuration: { enabled: false, _enabled: 'enabled' } },
      idempotency_token: 'token-1',
      _idempotency_token: 'idempotency_token',
      key_storage_security_standard: 'KEY_STORAGE_SECURITY_STANDARD_FIPS_140_2_LEVEL_3_OR_HIGHER',
      usage_mode: 'CERTIFICATE_AUTHORITY_USAGE_MODE_SHORT_LIVED_CERTIFICATE',
      tags: [{ key: 'team', value: 'pki' }, { key: 'empty' }],
    });
    expect(grpc).toEqual(sdk);
    expect(grpc).toMatchObject({ service: 'ca', operation: 'CreateCertificateAuthority', input: { CertificateAuthorityConfiguration: { KeyAlgorithm: 'EC_prime256v1' }, UsageMode: 'SHORT_LIVED_CERTIFICATE' } });
  });

  it('ACM PCA IssueCertificate: the Csr blob, a Validity.Value past 32 bits, ApiPassthrough', async () => {
    const endDate = 20301231235959; // YYYYMMDDHHMMSS, END_DATE (AWS Validity)
    const sdk = await viaSdk('acm-pca', (config) =>
      new ACMPCAClient(config).send(
        new IssueCertificateCommand({
          CertificateAuthorityArn: CA_ARN,
          Csr: CSR_DER,
          SigningAlgorithm: 'SHA384WITHECDSA',
          TemplateArn: 'arn:aws:acm-pca:::template/EndEntityClientAuthCertificate_APIPassthrough/V1',
          Validity: { Value: endDate, Type: 'END_DATE' },
          ValidityNotBefore: { Value: 1733600000, Type: 'ABSOLUTE' },
          ApiPassthrough: {
            Extensions: { ExtendedKeyUsage: [{ ExtendedKeyUsageType: 'CLIENT_AUTH' }], SubjectAlternativeNames: [{ UniformResourceIdentifier: 'spiffe://pki.local/account/111122223333/api' }, { DnsName: 'api.internal' }] },
            Subject: { CommonName: 'api' },
          },
          IdempotencyToken: 'issue-1',
        }),
      ),
    );
    const grpc = await viaGrpc('acm-pca', 'IssueCertificate', {
      certificate_authority_arn: CA_ARN,
      csr: CSR_DER,
      signing_algorithm: 'SIGNING_ALGORITHM_SHA384WITHECDSA',
      template_arn: 'arn:aws:acm-pca:::template/EndEntityClientAuthCertificate_APIPassthrough/V1',
      validity: { value: endDate, type: 'VALIDITY_PERIOD_TYPE_END_DATE' },
      validity_not_before: { value: 1733600000, type: 'VALIDITY_PERIOD_TYPE_ABSOLUTE' },
      api_passthrough: {
        extensions: { extended_key_usage: [{ extended_key_usage_type: 'EXTENDED_KEY_USAGE_TYPE_CLIENT_AUTH' }], subject_alternative_names: [{ uniform_resource_identifier: 'spiffe://pki.local/account/111122223333/api' }, { dns_name: 'api.internal' }] },
        subject: { common_name: 'api' },
      },
      idempotency_token: 'issue-1',
    });
    expect(grpc).toEqual(sdk);
    expect(grpc.input).toMatchObject({ Csr: CSR_DER.toString('base64'), Validity: { Value: endDate, Type: 'END_DATE' } });
  });

  it("ACM PCA RevokeCertificate: RevocationReason's AWS value UNSPECIFIED is REVOCATION_REASON_AWS_UNSPECIFIED", async () => {
    const sdk = await viaSdk('acm-pca', (config) => new ACMPCAClient(config).send(new RevokeCertificateCommand({ CertificateAuthorityArn: CA_ARN, CertificateSerial: '1a:2b', RevocationReason: 'UNSPECIFIED' })));
    const grpc = await viaGrpc('acm-pca', 'RevokeCertificate', { certificate_authority_arn: CA_ARN, certificate_serial: '1a:2b', revocation_reason: 'REVOCATION_REASON_AWS_UNSPECIFIED' });
    expect(grpc).toEqual(sdk);
    expect(grpc.input).toEqual({ CertificateAuthorityArn: CA_ARN, CertificateSerial: '1a:2b', RevocationReason: 'UNSPECIFIED' });
  });

  it('Directory Service RegisterCertificate and EnableClientAuthentication: enum values in AWS case (ClientCertAuth, SmartCard)', async () => {
    const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
    const sdkRegister = await viaSdk('directory', (config) =>
      new DirectoryServiceClient(config).send(new RegisterCertificateCommand({ DirectoryId: 'd-1234567890', CertificateData: pem, Type: 'ClientCertAuth', ClientCertAuthSettings: { OCSPUrl: 'https://ocsp.example.test' } })),
    );
    const grpcRegister = await viaGrpc('directory', 'RegisterCertificate', { directory_id: 'd-1234567890', certificate_data: pem, type: 'CERTIFICATE_TYPE_CLIENT_CERT_AUTH', client_cert_auth_settings: { ocsp_url: 'https://ocsp.example.test' } });
    expect(grpcRegister).toEqual(sdkRegister);
    expect(grpcRegister.input).toMatchObject({ Type: 'ClientCertAuth', ClientCertAuthSettings: { OCSPUrl: 'https://ocsp.example.test' } });

    const sdkEnable = await viaSdk('directory', (config) => new DirectoryServiceClient(config).send(new EnableClientAuthenticationCommand({ DirectoryId: 'd-1234567890', Type: 'SmartCard' })));
    const grpcEnable = await viaGrpc('directory', 'EnableClientAuthentication', { directory_id: 'd-1234567890', type: 'CLIENT_AUTHENTICATION_TYPE_SMART_CARD' });
    expect(grpcEnable).toEqual(sdkEnable);
    expect(grpcEnable).toMatchObject({ service: 'directory', input: { DirectoryId: 'd-1234567890', Type: 'SmartCard' } });
  });

  it('IoT: members the SDK puts in the path, the query and the body (UpdateCertificate, CreateCertificateFromCsr, ListCertificates, CreateThing)', async () => {
    const id = 'c'.repeat(64);
    const cases: Array<[string, Record<string, unknown>, (config: Record<string, unknown>) => Promise<unknown>]> = [
      ['UpdateCertificate', { certificate_id: id, new_status: 'CERTIFICATE_STATUS_REVOKED' }, (config) => new IoTClient(config).send(new UpdateCertificateCommand({ certificateId: id, newStatus: 'REVOKED' }))],
      ['CreateCertificateFromCsr', { certificate_signing_request: 'csr-pem', set_as_active: true }, (config) => new IoTClient(config).send(new CreateCertificateFromCsrCommand({ certificateSigningRequest: 'csr-pem', setAsActive: true }))],
      ['ListCertificates', { page_size: 25, marker: 'bS0x', ascending_order: false }, (config) => new IoTClient(config).send(new ListCertificatesCommand({ pageSize: 25, marker: 'bS0x', ascendingOrder: false }))],
      [
        'CreateThing',
        { thing_name: 'sensor-1', attribute_payload: { attributes: { room: '12', floor: '3' }, merge: true } },
        (config) => new IoTClient(config).send(new CreateThingCommand({ thingName: 'sensor-1', attributePayload: { attributes: { room: '12', floor: '3' }, merge: true } })),
      ],
    ];
    for (const [rpc, request, send] of cases) {
      const sdk = await viaSdk('iot', send);
      const grpc = await viaGrpc('iot', rpc, request);
      expect({ rpc, ...grpc }).toEqual({ rpc, ...sdk });
    }
  });
});

describe('toAwsJson: enums', () => {
  const revoke = (reason: unknown) => toAwsJson('pki.acmpca.v1.RevokeCertificateRequest', { certificate_authority_arn: CA_ARN, certificate_serial: '01', revocation_reason: reason });
  const check = (input: unknown) => validateRequest(OperationDispatcher.route('acm-pca', 'RevokeCertificate')!.shape, input, { validationCode: 'ValidationException' });

  it('the UNSPECIFIED zero value means the member is absent (the model check then says it is required)', async () => {
    expect(revoke('REVOCATION_REASON_UNSPECIFIED')).toEqual({ CertificateAuthorityArn: CA_ARN, CertificateSerial: '01' });
    expect(toAwsJson('pki.acmpca.v1.CreateCertificateAuthorityRequest', { certificate_authority_type: 'CERTIFICATE_AUTHORITY_TYPE_UNSPECIFIED', usage_mode: 'CERTIFICATE_AUTHORITY_USAGE_MODE_UNSPECIFIED' })).toEqual({});
    const { dispatcher, inputs } = recorder();
    const reply = await dispatcher.dispatch('acm-pca', 'RevokeCertificate', revoke('REVOCATION_REASON_UNSPECIFIED'), CALLER, 'r');
    expect(reply).toMatchObject({ ok: false, error: { code: 'ValidationException', message: expect.stringMatching(/revocationReason.*null|RevocationReason/i) } });
    expect(inputs).toEqual([]);
  });

  it('an UNSPECIFIED item of a list is an absent item, which the model check refuses (a list holds no nulls)', () => {
    const input = toAwsJson('pki.acmpca.v1.CreatePermissionRequest', { certificate_authority_arn: CA_ARN, principal: 'acm.amazonaws.com', actions: ['ACTION_TYPE_UNSPECIFIED', 'ACTION_TYPE_ISSUE_CERTIFICATE'] });
    expect(input).toEqual({ CertificateAuthorityArn: CA_ARN, Principal: 'acm.amazonaws.com', Actions: [undefined, 'IssueCertificate'] });
    const route = OperationDispatcher.route('acm-pca', 'CreatePermission')!;
    expect(validateRequest(route.shape, input, { validationCode: route.validationCode })).toMatchObject({ ok: false, error: { code: 'ValidationException', message: expect.stringContaining("at 'actions' failed to satisfy constraint") } });
  });

  it('a value this proto does not know (a newer client, or a number) passes as text, and the model check refuses it as for an SDK caller', async () => {
    expect(revoke(9)).toMatchObject({ RevocationReason: '9' });
    expect(revoke('REVOCATION_REASON_SOMETHING_NEW')).toMatchObject({ RevocationReason: 'REVOCATION_REASON_SOMETHING_NEW' });
    const checked = check(revoke(9));
    expect(checked).toMatchObject({ ok: false, error: { code: 'ValidationException', message: expect.stringContaining("Value '9' at 'revocationReason' failed to satisfy constraint: Member must satisfy enum value set") } });
    const { dispatcher, inputs } = recorder();
    expect(await dispatcher.dispatch('acm-pca', 'RevokeCertificate', revoke('REVOCATION_REASON_SOMETHING_NEW'), CALLER, 'r')).toMatchObject({ ok: false, error: { code: 'ValidationException', status: 400 } });
    expect(inputs).toEqual([]);
    // The valid values pass the same check.
    for (const proto of Object.keys(GRPC_ENUMS['pki.acmpca.v1.RevocationReason']!)) expect([proto, check(revoke(proto)).ok]).toEqual([proto, true]);
  });

  it('every enum value maps to its AWS value and back, and the AWS values are exactly the model enum the shape check uses', () => {
    const shapeEnums: Record<string, Record<string, unknown>> = { acmpca: acmPcaShapes, directory: directoryShapes, iot: iotShapes };
    let compared = 0;
    for (const [enumName, values] of Object.entries(GRPC_ENUMS)) {
      const [, pkg, , name] = enumName.split('.');
      const modelValues = shapeEnums[pkg!]![name!];
      if (Array.isArray(modelValues)) {
        expect([enumName, Object.values(values)]).toEqual([enumName, modelValues]);
        compared++;
      }
      const field = enumFields.get(enumName);
      if (!field) continue;
      for (const [proto, aws] of Object.entries(values)) {
        expect(toAwsJson(field.message, { [field.proto]: proto })).toEqual({ [field.aws]: aws });
        expect(fromAwsJson(field.message, { [field.aws]: aws })).toEqual({ [field.proto]: proto });
      }
    }
    expect(compared).toBeGreaterThanOrEqual(20);
  });
});

/** One scalar field of each enum, to carry its values. */
const enumFields = new Map<string, { message: string; proto: string; aws: string }>();
for (const [message, fields] of Object.entries(GRPC_MESSAGES)) {
  for (const field of fields) if (field.type.kind === 'enum' && !enumFields.has(field.type.name)) enumFields.set(field.type.name, { message, proto: field.proto, aws: field.aws });
}

describe('fromAwsJson: answers as proto messages', () => {
  it('DescribeCertificateAuthority: timestamps (epoch seconds, as toWireJson writes Dates) become Timestamps; enums their proto names; unknown members and values are left out', () => {
    const created = new Date('2026-12-07T10:11:12.345Z');
    const result = toWireJson({
      CertificateAuthority: {
        Arn: CA_ARN,
        OwnerAccount: '111122223333',
        CreatedAt: created,
        NotBefore: new Date('2026-12-07T00:00:00Z'),
        NotAfter: new Date('2036-12-07T00:00:00Z'),
        Type: 'ROOT',
        Status: 'ACTIVE',
        Serial: '0a:1b',
        CertificateAuthorityConfiguration: { KeyAlgorithm: 'EC_prime256v1', SigningAlgorithm: 'SHA256WITHECDSA', Subject: { CommonName: 'Example Root' } },
        RevocationConfiguration: { CrlConfiguration: { Enabled: false }, OcspConfiguration: { Enabled: true } },
        UsageMode: 'GENERAL_PURPOSE',
        KeyStorageSecurityStandard: 'A_LEVEL_FROM_THE_FUTURE',
        NotInTheModel: 'x',
      },
    }) as Record<string, unknown>;
    expect(fromAwsJson('pki.acmpca.v1.DescribeCertificateAuthorityResponse', result)).toEqual({
      certificate_authority: {
        arn: CA_ARN,
        owner_account: '111122223333',
        created_at: { seconds: 1796638272, nanos: 345_000_000 },
        not_before: { seconds: 1796601600, nanos: 0 },
        not_after: { seconds: 2112220800, nanos: 0 },
        type: 'CERTIFICATE_AUTHORITY_TYPE_ROOT',
        status: 'CERTIFICATE_AUTHORITY_STATUS_ACTIVE',
        serial: '0a:1b',
        certificate_authority_configuration: { key_algorithm: 'KEY_ALGORITHM_EC_PRIME256V1', signing_algorithm: 'SIGNING_ALGORITHM_SHA256WITHECDSA', subject: { common_name: 'Example Root' } },
        revocation_configuration: { crl_configuration: { enabled: false }, ocsp_configuration: { enabled: true } },
        usage_mode: 'CERTIFICATE_AUTHORITY_USAGE_MODE_GENERAL_PURPOSE',
      },
    });
    expect(Date.UTC(2026, 11, 7, 10, 11, 12) / 1000).toBe(1796638272);
  });

  it('IoT DescribeThing: a long version and a string map; Directory DescribeCertificate: State Registered and its date', () => {
    expect(fromAwsJson('pki.iot.v1.DescribeThingResponse', { thingName: 't', version: 2 ** 40 + 3, attributes: { a: '1', b: '' } })).toEqual({ thing_name: 't', version: 2 ** 40 + 3, attributes: { a: '1', b: '' } });
    expect(fromAwsJson('pki.directory.v1.DescribeCertificateResponse', { Certificate: { CertificateId: 'c-1', State: 'Registered', RegisteredDateTime: 1733600000.5, Type: 'ClientLDAPS' } })).toEqual({
      certificate: { certificate_id: 'c-1', state: 'CERTIFICATE_STATE_REGISTERED', registered_date_time: { seconds: 1733600000, nanos: 500_000_000 }, type: 'CERTIFICATE_TYPE_CLIENT_LDAPS' },
    });
  });

  it('timestamps: ISO text and Dates are read too; before 1970 the nanos stay positive; nonsense is left out', () => {
    const at = (value: unknown) => fromAwsJson('pki.acmpca.v1.DescribeCertificateAuthorityAuditReportResponse', { CreatedAt: value }).created_at;
    expect(at('2026-12-07T10:11:12.345Z')).toEqual({ seconds: 1796638272, nanos: 345_000_000 });
    expect(at(new Date('2026-12-07T10:11:12.345Z'))).toEqual({ seconds: 1796638272, nanos: 345_000_000 });
    expect(at(-1.5)).toEqual({ seconds: -2, nanos: 500_000_000 });
    expect(at('yesterday')).toBeUndefined();
    expect(toAwsJson('pki.acmpca.v1.DescribeCertificateAuthorityAuditReportResponse', { created_at: { seconds: -2, nanos: 500_000_000 } })).toEqual({ CreatedAt: -1.5 });
  });

  it('AWS JSON -> proto -> AWS JSON gives back the same answer (millisecond timestamps exactly)', () => {
    const answers: Array<[string, Record<string, unknown>]> = [
      ['pki.acmpca.v1.ListPermissionsResponse', { Permissions: [{ CertificateAuthorityArn: CA_ARN, CreatedAt: 1733600000.123, Principal: 'acm.amazonaws.com', SourceAccount: '111122223333', Actions: ['IssueCertificate', 'GetCertificate', 'ListPermissions'], Policy: '{}' }], NextToken: 'n' }],
      ['pki.acmpca.v1.GetCertificateResponse', { Certificate: '-----BEGIN CERTIFICATE-----\n...', CertificateChain: '' }],
      ['pki.iot.v1.ListCertificatesResponse', { certificates: [{ certificateArn: 'arn:aws:iot:us-east-1:111122223333:cert/c', certificateId: 'c', status: 'PENDING_TRANSFER', certificateMode: 'SNI_ONLY', creationDate: 1733600000.999 }], nextMarker: 'm' }],
      ['pki.directory.v1.DescribeClientAuthenticationSettingsResponse', { ClientAuthenticationSettingsInfo: [{ Type: 'SmartCardOrPassword', Status: 'Enabled', LastUpdatedDateTime: 1733600000.001 }] }],
    ];
    for (const [message, json] of answers) expect([message, toAwsJson(message, fromAwsJson(message, json))]).toEqual([message, json]);
  });
});

// ---- grpc-model.ts against the .proto files, through @grpc/proto-loader ----

const definition = protoLoader.loadSync(
  Object.values(GRPC_SERVICES).map((s) => s.file),
  { ...PROTO_LOADER_OPTIONS, includeDirs: [PROTO_DIR] },
);

interface MethodDefinition {
  requestSerialize(value: unknown): Buffer;
  requestDeserialize(bytes: Buffer): Record<string, unknown>;
  responseSerialize(value: unknown): Buffer;
  responseDeserialize(bytes: Buffer): Record<string, unknown>;
}
const methodOf = (service: string, rpc: string) => (definition[service] as unknown as Record<string, MethodDefinition>)[rpc]!;

/** An AWS JSON value for every member of `message`, nested structures included (to `depth`); `zero` picks false, 0, '' and empty blobs. */
function sampleMessage(message: string, zero: boolean, depth = 0): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [i, field] of GRPC_MESSAGES[message]!.entries()) {
    const value = sample(field.type, zero, depth, i);
    if (value !== undefined) out[field.aws] = value;
  }
  return out;
}

function sample(type: GrpcWireType, zero: boolean, depth: number, i: number): unknown {
  switch (type.kind) {
    case 'string':
      return zero ? '' : `value ${i} é 证`;
    case 'boolean':
      return !zero;
    case 'integer':
      return zero ? 0 : 2_147_483_647 - i;
    case 'long':
      return zero ? 0 : Number.MAX_SAFE_INTEGER - i;
    case 'float':
      return zero ? 0 : 1.5;
    case 'double':
      return zero ? 0 : 0.1 + i;
    case 'blob':
      return zero ? '' : Buffer.from([0, 1, 2, 0xfe, 0xff, i]).toString('base64');
    case 'timestamp':
      return zero ? 0 : 1733600000.123 + i;
    case 'enum': {
      const values = Object.values(GRPC_ENUMS[type.name]!);
      return zero ? values[0] : values[values.length - 1];
    }
    case 'structure':
      return depth >= 6 ? undefined : sampleMessage(type.name, zero, depth + 1);
    case 'list': {
      // Proto cannot tell an empty list from an absent one: lists carry one or two items.
      const items = [sample(type.member, zero, depth, i), ...(zero ? [] : [sample(type.member, true, depth, i + 1)])].filter((v) => v !== undefined);
      return items.length ? items : undefined;
    }
    case 'map': {
      const value = sample(type.value, zero, depth, i);
      return value === undefined ? undefined : { [zero ? '' : 'k'] : value, second: sample(type.value, !zero, depth, i + 1) };
    }
  }
}

/** A decoded message without the synthetic `_field` oneof keys proto-loader adds for proto3 optional fields. */
function withoutSynthetic(value: unknown): unknown {
  if (Buffer.isBuffer(value) || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(withoutSynthetic);
  return Object.fromEntries(Object.entries(value).filter(([k]) => !k.startsWith('_')).map(([k, v]) => [k, withoutSynthetic(v)]));
}

describe('grpc-model.ts agrees with proto/ (encoded and decoded by @grpc/proto-loader)', () => {
  const methods = Object.entries(GRPC_SERVICES).flatMap(([service, s]) => s.methods.map((m) => ({ service, ...m })));

  it('serves every rpc of the proto services, and the proto services have no other', () => {
    for (const [service, s] of Object.entries(GRPC_SERVICES)) {
      const defined = definition[service] as unknown as Record<string, { path: string }>;
      expect(Object.keys(defined).sort()).toEqual(s.methods.map((m) => m.rpc).sort());
      for (const m of s.methods) expect(defined[m.rpc]!.path).toBe(`/${service}/${m.rpc}`);
    }
    expect(methods.length).toBe(23 + 21 + 53);
  });

  it.each([
    ['every member set', false],
    ['false, 0, empty strings and blobs (proto3 optional keeps them)', true],
  ])('every request and response survives encode/decode with %s: same message object, same AWS JSON', (_what, zero) => {
    for (const m of methods) {
      const method = methodOf(m.service, m.rpc);
      for (const [message, serialize, deserialize] of [
        [m.request, method.requestSerialize, method.requestDeserialize],
        [m.response, method.responseSerialize, method.responseDeserialize],
      ] as const) {
        const json = sampleMessage(message, zero);
        const proto = fromAwsJson(message, json);
        const decoded = deserialize(serialize(proto));
        expect([message, withoutSynthetic(decoded)]).toEqual([message, proto]);
        expect([message, toAwsJson(message, decoded)]).toEqual([message, json]);
      }
    }
  });

  it('every field of every message has the proto name and type grpc-model.ts says, and the messages have no other field', () => {
    const protoType: Record<string, string> = { string: 'TYPE_STRING', boolean: 'TYPE_BOOL', integer: 'TYPE_INT32', long: 'TYPE_INT64', float: 'TYPE_FLOAT', double: 'TYPE_DOUBLE', blob: 'TYPE_BYTES' };
    const last = (name: string) => name.split('.').pop()!;
    const expected = (type: GrpcWireType): { type: string; typeName?: string } => {
      if (type.kind in protoType) return { type: protoType[type.kind]! };
      if (type.kind === 'timestamp') return { type: 'TYPE_MESSAGE', typeName: 'Timestamp' };
      if (type.kind === 'enum' || type.kind === 'structure') return { type: type.kind === 'enum' ? 'TYPE_ENUM' : 'TYPE_MESSAGE', typeName: last(type.name) };
      if (type.kind === 'list') return expected(type.member);
      return { type: 'TYPE_MESSAGE' }; // map: a nested MapEntry
    };
    for (const [message, fields] of Object.entries(GRPC_MESSAGES)) {
      const described = definition[message] as unknown as { format: string; type: { field: Array<{ name: string; label: string; type: string; typeName: string }> } };
      expect([message, described?.format]).toEqual([message, 'Protocol Buffer 3 DescriptorProto']);
      const protoFields = new Map(described.type.field.map((f) => [f.name, f]));
      expect([message, [...protoFields.keys()].sort()]).toEqual([message, fields.map((f) => f.proto).sort()]);
      for (const field of fields) {
        const got = protoFields.get(field.proto)!;
        const want = expected(field.type);
        const repeated = field.type.kind === 'list' || field.type.kind === 'map';
        expect({ message, field: field.proto, label: got.label, type: got.type, typeName: want.typeName && last(got.typeName) }).toEqual({ message, field: field.proto, label: repeated ? 'LABEL_REPEATED' : 'LABEL_OPTIONAL', ...want });
      }
    }
  });

  it('every enum: value 0 is <NAME>_UNSPECIFIED (absent); the other values are exactly the mapped ones', () => {
    for (const [enumName, values] of Object.entries(GRPC_ENUMS)) {
      const described = definition[enumName] as unknown as { format: string; type: { value: Array<{ name: string; number: number }> } };
      expect([enumName, described?.format]).toEqual([enumName, 'Protocol Buffer 3 EnumDescriptorProto']);
      const [zero, ...rest] = described.type.value;
      expect([enumName, zero!.number, zero!.name.endsWith('_UNSPECIFIED'), Object.hasOwn(values, zero!.name)]).toEqual([enumName, 0, true, false]);
      expect([enumName, rest.map((v) => v.name).sort()]).toEqual([enumName, Object.keys(values).sort()]);
    }
  });
});
