import {
  AttachPolicyCommand,
  AttachPrincipalPolicyCommand,
  AttachThingPrincipalCommand,
  CreateKeysAndCertificateCommand,
  CreatePolicyCommand,
  CreateThingCommand,
  CreateThingTypeCommand,
  DeleteThingCommand,
  DeleteThingTypeCommand,
  DeprecateThingTypeCommand,
  DescribeThingCommand,
  DescribeThingTypeCommand,
  ListThingsCommand,
  ListThingTypesCommand,
  UpdateThingCommand,
  DetachPrincipalPolicyCommand,
  DetachThingPrincipalCommand,
  ListAttachedPoliciesCommand,
  ListPolicyPrincipalsCommand,
  ListPrincipalPoliciesCommand,
  ListPrincipalThingsV2Command,
  ListThingPrincipalsV2Command,
  CreatePolicyVersionCommand,
  DeletePolicyCommand,
  DeletePolicyVersionCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  ListPoliciesCommand,
  ListPolicyVersionsCommand,
  SetDefaultPolicyVersionCommand,
} from '@aws-sdk/client-iot';
import { sql } from 'kysely';
import { errorOf } from './fixtures/errors';
import { iotClient, iotEventCount } from './fixtures/iot';
import { ACCOUNT_A, ACCOUNT_B, startStack, type RunningStack } from './stack';

const doc = (action: string) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: [action], Resource: ['*'] }] });

