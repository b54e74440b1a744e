import { OperationDispatcher } from './operation-dispatcher';
import type { Caller, CommandMessage, Reply } from '@pki/contracts';
import type { ServiceClient } from '@pki/service-kit';
import type { GatewayRequest } from './http-types';
import { RestJsonRouter } from './rest-json.router';

/**
 * What the restJson1 router (AWS IoT) forwards to iot-registry: like the awsJson1_1 router, only
 * the members the operation's model defines, at any depth of the JSON body, with JSON nulls
 * treated as absent; path labels, query and header bindings still arrive. Services answer from a
 * recording stand-in of the ServiceClient port (the NATS side is exercised by the e2e suites).
 */

const CALLER = { accountId: '000000000000', accessKeyId: 'test' } as unknown as Caller;
const CERTIFICATE_ID = 'a'.repeat(64);
const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

function recordingRouter(): { router: RestJsonRouter; calls: Array<{ operation: string; input: unknown }> } {
  const calls: Array<{ operation: string; input: unknown }> = [];
  const services = {
    request: async <T>(_service: string, operation: string, message: CommandMessage): Promise<Reply<T>> => {
      calls.push({ operation, input: message.input });
      return { ok: true, result: {} as T };
    },
  };
  return { router: new RestJsonRouter(new OperationDispatcher(services as unknown as ServiceClient)), calls };
}

const request = (method: string, rawPath: string, body?: unknown, rawQuery = '', headers: Record<string, string> = {}): GatewayRequest => ({
  method,
  rawPath,
  rawQuery,
  headers: { 'content-type': 'application/json', ...headers },
  body: body === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(body)),
});

describe('RestJsonRouter forwards only modelled members', () => {
  it('RegisterCertificate: an unknown body member never reaches iot-registry; the modelled ones and the query binding do', async () => {
    const { router, calls } = recordingRouter();
    const response = await router.route(
      request('POST', '/certificate/register', { certificatePem: PEM, caCertificatePem: PEM, status: 'ACTIVE', notAMember: { nested: true }, setAsActiveX: 1 }, 'setAsActive=true'),
      CALLER,
      'req-1',
    );
    expect(response.status).toBe(200);
    expect(calls).toEqual([{ operation: 'RegisterCertificate', input: { certificatePem: PEM, caCertificatePem: PEM, status: 'ACTIVE', setAsActive: true } }]);
  });

  it('treats JSON null members as absent, as the JSON router does', async () => {
    const { router, calls } = recordingRouter();
    await router.route(request('POST', '/certificate/register', { certificatePem: PEM, caCertificatePem: null, status: null }), CALLER, 'req-2');
    await router.route(request('POST', '/cacertificate', { caCertificate: PEM, registrationConfig: { templateBody: null, roleArn: null }, tags: null }), CALLER, 'req-3');
    expect(calls.map((c) => c.input)).toEqual([{ certificatePem: PEM }, { caCertificate: PEM, registrationConfig: {} }]);
  });

  it('drops unknown members nested in structures and list elements of the body (RegisterCACertificate)', async () => {
    const { router, calls } = recordingRouter();
    const response = await router.route(
      request(
        'POST',
        '/cacertificate',
        {
          caCertificate: PEM,
          verificationCertificate: PEM,
          registrationConfig: { templateBody: '{}', roleArn: 'arn:aws:iam::000000000000:role/provisioning', templateName: 'tpl', roleArnx: 'x' },
          tags: [{ Key: 'team', Value: 'pki', Other: 'o' }],
          certificateMode: 'DEFAULT',
          unknown: 'u',
        },
        'setAsActive=false&allowAutoRegistration=true',
      ),
      CALLER,
      'req-4',
    );
    expect(response.status).toBe(200);
    expect(calls).toEqual([
      {
        operation: 'RegisterCACertificate',
        input: {
          caCertificate: PEM,
          verificationCertificate: PEM,
          setAsActive: false,
          allowAutoRegistration: true,
          registrationConfig: { templateBody: '{}', roleArn: 'arn:aws:iam::000000000000:role/provisioning', templateName: 'tpl' },
          tags: [{ Key: 'team', Value: 'pki' }],
          certificateMode: 'DEFAULT',
        },
      },
    ]);
  });

  it('keeps map keys (thing attributes are data) while pruning the structure around them (CreateThing)', async () => {
    const { router, calls } = recordingRouter();
    await router.route(
      request('POST', '/things/sensor-1', { thingTypeName: 'sensor', attributePayload: { attributes: { colour: 'red', 'serial.no': '42' }, merge: true, extra: 1 }, owner: 'x' }),
      CALLER,
      'req-5',
    );
    expect(calls).toEqual([{ operation: 'CreateThing', input: { thingName: 'sensor-1', thingTypeName: 'sensor', attributePayload: { attributes: { colour: 'red', 'serial.no': '42' }, merge: true } } }]);
  });

  it('forwards path labels, query values and headers, and `{}` for an operation without input', async () => {
    const { router, calls } = recordingRouter();
    await router.route(request('PUT', `/things/sensor-1/principals`, undefined, 'thingPrincipalType=EXCLUSIVE_THING', { 'x-amzn-principal': 'arn:aws:iot:us-east-1:000000000000:cert/abc' }), CALLER, 'req-6');
    await router.route(request('GET', '/registrationcode', { junk: true }), CALLER, 'req-7');
    await router.route(request('PUT', `/certificates/${CERTIFICATE_ID}`, { newStatus: 'REVOKED', junk: 1 }, 'newStatus=INACTIVE'), CALLER, 'req-8');
    expect(calls).toEqual([
      { operation: 'AttachThingPrincipal', input: { thingName: 'sensor-1', principal: 'arn:aws:iot:us-east-1:000000000000:cert/abc', thingPrincipalType: 'EXCLUSIVE_THING' } },
      { operation: 'GetRegistrationCode', input: {} },
      // newStatus is bound to the query string (Smithy @httpQuery): a body member of that name is not it.
      { operation: 'UpdateCertificate', input: { certificateId: CERTIFICATE_ID, newStatus: 'INACTIVE' } },
    ]);
  });

  it('does not forward an input it refused', async () => {
    const { router, calls } = recordingRouter();
    const response = await router.route(request('POST', '/certificate/register', { caCertificatePem: PEM, junk: 1 }), CALLER, 'req-9');
    expect(response.status).toBe(400);
    expect(calls).toEqual([]);
  });
});
