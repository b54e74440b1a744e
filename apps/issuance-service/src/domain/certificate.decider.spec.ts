import { createHash, createPublicKey, sign as cryptoSign } from 'node:crypto';
import type { CertificateRequestedV1 } from '@pki/contracts';
import { assembleCertificate } from '@pki/pki';
import { contractProblems, deciderSpec } from '@pki/testing';
import { certificateIntent, profileFor, type IssueCertificateInput } from './certificate-request';
import { lintCertificate } from './certificate-lint';
import { decide, evolve, initialState } from './certificate.decider';
import type { CertificateEvent } from './certificate.events';
import { csrFor, ecKey, makeRootCa, NOW, template, type TestCa } from './profile-test-kit.spec-helper';

const { given } = deciderSpec({ decide, evolve, initialState });

describe('Certificate decider', () => {
  let root: TestCa;
  let requested: CertificateRequestedV1;
  let tbs: Buffer;
  let signedDer: Buffer;
  let profile: ReturnType<typeof profileFor>;
  const at = new Date(NOW.getTime() + 1000);
  const input = { Validity: { Type: 'DAYS', Value: 30 } } as IssueCertificateInput;

  beforeAll(async () => {
    root = await makeRootCa();
    const csr = await csrFor(ecKey(), { CommonName: 'leaf.example.com' });
    profile = profileFor(input, template('EndEntityCertificate'), csr, root.facts, NOW);
    const intent = certificateIntent({
      certificateId: '0b7a7c1e-1111-4222-8333-444455556666', caArn: 'arn:aws:acm-pca:us-east-1:111111111111:certificate-authority/0b7a7c1e-0000-4000-8000-000000000001',
      caId: '0b7a7c1e-0000-4000-8000-000000000001', serial: 0x1234abcdn << 64n, template: template('EndEntityCertificate'), signingAlgorithm: 'SHA256WITHECDSA',
      purpose: 'CERTIFICATE', profile, csr, certificateChain: root.pem, idempotencyToken: 'tok', accountId: '111111111111', now: NOW,
    });
    requested = intent.requested;
    tbs = intent.tbs;
    signedDer = assembleCertificate(tbs, 'SHA256WITHECDSA', cryptoSign('sha256', tbs, root.key.privateKey));
  });

  const requestedEvent = (): CertificateEvent => ({ type: 'CertificateRequested', schemaVersion: 1, data: requested });
  const failedEvent = (reason: string) =>
    ({
      type: 'CertificateIssuanceFailed',
      schemaVersion: 1,
      data: {
        certificateId: requested.certificateId, certificateArn: requested.certificateArn, certificateAuthorityArn: requested.certificateAuthorityArn,
        certificateAuthorityId: requested.certificateAuthorityId, serial: requested.serial, reason, accountId: '111111111111', failedAt: at.toISOString(),
      },
    }) as const;

  it('records the intent: serial, ARN and the hash of the exact TBS', () => {
    given([]).when({ type: 'RequestCertificate', request: requested }).then([requestedEvent()]);
    expect(requested.serial).toBe('1234abcd0000000000000000');
    expect(requested.certificateArn).toMatch(/certificate-authority\/0b7a7c1e-0000-4000-8000-000000000001\/certificate\/1234abcd0000000000000000$/);
    expect(requested.tbsSha256).toBe(createHash('sha256').update(tbs).digest('hex'));
  });

  it('refuses a second request on the same stream and a request whose hash does not match its TBS', () => {
    given([requestedEvent()]).when({ type: 'RequestCertificate', request: requested }).thenThrows({ kind: 'Conflict' });
    expect(() => given([]).when({ type: 'RequestCertificate', request: { ...requested, tbsSha256: '00'.repeat(32) } }).events()).toThrow(/tbsSha256/);
  });

  it('issues when the signed certificate is the recorded TBS and the lint is clean, with complete facts', () => {
    const [event] = given([requestedEvent()]).when({ type: 'RecordSignature', certificateDer: signedDer, lintProblems: [], now: at }).events();
    expect(event).toEqual({
      type: 'CertificateIssued',
      schemaVersion: 1,
      data: {
        certificateArn: requested.certificateArn,
        certificateAuthorityArn: requested.certificateAuthorityArn,
        certificateAuthorityId: requested.certificateAuthorityId,
        serial: '1234abcd0000000000000000',
        subject: 'CN=leaf.example.com',
        issuerDn: 'CN=Example Root CA,O=Example Corp,C=US',
        notBefore: requested.notBefore,
        notAfter: requested.notAfter,
        issuedAt: at.toISOString(),
        templateArn: 'arn:aws:acm-pca:::template/EndEntityCertificate/V1',
        certificateDer: signedDer.toString('base64'),
        sha256Fingerprint: createHash('sha256').update(signedDer).digest('hex'),
        accountId: '111111111111',
        requestedByServicePrincipal: null,
      },
    });
    expect(contractProblems([event!])).toEqual([]); // the payload revocation, audit and IoT projections check
  });

  it('fails (and releases nothing) when what was signed is not what was recorded', () => {
    const otherTbs = Buffer.from(tbs);
    otherTbs[otherTbs.length - 1] ^= 0x01;
    const forged = assembleCertificate(otherTbs, 'SHA256WITHECDSA', cryptoSign('sha256', otherTbs, root.key.privateKey));
    const [event] = given([requestedEvent()]).when({ type: 'RecordSignature', certificateDer: forged, lintProblems: [], now: at }).events();
    expect(event).toMatchObject({ type: 'CertificateIssuanceFailed', data: { reason: 'the signed certificate is not the recorded TBSCertificate', serial: requested.serial, failedAt: at.toISOString() } });
  });

  it('fails with the lint findings, and on bytes that are no certificate', () => {
    given([requestedEvent()])
      .when({ type: 'RecordSignature', certificateDer: signedDer, lintProblems: ['signature does not verify'], now: at })
      .then([failedEvent('the signed certificate failed its lint: signature does not verify')]);
    expect(given([requestedEvent()]).when({ type: 'RecordSignature', certificateDer: Buffer.from('garbage'), lintProblems: [], now: at }).events())
      .toEqual([failedEvent(expect.stringMatching(/does not parse/))]);
  });

  it('signs once: after the outcome, no further signature or failure is accepted', () => {
    const [issued] = given([requestedEvent()]).when({ type: 'RecordSignature', certificateDer: signedDer, lintProblems: [], now: at }).events();
    given([requestedEvent(), issued!]).when({ type: 'RecordSignature', certificateDer: signedDer, lintProblems: [], now: at }).thenThrows({ kind: 'Conflict' });
    given([requestedEvent(), issued!]).when({ type: 'FailIssuance', reason: 'x', now: at }).thenThrows({ kind: 'Conflict' });
    given([]).when({ type: 'RecordSignature', certificateDer: signedDer, lintProblems: [], now: at }).thenThrows({ kind: 'Conflict' });
  });

  it('records a failure with its reason; a failed certificate stays failed', () => {
    const failed = failedEvent('signing failed: CA is DISABLED');
    given([requestedEvent()]).when({ type: 'FailIssuance', reason: 'signing failed: CA is DISABLED', now: at }).then([failed]);
    given([requestedEvent(), failed]).when({ type: 'RecordSignature', certificateDer: signedDer, lintProblems: [], now: at }).thenThrows({ kind: 'Conflict' });
  });

  describe('lint', () => {
    const expectation = () => ({ serial: requested.serial, signingAlgorithm: 'SHA256WITHECDSA' as const, issuerDer: profile.issuerDer, extensions: profile.extensions, template: template('EndEntityCertificate') });
    const caKey = () => createPublicKey({ key: root.key.spki, format: 'der', type: 'spki' });

    it('is clean for the certificate the profile decided, signed by the CA', () => {
      expect(lintCertificate(signedDer, expectation(), caKey())).toEqual([]);
    });

    it('finds a signature by another key, a different serial and extensions the profile did not decide', () => {
      const byOther = assembleCertificate(tbs, 'SHA256WITHECDSA', cryptoSign('sha256', tbs, ecKey().privateKey));
      expect(lintCertificate(byOther, expectation(), caKey())).toEqual(["signature does not verify with the CA's public key"]);
      expect(lintCertificate(signedDer, { ...expectation(), serial: 'abc' }, caKey())).toEqual(['serial 1234abcd0000000000000000 is not the recorded abc']);
      const problems = lintCertificate(signedDer, { ...expectation(), extensions: profile.extensions.slice(1), template: template('SubordinateCACertificate_PathLen0') }, caKey());
      expect(problems).toEqual(expect.arrayContaining([expect.stringMatching(/has \d+ extensions/), expect.stringMatching(/basicConstraints/)]));
      expect(lintCertificate(Buffer.from('nope'), expectation(), caKey())[0]).toMatch(/does not parse/);
    });
  });
});
