import { create, createFileRegistry, fromBinary, type DescMessage } from '@bufbuild/protobuf';
import { anyUnpack, FieldDescriptorProto_Label as Label, FieldDescriptorProto_Type as Type, file_google_protobuf_any, FileDescriptorProtoSchema } from '@bufbuild/protobuf/wkt';
import { status as Status } from '@grpc/grpc-js';
import { awsErrorStatus, type AwsError, type AwsProtocol } from '@pki/aws-protocol';
import { ACM_PCA_ERRORS, ACM_PCA_OPERATION_ERRORS } from '../shapes/generated/acm-pca';
import { DIRECTORY_SERVICE_ERRORS, DIRECTORY_SERVICE_OPERATION_ERRORS } from '../shapes/generated/directory-service';
import { IOT_ERRORS, IOT_OPERATION_ERRORS } from '../shapes/generated/iot';
import { ERROR_INFO_TYPE_URL, grpcCodeFor, grpcFailure } from './grpc-errors';

/**
 * AWS exceptions as gRPC statuses (issue #16): the code table of the issue, every exception the
 * three AWS models declare for the routed operations, and the google.rpc.Status / ErrorInfo
 * trailer checked with an independent decoder (@bufbuild/protobuf reflection over descriptors
 * written here from googleapis' google/rpc/status.proto and error_details.proto).
 */

const name = (code: Status): string => Status[code] ?? String(code);
const codeOf = (code: string, status: number): string => name(grpcCodeFor({ code, status }));

/**
 * Codes that blame the server (google.rpc.Code's HTTP mapping: 5xx), and so tell clients to retry or
 * give up on the service. UNIMPLEMENTED (501 there) is left out: gRPC means by it "not supported or
 * not enabled", which is what Directory Service's UnsupportedOperationException (a client fault) says,
 * and no client retries it.
 */
const SERVER_FAULT = new Set<Status>([Status.INTERNAL, Status.UNAVAILABLE, Status.DEADLINE_EXCEEDED, Status.DATA_LOSS, Status.UNKNOWN]);

describe('grpcCodeFor: the table of issue #16', () => {
  // Each name with the status the HTTP front answers it with (awsErrorStatus) and, to show the name
  // decides and not the status, with the other family's status.
  it.each([
    ['ResourceNotFoundException', 'NOT_FOUND'],
    ['InvalidStateException', 'FAILED_PRECONDITION'],
    ['RequestInProgressException', 'FAILED_PRECONDITION'],
    ['ValidationException', 'INVALID_ARGUMENT'],
    ['InvalidArgsException', 'INVALID_ARGUMENT'],
    ['MalformedCSRException', 'INVALID_ARGUMENT'],
    ['MalformedCertificateException', 'INVALID_ARGUMENT'],
    ['MalformedPolicyException', 'INVALID_ARGUMENT'],
    ['MalformedAnythingNewException', 'INVALID_ARGUMENT'],
    ['LimitExceededException', 'RESOURCE_EXHAUSTED'],
    ['ThrottlingException', 'RESOURCE_EXHAUSTED'],
    ['AccessDeniedException', 'PERMISSION_DENIED'],
    ['ConcurrentModificationException', 'ABORTED'],
    ['ServiceUnavailableException', 'UNAVAILABLE'],
    ['ServiceUnavailable', 'UNAVAILABLE'],
  ])('%s -> %s, whatever the HTTP status', (code, expected) => {
    const protocol: AwsProtocol = Object.hasOwn(IOT_ERRORS, code) ? 'restJson1' : 'awsJson1_1';
    expect(codeOf(code, awsErrorStatus(protocol, code))).toBe(expected);
    expect(codeOf(code, 400)).toBe(expected);
    expect(codeOf(code, 500)).toBe(expected);
  });

  it('the deadline and cancellation codes of ServiceClient become DEADLINE_EXCEEDED and CANCELLED', () => {
    expect(codeOf('DeadlineExceeded', 503)).toBe('DEADLINE_EXCEEDED');
    expect(codeOf('Cancelled', 503)).toBe('CANCELLED');
  });
});

