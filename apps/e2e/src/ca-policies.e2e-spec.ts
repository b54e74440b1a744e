import {
  CreateCertificateAuthorityCommand,
  CreatePermissionCommand,
  DeletePermissionCommand,
  DeletePolicyCommand,
  DescribeCertificateAuthorityCommand,
  GetPolicyCommand,
  ListCertificateAuthoritiesCommand,
  ListPermissionsCommand,
  PutPolicyCommand,
  TagCertificateAuthorityCommand,
  paginateListPermissions,
  type CreateCertificateAuthorityCommandInput,
  type Permission,
} from '@aws-sdk/client-acm-pca';
import { caInput, pcaClient } from './fixtures/acm-pca';
import { errorOf } from './fixtures/errors';
import { ACCOUNT_A, ACCOUNT_B, startStack, type RunningStack } from './stack';

const createInput: CreateCertificateAuthorityCommandInput = caInput({ subject: { CommonName: 'Shared Root', Organization: 'Example Corp' } });

/** A policy sharing `arn` with account B, written with unusual whitespace to prove GetPolicy returns it unchanged. */
const sharingPolicy = (arn: string, actions = ['acm-pca:DescribeCertificateAuthority', 'acm-pca:ListPermissions']) =>
  `{ "Version":"2012-10-17",\n  "Statement": [ { "Sid": "share", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::${ACCOUNT_B.accountId}:root"},\n    "Action": ${JSON.stringify(actions)}, "Resource": "${arn}" } ] }`;

