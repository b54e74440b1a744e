/**
 * Prometheus metrics end to end: after real API calls (create and activate a CA, issue, revoke,
 * OCSP, CRL), every app's `GET /metrics` (the gateway's port, each service's health port) is
 * parsed with a strict exposition parser, and the figures are checked against what was done.
 * The alert rules shipped in deploy/prometheus/alerts.yaml may only name metrics the apps export.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { RevokeCertificateCommand } from '@aws-sdk/client-acm-pca';
import { parsePrometheusText, sampleSum, samplesOf, waitFor, type MetricFamily } from '@pki/testing';
import { parse as parseYaml } from 'yaml';
import { ROOT, type AppName } from './app-process';
import { pcaClient } from './fixtures/acm-pca';
import { OpensslDir } from './fixtures/openssl';
import { bodyIfOk, crlUrlIn, ocspArgs, rootWithLeaves, waitForCrlListing } from './fixtures/revocation';
import { softwareKeysEnv, startStack, type RunningStack } from './stack';

const PUBLIC_URL = 'http://pki.metrics-e2e.test';
const BUCKET = 'e2e-metrics-crls';
const CRL_DAYS = 7;

type Families = Map<string, MetricFamily>;

describe('GET /metrics on every app, after real API calls', () => {
  let stack: RunningStack;
  let pki: OpensslDir;
  let rootArn: string;
  let caId: string;
  const scraped = new Map<AppName, Families>();

  const scrape = async (app: AppName): Promise<Families> => {
    const url = stack.apps.find((a) => a.app === app)!.url;
    const response = await fetch(`${url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain;.*\bversion=0\.0\.4/);
    return parsePrometheusText(await response.text());
  };

  beforeAll(async () => {
    stack = await startStack({ ...softwareKeysEnv(), PKI_PUBLIC_URL: PUBLIC_URL, PKI_CRL_DELAY_MS: '1000', PKI_CRL_POLL_MS: '200' });
    pki = new OpensslDir('metrics-e2e');
    const pca = pcaClient(stack.endpoint);
    rootArn = await rootWithLeaves(
      pca,
      pki,
      {
        subject: { Country: 'US', Organization: 'Example Corp', CommonName: 'Metrics E2E Root' },
        revocation: { CrlConfiguration: { Enabled: true, S3BucketName: BUCKET, ExpirationInDays: CRL_DAYS }, OcspConfiguration: { Enabled: true } },
      },
      ['revoked', 'good'],
    );
    caId = rootArn.split('/').pop()!;
    await pca.send(new RevokeCertificateCommand({ CertificateAuthorityArn: rootArn, CertificateSerial: pki.serial('revoked.pem'), RevocationReason: 'KEY_COMPROMISE' }));
    const crlPath = crlUrlIn(pki.text('revoked.pem')).slice(PUBLIC_URL.length);
    await waitForCrlListing(pki, pki.serial('revoked.pem'), () => bodyIfOk(`${stack.endpoint}${crlPath}`));

    const ocsp = (...args: string[]) => pki.run(...ocspArgs(`${stack.endpoint}/ocsp`, ...args));
    await waitFor(async () => /revoked.pem: revoked/.test(ocsp('-cert', 'revoked.pem')), { timeoutMs: 30_000, what: 'OCSP to answer revoked' });
    expect(ocsp('-serial', '0x1234567890abcdef')).toMatch(/unknown/);
    // The same request without a nonce, twice over GET: signed once, then answered from the gateway's pre-signed responses.
    pki.run('ocsp', '-issuer', 'root.pem', '-cert', 'good.pem', '-no_nonce', '-reqout', 'good.req');
    const getUrl = `${stack.endpoint}/ocsp/${encodeURIComponent(pki.bytes('good.req').toString('base64'))}`;
    for (let i = 0; i < 2; i++) expect((await fetch(getUrl)).status).toBe(200);
    const malformed = await fetch(`${stack.endpoint}/ocsp`, { method: 'POST', headers: { 'Content-Type': 'application/ocsp-request' }, body: Buffer.from('30030a0101', 'hex') });
    expect(malformed.status).toBe(200);
    // Too large to be an OCSP request: the gateway answers malformedRequest without forwarding it.
    const oversize = await fetch(`${stack.endpoint}/ocsp`, { method: 'POST', headers: { 'Content-Type': 'application/ocsp-request' }, body: Buffer.alloc(64 * 1024, 0x30) });
    expect(oversize.status).toBe(200);

    for (const app of stack.apps) scraped.set(app.app, await scrape(app.app));
  }, 300_000);
  afterAll(async () => {
    pki?.remove();
    await stack?.stop();
  });

  it('every app serves default process metrics and its command or request metrics, unauthenticated', () => {
    expect([...scraped.keys()].sort()).toEqual(['api-gateway', 'ca-service', 'directory-certs', 'iot-registry', 'issuance-service', 'revocation-service']);
    for (const [app, families] of scraped) {
      expect([app, families.get('process_cpu_user_seconds_total')?.type]).toEqual([app, 'counter']);
      expect([app, families.get('nodejs_heap_size_used_bytes')?.type]).toEqual([app, 'gauge']);
      const own = app === 'api-gateway' ? 'pki_api_request_duration_seconds' : 'pki_command_server_duration_seconds';
      expect([app, families.get(own)?.type]).toEqual([app, 'histogram']);
    }
  });

  it('the gateway counts API requests by API, operation and outcome, and times its NATS commands', async () => {
    const gateway = scraped.get('api-gateway')!;
    const issued = sampleSum(gateway, 'pki_api_requests_total', { api: 'acm-pca', operation: 'IssueCertificate', outcome: 'success' });
    expect(issued).toBeGreaterThanOrEqual(3); // the root's own certificate and two leaves (more when a leaf was issued before the CA's URLs arrived)
    expect(sampleSum(gateway, 'pki_api_requests_total', { api: 'acm-pca', operation: 'RevokeCertificate', outcome: 'success' })).toBe(1);
    expect(sampleSum(gateway, 'pki_api_requests_total', { api: 'acm-pca', operation: 'CreateCertificateAuthority', outcome: 'success' })).toBe(1);
    expect(sampleSum(gateway, 'pki_api_requests_total', { api: 'ocsp', operation: 'OcspRequest', outcome: 'success' })).toBeGreaterThanOrEqual(5);
    expect(sampleSum(gateway, 'pki_api_request_duration_seconds_count', { api: 'acm-pca', operation: 'IssueCertificate', outcome: 'success' })).toBe(issued);
    expect(sampleSum(gateway, 'pki_command_client_duration_seconds_count', { service: 'issuance', operation: 'IssueCertificate', outcome: 'ok' })).toBe(issued);
    expect(sampleSum(gateway, 'pki_ocsp_responses_total', { status: 'malformed' })).toBe(1);
    // Pre-signed OCSP responses live in the gateway (ocsp/): the GET above was answered from one.
    expect(sampleSum(gateway, 'pki_ocsp_cache_hits_total')).toBeGreaterThanOrEqual(1);
    expect(sampleSum(gateway, 'pki_ocsp_cache_misses_total')).toBeGreaterThanOrEqual(1);
    expect(sampleSum(gateway, 'pki_ocsp_presigned_responses_total', { status: 'good' })).toBeGreaterThanOrEqual(1);
    // /metrics itself is neither an API request nor an AWS route: a POST is refused like any unsigned AWS call.
    expect(sampleSum(gateway, 'pki_api_requests_total', { api: 'unknown' })).toBe(0);
    const post = await fetch(`${stack.endpoint}/metrics`, { method: 'POST', body: '{}' });
    expect(post.status).toBeGreaterThanOrEqual(400);
    expect(await post.text()).not.toContain('pki_api_requests_total');
  });

  it('issuance counts certificates issued by CA and template, as many as IssueCertificate succeeded', () => {
    const issuance = scraped.get('issuance-service')!;
    const gatewayIssued = sampleSum(scraped.get('api-gateway')!, 'pki_api_requests_total', { operation: 'IssueCertificate', outcome: 'success' });
    expect(sampleSum(issuance, 'pki_certificates_issued_total', { ca: caId, template: 'RootCACertificate/V1' })).toBe(1);
    expect(sampleSum(issuance, 'pki_certificates_issued_total', { ca: caId, template: 'EndEntityCertificate/V1' })).toBeGreaterThanOrEqual(2);
    expect(sampleSum(issuance, 'pki_certificates_issued_total')).toBe(gatewayIssued);
    expect(sampleSum(issuance, 'pki_command_server_duration_seconds_count', { service: 'issuance', operation: 'IssueCertificate', outcome: 'ok' })).toBe(gatewayIssued);
    expect(sampleSum(issuance, 'pki_command_client_duration_seconds_count', { service: 'ca', operation: 'SignData', outcome: 'ok' })).toBe(gatewayIssued);
    // Two events per certificate (CertificateRequested, CertificateIssued); group commit may put several in one transaction.
    expect(sampleSum(issuance, 'pki_eventstore_events_appended_total', { schema: 'issuance' })).toBeGreaterThanOrEqual(2 * gatewayIssued);
    expect(sampleSum(issuance, 'pki_eventstore_append_duration_seconds_count', { schema: 'issuance', outcome: 'ok' })).toBeGreaterThan(0);
    expect(sampleSum(issuance, 'pki_db_pool_max_connections', { schema: 'issuance' })).toBeGreaterThan(0);
    expect(samplesOf(issuance, 'pki_outbox_unpublished_events', { schema: 'issuance' })).toHaveLength(1);
  });

  it('ca-service counts signatures by key backend and purpose, times them, and has no signing errors', () => {
    const ca = scraped.get('ca-service')!;
    const issuedLeaves = sampleSum(scraped.get('issuance-service')!, 'pki_certificates_issued_total', { template: 'EndEntityCertificate/V1' });
    const signatures = (purpose: string) => sampleSum(ca, 'pki_signatures_total', { backend: 'software', purpose });
    expect([signatures('CSR'), signatures('CA_CERTIFICATE'), signatures('CERTIFICATE')]).toEqual([1, 1, issuedLeaves]);
    expect(signatures('CRL')).toBeGreaterThanOrEqual(1);
    expect(signatures('OCSP')).toBeGreaterThanOrEqual(3);
    expect(sampleSum(ca, 'pki_signing_duration_seconds_count', { backend: 'software' })).toBe(sampleSum(ca, 'pki_signatures_total'));
    expect(ca.get('pki_signing_errors_total')?.type).toBe('counter');
    expect(sampleSum(ca, 'pki_signing_errors_total')).toBe(0);
  });

  it('revocation-service: revocations, the CA\'s CRL (number, entries, size, nextUpdate), OCSP answers by status', () => {
    const revocation = scraped.get('revocation-service')!;
    expect(sampleSum(revocation, 'pki_certificates_revoked_total', { ca: caId, reason: 'KEY_COMPROMISE' })).toBe(1);
    expect(sampleSum(revocation, 'pki_crl_entries', { ca: caId })).toBe(1);
    expect(sampleSum(revocation, 'pki_crl_number', { ca: caId })).toBeGreaterThanOrEqual(1);
    expect(sampleSum(revocation, 'pki_crl_size_bytes', { ca: caId })).toBeGreaterThan(100);
    expect(sampleSum(revocation, 'pki_crl_generation_duration_seconds_count')).toBeGreaterThanOrEqual(1);
    const nextUpdate = sampleSum(revocation, 'pki_crl_next_update_timestamp_seconds', { ca: caId });
    const inDays = (nextUpdate - Date.now() / 1000) / 86_400;
    expect(inDays).toBeGreaterThan(CRL_DAYS - 1);
    expect(inDays).toBeLessThanOrEqual(CRL_DAYS);
    const ocsp = (status: string) => sampleSum(revocation, 'pki_ocsp_responses_total', { status });
    expect(ocsp('revoked')).toBeGreaterThanOrEqual(1);
    // The second GET of the same request was answered by the gateway from its pre-signed response (counted there).
    expect(ocsp('good')).toBeGreaterThanOrEqual(1);
    expect(ocsp('unknown')).toBeGreaterThanOrEqual(1);
    expect(ocsp('malformed')).toBeGreaterThanOrEqual(1);
  });

  it('each service reports its outbox, and each projection its lag and parked messages; caught up, the lag is 0', async () => {
    for (const [app, schema] of [['ca-service', 'ca'], ['issuance-service', 'issuance'], ['revocation-service', 'revocation'], ['iot-registry', 'iot'], ['directory-certs', 'directory']] as const) {
      const families = scraped.get(app)!;
      expect([app, samplesOf(families, 'pki_outbox_oldest_unpublished_age_seconds', { schema }).length]).toEqual([app, 1]);
    }
    const sources = samplesOf(scraped.get('revocation-service')!, 'pki_projection_lag_events', { schema: 'revocation' }).map((s) => s.labels.source).sort();
    expect(sources).toEqual(['ca', 'issuance']);
    expect(sampleSum(scraped.get('revocation-service')!, 'pki_projection_parked_messages', { schema: 'revocation' })).toBe(0);
    await waitFor(
      async () => {
        const families = await scrape('revocation-service');
        return sampleSum(families, 'pki_projection_lag_events', { schema: 'revocation' }) === 0 && sampleSum(families, 'pki_projection_lag_seconds', { schema: 'revocation' }) === 0;
      },
      { timeoutMs: 30_000, what: "revocation-service's projections to report no lag" },
    );
  });

  it('every metric the shipped alert rules use is exported by some app', () => {
    const rules = parseYaml(readFileSync(path.join(ROOT, 'deploy', 'prometheus', 'alerts.yaml'), 'utf8')) as { groups: Array<{ rules: Array<{ alert: string; expr: string }> }> };
    const alerts = rules.groups.flatMap((g) => g.rules);
    expect(alerts.map((r) => r.alert).sort()).toEqual(['PkiCrlStale', 'PkiOutboxStale', 'PkiProjectionLagging', 'PkiProjectionParkedMessages', 'PkiSigningErrors']);
    const exported = new Set([...scraped.values()].flatMap((families) => [...families.values()].flatMap((f) => [f.name, ...f.samples.map((s) => s.name)])));
    for (const { alert, expr } of alerts) {
      const names = expr.match(/\bpki_[a-z0-9_]+/g) ?? [];
      expect([alert, names.length > 0]).toEqual([alert, true]);
      for (const name of names) expect([alert, name, exported.has(name)]).toEqual([alert, name, true]);
    }
  });
});
