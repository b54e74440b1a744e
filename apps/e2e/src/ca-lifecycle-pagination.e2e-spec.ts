import { paginateListCertificateAuthorities } from '@aws-sdk/client-acm-pca';
import { createCa, pcaClient } from './fixtures/acm-pca';
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
    const pca = pcaClient(stack.endpoint, ACCOUNT_B);
    const created: string[] = [];
    // Eight at a time: concurrent creations must not disturb the page order either.
    for (let batch = 0; batch < 15; batch++) {
      created.push(...(await Promise.all(Array.from({ length: 8 }, (_, i) => createCa(pca, { subject: { CommonName: `Paged CA ${batch * 8 + i}` } })))));
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