describe('grpcCodeFor: every exception the AWS models declare for the routed operations', () => {
  const apis = [
    { protocol: 'awsJson1_1' as const, errors: ACM_PCA_ERRORS as Record<string, { fault: string }>, operations: ACM_PCA_OPERATION_ERRORS as Record<string, readonly string[]> },
    { protocol: 'awsJson1_1' as const, errors: DIRECTORY_SERVICE_ERRORS as Record<string, { fault: string }>, operations: DIRECTORY_SERVICE_OPERATION_ERRORS as Record<string, readonly string[]> },
    { protocol: 'restJson1' as const, errors: IOT_ERRORS as Record<string, { fault: string }>, operations: IOT_OPERATION_ERRORS as Record<string, readonly string[]> },
  ];
  const declared = apis.flatMap(({ protocol, errors, operations }) =>
    [...new Set(Object.values(operations).flat())].map((code) => ({ protocol, code, fault: errors[code]!.fault, status: awsErrorStatus(protocol, code) })),
  );

  it('reads the tables (a guard against an empty loop below)', () => {
    expect(declared.length).toBeGreaterThan(40);
    expect(declared.map((d) => d.code)).toEqual(expect.arrayContaining(['MalformedCSRException', 'DirectoryUnavailableException', 'CertificateStateException', 'ServiceException', 'InternalFailureException']));
    expect(declared.every((d) => d.fault === 'client' || d.fault === 'server')).toBe(true);
  });

  it('never OK or UNKNOWN; a client fault never gets a server code, a server fault always does', () => {
    const wrong = declared.flatMap(({ protocol, code, fault, status }) => {
      const grpc = grpcCodeFor({ code, status });
      const ok = grpc !== Status.OK && grpc !== Status.UNKNOWN && (fault === 'server' ? SERVER_FAULT.has(grpc) : !SERVER_FAULT.has(grpc));
      return ok ? [] : [`${protocol} ${code} (${fault} fault, HTTP ${status}) -> ${name(grpc)}`];
    });
    expect(wrong).toEqual([]);
  });

  // What the services of this platform mean by these: the resource is in the wrong state for the
  // request (DomainError kind InvalidState, HTTP 400), which the issue maps to FAILED_PRECONDITION.
  it.each([
    ['InvalidLDAPSStatusException', 'Client-side LDAPS is already enabled (directory-certs, EnableLDAPS)'],
    ['InvalidClientAuthStatusException', 'Smart card client authentication is not enabled (DisableClientAuthentication)'],
    ['DirectoryUnavailableException', 'Directory d-1 is Creating; retry when its Stage is Active'],
    ['ClientException', 'Directory d-1 is already being deleted / was changed by another request'],
    ['NoAvailableCertificateException', 'no Registered certificate of Type ClientLDAPS'],
    ['CertificateInUseException', 'the certificate is in use by LDAPS'],
    ['CertificateStateException', 'IoT: the certificate is in the wrong status'],
    ['LockoutPreventedException', 'ACM PCA: the policy change would lock the caller out'],
    ['RequestFailedException', 'ACM PCA: the certificate failed to be issued'],
    ['TransferAlreadyCompletedException', 'IoT: the transfer has already completed'],
  ])('%s (%s) -> FAILED_PRECONDITION', (code) => {
    const protocol: AwsProtocol = Object.hasOwn(IOT_ERRORS, code) ? 'restJson1' : 'awsJson1_1';
    expect(codeOf(code, awsErrorStatus(protocol, code))).toBe('FAILED_PRECONDITION');
  });

  it('the invalid-input exceptions of the models -> INVALID_ARGUMENT; the "does not exist" ones -> NOT_FOUND; the "already exists" ones -> ALREADY_EXISTS', () => {
    for (const code of ['InvalidArnException', 'InvalidNextTokenException', 'InvalidPolicyException', 'InvalidTagException', 'InvalidRequestException', 'InvalidParameterException', 'InvalidCertificateException', 'CertificateValidationException', 'CertificateMismatchException']) {
      expect([code, codeOf(code, 400)]).toEqual([code, 'INVALID_ARGUMENT']);
    }
    for (const code of ['DirectoryDoesNotExistException', 'CertificateDoesNotExistException', 'EntityDoesNotExistException']) expect([code, codeOf(code, 400)]).toEqual([code, 'NOT_FOUND']);
    for (const code of ['ResourceAlreadyExistsException', 'CertificateAlreadyExistsException', 'PermissionAlreadyExistsException']) expect([code, codeOf(code, 409)]).toEqual([code, 'ALREADY_EXISTS']);
  });
});

