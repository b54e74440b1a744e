import {
  ACMPCAClient,
  ACMPCAServiceException,
  DescribeCertificateAuthorityCommand,
  GetCertificateCommand,
  InvalidArgsException,
  ResourceNotFoundException,
  RequestInProgressException,
} from '@aws-sdk/client-acm-pca';
import { CertificateDoesNotExistException, DescribeCertificateCommand, DirectoryServiceClient, ServiceException } from '@aws-sdk/client-directory-service';
import { requestTooLargeError, MAX_REQUEST_BODY_BYTES } from '../http/body-limit';
import { fakeHandler, sdkConfig } from '../test/sdk-fake-handler.test-helpers';
import { verifySigV4 } from '../sigv4/sigv4-verify';
import { ACCOUNT_ID, SECRET } from '../test/sigv4-signing.test-helpers';
import { awsErrorFromServiceError } from '../errors/service-error-mapping';
import { parseAwsJsonBody } from './aws-json-body';
import { awsJsonError, awsJsonErrorResponse, awsJsonSuccess, awsJsonUnknownOperation } from './aws-json-response';
import { parseAwsJsonTarget } from './aws-json-target';

const CA_ARN = 'arn:aws:acm-pca:us-east-1:111122223333:certificate-authority/11111111-2222-3333-4444-555555555555';
const verifyOptions = (service: string) => ({
  region: 'us-east-1',
  credentials: () => ({ secretAccessKey: SECRET, accountId: ACCOUNT_ID }),
  now: () => new Date(),
  allowedServices: [service],
});

describe('parseAwsJsonTarget', () => {
  it('splits prefix and operation', () => {
    expect(parseAwsJsonTarget('ACMPrivateCA.IssueCertificate')).toEqual({ prefix: 'ACMPrivateCA', operation: 'IssueCertificate' });
    expect(parseAwsJsonTarget('DirectoryService_20150416.RegisterCertificate')).toEqual({
      prefix: 'DirectoryService_20150416',
      operation: 'RegisterCertificate',
    });
  });
  it.each([undefined, '', 'ACMPrivateCA', 'ACMPrivateCA.', '.Op', 'ACMPrivateCA.Issue-Certificate', ['a.b']])('rejects %p', (header) => {
    expect(parseAwsJsonTarget(header as never)).toBeUndefined();
  });
});

describe('awsJson1_1 responses', () => {
  it('shapes errors like AWS JSON services', () => {
    const res = awsJsonErrorResponse('InvalidArnException', 'bad arn', 400, { requestId: 'r-1' });
    expect(res).toEqual({
      status: 400,
      headers: { 'Content-Type': 'application/x-amz-json-1.1', 'x-amzn-ErrorType': 'InvalidArnException', 'x-amzn-RequestId': 'r-1' },
      body: '{"__type":"InvalidArnException","message":"bad arn"}',
    });
  });

  it('answers unknown operations with Coral\'s UnknownOperationException', () => {
    const res = awsJsonUnknownOperation({ requestId: 'r' });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toEqual({ __type: 'com.amazon.coral.service#UnknownOperationException' });
  });

  it('serializes timestamps as epoch seconds and blobs as base64', () => {
    const res = awsJsonSuccess({ CreatedAt: new Date(1_700_000_000_123), Blob: Buffer.from('hi'), Absent: undefined, List: [new Date(0)] });
    expect(JSON.parse(res.body)).toEqual({ CreatedAt: 1700000000.123, Blob: 'aGk=', List: [0] });
    expect(res.headers['Content-Type']).toBe('application/x-amz-json-1.1');
  });

  it('parses request bodies and refuses what is not a JSON object', () => {
    expect(parseAwsJsonBody(Buffer.from('{"a":1}'))).toEqual({ ok: true, value: { a: 1 } });
    for (const body of ['', '{', '[]', '5', 'null', '"x"']) {
      const result = parseAwsJsonBody(body);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error).toMatchObject({ code: 'SerializationException', status: 400 });
    }
  });
});

describe('ServiceError mapping', () => {
  it('keeps the modelled code and picks awsJson1_1 statuses', () => {
    expect(awsErrorFromServiceError({ kind: 'Malformed', code: 'MalformedCSRException', message: 'x' }, 'awsJson1_1')).toEqual({
      code: 'MalformedCSRException',
      message: 'x',
      status: 400,
    });
    expect(awsErrorFromServiceError({ kind: 'NotFound', message: 'x' }, 'awsJson1_1')).toMatchObject({ code: 'ResourceNotFoundException', status: 400 });
    expect(awsErrorFromServiceError({ kind: 'InProgress', message: 'x' }, 'awsJson1_1')).toMatchObject({ code: 'RequestInProgressException', status: 400 });
    expect(awsErrorFromServiceError({ kind: 'Internal', message: 'x' }, 'awsJson1_1')).toMatchObject({ code: 'InternalFailure', status: 500 });
    expect(awsErrorFromServiceError({ kind: 'Internal', code: 'ServiceException', message: 'x' }, 'awsJson1_1')).toMatchObject({ status: 500 });
    expect(awsErrorFromServiceError({ kind: 'Unavailable', message: 'x' }, 'awsJson1_1')).toMatchObject({ status: 503 });
  });

  it('uses IoT @httpError statuses for restJson1', () => {
    expect(awsErrorFromServiceError({ kind: 'NotFound', message: 'x' }, 'restJson1')).toMatchObject({ code: 'ResourceNotFoundException', status: 404 });
    expect(awsErrorFromServiceError({ kind: 'Conflict', message: 'x' }, 'restJson1')).toMatchObject({ code: 'ResourceAlreadyExistsException', status: 409 });
    expect(awsErrorFromServiceError({ kind: 'Forbidden', message: 'x' }, 'restJson1')).toMatchObject({ code: 'UnauthorizedException', status: 401 });
    expect(awsErrorFromServiceError({ kind: 'InvalidState', message: 'x' }, 'restJson1')).toMatchObject({ code: 'CertificateStateException', status: 406 });
    expect(awsErrorFromServiceError({ kind: 'LimitExceeded', message: 'x' }, 'restJson1')).toMatchObject({ status: 410 });
  });
});