describe('ACM Private CA resource policies and permissions (two accounts, real SDK)', () => {
  let stack: RunningStack;
  const client = (credentials = ACCOUNT_A) => pcaClient(stack.endpoint, credentials);
  const createCa = async (credentials = ACCOUNT_A) => (await client(credentials).send(new CreateCertificateAuthorityCommand(createInput))).CertificateAuthorityArn!;
  const policyEvents = async (arn: string) =>
    stack.db.withSchema('ca').selectFrom('events').select('type').where('stream', '=', `ca-policy-${arn.split('/')[1]}`).orderBy('version').execute();
  const listArns = async (credentials: typeof ACCOUNT_A, ResourceOwner: 'SELF' | 'OTHER_ACCOUNTS') => {
    const arns: string[] = [];
    let NextToken: string | undefined;
    do {
      const page = await client(credentials).send(new ListCertificateAuthoritiesCommand({ ResourceOwner, MaxResults: 2, NextToken }));
      expect(page.CertificateAuthorities!.length).toBeLessThanOrEqual(2);
      arns.push(...page.CertificateAuthorities!.map((ca) => ca.Arn!));
      NextToken = page.NextToken;
    } while (NextToken);
    return arns;
  };

  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('shares a CA with another account only through its policy, and DeletePolicy revokes it', async () => {
    const arn = await createCa();
    const a = client(ACCOUNT_A);
    const b = client(ACCOUNT_B);

    // Without a policy: B is refused and sees nothing shared; A has no policy to get.
    expect((await errorOf(b.send(new DescribeCertificateAuthorityCommand({ CertificateAuthorityArn: arn })))).name).toBe('AccessDeniedException');
    expect(await listArns(ACCOUNT_B, 'OTHER_ACCOUNTS')).not.toContain(arn);
    const none = await errorOf(a.send(new GetPolicyCommand({ ResourceArn: arn })));
    expect(none.name).toBe('ResourceNotFoundException');
    expect(none.message).toMatch(/has no resource policy/);
    // "If there is no policy attached to the private CA, this action will return successful."
    await a.send(new DeletePolicyCommand({ ResourceArn: arn }));

    const policy = sharingPolicy(arn);
    await a.send(new PutPolicyCommand({ ResourceArn: arn, Policy: policy }));
    expect((await a.send(new GetPolicyCommand({ ResourceArn: arn }))).Policy).toBe(policy);
    expect(await policyEvents(arn)).toEqual([{ type: 'PolicyPut' }]);

    // B can now describe it (the CA is still being set up: CREATING or PENDING_CERTIFICATE).
    const { CertificateAuthority: described } = await b.send(new DescribeCertificateAuthorityCommand({ CertificateAuthorityArn: arn }));
    expect(described).toMatchObject({ Arn: arn, OwnerAccount: ACCOUNT_A.accountId });
    expect(['CREATING', 'PENDING_CERTIFICATE']).toContain(described!.Status);
    expect(await listArns(ACCOUNT_B, 'OTHER_ACCOUNTS')).toContain(arn);
    expect(await listArns(ACCOUNT_B, 'SELF')).not.toContain(arn);
    // The owner's own CAs are SELF, never OTHER_ACCOUNTS.
    expect(await listArns(ACCOUNT_A, 'SELF')).toContain(arn);
    expect(await listArns(ACCOUNT_A, 'OTHER_ACCOUNTS')).not.toContain(arn);

    // Sharing does not hand over the CA's administration.
    for (const command of [
      new PutPolicyCommand({ ResourceArn: arn, Policy: sharingPolicy(arn, ['acm-pca:ListTags']) }),
      new GetPolicyCommand({ ResourceArn: arn }),
      new DeletePolicyCommand({ ResourceArn: arn }),
      new CreatePermissionCommand({ CertificateAuthorityArn: arn, Principal: 'acm.amazonaws.com', Actions: ['IssueCertificate'] }),
      new DeletePermissionCommand({ CertificateAuthorityArn: arn, Principal: 'acm.amazonaws.com' }),
    ]) {
      const error = await errorOf(b.send(command as never));
      expect(error.name).toBe('AccessDeniedException');
    }
    expect((await a.send(new GetPolicyCommand({ ResourceArn: arn }))).Policy).toBe(policy);

    await a.send(new DeletePolicyCommand({ ResourceArn: arn }));
    expect(await policyEvents(arn)).toEqual([{ type: 'PolicyPut' }, { type: 'PolicyDeleted' }]);
    expect((await errorOf(b.send(new DescribeCertificateAuthorityCommand({ CertificateAuthorityArn: arn })))).name).toBe('AccessDeniedException');
    expect(await listArns(ACCOUNT_B, 'OTHER_ACCOUNTS')).not.toContain(arn);
    expect((await errorOf(a.send(new GetPolicyCommand({ ResourceArn: arn })))).name).toBe('ResourceNotFoundException');
  });

  it('refuses another account tagging a CA shared with it', async () => {
    const arn = await createCa();
    await client().send(new PutPolicyCommand({ ResourceArn: arn, Policy: sharingPolicy(arn, ['acm-pca:DescribeCertificateAuthority', 'acm-pca:ListTags']) }));
    const error = await errorOf(client(ACCOUNT_B).send(new TagCertificateAuthorityCommand({ CertificateAuthorityArn: arn, Tags: [{ Key: 'owner', Value: 'b' }] })));
    expect(error.name).toBe('AccessDeniedException');
  });

  it('answers InvalidPolicyException for an invalid policy and writes nothing', async () => {
    const arn = await createCa();
    const a = client();
    const cases: Array<[string, RegExp]> = [
      ['{"Version": "2012-10-17", "Statement": [', /not valid JSON/],
      [JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 'acm-pca:DescribeCertificateAuthority', Resource: arn }] }), /Principal "\*" is not supported/],
      [JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: ACCOUNT_B.accountId }, Action: 'acm-pca:DeleteCertificateAuthority', Resource: arn }] }), /Action "acm-pca:DeleteCertificateAuthority" is not supported/],
      [JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: ACCOUNT_B.accountId }, Action: 'acm-pca:IssueCertificate', Resource: arn }] }), /requires a Condition on acm-pca:TemplateArn/],
      [sharingPolicy(arn.replace(/.{12}$/, '000000000000')), /is not this CA/],
    ];
    for (const [policy, message] of cases) {
      const error = await errorOf(a.send(new PutPolicyCommand({ ResourceArn: arn, Policy: policy })));
      expect(error.name).toBe('InvalidPolicyException');
      expect(error.message).toMatch(message);
    }
    // A Deny naming the owner would lock it out of its own CA.
    const lockout = await errorOf(
      a.send(new PutPolicyCommand({ ResourceArn: arn, Policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Principal: { AWS: ACCOUNT_A.accountId }, Action: 'acm-pca:ListTags', Resource: arn }] }) })),
    );
    expect(lockout.name).toBe('LockoutPreventedException');
    expect(await policyEvents(arn)).toEqual([]);
    expect((await errorOf(a.send(new GetPolicyCommand({ ResourceArn: arn })))).name).toBe('ResourceNotFoundException');
    expect((await errorOf(client(ACCOUNT_B).send(new DescribeCertificateAuthorityCommand({ CertificateAuthorityArn: arn })))).name).toBe('AccessDeniedException');
    // An explicit Deny for B wins over the Allow in the same policy.
    const denied = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { AWS: ACCOUNT_B.accountId }, Action: ['acm-pca:DescribeCertificateAuthority', 'acm-pca:ListTags'], Resource: arn },
        { Effect: 'Deny', Principal: { AWS: ACCOUNT_B.accountId }, Action: 'acm-pca:DescribeCertificateAuthority', Resource: arn },
      ],
    });
    await a.send(new PutPolicyCommand({ ResourceArn: arn, Policy: denied }));
    expect((await errorOf(client(ACCOUNT_B).send(new DescribeCertificateAuthorityCommand({ CertificateAuthorityArn: arn })))).name).toBe('AccessDeniedException');
  });

  it('answers InvalidArnException and ResourceNotFoundException for bad or unknown CAs', async () => {
    const unknown = 'arn:aws:acm-pca:us-east-1:111111111111:certificate-authority/00000000-0000-4000-8000-000000000000';
    for (const command of [
      new GetPolicyCommand({ ResourceArn: unknown }),
      new PutPolicyCommand({ ResourceArn: unknown, Policy: sharingPolicy(unknown) }),
      new DeletePolicyCommand({ ResourceArn: unknown }),
      new ListPermissionsCommand({ CertificateAuthorityArn: unknown }),
      new CreatePermissionCommand({ CertificateAuthorityArn: unknown, Principal: 'acm.amazonaws.com', Actions: ['GetCertificate'] }),
    ]) {
      expect((await errorOf(client().send(command as never))).name).toBe('ResourceNotFoundException');
    }
    const badArn = 'arn:aws:acm-pca:us-east-1:111111111111:certificate-authority/not-a-uuid';
    expect((await errorOf(client().send(new GetPolicyCommand({ ResourceArn: badArn })))).name).toBe('InvalidArnException');
  });

  it('lists the CAs shared with an account page by page, each exactly once', async () => {
    const shared: string[] = [];
    for (let i = 0; i < 5; i++) {
      const arn = await createCa();
      await client().send(new PutPolicyCommand({ ResourceArn: arn, Policy: sharingPolicy(arn) }));
      shared.push(arn);
    }
    const notShared = await createCa();
    const seen = await listArns(ACCOUNT_B, 'OTHER_ACCOUNTS');
    expect(seen.length).toBe(new Set(seen).size);
    for (const arn of shared) expect(seen).toContain(arn);
    expect(seen).not.toContain(notShared);
    const badToken = await errorOf(client(ACCOUNT_B).send(new ListCertificateAuthoritiesCommand({ ResourceOwner: 'OTHER_ACCOUNTS', NextToken: 'bm90LWEtdG9rZW4' })));
    expect(badToken.name).toBe('InvalidNextTokenException');
  });

  it('creates, lists (with the SDK paginator) and deletes ACM permissions, with their errors', async () => {
    const arn = await createCa();
    const a = client();
    await a.send(new CreatePermissionCommand({ CertificateAuthorityArn: arn, Principal: 'acm.amazonaws.com', Actions: ['IssueCertificate', 'GetCertificate', 'ListPermissions'] }));
    const again = await errorOf(a.send(new CreatePermissionCommand({ CertificateAuthorityArn: arn, Principal: 'acm.amazonaws.com', Actions: ['GetCertificate'] })));
    expect(again.name).toBe('PermissionAlreadyExistsException');
    const otherPrincipal = await errorOf(a.send(new CreatePermissionCommand({ CertificateAuthorityArn: arn, Principal: 'ec2.amazonaws.com', Actions: ['GetCertificate'] })));
    expect(otherPrincipal.name).toBe('ValidationException');
    expect(otherPrincipal.message).toMatch(/only valid principal is acm.amazonaws.com/);
    const sources = ['300000000001', '300000000002', '300000000003', '300000000004'];
    for (const SourceAccount of sources) {
      await a.send(new CreatePermissionCommand({ CertificateAuthorityArn: arn, Principal: 'acm.amazonaws.com', SourceAccount, Actions: ['GetCertificate'] }));
    }

    const permissions: Permission[] = [];
    let pages = 0;
    for await (const page of paginateListPermissions({ client: a, pageSize: 2 }, { CertificateAuthorityArn: arn })) {
      pages++;
      expect(page.Permissions!.length).toBeLessThanOrEqual(2);
      permissions.push(...page.Permissions!);
    }
    expect(pages).toBe(3);
    expect(permissions.map((p) => p.SourceAccount).sort()).toEqual([ACCOUNT_A.accountId, ...sources].sort());
    const own = permissions.find((p) => p.SourceAccount === ACCOUNT_A.accountId)!;
    expect(own).toMatchObject({ CertificateAuthorityArn: arn, Principal: 'acm.amazonaws.com', Actions: ['IssueCertificate', 'GetCertificate', 'ListPermissions'] });
    expect(own.CreatedAt).toBeInstanceOf(Date);
    expect(Math.abs(own.CreatedAt!.getTime() - Date.now())).toBeLessThan(60_000);
    expect(JSON.parse(own.Policy!).Statement[0].Principal).toEqual({ Service: 'acm.amazonaws.com' });
    expect((await errorOf(a.send(new ListPermissionsCommand({ CertificateAuthorityArn: arn, NextToken: 'bm90LWEtdG9rZW4' })))).name).toBe('InvalidNextTokenException');

    // B lists them only once A's policy grants it acm-pca:ListPermissions.
    expect((await errorOf(client(ACCOUNT_B).send(new ListPermissionsCommand({ CertificateAuthorityArn: arn })))).name).toBe('AccessDeniedException');
    await a.send(new PutPolicyCommand({ ResourceArn: arn, Policy: sharingPolicy(arn) }));
    expect((await client(ACCOUNT_B).send(new ListPermissionsCommand({ CertificateAuthorityArn: arn }))).Permissions).toHaveLength(5);

    await a.send(new DeletePermissionCommand({ CertificateAuthorityArn: arn, Principal: 'acm.amazonaws.com' }));
    const gone = await errorOf(a.send(new DeletePermissionCommand({ CertificateAuthorityArn: arn, Principal: 'acm.amazonaws.com' })));
    expect(gone.name).toBe('ResourceNotFoundException');
    const left = (await a.send(new ListPermissionsCommand({ CertificateAuthorityArn: arn }))).Permissions!;
    expect(left.map((p) => p.SourceAccount).sort()).toEqual(sources);
    // Deleted, it can be granted again.
    await a.send(new CreatePermissionCommand({ CertificateAuthorityArn: arn, Principal: 'acm.amazonaws.com', Actions: ['ListPermissions'] }));
  });
});
