import { ACMPCAClient, CreateCertificateAuthorityCommand, paginateListCertificateAuthorities } from '@aws-sdk/client-acm-pca';
import { ACCOUNT_B, startStack, type RunningStack } from './stack';

describe('ListCertificateAuthorities over 120 CAs (SDK paginator, MaxResults 7)', () => {
  let stack: RunningStack;

  beforeAll(async () => {
    stack = await startStack({ PKI_CA_WORKER_INTERVAL_MS: '500' });
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
  });

  it('returns each CA exactly once', async () => {
    const pca = new ACMPCAClient({ endpoint: stack.endpoint, region: 'us-east-1', credentials: ACCOUNT_B, maxAttempts: 1 });
    const created: string[] = [];
    // Eight at a time: concurrent creations must not disturb the page order either.
    for (let batch = 0; batch < 15; batch++) {
      const arns = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          pca.send(
            new CreateCertificateAuthorityCommand({
              CertificateAuthorityType: 'ROOT',
              CertificateAuthorityConfiguration: { KeyAlgorithm: 'EC_prime256v1', SigningAlgorithm: 'SHA256WITHECDSA', Subject: { CommonName: `Paged CA ${batch * 8 + i}` } },
            }),
          ),
        ),
      );
      created.push(...arns.map((r) => r.CertificateAuthorityArn!));
    }
    expect(new Set(created).size).toBe(120);

    const seen: string[] = [];
    let pages = 0;
    for await (const page of paginateListCertificateAuthorities({ client: pca, pageSize: 7 }, {})) {
      expect(page.CertificateAuthorities!.length).toBeLessThanOrEqual(7);
      seen.push(...page.CertificateAuthorities!.map((ca) => ca.Arn!));
      pages++;
    }
    expect(pages).toBe(Math.ceil(120 / 7));
    expect(seen).toHaveLength(120);
    expect(new Set(seen).size).toBe(120);
    expect([...seen].sort()).toEqual([...created].sort());
  }, 240_000);
});