describe('awsJson1_1 through the real AWS SDK clients', () => {
  it('@aws-sdk/client-acm-pca raises typed exceptions with our message and request id', async () => {
    const { handler, sent } = fakeHandler(() => awsJsonErrorResponse('ResourceNotFoundException', 'Could not find CA', 400, { requestId: 'req-1' }));
    const client = new ACMPCAClient(sdkConfig(handler));
    const error = await client.send(new DescribeCertificateAuthorityCommand({ CertificateAuthorityArn: CA_ARN })).catch((e) => e);
    expect(error).toBeInstanceOf(ResourceNotFoundException);
    expect(error.message).toBe('Could not find CA');
    expect(error.$metadata).toMatchObject({ httpStatusCode: 400, requestId: 'req-1' });
    // The request the SDK signed verifies with our SigV4 implementation.
    expect(sent[0].headers['x-amz-target']).toBe('ACMPrivateCA.DescribeCertificateAuthority');
    expect(verifySigV4(sent[0], verifyOptions('acm-pca'))).toMatchObject({ ok: true, service: 'acm-pca' });
  });

  it.each([
    ['InvalidArgsException', InvalidArgsException],
    ['RequestInProgressException', RequestInProgressException],
  ])('maps %s to its class', async (code, Class) => {
    const { handler } = fakeHandler(() => awsJsonError({ code, message: `m-${code}`, status: 400 }));
    const error = await new ACMPCAClient(sdkConfig(handler)).send(new GetCertificateCommand({ CertificateAuthorityArn: CA_ARN, CertificateArn: `${CA_ARN}/certificate/abc` })).catch((e) => e);
    expect(error).toBeInstanceOf(Class);
    expect(error.message).toBe(`m-${code}`);
  });

  it('unmodelled errors (unknown operation, 413) reach the SDK as its base exception with name and status', async () => {
    for (const [res, name, status] of [
      [awsJsonUnknownOperation(), 'UnknownOperationException', 400],
      [awsJsonError(requestTooLargeError()), 'RequestEntityTooLargeException', 413],
    ] as const) {
      const { handler } = fakeHandler(() => res);
      const error = await new ACMPCAClient(sdkConfig(handler)).send(new DescribeCertificateAuthorityCommand({ CertificateAuthorityArn: CA_ARN })).catch((e) => e);
      expect(error).toBeInstanceOf(ACMPCAServiceException);
      expect(error.name).toBe(name);
      expect(error.$metadata.httpStatusCode).toBe(status);
    }
    expect(requestTooLargeError().message).toContain(String(MAX_REQUEST_BODY_BYTES));
  });

  it('success bodies deserialize, timestamps included', async () => {
    const created = new Date('2026-11-22T06:00:00.250Z');
    const { handler } = fakeHandler(() =>
      awsJsonSuccess({ CertificateAuthority: { Arn: CA_ARN, Status: 'ACTIVE', Type: 'ROOT', CreatedAt: created } }),
    );
    const out = await new ACMPCAClient(sdkConfig(handler)).send(new DescribeCertificateAuthorityCommand({ CertificateAuthorityArn: CA_ARN }));
    expect(out.CertificateAuthority?.CreatedAt).toEqual(created);
    expect(out.CertificateAuthority?.Status).toBe('ACTIVE');
  });

  it('@aws-sdk/client-directory-service reads Message and RequestId members', async () => {
    const { handler, sent } = fakeHandler(() =>
      awsJsonErrorResponse('CertificateDoesNotExistException', 'No certificate', 400, { messageKey: 'Message', fields: { RequestId: 'ds-1' } }),
    );
    const client = new DirectoryServiceClient(sdkConfig(handler));
    const error = await client.send(new DescribeCertificateCommand({ DirectoryId: 'd-1234567890', CertificateId: 'c-1234567890' })).catch((e) => e);
    expect(error).toBeInstanceOf(CertificateDoesNotExistException);
    expect(error.message).toBe('No certificate');
    expect(error.RequestId).toBe('ds-1');
    expect(sent[0].headers['x-amz-target']).toBe('DirectoryService_20150416.DescribeCertificate');
    expect(verifySigV4(sent[0], verifyOptions('ds'))).toMatchObject({ ok: true, service: 'ds' });

    const { handler: failing } = fakeHandler(() => awsJsonError(awsErrorFromServiceError({ kind: 'Internal', code: 'ServiceException', message: 'boom' }, 'awsJson1_1')));
    const serverError = await new DirectoryServiceClient(sdkConfig(failing))
      .send(new DescribeCertificateCommand({ DirectoryId: 'd-1234567890', CertificateId: 'c-1234567890' }))
      .catch((e) => e);
    expect(serverError).toBeInstanceOf(ServiceException);
    expect(serverError.$fault).toBe('server');
  });
});
