import {
  AcceptCertificateTransferCommand,
  AttachPolicyCommand,
  AttachThingPrincipalCommand,
  CancelCertificateTransferCommand,
  CreatePolicyCommand,
  CreateThingCommand,
  DeleteCertificateCommand,
  DeletePolicyCommand,
  DeleteThingCommand,
  DescribeCertificateCommand,
  DescribeThingCommand,
  DetachPolicyCommand,
  DetachThingPrincipalCommand,
  GetPolicyCommand,
  ListAttachedPoliciesCommand,
  ListPrincipalThingsCommand,
  ListTargetsForPolicyCommand,
  ListThingPrincipalsCommand,
  ListThingsCommand,
  RegisterCertificateWithoutCACommand,
  RejectCertificateTransferCommand,
  TransferCertificateCommand,
  UpdateCertificateCommand,
  UpdateThingCommand,
} from '@aws-sdk/client-iot';
import { errorOf } from './fixtures/errors';
import { iotClient, iotEventCount } from './fixtures/iot';
import { OpensslDir } from './fixtures/openssl';
import { ACCOUNT_A, ACCOUNT_B, startStack, type RunningStack } from './stack';

/** The device maker's PKI: one root CA made with the openssl CLI, device certificates signed by it. */
class DevicePki extends OpensslDir {
  constructor() {
    super('iot-attach-e2e');
    this.selfSigned('ca', '/O=IoT E2E/CN=Attachments CA');
    this.key('device');
  }
  device(cn: string): string {
    return this.certificate(cn, `/CN=${cn}`, 'ca', { key: 'device.key' });
  }
}

const POLICY = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['iot:Connect'], Resource: ['*'] }] });