describe('AWS IoT registry operations around certificates through @aws-sdk/client-iot', () => {
  let stack: RunningStack;
  const iot = (account = ACCOUNT_A) => iotClient(stack.endpoint, account);
  const iotEvents = () => iotEventCount(stack.db);

  beforeAll(async () => {
    stack = await startStack();
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
  });

  it('policy versions: create (setAsDefault), get, list, set default, delete; the five-version limit; DeletePolicy while versions remain', async () => {
    const created = await iot().send(new CreatePolicyCommand({ policyName: 'versioned', policyDocument: doc('iot:Connect') }));
    expect(created).toMatchObject({ policyVersionId: '1' });
    expect(await iot().send(new GetPolicyCommand({ policyName: 'versioned' }))).toMatchObject({ defaultVersionId: '1', policyDocument: doc('iot:Connect') });

    const v2 = await iot().send(new CreatePolicyVersionCommand({ policyName: 'versioned', policyDocument: doc('iot:Publish') }));
    expect(v2).toMatchObject({ policyArn: created.policyArn, policyVersionId: '2', isDefaultVersion: false, policyDocument: doc('iot:Publish') });
    const v3 = await iot().send(new CreatePolicyVersionCommand({ policyName: 'versioned', policyDocument: doc('iot:Receive'), setAsDefault: true }));
    expect(v3).toMatchObject({ policyVersionId: '3', isDefaultVersion: true });
    const policy = await iot().send(new GetPolicyCommand({ policyName: 'versioned' }));
    expect(policy).toMatchObject({ defaultVersionId: '3', policyDocument: doc('iot:Receive') });

    const got = await iot().send(new GetPolicyVersionCommand({ policyName: 'versioned', policyVersionId: '2' }));
    expect(got).toMatchObject({ policyName: 'versioned', policyArn: created.policyArn, policyVersionId: '2', isDefaultVersion: false, policyDocument: doc('iot:Publish'), generationId: policy.generationId });
    expect(got.creationDate).toBeInstanceOf(Date);
    const listed = await iot().send(new ListPolicyVersionsCommand({ policyName: 'versioned' }));
    expect(listed.policyVersions!.map((v) => [v.versionId, v.isDefaultVersion])).toEqual([
      ['3', true],
      ['2', false],
      ['1', false],
    ]);
    expect(listed.policyVersions![0]!.createDate).toBeInstanceOf(Date);

    await iot().send(new SetDefaultPolicyVersionCommand({ policyName: 'versioned', policyVersionId: '2' }));
    expect(await iot().send(new GetPolicyCommand({ policyName: 'versioned' }))).toMatchObject({ defaultVersionId: '2', policyDocument: doc('iot:Publish') });

    // Errors, each writing nothing.
    const before = await iotEvents();
    expect(await errorOf(iot().send(new DeletePolicyVersionCommand({ policyName: 'versioned', policyVersionId: '2' })))).toMatchObject({
      name: 'DeleteConflictException',
      $metadata: { httpStatusCode: 409 },
    });
    expect(await errorOf(iot().send(new DeletePolicyCommand({ policyName: 'versioned' })))).toMatchObject({ name: 'DeleteConflictException', message: expect.stringMatching(/non-default versions/) });
    expect((await errorOf(iot().send(new GetPolicyVersionCommand({ policyName: 'versioned', policyVersionId: '9' })))).name).toBe('ResourceNotFoundException');
    expect((await errorOf(iot().send(new SetDefaultPolicyVersionCommand({ policyName: 'versioned', policyVersionId: '9' })))).name).toBe('ResourceNotFoundException');
    expect((await errorOf(iot().send(new DeletePolicyVersionCommand({ policyName: 'versioned', policyVersionId: '9' })))).name).toBe('ResourceNotFoundException');
    expect((await errorOf(iot().send(new ListPolicyVersionsCommand({ policyName: 'nope' })))).name).toBe('ResourceNotFoundException');
    expect((await errorOf(iot(ACCOUNT_B).send(new GetPolicyVersionCommand({ policyName: 'versioned', policyVersionId: '1' })))).name).toBe('ResourceNotFoundException');
    expect((await errorOf(iot().send(new CreatePolicyVersionCommand({ policyName: 'nope', policyDocument: doc('iot:Connect') })))).name).toBe('ResourceNotFoundException');
    expect((await errorOf(iot().send(new CreatePolicyVersionCommand({ policyName: 'versioned', policyDocument: '{' })))).name).toBe('MalformedPolicyException');
    expect(await iotEvents()).toBe(before);

    await iot().send(new CreatePolicyVersionCommand({ policyName: 'versioned', policyDocument: doc('iot:Subscribe') }));
    await iot().send(new CreatePolicyVersionCommand({ policyName: 'versioned', policyDocument: doc('iot:GetThingShadow') }));
    expect(await errorOf(iot().send(new CreatePolicyVersionCommand({ policyName: 'versioned', policyDocument: doc('iot:UpdateThingShadow') })))).toMatchObject({
      name: 'VersionsLimitExceededException',
      $metadata: { httpStatusCode: 409 },
    });

    for (const id of ['1', '3', '4', '5']) await iot().send(new DeletePolicyVersionCommand({ policyName: 'versioned', policyVersionId: id }));
    // Version ids are not reused.
    expect((await iot().send(new CreatePolicyVersionCommand({ policyName: 'versioned', policyDocument: doc('iot:Connect') }))).policyVersionId).toBe('6');
    await iot().send(new DeletePolicyVersionCommand({ policyName: 'versioned', policyVersionId: '6' }));
    await iot().send(new DeletePolicyCommand({ policyName: 'versioned' }));
    expect((await errorOf(iot().send(new GetPolicyCommand({ policyName: 'versioned' })))).name).toBe('ResourceNotFoundException');
  });

  it('ListPolicies pages in creation order, ascending or not', async () => {
    const names = ['list-c', 'list-a', 'list-b'];
    for (const name of names) await iot(ACCOUNT_B).send(new CreatePolicyCommand({ policyName: name, policyDocument: doc('iot:Connect') }));
    const all = async (ascendingOrder?: boolean) => {
      const seen: string[] = [];
      let marker: string | undefined;
      do {
        const page = await iot(ACCOUNT_B).send(new ListPoliciesCommand({ pageSize: 2, marker, ascendingOrder }));
        expect(page.policies!.length).toBeLessThanOrEqual(2);
        for (const p of page.policies!) expect(p.policyArn).toBe(`arn:aws:iot:us-east-1:${ACCOUNT_B.accountId}:policy/${p.policyName}`);
        seen.push(...page.policies!.map((p) => p.policyName!));
        marker = page.nextMarker;
      } while (marker);
      return seen;
    };
    expect(await all()).toEqual(names);
    expect(await all(false)).toEqual([...names].reverse());
    expect((await errorOf(iot(ACCOUNT_B).send(new ListPoliciesCommand({ marker: 'bm90LWEtbWFya2Vy' })))).name).toBe('InvalidRequestException');
  });

  it('principals: Attach/DetachPrincipalPolicy, ListPrincipalPolicies, ListPolicyPrincipals (the deprecated forms) act on the same attachments as AttachPolicy', async () => {
    const cert = await iot().send(new CreateKeysAndCertificateCommand({ setAsActive: true }));
    const arn = cert.certificateArn!;
    for (const name of ['pp-a', 'pp-b', 'pp-c']) await iot().send(new CreatePolicyCommand({ policyName: name, policyDocument: doc('iot:Connect') }));
    await iot().send(new AttachPrincipalPolicyCommand({ policyName: 'pp-b', principal: arn }));
    await iot().send(new AttachPrincipalPolicyCommand({ policyName: 'pp-b', principal: arn }));
    await iot().send(new AttachPolicyCommand({ policyName: 'pp-a', target: arn }));
    await iot().send(new AttachPrincipalPolicyCommand({ policyName: 'pp-c', principal: arn }));
    // The current operation sees what the deprecated one attached, and the other way round.
    expect((await iot().send(new ListAttachedPoliciesCommand({ target: arn }))).policies!.map((p) => p.policyName)).toEqual(['pp-a', 'pp-b', 'pp-c']);
    const first = await iot().send(new ListPrincipalPoliciesCommand({ principal: arn, pageSize: 2 }));
    expect(first.policies).toEqual([
      { policyName: 'pp-a', policyArn: `arn:aws:iot:us-east-1:${ACCOUNT_A.accountId}:policy/pp-a` },
      { policyName: 'pp-b', policyArn: `arn:aws:iot:us-east-1:${ACCOUNT_A.accountId}:policy/pp-b` },
    ]);
    expect((await iot().send(new ListPrincipalPoliciesCommand({ principal: arn, pageSize: 2, marker: first.nextMarker }))).policies!.map((p) => p.policyName)).toEqual(['pp-c']);
    expect((await iot().send(new ListPrincipalPoliciesCommand({ principal: arn, ascendingOrder: false }))).policies!.map((p) => p.policyName)).toEqual(['pp-c', 'pp-b', 'pp-a']);
    expect(await iot().send(new ListPolicyPrincipalsCommand({ policyName: 'pp-b' }))).toMatchObject({ principals: [arn] });

    await iot().send(new DetachPrincipalPolicyCommand({ policyName: 'pp-b', principal: arn }));
    expect((await iot().send(new ListPolicyPrincipalsCommand({ policyName: 'pp-b' }))).principals).toEqual([]);
    expect((await iot().send(new ListAttachedPoliciesCommand({ target: arn }))).policies!.map((p) => p.policyName)).toEqual(['pp-a', 'pp-c']);

    const before = await iotEvents();
    expect((await errorOf(iot().send(new AttachPrincipalPolicyCommand({ policyName: 'nope', principal: arn })))).name).toBe('ResourceNotFoundException');
    expect((await errorOf(iot().send(new DetachPrincipalPolicyCommand({ policyName: 'nope', principal: arn })))).name).toBe('ResourceNotFoundException');
    expect((await errorOf(iot(ACCOUNT_B).send(new AttachPrincipalPolicyCommand({ policyName: 'pp-a', principal: arn })))).name).toBe('ResourceNotFoundException');
    expect((await errorOf(iot(ACCOUNT_B).send(new ListPrincipalPoliciesCommand({ principal: arn })))).name).toBe('ResourceNotFoundException');
    expect((await errorOf(iot().send(new ListPolicyPrincipalsCommand({ policyName: 'nope' })))).name).toBe('ResourceNotFoundException');
    expect((await errorOf(iot().send(new ListPrincipalPoliciesCommand({ principal: 'not-an-arn' })))).name).toBe('InvalidRequestException');
    expect(await iotEvents()).toBe(before);
  });

  it('ListThingPrincipalsV2 / ListPrincipalThingsV2 report thingPrincipalType; an EXCLUSIVE_THING principal is attached to one thing only', async () => {
    const exclusive = (await iot().send(new CreateKeysAndCertificateCommand({ setAsActive: true }))).certificateArn!;
    const shared = (await iot().send(new CreateKeysAndCertificateCommand({ setAsActive: true }))).certificateArn!;
    for (const thingName of ['v2-one', 'v2-two']) await iot().send(new CreateThingCommand({ thingName }));
    await iot().send(new AttachThingPrincipalCommand({ thingName: 'v2-one', principal: exclusive, thingPrincipalType: 'EXCLUSIVE_THING' }));
    await iot().send(new AttachThingPrincipalCommand({ thingName: 'v2-one', principal: shared }));
    await iot().send(new AttachThingPrincipalCommand({ thingName: 'v2-two', principal: shared, thingPrincipalType: 'NON_EXCLUSIVE_THING' }));

    // AWS IoT AttachThingPrincipal models InvalidRequestException for a request it refuses.
    const before = await iotEvents();
    expect(await errorOf(iot().send(new AttachThingPrincipalCommand({ thingName: 'v2-two', principal: exclusive })))).toMatchObject({
      name: 'InvalidRequestException',
      message: expect.stringMatching(/exclusively \(EXCLUSIVE_THING\) to the thing v2-one/),
      $metadata: { httpStatusCode: 400 },
    });
    expect((await errorOf(iot().send(new AttachThingPrincipalCommand({ thingName: 'v2-two', principal: shared, thingPrincipalType: 'EXCLUSIVE_THING' })))).name).toBe('InvalidRequestException');
    expect(await iotEvents()).toBe(before);

    const all = await iot().send(new ListThingPrincipalsV2Command({ thingName: 'v2-one' }));
    expect(new Map(all.thingPrincipalObjects!.map((o) => [o.principal, o.thingPrincipalType]))).toEqual(
      new Map([
        [exclusive, 'EXCLUSIVE_THING'],
        [shared, 'NON_EXCLUSIVE_THING'],
      ]),
    );
    expect((await iot().send(new ListThingPrincipalsV2Command({ thingName: 'v2-one', thingPrincipalType: 'EXCLUSIVE_THING' }))).thingPrincipalObjects).toEqual([
      { principal: exclusive, thingPrincipalType: 'EXCLUSIVE_THING' },
    ]);
    const paged = await iot().send(new ListThingPrincipalsV2Command({ thingName: 'v2-one', maxResults: 1 }));
    expect(paged.thingPrincipalObjects).toHaveLength(1);
    expect((await iot().send(new ListThingPrincipalsV2Command({ thingName: 'v2-one', maxResults: 1, nextToken: paged.nextToken }))).thingPrincipalObjects).toHaveLength(1);

    expect((await iot().send(new ListPrincipalThingsV2Command({ principal: shared }))).principalThingObjects).toEqual([
      { thingName: 'v2-one', thingPrincipalType: 'NON_EXCLUSIVE_THING' },
      { thingName: 'v2-two', thingPrincipalType: 'NON_EXCLUSIVE_THING' },
    ]);
    expect((await iot().send(new ListPrincipalThingsV2Command({ principal: shared, thingPrincipalType: 'EXCLUSIVE_THING' }))).principalThingObjects).toEqual([]);
    expect((await iot().send(new ListPrincipalThingsV2Command({ principal: exclusive }))).principalThingObjects).toEqual([{ thingName: 'v2-one', thingPrincipalType: 'EXCLUSIVE_THING' }]);

    expect((await errorOf(iot().send(new ListThingPrincipalsV2Command({ thingName: 'nope' })))).name).toBe('ResourceNotFoundException');
    expect((await errorOf(iot(ACCOUNT_B).send(new ListPrincipalThingsV2Command({ principal: shared })))).name).toBe('ResourceNotFoundException');

    // Detached from its one thing, the exclusive principal can go elsewhere.
    await iot().send(new DetachThingPrincipalCommand({ thingName: 'v2-one', principal: exclusive }));
    await iot().send(new AttachThingPrincipalCommand({ thingName: 'v2-two', principal: exclusive, thingPrincipalType: 'EXCLUSIVE_THING' }));
    expect((await iot().send(new ListPrincipalThingsV2Command({ principal: exclusive }))).principalThingObjects).toEqual([{ thingName: 'v2-two', thingPrincipalType: 'EXCLUSIVE_THING' }]);
  });

  it('thing types: create, describe, list; things created with a type and listed by it; deprecate (undo); delete only five minutes after deprecation and with no things', async () => {
    const created = await iot().send(
      new CreateThingTypeCommand({ thingTypeName: 'Lamp', thingTypeProperties: { thingTypeDescription: 'lamps', searchableAttributes: ['color'] }, tags: [{ Key: 'team', Value: 'iot' }] }),
    );
    expect(created).toMatchObject({ thingTypeName: 'Lamp', thingTypeArn: `arn:aws:iot:us-east-1:${ACCOUNT_A.accountId}:thingtype/Lamp`, thingTypeId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect(await errorOf(iot().send(new CreateThingTypeCommand({ thingTypeName: 'Lamp' })))).toMatchObject({ name: 'ResourceAlreadyExistsException', resourceArn: created.thingTypeArn, $metadata: { httpStatusCode: 409 } });
    await iot().send(new CreateThingTypeCommand({ thingTypeName: 'Fan' }));
    const described = await iot().send(new DescribeThingTypeCommand({ thingTypeName: 'Lamp' }));
    expect(described).toMatchObject({
      thingTypeName: 'Lamp',
      thingTypeId: created.thingTypeId,
      thingTypeArn: created.thingTypeArn,
      thingTypeProperties: { thingTypeDescription: 'lamps', searchableAttributes: ['color'] },
      thingTypeMetadata: { deprecated: false },
    });
    expect(described.thingTypeMetadata!.creationDate).toBeInstanceOf(Date);
    expect((await errorOf(iot().send(new DescribeThingTypeCommand({ thingTypeName: 'Nope' })))).name).toBe('ResourceNotFoundException');
    expect((await errorOf(iot(ACCOUNT_B).send(new DescribeThingTypeCommand({ thingTypeName: 'Lamp' })))).name).toBe('ResourceNotFoundException');
    const first = await iot().send(new ListThingTypesCommand({ maxResults: 1 }));
    expect(first.thingTypes!.map((t) => t.thingTypeName)).toEqual(['Fan']);
    expect((await iot().send(new ListThingTypesCommand({ maxResults: 1, nextToken: first.nextToken }))).thingTypes!.map((t) => t.thingTypeName)).toEqual(['Lamp']);
    expect((await iot().send(new ListThingTypesCommand({ thingTypeName: 'Lamp' }))).thingTypes).toEqual([
      expect.objectContaining({ thingTypeName: 'Lamp', thingTypeArn: created.thingTypeArn, thingTypeMetadata: expect.objectContaining({ deprecated: false }) }),
    ]);

    // Things with a type: up to 50 attributes (3 without), described and listed with it.
    const attributes = Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`a${i}`, 'v']));
    await iot().send(new CreateThingCommand({ thingName: 'typed-1', thingTypeName: 'Lamp', attributePayload: { attributes } }));
    await iot().send(new CreateThingCommand({ thingName: 'typed-2', thingTypeName: 'Lamp' }));
    await iot().send(new CreateThingCommand({ thingName: 'untyped-1' }));
    expect(await iot().send(new DescribeThingCommand({ thingName: 'typed-1' }))).toMatchObject({ thingTypeName: 'Lamp', attributes });
    expect((await iot().send(new DescribeThingCommand({ thingName: 'untyped-1' }))).thingTypeName).toBeUndefined();
    const lamps = await iot().send(new ListThingsCommand({ thingTypeName: 'Lamp' }));
    expect(lamps.things!.map((t) => [t.thingName, t.thingTypeName])).toEqual([
      ['typed-1', 'Lamp'],
      ['typed-2', 'Lamp'],
    ]);
    expect((await iot().send(new ListThingsCommand({ thingTypeName: 'Fan' }))).things).toEqual([]);
    expect((await errorOf(iot().send(new CreateThingCommand({ thingName: 'typed-3', thingTypeName: 'Nope' })))).name).toBe('ResourceNotFoundException');
    expect((await errorOf(iot().send(new CreateThingCommand({ thingName: 'untyped-2', attributePayload: { attributes } })))).name).toBe('InvalidRequestException');

    // Deprecated: no new things of the type; undoDeprecate takes it back.
    await iot().send(new DeprecateThingTypeCommand({ thingTypeName: 'Lamp' }));
    const deprecated = await iot().send(new DescribeThingTypeCommand({ thingTypeName: 'Lamp' }));
    expect(deprecated.thingTypeMetadata).toMatchObject({ deprecated: true, deprecationDate: expect.any(Date) });
    expect(await errorOf(iot().send(new CreateThingCommand({ thingName: 'typed-3', thingTypeName: 'Lamp' })))).toMatchObject({ name: 'InvalidRequestException', message: expect.stringMatching(/deprecated/) });
    await iot().send(new DeprecateThingTypeCommand({ thingTypeName: 'Lamp', undoDeprecate: true }));
    expect((await iot().send(new DescribeThingTypeCommand({ thingTypeName: 'Lamp' }))).thingTypeMetadata).toMatchObject({ deprecated: false });
    await iot().send(new CreateThingCommand({ thingName: 'typed-3', thingTypeName: 'Lamp' }));
    expect((await errorOf(iot().send(new DeprecateThingTypeCommand({ thingTypeName: 'Nope' })))).name).toBe('ResourceNotFoundException');

    // DeleteThingType: not deprecated, deprecated less than five minutes ago, or with things: InvalidRequestException, writing nothing.
    const before = await iotEvents();
    expect(await errorOf(iot().send(new DeleteThingTypeCommand({ thingTypeName: 'Lamp' })))).toMatchObject({ name: 'InvalidRequestException', message: expect.stringMatching(/not deprecated/) });
    expect((await errorOf(iot().send(new DeleteThingTypeCommand({ thingTypeName: 'Nope' })))).name).toBe('ResourceNotFoundException');
    expect(await iotEvents()).toBe(before);
    await iot().send(new DeprecateThingTypeCommand({ thingTypeName: 'Lamp' }));
    expect(await errorOf(iot().send(new DeleteThingTypeCommand({ thingTypeName: 'Lamp' })))).toMatchObject({ name: 'InvalidRequestException', message: expect.stringMatching(/five minutes after that/) });
    // Five minutes pass: the deprecation the thing type's stream records is moved six minutes back.
    const sixMinutesAgo = new Date(Date.now() - 6 * 60_000).toISOString();
    await sql`update iot.events set data = jsonb_set(data, '{changedAt}', to_jsonb(${sixMinutesAgo}::text))
      where type = 'IotThingTypeDeprecationChanged' and stream = ${`iot-thing-type-${ACCOUNT_A.accountId}-Lamp`} and (data->>'deprecated')::boolean`.execute(stack.db);
    expect(await errorOf(iot().send(new DeleteThingTypeCommand({ thingTypeName: 'Lamp' })))).toMatchObject({ name: 'InvalidRequestException', message: expect.stringMatching(/3 thing\(s\)/) });
    await iot().send(new UpdateThingCommand({ thingName: 'typed-1', removeThingType: true, attributePayload: { attributes: { a0: '', a1: '', a2: '' }, merge: true } }));
    expect((await iot().send(new DescribeThingCommand({ thingName: 'typed-1' })))).toMatchObject({ version: 2, attributes: { a3: 'v', a4: 'v' } });
    expect((await iot().send(new DescribeThingCommand({ thingName: 'typed-1' }))).thingTypeName).toBeUndefined();
    await iot().send(new UpdateThingCommand({ thingName: 'typed-2', thingTypeName: 'Fan' }));
    expect((await iot().send(new DescribeThingCommand({ thingName: 'typed-2' }))).thingTypeName).toBe('Fan');
    expect((await errorOf(iot().send(new UpdateThingCommand({ thingName: 'typed-2', thingTypeName: 'Lamp' })))).name).toBe('InvalidRequestException');
    await iot().send(new DeleteThingCommand({ thingName: 'typed-3' }));
    await iot().send(new DeleteThingTypeCommand({ thingTypeName: 'Lamp' }));
    expect((await errorOf(iot().send(new DescribeThingTypeCommand({ thingTypeName: 'Lamp' })))).name).toBe('ResourceNotFoundException');
    expect((await iot().send(new ListThingTypesCommand({}))).thingTypes!.map((t) => t.thingTypeName)).toEqual(['Fan']);
  });
});
