import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { metricsText } from '@pki/service-kit';
import { parsePrometheusText, sampleSum } from '@pki/testing';
import { apiOperationOf, observeApiRequest } from './api-metrics';

const OCSP_BASE64 = Buffer.from([0x30, 0x03, 0x02, 0x01, 0x01]).toString('base64');

describe('apiOperationOf', () => {
  it.each([
    ['POST', '/', { 'x-amz-target': 'ACMPrivateCA.IssueCertificate', authorization: 'AWS4-HMAC-SHA256 ...' }, 'acm-pca', 'IssueCertificate'],
    ['POST', '/', { 'x-amz-target': 'ACMPrivateCA.MadeUpOperation' }, 'acm-pca', 'unknown'],
    ['POST', '/', { 'x-amz-target': 'DirectoryService_20150416.RegisterCertificate' }, 'ds', 'RegisterCertificate'],
    ['POST', '/', { 'x-amz-target': 'SomeOtherService.Anything' }, 'unknown', 'unknown'],
    ['GET', '/certificates/abc?x=1', { authorization: 'AWS4-HMAC-SHA256 ...' }, 'iot', 'DescribeCertificate'],
    ['POST', '/certificates?setAsActive=true', { authorization: 'AWS4-HMAC-SHA256 ...' }, 'iot', 'CreateCertificateFromCsr'],
    ['GET', '/no/such/iot/route/at/all', { authorization: 'AWS4-HMAC-SHA256 ...' }, 's3', 'GetObject'],
    ['DELETE', '/nothing-here', {}, 'unknown', 'unknown'],
    ['POST', '/ocsp', { 'content-type': 'application/ocsp-request' }, 'ocsp', 'OcspRequest'],
    ['GET', `/ocsp/${encodeURIComponent(OCSP_BASE64)}`, {}, 'ocsp', 'OcspRequest'],
    ['GET', `/${OCSP_BASE64}`, {}, 'ocsp', 'OcspRequest'],
    ['POST', '/', { 'content-type': 'application/ocsp-request' }, 'ocsp', 'OcspRequest'],
    ['HEAD', '/my-bucket/crl/0b9e2c44-7d1a-4c1e-9d55-6a3f1f0e8b21.crl', {}, 's3', 'HeadObject'],
    ['GET', '/crl/0b9e2c44-7d1a-4c1e-9d55-6a3f1f0e8b21.crl', {}, 's3', 'GetObject'],
  ])('%s %s %j -> %s %s', (method, url, headers, api, operation) => {
    expect(apiOperationOf(method, url, headers)).toEqual({ api, operation });
  });
});

describe('observeApiRequest', () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      observeApiRequest(req, res);
      const status = Number(req.headers['x-test-status'] ?? '200');
      res.statusCode = status;
      if (status >= 400 && req.headers['x-test-error']) res.setHeader('x-amzn-ErrorType', String(req.headers['x-test-error']));
      res.end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('counts and times each answer by API, operation and outcome, and errors by their AWS code', async () => {
    const call = (target: string, headers: Record<string, string> = {}) => fetch(base, { method: 'POST', headers: { 'x-amz-target': target, ...headers }, body: '{}' }).then((r) => r.text());
    await call('ACMPrivateCA.IssueCertificate');
    await call('ACMPrivateCA.IssueCertificate');
    await call('ACMPrivateCA.IssueCertificate', { 'x-test-status': '400', 'x-test-error': 'MalformedCSRException' });
    await call('ACMPrivateCA.GetCertificate', { 'x-test-status': '503' });
    const families = parsePrometheusText(await metricsText());
    const requests = (operation: string, outcome: string) => sampleSum(families, 'pki_api_requests_total', { api: 'acm-pca', operation, outcome });
    expect([requests('IssueCertificate', 'success'), requests('IssueCertificate', 'client_error'), requests('GetCertificate', 'server_error')]).toEqual([2, 1, 1]);
    expect(sampleSum(families, 'pki_api_request_duration_seconds_count', { api: 'acm-pca', operation: 'IssueCertificate', outcome: 'success' })).toBe(2);
    expect(sampleSum(families, 'pki_api_errors_total', { operation: 'IssueCertificate', code: 'MalformedCSRException' })).toBe(1);
    expect(sampleSum(families, 'pki_api_errors_total', { operation: 'GetCertificate', code: 'HTTP503' })).toBe(1);
  });
});
