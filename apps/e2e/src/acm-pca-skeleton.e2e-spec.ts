import {
  CreateCertificateAuthorityCommand,
  DescribeCertificateAuthorityCommand,
  ListCertificateAuthoritiesCommand,
  type ACMPCAClientConfig,
  type CreateCertificateAuthorityCommandInput,
} from '@aws-sdk/client-acm-pca';
import { waitFor } from '@pki/testing';
import { caInput, pcaClient } from './fixtures/acm-pca';
import { errorOf } from './fixtures/errors';
import { ACCOUNT_A, ACCOUNT_B, startStack, type RunningStack } from './stack';
import { signedJsonRequest } from './signed-fetch';

const createInput: CreateCertificateAuthorityCommandInput = caInput({
  subject: { CommonName: 'Walking Skeleton Root', Organization: 'Example Corp', Country: 'US' },
  tags: [{ Key: 'team', Value: 'platform' }],
});

describe('ACM Private CA through the gateway (walking skeleton)', () => {
  let stack: RunningStack;
  const client = (credentials = ACCOUNT_A, extra: Partial<ACMPCAClientConfig> = {}) => pcaClient(stack.endpoint, credentials, extra);

  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('creates, describes and lists a CA, and another service projects it from JetStream', async () => {
    const pca = client();
    const { CertificateAuthorityArn: arn } = await pca.send(new CreateCertificateAuthorityCommand(createInput));
    expect(arn).toMatch(/^arn:aws:acm-pca:us-east-1:111111111111:certificate-authority\/[0-9a-f-]{36}$/);

    const { CertificateAuthority: ca } = await pca.send(new DescribeCertificateAuthorityCommand({ CertificateAuthorityArn: arn }));
    expect(ca).toMatchObject({
      Arn: arn,
      OwnerAccount: '111111111111',
      Type: 'ROOT',
      UsageMode: 'GENERAL_PURPOSE',
      KeyStorageSecurityStandard: 'FIPS_140_2_LEVEL_3_OR_HIGHER',
      CertificateAuthorityConfiguration: createInput.CertificateAuthorityConfiguration,
      RevocationConfiguration: { CrlConfiguration: { Enabled: false }, OcspConfiguration: { Enabled: false } },
    });
    // The key pair and CSR are made in the background right after the reply.
    expect(['CREATING', 'PENDING_CERTIFICATE']).toContain(ca!.Status);
    expect(ca!.CreatedAt).toBeInstanceOf(Date);
    expect(Math.abs(ca!.CreatedAt!.getTime() - Date.now())).toBeLessThan(60_000);

    const listed = await pca.send(new ListCertificateAuthoritiesCommand({}));
    expect(listed.CertificateAuthorities!.map((c) => c.Arn)).toContain(arn);

    // gateway -> NATS -> ca-service -> event store -> outbox relay -> JetStream -> issuance-service's projection
    const projected = await waitFor(
      async () => (await stack.db.withSchema('issuance').selectFrom('issuing_cas').selectAll().where('arn', '=', arn!).executeTakeFirst()) as Record<string, unknown> | undefined,
      { timeoutMs: 30_000, what: 'issuance-service to project the new CA' },
    );
    expect(projected).toMatchObject({ owner_account: '111111111111', key_algorithm: 'EC_prime256v1', signing_algorithm: 'SHA256WITHECDSA' });
    expect(['CREATING', 'PENDING_CERTIFICATE']).toContain(projected.status);
  });

  it('keeps accounts apart: another account cannot describe the CA and does not list it', async () => {
    const { CertificateAuthorityArn: arn } = await client().send(new CreateCertificateAuthorityCommand(createInput));
    const denied = await errorOf(client(ACCOUNT_B).send(new DescribeCertificateAuthorityCommand({ CertificateAuthorityArn: arn })));
    expect(denied.name).toBe('AccessDeniedException');
    const listed = await client(ACCOUNT_B).send(new ListCertificateAuthoritiesCommand({}));
    expect(listed.CertificateAuthorities ?? []).toHaveLength(0);
  });

  it('returns the same CA for a repeated IdempotencyToken, even concurrently', async () => {
    const pca = client();
    const results = await Promise.all(Array.from({ length: 8 }, () => pca.send(new CreateCertificateAuthorityCommand({ ...createInput, IdempotencyToken: 'same-token-1' }))));
    expect(new Set(results.map((r) => r.CertificateAuthorityArn)).size).toBe(1);
    const other = await pca.send(new CreateCertificateAuthorityCommand({ ...createInput, IdempotencyToken: 'other-token' }));
    expect(other.CertificateAuthorityArn).not.toBe(results[0]!.CertificateAuthorityArn);
  });

  it('pages ListCertificateAuthorities with MaxResults and NextToken, each CA exactly once', async () => {
    const pca = client(ACCOUNT_B);
    const created: string[] = [];
    for (let i = 0; i < 9; i++) created.push((await pca.send(new CreateCertificateAuthorityCommand(createInput))).CertificateAuthorityArn!);
    const seen: string[] = [];
    let NextToken: string | undefined;
    do {
      const page = await pca.send(new ListCertificateAuthoritiesCommand({ MaxResults: 4, NextToken }));
      expect(page.CertificateAuthorities!.length).toBeLessThanOrEqual(4);
      seen.push(...page.CertificateAuthorities!.map((c) => c.Arn!));
      NextToken = page.NextToken;
    } while (NextToken);
    expect(seen.sort()).toEqual(created.sort());
    const badToken = await errorOf(pca.send(new ListCertificateAuthoritiesCommand({ NextToken: 'bm90LWEtdG9rZW4' })));
    expect(badToken.name).toBe('InvalidNextTokenException');
  });

  describe('authentication', () => {
    it('refuses a wrong secret key with InvalidSignatureException', async () => {
      const error = await errorOf(client({ ...ACCOUNT_A, secretAccessKey: 'wrong' }).send(new ListCertificateAuthoritiesCommand({})));
      expect(error.name).toBe('InvalidSignatureException');
      expect(error.$metadata?.httpStatusCode).toBe(403);
    });

    it('refuses a request signed 10 minutes ago with InvalidSignatureException (Signature expired)', async () => {
      const error = await errorOf(client(ACCOUNT_A, { systemClockOffset: -10 * 60 * 1000 }).send(new ListCertificateAuthoritiesCommand({})));
      expect(error.name).toBe('InvalidSignatureException');
      expect(error.message).toMatch(/Signature expired/);
    });

    it('refuses an unknown access key with UnrecognizedClientException', async () => {
      const error = await errorOf(client({ accessKeyId: 'AKIDUNKNOWN', secretAccessKey: 'x', accountId: '' } as never).send(new ListCertificateAuthoritiesCommand({})));
      expect(error.name).toBe('UnrecognizedClientException');
      expect(error.$metadata?.httpStatusCode).toBe(403);
    });

    it('refuses an unsigned request with MissingAuthenticationTokenException', async () => {
      const pca = client();
      pca.middlewareStack.add(
        (next) => async (args) => {
          const request = args.request as { headers: Record<string, string> };
          for (const name of Object.keys(request.headers)) {
            if (/^(authorization|x-amz-date|x-amz-content-sha256|x-amz-security-token)$/i.test(name)) delete request.headers[name];
          }
          return next(args);
        },
        { step: 'deserialize', priority: 'low', name: 'stripSignature' },
      );
      const error = await errorOf(pca.send(new ListCertificateAuthoritiesCommand({})));
      expect(error.name).toBe('MissingAuthenticationTokenException');
      expect(error.$metadata?.httpStatusCode).toBe(403);
    });
  });

  describe('protocol errors', () => {
    it('answers an unknown target with UnknownOperationException', async () => {
      const response = await signedJsonRequest(stack.endpoint, 'ACMPrivateCA.FlyToTheMoon', '{}', ACCOUNT_A);
      expect(response.status).toBe(400);
      expect(String(response.json.__type)).toMatch(/UnknownOperationException$/);
    });

    it('answers a model-constraint violation with ValidationException and writes nothing', async () => {
      const before = await client().send(new ListCertificateAuthoritiesCommand({}));
      const bad = await errorOf(
        client().send(
          new CreateCertificateAuthorityCommand({
            ...createInput,
            CertificateAuthorityConfiguration: { ...createInput.CertificateAuthorityConfiguration!, KeyAlgorithm: 'RSA_9999' as never },
          }),
        ),
      );
      expect(bad.name).toBe('ValidationException');
      expect(bad.message).toMatch(/^1 validation error detected: Value 'RSA_9999' at 'certificateAuthorityConfiguration.keyAlgorithm' failed to satisfy constraint: Member must satisfy enum value set/);
      const range = await errorOf(client().send(new ListCertificateAuthoritiesCommand({ MaxResults: 0 })));
      expect(range.name).toBe('ValidationException');
      const arn = await errorOf(client().send(new DescribeCertificateAuthorityCommand({ CertificateAuthorityArn: 'not-an-arn' })));
      expect(arn.name).toBe('ValidationException');
      const after = await client().send(new ListCertificateAuthoritiesCommand({}));
      expect(after.CertificateAuthorities!.length).toBe(before.CertificateAuthorities!.length);
    });

    it('answers an ARN of the wrong resource type with InvalidArnException', async () => {
      const error = await errorOf(
        client().send(new DescribeCertificateAuthorityCommand({ CertificateAuthorityArn: 'arn:aws:acm-pca:us-east-1:111111111111:certificate-authority/not-a-uuid' })),
      );
      expect(error.name).toBe('InvalidArnException');
    });

    it('answers an unknown CA with ResourceNotFoundException', async () => {
      const error = await errorOf(
        client().send(new DescribeCertificateAuthorityCommand({ CertificateAuthorityArn: 'arn:aws:acm-pca:us-east-1:111111111111:certificate-authority/00000000-0000-4000-8000-000000000000' })),
      );
      expect(error.name).toBe('ResourceNotFoundException');
    });

    it('refuses a body over 3 MB without a 500', async () => {
      const response = await signedJsonRequest(stack.endpoint, 'ACMPrivateCA.ListCertificateAuthorities', JSON.stringify({ pad: 'x'.repeat(3 * 1024 * 1024 + 10) }), ACCOUNT_A);
      expect(response.status).toBe(413);
    });

    it('sends a Date header with every response', async () => {
      const response = await signedJsonRequest(stack.endpoint, 'ACMPrivateCA.ListCertificateAuthorities', '{}', ACCOUNT_A);
      expect(response.status).toBe(200);
      expect(new Date(response.headers.get('date')!).getTime()).toBeGreaterThan(Date.now() - 60_000);
    });
  });
});