describe('AWS IoT things, policies and their attachments through @aws-sdk/client-iot', () => {
  let stack: RunningStack;
  let pki: DevicePki;
  const iot = (account = ACCOUNT_A) => iotClient(stack.endpoint, account);
  const iotEvents = () => iotEventCount(stack.db);
  const register = async (cn: string, status: 'ACTIVE' | 'INACTIVE') => {
    const out = await iot().send(new RegisterCertificateWithoutCACommand({ certificatePem: pki.device(cn), status }));
    return { id: out.certificateId!, arn: out.certificateArn! };
  };
  const describeCertificate = async (id: string, account = ACCOUNT_A) => (await iot(account).send(new DescribeCertificateCommand({ certificateId: id }))).certificateDescription!;

  beforeAll(async () => {
    stack = await startStack();
    pki = new DevicePki();
  }, 120_000);
  afterAll(async () => {
    pki?.remove();
    await stack?.stop();
  });

  it('things: create (idempotent), describe, list with paging; UpdateThing/DeleteThing with a wrong expectedVersion are VersionConflictException and write nothing', async () => {
    const created = await iot().send(new CreateThingCommand({ thingName: 'lamp-1', attributePayload: { attributes: { color: 'red' } } }));
    expect(created).toMatchObject({ thingName: 'lamp-1', thingArn: `arn:aws:iot:us-east-1:${ACCOUNT_A.accountId}:thing/lamp-1`, thingId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    // Same name and configuration: the same thing; another configuration: ResourceAlreadyExistsException.
    expect((await iot().send(new CreateThingCommand({ thingName: 'lamp-1', attributePayload: { attributes: { color: 'red' } } }))).thingId).toBe(created.thingId);
    expect(await errorOf(iot().send(new CreateThingCommand({ thingName: 'lamp-1', attributePayload: { attributes: { color: 'blue' } } })))).toMatchObject({
      name: 'ResourceAlreadyExistsException',
      $metadata: { httpStatusCode: 409 },
      // Members the exception models besides the message (botocore / the SDK expose them).
      resourceId: 'lamp-1',
      resourceArn: created.thingArn,
    });
    const describe = () => iot().send(new DescribeThingCommand({ thingName: 'lamp-1' }));
    expect(await describe()).toMatchObject({ thingName: 'lamp-1', defaultClientId: 'lamp-1', thingId: created.thingId, thingArn: created.thingArn, attributes: { color: 'red' }, version: 1 });
    expect((await errorOf(iot(ACCOUNT_B).send(new DescribeThingCommand({ thingName: 'lamp-1' })))).name).toBe('ResourceNotFoundException');

    const before = await iotEvents();
    const conflict = await errorOf(iot().send(new UpdateThingCommand({ thingName: 'lamp-1', expectedVersion: 5, attributePayload: { attributes: { size: 'L' } } })));
    expect(conflict).toMatchObject({ name: 'VersionConflictException', message: expect.stringMatching(/at version 1, not the expectedVersion 5/), $metadata: { httpStatusCode: 409 } });
    expect(await errorOf(iot().send(new DeleteThingCommand({ thingName: 'lamp-1', expectedVersion: 2 })))).toMatchObject({ name: 'VersionConflictException' });
    expect(await iotEvents()).toBe(before);
    expect(await describe()).toMatchObject({ attributes: { color: 'red' }, version: 1 });

    await iot().send(new UpdateThingCommand({ thingName: 'lamp-1', expectedVersion: 1, attributePayload: { attributes: { size: 'L' }, merge: true } }));
    expect(await describe()).toMatchObject({ attributes: { color: 'red', size: 'L' }, version: 2 });
    await iot().send(new UpdateThingCommand({ thingName: 'lamp-1', attributePayload: { attributes: { color: '' }, merge: true } }));
    expect(await describe()).toMatchObject({ attributes: { size: 'L' }, version: 3 });
    expect((await errorOf(iot().send(new UpdateThingCommand({ thingName: 'lamp-1', expectedVersion: 2 })))).name).toBe('VersionConflictException');

    for (const name of ['fan-1', 'fan-2', 'fan-3', 'fan-4']) await iot().send(new CreateThingCommand({ thingName: name, attributePayload: { attributes: { kind: 'fan' } } }));
    const names: string[] = [];
    let nextToken: string | undefined;
    let pages = 0;
    do {
      const page = await iot().send(new ListThingsCommand({ maxResults: 2, nextToken }));
      expect(page.things!.length).toBeLessThanOrEqual(2);
      names.push(...page.things!.map((t) => t.thingName!));
      nextToken = page.nextToken;
      pages++;
    } while (nextToken);
    expect(names).toEqual(['fan-1', 'fan-2', 'fan-3', 'fan-4', 'lamp-1']);
    expect(pages).toBe(3);
    const fans = await iot().send(new ListThingsCommand({ attributeName: 'kind', attributeValue: 'fan' }));
    expect(fans.things!.map((t) => t.thingName)).toEqual(['fan-1', 'fan-2', 'fan-3', 'fan-4']);
    expect(fans.things![0]).toEqual({ thingName: 'fan-1', thingArn: `arn:aws:iot:us-east-1:${ACCOUNT_A.accountId}:thing/fan-1`, attributes: { kind: 'fan' }, version: 1 });
    expect((await iot(ACCOUNT_B).send(new ListThingsCommand({}))).things).toEqual([]);

    await iot().send(new DeleteThingCommand({ thingName: 'fan-4', expectedVersion: 1 }));
    expect((await errorOf(iot().send(new DescribeThingCommand({ thingName: 'fan-4' })))).name).toBe('ResourceNotFoundException');
    // AWS: deleting a thing that does not exist succeeds.
    await iot().send(new DeleteThingCommand({ thingName: 'fan-4' }));
  });

  it('DeleteCertificate with a thing attached is DeleteConflictException and writes nothing; after DetachThingPrincipal and INACTIVE it deletes', async () => {
    const cert = await register('attached-device', 'ACTIVE');
    await iot().send(new AttachThingPrincipalCommand({ thingName: 'lamp-1', principal: cert.arn }));
    await iot().send(new AttachThingPrincipalCommand({ thingName: 'lamp-1', principal: cert.arn }));
    expect((await iot().send(new ListThingPrincipalsCommand({ thingName: 'lamp-1' }))).principals).toEqual([cert.arn]);
    expect((await iot().send(new ListPrincipalThingsCommand({ principal: cert.arn }))).things).toEqual(['lamp-1']);
    // Principals are not part of the thing record: its version stays.
    expect((await iot().send(new DescribeThingCommand({ thingName: 'lamp-1' }))).version).toBe(3);

    const before = await iotEvents();
    const certBefore = await describeCertificate(cert.id);
    for (const forceDelete of [false, true]) {
      expect(await errorOf(iot().send(new DeleteCertificateCommand({ certificateId: cert.id, forceDelete })))).toMatchObject({
        name: 'DeleteConflictException',
        message: expect.stringMatching(/attached to the thing\(s\) lamp-1/),
        $metadata: { httpStatusCode: 409 },
      });
    }
    expect(await errorOf(iot().send(new DeleteThingCommand({ thingName: 'lamp-1' })))).toMatchObject({
      name: 'InvalidRequestException',
      message: expect.stringMatching(/Thing lamp-1 is still attached to one or more principals/),
    });
    expect(await iotEvents()).toBe(before);
    expect(await describeCertificate(cert.id)).toEqual(certBefore);
    expect((await iot().send(new ListPrincipalThingsCommand({ principal: cert.arn }))).things).toEqual(['lamp-1']);

    await iot().send(new DetachThingPrincipalCommand({ thingName: 'lamp-1', principal: cert.arn }));
    expect((await iot().send(new ListThingPrincipalsCommand({ thingName: 'lamp-1' }))).principals).toEqual([]);
    expect((await iot().send(new ListPrincipalThingsCommand({ principal: cert.arn }))).things).toEqual([]);
    // Still ACTIVE: the status rule of DeleteCertificate.
    expect((await errorOf(iot().send(new DeleteCertificateCommand({ certificateId: cert.id })))).name).toBe('CertificateStateException');
    await iot().send(new UpdateCertificateCommand({ certificateId: cert.id, newStatus: 'INACTIVE' }));
    await iot().send(new DeleteCertificateCommand({ certificateId: cert.id }));
    expect((await errorOf(iot().send(new DescribeCertificateCommand({ certificateId: cert.id })))).name).toBe('ResourceNotFoundException');
  });

  it('AttachPolicy then TransferCertificate is TransferConflictException and DeletePolicy DeleteConflictException, writing nothing; after DetachPolicy both work', async () => {
    expect(await errorOf(iot().send(new CreatePolicyCommand({ policyName: 'bad', policyDocument: '{"Statement": [' })))).toMatchObject({
      name: 'MalformedPolicyException',
      message: expect.stringMatching(/not valid JSON/),
    });
    const created = await iot().send(new CreatePolicyCommand({ policyName: 'connect-only', policyDocument: POLICY }));
    expect(created).toMatchObject({ policyName: 'connect-only', policyArn: `arn:aws:iot:us-east-1:${ACCOUNT_A.accountId}:policy/connect-only`, policyDocument: POLICY, policyVersionId: '1' });
    expect((await errorOf(iot().send(new CreatePolicyCommand({ policyName: 'connect-only', policyDocument: POLICY })))).name).toBe('ResourceAlreadyExistsException');
    expect(await iot().send(new GetPolicyCommand({ policyName: 'connect-only' }))).toMatchObject({
      policyName: 'connect-only',
      policyArn: created.policyArn,
      policyDocument: POLICY,
      defaultVersionId: '1',
      creationDate: expect.any(Date),
      lastModifiedDate: expect.any(Date),
      generationId: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });

    const cert = await register('policy-device', 'INACTIVE');
    await iot().send(new AttachPolicyCommand({ policyName: 'connect-only', target: cert.arn }));
    expect((await iot().send(new ListAttachedPoliciesCommand({ target: cert.arn }))).policies).toEqual([{ policyName: 'connect-only', policyArn: created.policyArn }]);
    expect((await iot().send(new ListTargetsForPolicyCommand({ policyName: 'connect-only' }))).targets).toEqual([cert.arn]);

    const before = await iotEvents();
    const certBefore = await describeCertificate(cert.id);
    expect(await errorOf(iot().send(new TransferCertificateCommand({ certificateId: cert.id, targetAwsAccount: ACCOUNT_B.accountId })))).toMatchObject({
      name: 'TransferConflictException',
      message: expect.stringMatching(/policy\(ies\) connect-only attached/),
      $metadata: { httpStatusCode: 409 },
    });
    expect(await errorOf(iot().send(new DeletePolicyCommand({ policyName: 'connect-only' })))).toMatchObject({
      name: 'DeleteConflictException',
      message: expect.stringMatching(/attached to one or more principals \(name=connect-only\)/),
      $metadata: { httpStatusCode: 409 },
    });
    expect((await errorOf(iot().send(new DeleteCertificateCommand({ certificateId: cert.id })))).name).toBe('DeleteConflictException');
    expect(await iotEvents()).toBe(before);
    expect(await describeCertificate(cert.id)).toEqual(certBefore);
    expect(certBefore.transferData).toBeUndefined();
    expect((await iot().send(new ListTargetsForPolicyCommand({ policyName: 'connect-only' }))).targets).toEqual([cert.arn]);

    await iot().send(new DetachPolicyCommand({ policyName: 'connect-only', target: cert.arn }));
    expect((await iot().send(new ListAttachedPoliciesCommand({ target: cert.arn }))).policies).toEqual([]);
    const out = await iot().send(new TransferCertificateCommand({ certificateId: cert.id, targetAwsAccount: ACCOUNT_B.accountId }));
    expect(out.transferredCertificateArn).toBe(`arn:aws:iot:us-east-1:${ACCOUNT_B.accountId}:cert/${cert.id}`);
    expect((await describeCertificate(cert.id)).status).toBe('PENDING_TRANSFER');
    // While it is on its way, nothing new is attached to it.
    expect((await errorOf(iot().send(new AttachPolicyCommand({ policyName: 'connect-only', target: cert.arn })))).name).toBe('InvalidRequestException');

    // Accept / Reject by an account that is not the transfer's target, Cancel by the target: UnauthorizedException, nothing written.
    const pendingEvents = await iotEvents();
    const pending = await describeCertificate(cert.id, ACCOUNT_B);
    for (const refused of [
      iot().send(new AcceptCertificateTransferCommand({ certificateId: cert.id, setAsActive: true })),
      iot().send(new RejectCertificateTransferCommand({ certificateId: cert.id, rejectReason: 'mine' })),
      iot(ACCOUNT_B).send(new CancelCertificateTransferCommand({ certificateId: cert.id })),
    ]) {
      expect(await errorOf(refused)).toMatchObject({ name: 'UnauthorizedException', $metadata: { httpStatusCode: 401 } });
    }
    expect(await iotEvents()).toBe(pendingEvents);
    expect(await describeCertificate(cert.id, ACCOUNT_B)).toEqual(pending);

    await iot(ACCOUNT_B).send(new AcceptCertificateTransferCommand({ certificateId: cert.id }));
    expect(await describeCertificate(cert.id, ACCOUNT_B)).toMatchObject({ ownedBy: ACCOUNT_B.accountId, previousOwnedBy: ACCOUNT_A.accountId, status: 'INACTIVE' });

    await iot().send(new DeletePolicyCommand({ policyName: 'connect-only' }));
    expect((await errorOf(iot().send(new GetPolicyCommand({ policyName: 'connect-only' })))).name).toBe('ResourceNotFoundException');
  });

  it('DeleteCertificate with forceDelete detaches its policies on both sides', async () => {
    await iot().send(new CreatePolicyCommand({ policyName: 'p-force', policyDocument: POLICY }));
    const cert = await register('force-device', 'INACTIVE');
    await iot().send(new AttachPolicyCommand({ policyName: 'p-force', target: cert.arn }));
    expect((await errorOf(iot().send(new DeleteCertificateCommand({ certificateId: cert.id })))).name).toBe('DeleteConflictException');
    await iot().send(new DeleteCertificateCommand({ certificateId: cert.id, forceDelete: true }));
    expect((await iot().send(new ListTargetsForPolicyCommand({ policyName: 'p-force' }))).targets).toEqual([]);
    await iot().send(new DeletePolicyCommand({ policyName: 'p-force' }));
  });

  it('bad input answers InvalidRequestException (or ResourceNotFoundException for what is not there) and writes nothing', async () => {
    const cert = await register('bad-input-device', 'INACTIVE');
    await iot().send(new CreatePolicyCommand({ policyName: 'p-bad', policyDocument: POLICY }));
    const before = await iotEvents();
    const refused = async (promise: Promise<unknown>, name: string, message?: RegExp) => expect(await errorOf(promise)).toMatchObject({ name, ...(message ? { message: expect.stringMatching(message) } : {}) });

    await refused(iot().send(new CreateThingCommand({ thingName: 'bad name!' })), 'InvalidRequestException', /at 'thingName' failed to satisfy constraint: Member must satisfy regular expression pattern/);
    await refused(iot().send(new CreateThingCommand({ thingName: 'x'.repeat(129) })), 'InvalidRequestException', /length less than or equal to 128/);
    await refused(iot().send(new CreateThingCommand({ thingName: 'ok', attributePayload: { attributes: { 'bad key': 'v' } } })), 'InvalidRequestException');
    await refused(iot().send(new CreateThingCommand({ thingName: 'ok', attributePayload: { attributes: { a: '1', b: '2', c: '3', d: '4' } } })), 'InvalidRequestException', /at most 3/);
    await refused(iot().send(new CreateThingCommand({ thingName: 'ok', thingTypeName: 'LightBulb' })), 'ResourceNotFoundException', /thing type LightBulb does not exist/);
    await refused(iot().send(new UpdateThingCommand({ thingName: 'nobody' })), 'ResourceNotFoundException');
    await refused(iot().send(new ListThingsCommand({ maxResults: 0 })), 'InvalidRequestException', /at 'maxResults' failed to satisfy constraint/);
    await refused(iot().send(new ListThingsCommand({ nextToken: 'not-a-token' })), 'InvalidRequestException', /nextToken is not one this API returned/);
    await refused(iot().send(new AttachThingPrincipalCommand({ thingName: 'lamp-1', principal: 'us-east-1:0000-cognito' })), 'InvalidRequestException', /not a certificate ARN/);
    await refused(iot().send(new AttachThingPrincipalCommand({ thingName: 'lamp-1', principal: cert.arn.replace(ACCOUNT_A.accountId, ACCOUNT_B.accountId) })), 'ResourceNotFoundException');
    await refused(iot().send(new AttachThingPrincipalCommand({ thingName: 'lamp-1', principal: cert.arn.replace(/cert\/.*/, `cert/${'f'.repeat(64)}`) })), 'ResourceNotFoundException');
    await refused(iot().send(new AttachThingPrincipalCommand({ thingName: 'no-such-thing', principal: cert.arn })), 'ResourceNotFoundException');
    await refused(iot(ACCOUNT_B).send(new AttachThingPrincipalCommand({ thingName: 'lamp-1', principal: cert.arn })), 'ResourceNotFoundException');
    await refused(iot().send(new CreatePolicyCommand({ policyName: 'bad/name', policyDocument: POLICY })), 'InvalidRequestException');
    await refused(iot().send(new CreatePolicyCommand({ policyName: 'p-empty', policyDocument: '{"Statement":[]}' })), 'MalformedPolicyException');
    await refused(iot().send(new AttachPolicyCommand({ policyName: 'no-such-policy', target: cert.arn })), 'ResourceNotFoundException');
    await refused(iot().send(new AttachPolicyCommand({ policyName: 'p-bad', target: `arn:aws:iot:us-east-1:${ACCOUNT_A.accountId}:thinggroup/g1` })), 'InvalidRequestException', /certificates only/);
    await refused(iot().send(new DetachPolicyCommand({ policyName: 'no-such-policy', target: cert.arn })), 'InvalidRequestException');
    await refused(iot().send(new ListAttachedPoliciesCommand({ target: cert.arn, pageSize: 251 })), 'InvalidRequestException');
    await refused(iot().send(new ListTargetsForPolicyCommand({ policyName: 'no-such-policy' })), 'ResourceNotFoundException');
    await refused(iot().send(new ListThingPrincipalsCommand({ thingName: 'no-such-thing' })), 'ResourceNotFoundException');

    expect(await iotEvents()).toBe(before);
    expect((await iot().send(new ListThingsCommand({ maxResults: 250 }))).things!.map((t) => t.thingName)).toEqual(['fan-1', 'fan-2', 'fan-3', 'lamp-1']);
    expect((await iot().send(new ListAttachedPoliciesCommand({ target: cert.arn }))).policies).toEqual([]);
  });
});
