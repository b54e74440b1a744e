import { OperationDispatcher } from '../routing/operation-dispatcher';
import type { Caller, CommandMessage, Reply } from '@pki/contracts';
import type { ServiceClient } from '@pki/service-kit';
import { AwsJsonRouter } from '../routing/aws-json.router';
import type { GatewayRequest } from '../routing/http-types';
import { RestJsonRouter } from '../routing/rest-json.router';
import { Throttle } from './throttle';
import { loadThrottleConfig } from './throttle-config';

/**
 * The gateway's throttle on a fake clock, alone and inside both routers: which requests it admits,
 * the AWS error each protocol's SDK gets when it refuses, and that a refused request never reaches
 * a service. The real SDKs against a running stack are in apps/e2e/src/throttling.e2e-spec.ts.
 */

const A = '111111111111';
const B = '222222222222';

/** A monotonic clock starting at 0 and a wall clock at WALL_START, advanced together. */
const WALL_START = Date.parse('2026-12-07T06:00:00.000Z');
function clock() {
  let now = 0;
  return { now: () => now, wall: () => WALL_START + now, advance: (ms: number) => void (now += ms) };
}

describe('Throttle', () => {
  const env = { PKI_THROTTLE: 'acm-pca:IssueCertificate=2/2,ds:ListCertificates=0.5/1' };

  it('keeps one bucket per account: account A over its limit does not take from account B', () => {
    const time = clock();
    const throttle = new Throttle(loadThrottleConfig(env), time.now);
    expect(throttle.admit(A, 'acm-pca', 'IssueCertificate')).toBeUndefined();
    expect(throttle.admit(A, 'acm-pca', 'IssueCertificate')).toBeUndefined();
    for (let i = 0; i < 100; i++) expect(throttle.admit(A, 'acm-pca', 'IssueCertificate')).toBeDefined();
    expect(throttle.admit(B, 'acm-pca', 'IssueCertificate')).toBeUndefined();
    expect(throttle.admit(B, 'acm-pca', 'IssueCertificate')).toBeUndefined();
    time.advance(500);
    expect(throttle.admit(A, 'acm-pca', 'IssueCertificate')).toBeUndefined();
  });

  it('keeps one bucket per operation: IssueCertificate over its limit leaves GetCertificate alone', () => {
    const throttle = new Throttle(loadThrottleConfig(env), clock().now);
    for (let i = 0; i < 3; i++) throttle.admit(A, 'acm-pca', 'IssueCertificate');
    expect(throttle.admit(A, 'acm-pca', 'IssueCertificate')).toBeDefined();
    expect(throttle.admit(A, 'acm-pca', 'GetCertificate')).toBeUndefined();
  });

  it('refuses with ThrottlingException, HTTP 400, a message naming the operation, account, limit and setting, and when to retry', () => {
    const time = clock();
    const throttle = new Throttle(loadThrottleConfig(env), time.now, time.wall);
    expect(throttle.admit(A, 'ds', 'ListCertificates')).toBeUndefined();
    time.advance(100);
    const refused = throttle.admit(A, 'ds', 'ListCertificates');
    expect(refused).toEqual({
      error: {
        code: 'ThrottlingException',
        status: 400,
        message:
          'Rate exceeded for ListCertificates by account 111111111111: the limit is 0.5 requests per second with a burst of 1 ' +
          '(per gateway replica). Retry with backoff, or ask the operator to raise ds:ListCertificates in PKI_THROTTLE.',
      },
      retryAt: new Date('2026-12-07T06:00:02.000Z'), // the token is due at 06:00:02.000 (1.9 s after 06:00:00.100)
    });
    time.advance(50);
    // Rounded up to the whole second (an HTTP-date has no fraction): never before the token is due.
    expect(throttle.admit(A, 'ds', 'ListCertificates')?.retryAt).toEqual(new Date('2026-12-07T06:00:02.000Z'));
    time.advance(1851); // 06:00:02.001: the token was due 1 ms ago
    expect(throttle.admit(A, 'ds', 'ListCertificates')).toBeUndefined();
    const threePerSecond = new Throttle(loadThrottleConfig({ PKI_THROTTLE: 'iot:ListThings=3/1' }), time.now, time.wall);
    threePerSecond.admit(A, 'iot', 'ListThings');
    // Due 333 ms after 06:00:02.001; never "now", which would only be refused again.
    expect(threePerSecond.admit(A, 'iot', 'ListThings')?.retryAt).toEqual(new Date('2026-12-07T06:00:03.000Z'));
  });

  it('admits everything when PKI_THROTTLE_ENABLED=false', () => {
    const throttle = new Throttle(loadThrottleConfig({ ...env, PKI_THROTTLE_ENABLED: 'false' }), clock().now);
    for (let i = 0; i < 1000; i++) expect(throttle.admit(A, 'acm-pca', 'IssueCertificate')).toBeUndefined();
  });
});

