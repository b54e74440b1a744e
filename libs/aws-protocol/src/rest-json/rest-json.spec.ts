import {
  CertificateStateException,
  DescribeCACertificateCommand,
  DescribeCertificateCommand,
  IoTClient,
  ListCertificatesByCACommand,
  ResourceAlreadyExistsException,
  ResourceNotFoundException,
  UnauthorizedException,
} from '@aws-sdk/client-iot';
import { parseQueryString } from '../http/query-string';
import { fakeHandler, sdkConfig } from '../test/sdk-fake-handler.test-helpers';
import { verifySigV4 } from '../sigv4/sigv4-verify';
import { ACCOUNT_ID, SECRET } from '../test/sigv4-signing.test-helpers';
import { IOT_ERROR_STATUS } from './iot-error-status';
import { restJsonErrorResponse, restJsonSuccess } from './rest-json-response';
import { matchRoute, type RestRoute } from './rest-json-router';

const ROUTES: RestRoute<'DescribeCACertificate' | 'DescribeCertificate' | 'ListCertificatesByCA' | 'GetObject' | 'Tail'>[] = [
  { method: 'GET', pattern: '/cacertificate/{certificateId}', operation: 'DescribeCACertificate' },
  { method: 'GET', pattern: '/certificates/{certificateId}', operation: 'DescribeCertificate' },
  { method: 'GET', pattern: '/certificates-by-ca/{caCertificateId}', operation: 'ListCertificatesByCA' },
  { method: 'GET', pattern: '/objects/{key+}', operation: 'GetObject' },
  { method: 'GET', pattern: '/tail/{key+}/end', operation: 'Tail' },
];

describe('matchRoute', () => {
  it('binds and decodes labels', () => {
    expect(matchRoute('GET', '/cacertificate/abc%2Fdef%20x', ROUTES)).toEqual({ operation: 'DescribeCACertificate', params: { certificateId: 'abc/def x' } });
    expect(matchRoute('get', '/certificates-by-ca/ca1?pageSize=2', ROUTES)).toEqual({ operation: 'ListCertificatesByCA', params: { caCertificateId: 'ca1' } });
  });
  it('binds greedy labels across segments', () => {
    expect(matchRoute('GET', '/objects/a/b%2Fc/d', ROUTES)).toEqual({ operation: 'GetObject', params: { key: 'a/b/c/d' } });
    expect(matchRoute('GET', '/tail/x/y/end', ROUTES)).toEqual({ operation: 'Tail', params: { key: 'x/y' } });
    expect(matchRoute('GET', '/tail/end', ROUTES)).toBeUndefined();
  });
  it('refuses wrong methods, empty labels, extra segments and bad encodings', () => {
    expect(matchRoute('DELETE', '/cacertificate/abc', ROUTES)).toBeUndefined();
    expect(matchRoute('GET', '/cacertificate/', ROUTES)).toBeUndefined();
    expect(matchRoute('GET', '/cacertificate/a/b', ROUTES)).toBeUndefined();
    expect(matchRoute('GET', '/cacertificate/%E0%A4%A', ROUTES)).toBeUndefined();
    expect(matchRoute('GET', '/nothing', ROUTES)).toBeUndefined();
  });
});

describe('parseQueryString', () => {
  it('decodes keys and values and keeps repeats', () => {
    expect(parseQueryString('a=1&a=2&b=x%20y&c&d=&e=a+b')).toEqual({ a: ['1', '2'], b: ['x y'], c: [''], d: [''], e: ['a+b'] });
  });
});

describe('IOT_ERROR_STATUS', () => {
  it('carries the IoT model @httpError codes', () => {
    expect(IOT_ERROR_STATUS).toMatchObject({
      InvalidRequestException: 400,
      ResourceNotFoundException: 404,
      ResourceAlreadyExistsException: 409,
      UnauthorizedException: 401,
      CertificateStateException: 406,
      CertificateValidationException: 400,
      LimitExceededException: 410,
      ServiceUnavailableException: 503,
      InternalFailureException: 500,
      ThrottlingException: 400,
    });
  });
});

describe('restJson1 through @aws-sdk/client-iot', () => {
  const verifyOptions = {
    region: 'us-east-1',
    credentials: () => ({ secretAccessKey: SECRET, accountId: ACCOUNT_ID }),
    now: () => new Date(),
    allowedServices: ['iot'],
  };

  it('routes, signs and parses a typed error for ListCertificatesByCA', async () => {
    const { handler, sent } = fakeHandler(() => restJsonErrorResponse('ResourceNotFoundException', 'No such CA', 404, { requestId: 'iot-1' }));
    const client = new IoTClient(sdkConfig(handler));
    const error = await client
      .send(new ListCertificatesByCACommand({ caCertificateId: 'ab/c d', pageSize: 5, marker: 'm n+o', ascendingOrder: true }))
      .catch((e) => e);
    expect(error).toBeInstanceOf(ResourceNotFoundException);
    expect(error.message).toBe('No such CA');
    expect(error.$metadata).toMatchObject({ httpStatusCode: 404, requestId: 'iot-1' });

    const wire = sent[0];
    expect(verifySigV4(wire, verifyOptions)).toMatchObject({ ok: true, service: 'iot' });
    expect(matchRoute(wire.method, wire.path, ROUTES)).toEqual({ operation: 'ListCertificatesByCA', params: { caCertificateId: 'ab/c d' } });
    expect(parseQueryString(wire.query)).toEqual({ pageSize: ['5'], marker: ['m n+o'], isAscendingOrder: ['true'] });
  });

  it.each([
    ['CertificateStateException', 406, CertificateStateException],
    ['UnauthorizedException', 401, UnauthorizedException],
  ])('maps %s (%i) to its class', async (code, status, Class) => {
    const { handler } = fakeHandler(() => restJsonErrorResponse(code, `m-${code}`, status));
    const error = await new IoTClient(sdkConfig(handler)).send(new DescribeCertificateCommand({ certificateId: 'a'.repeat(64) })).catch((e) => e);
    expect(error).toBeInstanceOf(Class);
    expect(error.message).toBe(`m-${code}`);
    expect(error.$metadata.httpStatusCode).toBe(status);
  });

  it('carries extra exception members', async () => {
    const { handler } = fakeHandler(() =>
      restJsonErrorResponse('ResourceAlreadyExistsException', 'exists', 409, { fields: { resourceId: 'id-1', resourceArn: 'arn:x' } }),
    );
    const error = await new IoTClient(sdkConfig(handler)).send(new DescribeCACertificateCommand({ certificateId: 'a'.repeat(64) })).catch((e) => e);
    expect(error).toBeInstanceOf(ResourceAlreadyExistsException);
    expect(error).toMatchObject({ message: 'exists', resourceId: 'id-1', resourceArn: 'arn:x' });
  });

  it('deserializes a success body with epoch-second timestamps', async () => {
    const created = new Date('2026-11-22T06:00:00Z');
    const { handler } = fakeHandler(() =>
      restJsonSuccess({ certificateDescription: { certificateId: 'a'.repeat(64), status: 'ACTIVE', creationDate: created } }),
    );
    const out = await new IoTClient(sdkConfig(handler)).send(new DescribeCACertificateCommand({ certificateId: 'a'.repeat(64) }));
    expect(out.certificateDescription?.creationDate).toEqual(created);
    expect(out.certificateDescription?.status).toBe('ACTIVE');
  });
});
