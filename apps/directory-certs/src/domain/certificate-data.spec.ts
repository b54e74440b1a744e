import { createHash } from 'node:crypto';
import { fromPem } from '@pki/pki';
import { errorOf } from '@pki/testing';
import { readCertificateData, trustAnchorProblem } from './certificate-data';
import { days, makeCertificate } from './certificate.spec-helper';

const NOW = new Date('2026-11-22T10:00:00.000Z');
const valid = { notBefore: new Date(NOW.getTime() - days(1)), notAfter: new Date(NOW.getTime() + days(365)) };

describe('readCertificateData', () => {
  it('reads CommonName, validity and the SHA-256 fingerprint of the DER from the certificate itself', () => {
    const pem = makeCertificate({ commonName: 'Corp LDAPS Root', ...valid });
    const facts = readCertificateData(`\n${pem}\n`);
    expect(facts).toMatchObject({ commonName: 'Corp LDAPS Root', subject: 'CN=Corp LDAPS Root,O=Example Corp', notBefore: valid.notBefore, notAfter: valid.notAfter, rsassaPss: false });
    expect(facts.sha256Fingerprint).toBe(createHash('sha256').update(fromPem(pem)).digest('hex'));
    expect(facts.certificatePem).toBe(pem);
  });

  it.each([
    ['text that is no PEM', 'hello'],
    ['a PEM block that is no certificate', '-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n'],
    ['a CSR', '-----BEGIN CERTIFICATE REQUEST-----\nMAA=\n-----END CERTIFICATE REQUEST-----\n'],
  ])('refuses %s with InvalidCertificateException', (_what, data) => {
    expect(errorOf(() => readCertificateData(data)).code).toBe('InvalidCertificateException');
  });

  it('refuses two certificates in one CertificateData', () => {
    const pem = makeCertificate(valid);
    const error = errorOf(() => readCertificateData(pem + pem));
    expect(error.code).toBe('InvalidCertificateException');
    expect(error.message).toContain('exactly one');
  });
});

describe('trustAnchorProblem (the Registering step)', () => {
  it('accepts a self-signed CA certificate', () => {
    expect(trustAnchorProblem(makeCertificate(valid))).toBeNull();
  });

  it('refuses an end-entity certificate and a self-issued certificate whose signature does not verify', () => {
    expect(trustAnchorProblem(makeCertificate({ ...valid, ca: false }))).toMatch(/not a CA certificate/);
    expect(trustAnchorProblem(makeCertificate({ ...valid, badSignature: true }))).toMatch(/does not verify/);
  });
});