describe('grpcCodeFor: an exception the table does not name falls back on its HTTP status', () => {
  it.each([
    [400, 'INVALID_ARGUMENT'],
    [401, 'UNAUTHENTICATED'],
    [403, 'PERMISSION_DENIED'],
    [404, 'NOT_FOUND'],
    [406, 'FAILED_PRECONDITION'],
    [409, 'ABORTED'],
    [410, 'FAILED_PRECONDITION'],
    [413, 'RESOURCE_EXHAUSTED'],
    [429, 'RESOURCE_EXHAUSTED'],
    [500, 'INTERNAL'],
    [501, 'UNIMPLEMENTED'],
    [503, 'UNAVAILABLE'],
  ])('HTTP %i -> %s', (status, expected) => {
    expect(codeOf('SomethingNewException', status)).toBe(expected);
  });

  it('never OK or UNKNOWN for any 4xx or 5xx status, and 4xx never gets a server code', () => {
    for (let status = 400; status < 600; status++) {
      const grpc = grpcCodeFor({ code: 'SomethingNewException', status });
      expect([status, grpc === Status.OK || grpc === Status.UNKNOWN]).toEqual([status, false]);
      if (status < 500) expect([status, SERVER_FAULT.has(grpc)]).toEqual([status, false]);
    }
  });

  it('a name that is an Object.prototype member is not looked up there', () => {
    expect(codeOf('constructor', 404)).toBe('NOT_FOUND');
    expect(codeOf('toString', 500)).toBe('INTERNAL');
    expect(codeOf('__proto__', 400)).toBe('INVALID_ARGUMENT');
  });
});

// ---- an independent decoder: google.rpc.Status and google.rpc.ErrorInfo as googleapis defines them ----

const field = (name: string, number: number, type: Type, more: { label?: Label; typeName?: string } = {}) => ({ name, number, type, label: more.label ?? Label.OPTIONAL, typeName: more.typeName, jsonName: name });
const GOOGLE_RPC = create(FileDescriptorProtoSchema, {
  name: 'google/rpc/status.proto',
  package: 'google.rpc',
  syntax: 'proto3',
  dependency: ['google/protobuf/any.proto'],
  messageType: [
    // message Status { int32 code = 1; string message = 2; repeated google.protobuf.Any details = 3; }
    { name: 'Status', field: [field('code', 1, Type.INT32), field('message', 2, Type.STRING), field('details', 3, Type.MESSAGE, { label: Label.REPEATED, typeName: '.google.protobuf.Any' })] },
    // message ErrorInfo { string reason = 1; string domain = 2; map<string, string> metadata = 3; }
    {
      name: 'ErrorInfo',
      field: [field('reason', 1, Type.STRING), field('domain', 2, Type.STRING), field('metadata', 3, Type.MESSAGE, { label: Label.REPEATED, typeName: '.google.rpc.ErrorInfo.MetadataEntry' })],
      nestedType: [{ name: 'MetadataEntry', field: [field('key', 1, Type.STRING), field('value', 2, Type.STRING)], options: { mapEntry: true } }],
    },
  ],
});
const registry = createFileRegistry(GOOGLE_RPC, (file) => (file === 'google/protobuf/any.proto' ? file_google_protobuf_any : undefined));
const StatusSchema = registry.getMessage('google.rpc.Status') as DescMessage;

interface DecodedStatus {
  code: number;
  message: string;
  details: Array<{ typeUrl: string; value: Uint8Array }>;
}
interface DecodedErrorInfo {
  reason: string;
  domain: string;
  metadata: Record<string, string>;
}