describe('the routers throttle after the operation is known and before anything is sent over NATS', () => {
  const caller = (accountId: string) => ({ accountId, accessKeyId: 'AKID' }) as unknown as Caller;
  const json = (target: string, body: string): GatewayRequest => ({
    method: 'POST',
    rawPath: '/',
    rawQuery: '',
    headers: { 'x-amz-target': target, 'content-type': 'application/x-amz-json-1.1' },
    body: Buffer.from(body),
  });
  const rest = (method: string, rawPath: string): GatewayRequest => ({ method, rawPath, rawQuery: '', headers: {}, body: Buffer.alloc(0) });

  function routers(spec: string) {
    const sent: string[] = [];
    const services = {
      request: async <T>(_service: string, operation: string, _message: CommandMessage): Promise<Reply<T>> => {
        sent.push(operation);
        return { ok: true, result: {} as T };
      },
    } as unknown as ServiceClient;
    const time = clock();
    const throttle = new Throttle(loadThrottleConfig({ PKI_THROTTLE: spec }), time.now, time.wall);
    return { json: new AwsJsonRouter(new OperationDispatcher(services, throttle)), rest: new RestJsonRouter(new OperationDispatcher(services, throttle)), sent };
  }

  it('ACM PCA (awsJson1_1): ThrottlingException in __type and x-amzn-ErrorType, HTTP 400, Retry-After; the refused call is not forwarded', async () => {
    const { json: router, sent } = routers('acm-pca:ListCertificateAuthorities=0.2/1');
    expect((await router.route(json('ACMPrivateCA.ListCertificateAuthorities', '{}'), caller(A), 'r1')).status).toBe(200);
    const refused = await router.route(json('ACMPrivateCA.ListCertificateAuthorities', '{}'), caller(A), 'r2');
    expect(refused.status).toBe(400);
    expect(refused.headers).toMatchObject({ 'x-amzn-ErrorType': 'ThrottlingException', 'x-amzn-RequestId': 'r2', 'Retry-After': 'Mon, 07 Dec 2026 06:00:05 GMT' });
    expect(JSON.parse(refused.body)).toEqual({ __type: 'ThrottlingException', message: expect.stringContaining('ListCertificateAuthorities by account 111111111111') });
    expect(sent).toEqual(['ListCertificateAuthorities']);
    // Another account is still served.
    expect((await router.route(json('ACMPrivateCA.ListCertificateAuthorities', '{}'), caller(B), 'r3')).status).toBe(200);
  });

  it('Directory Service (awsJson1_1): the same code, with DS exceptions\' Message and RequestId members', async () => {
    const { json: router } = routers('ds:DescribeDirectories=0.2/1');
    await router.route(json('DirectoryService_20150416.DescribeDirectories', '{}'), caller(A), 'r1');
    const refused = await router.route(json('DirectoryService_20150416.DescribeDirectories', '{}'), caller(A), 'r2');
    expect(refused.status).toBe(400);
    expect(refused.headers['x-amzn-ErrorType']).toBe('ThrottlingException');
    expect(JSON.parse(refused.body)).toEqual({ __type: 'ThrottlingException', Message: expect.stringContaining('DescribeDirectories'), RequestId: 'r2' });
  });

  it('IoT (restJson1): the modelled ThrottlingException, its HTTP status (400) and x-amzn-ErrorType', async () => {
    const { rest: router, sent } = routers('iot:ListCACertificates=0.2/1');
    expect((await router.route(rest('GET', '/cacertificates'), caller(A), 'r1')).status).toBe(200);
    const refused = await router.route(rest('GET', '/cacertificates'), caller(A), 'r2');
    expect(refused.status).toBe(400);
    expect(refused.headers).toMatchObject({ 'x-amzn-ErrorType': 'ThrottlingException', 'Retry-After': 'Mon, 07 Dec 2026 06:00:05 GMT' });
    expect(JSON.parse(refused.body)).toEqual({ message: expect.stringContaining('ListCACertificates by account 111111111111') });
    expect(sent).toEqual(['ListCACertificates']);
  });

  it('an over-limit request is refused before its body is read: even a malformed one gets ThrottlingException', async () => {
    const { json: router } = routers('acm-pca:IssueCertificate=0.2/1');
    await router.route(json('ACMPrivateCA.IssueCertificate', 'not json'), caller(A), 'r1');
    const refused = await router.route(json('ACMPrivateCA.IssueCertificate', 'not json'), caller(A), 'r2');
    expect(refused.headers['x-amzn-ErrorType']).toBe('ThrottlingException');
  });

  it('an unknown operation takes no token and is answered as before', async () => {
    const { json: router } = routers('acm-pca:ListCertificateAuthorities=0.2/1');
    for (let i = 0; i < 3; i++) expect((await router.route(json('ACMPrivateCA.NoSuchOperation', '{}'), caller(A), 'r')).headers['x-amzn-ErrorType']).toBe('UnknownOperationException');
    expect((await router.route(json('ACMPrivateCA.ListCertificateAuthorities', '{}'), caller(A), 'r')).status).toBe(200);
  });
});