function decode(statusDetails: Buffer): { status: DecodedStatus; info: DecodedErrorInfo } {
  const status = fromBinary(StatusSchema, statusDetails) as unknown as DecodedStatus;
  expect(status.details).toHaveLength(1);
  const info = anyUnpack(status.details[0] as never, registry) as unknown as DecodedErrorInfo & { $typeName: string };
  expect(info.$typeName).toBe('google.rpc.ErrorInfo');
  return { status, info: { reason: info.reason, domain: info.domain, metadata: { ...info.metadata } } };
}

describe('grpcFailure: the google.rpc.Status trailer', () => {
  it('carries the code, the AWS message, and one ErrorInfo whose reason is the AWS exception name', () => {
    const error: AwsError = { code: 'ResourceNotFoundException', message: 'Could not find certificate authority arn:aws:acm-pca:us-east-1:111122223333:certificate-authority/x.', status: 400 };
    const failure = grpcFailure(error, 'acm-pca.amazonaws.com', 'req-1');
    expect(failure.code).toBe(Status.NOT_FOUND);
    expect(failure.details).toBe(error.message);
    const { status, info } = decode(failure.statusDetails);
    expect({ code: status.code, message: status.message, typeUrl: status.details[0]!.typeUrl }).toEqual({ code: Status.NOT_FOUND, message: error.message, typeUrl: ERROR_INFO_TYPE_URL });
    expect(ERROR_INFO_TYPE_URL).toBe('type.googleapis.com/google.rpc.ErrorInfo');
    expect(info).toEqual({ reason: 'ResourceNotFoundException', domain: 'acm-pca.amazonaws.com', metadata: { requestId: 'req-1' } });
  });

  it("puts the exception's further members in the metadata (strings as they are, the rest as JSON), never its RequestId or absent ones", () => {
    const error: AwsError = {
      code: 'ResourceAlreadyExistsException',
      message: 'The certificate is already registered.',
      status: 409,
      fields: { resourceId: 'c'.repeat(64), resourceArn: 'arn:aws:iot:us-east-1:111122223333:cert/' + 'c'.repeat(64), RequestId: 'stale', count: 3, nested: { a: [1, 'b'] }, gone: undefined },
    };
    const { status, info } = decode(grpcFailure(error, 'iot.amazonaws.com', 'req-2').statusDetails);
    expect(status.code).toBe(Status.ALREADY_EXISTS);
    expect(info).toEqual({
      reason: 'ResourceAlreadyExistsException',
      domain: 'iot.amazonaws.com',
      metadata: { requestId: 'req-2', resourceId: 'c'.repeat(64), resourceArn: 'arn:aws:iot:us-east-1:111122223333:cert/' + 'c'.repeat(64), count: '3', nested: '{"a":[1,"b"]}' },
    });
  });

  it('encodes lengths past one and two varint bytes, and UTF-8 text, exactly', () => {
    for (const message of ['é'.repeat(100), 'x'.repeat(300), '证书 '.repeat(5000), '']) {
      const error: AwsError = { code: 'ValidationException', message, status: 400, fields: { detail: message } };
      const failure = grpcFailure(error, 'ds.amazonaws.com', 'r');
      const { status, info } = decode(failure.statusDetails);
      expect(status.code).toBe(Status.INVALID_ARGUMENT);
      expect(status.message).toBe(message);
      expect(info.metadata.detail).toBe(message);
    }
  });

  it('decodes the same for every code and many metadata entries', () => {
    const fields = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`k${i}`, `v${i}`]));
    for (const [code, status] of [['InternalFailure', 500], ['ServiceUnavailableException', 503], ['ThrottlingException', 400], ['DeadlineExceeded', 504], ['Cancelled', 503]] as const) {
      const failure = grpcFailure({ code, message: code, status, fields }, 'events.pki.local', 'rid');
      const decoded = decode(failure.statusDetails);
      expect(decoded.status.code).toBe(failure.code);
      expect(decoded.info.reason).toBe(code);
      expect(Object.keys(decoded.info.metadata)).toHaveLength(201);
      expect(decoded.info.metadata.k199).toBe('v199');
    }
  });
});
