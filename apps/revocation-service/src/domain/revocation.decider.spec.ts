import { REVOCATION_REASONS, type RevocationReason } from '@pki/contracts';
import { contractProblems, deciderSpec, errorOf } from '@pki/testing';
import { canonicalSerial } from './certificate-serial';
import { decide, evolve, initialState, type CaFacts, type IssuedCertificateFacts, type RevokeCertificate } from './revocation.decider';

const OWNER = '111111111111';
const ca: CaFacts = { id: 'c0ffee00-0000-4000-8000-000000000001', arn: `arn:aws:acm-pca:us-east-1:${OWNER}:certificate-authority/c0ffee00-0000-4000-8000-000000000001`, ownerAccount: OWNER, status: 'ACTIVE', certificateSerial: 'ca5e', subject: 'CN=Root' };
const certificate: IssuedCertificateFacts = { serial: '79a4120e', certificateArn: `${ca.arn}/certificate/79a4120e`, issuerDn: 'CN=Root', sha256Fingerprint: 'ab'.repeat(32), selfSigned: false };
const now = new Date('2026-11-22T10:00:00Z');
const command = (over: Partial<RevokeCertificate> = {}): RevokeCertificate => ({ type: 'RevokeCertificate', callerAccount: OWNER, ca, certificate, serial: certificate.serial, reason: 'KEY_COMPROMISE', caArn: ca.arn, now, ...over });
const { given } = deciderSpec({ decide, evolve, initialState });

describe('revocation decider', () => {
  it('given no revocation, when RevokeCertificate, then CertificateRevoked with the complete fact', () => {
    given([]).when(command()).then([
      {
        type: 'CertificateRevoked',
        schemaVersion: 1,
        data: { certificateArn: certificate.certificateArn, certificateAuthorityArn: ca.arn, certificateAuthorityId: ca.id, serial: '79a4120e', issuerDn: 'CN=Root', sha256Fingerprint: certificate.sha256Fingerprint, revocationReason: 'KEY_COMPROMISE', revokedAt: now.toISOString(), accountId: OWNER },
      },
    ]);
  });

  it('accepts every documented reason', () => {
    for (const reason of REVOCATION_REASONS) expect(given([]).when(command({ reason })).events()[0]!.data.revocationReason).toBe(reason);
    // The payload audit, IoT and Directory Service projections check, for every reason.
    expect(REVOCATION_REASONS.flatMap((reason) => contractProblems(given([]).when(command({ reason })).events()))).toEqual([]);
    given([]).when(command({ reason: 'LOST' as RevocationReason })).thenThrows({ code: 'InvalidRequestException' });
  });

  it('given CertificateRevoked, when revoked again, then RequestAlreadyProcessedException', () => {
    const revoked = given(given([]).when(command()).events());
    expect(revoked.state).toEqual({ status: 'Revoked', revokedAt: now.toISOString(), reason: 'KEY_COMPROMISE' });
    revoked.when(command({ reason: 'SUPERSEDED' })).thenThrows({ code: 'RequestAlreadyProcessedException' });
  });

  it('refuses unknown CAs and certificates, other accounts, the CA certificate itself and CAs in the wrong state', () => {
    given([]).when(command({ ca: null })).thenThrows({ code: 'ResourceNotFoundException' });
    given([]).when(command({ certificate: null })).thenThrows({ code: 'ResourceNotFoundException' });
    given([]).when(command({ callerAccount: '222222222222' })).thenThrows({ code: 'AccessDeniedException' });
    given([]).when(command({ certificate: { ...certificate, selfSigned: true } })).thenThrows({ code: 'InvalidRequestException' });
    given([]).when(command({ certificate: { ...certificate, serial: 'ca5e' }, serial: 'ca5e' })).thenThrows({ code: 'InvalidRequestException' });
    for (const status of ['CREATING', 'PENDING_CERTIFICATE', 'FAILED', 'DELETED', 'EXPIRED']) {
      given([]).when(command({ ca: { ...ca, status } })).thenThrows({ code: 'InvalidStateException' });
    }
    expect(given([]).when(command({ ca: { ...ca, status: 'DISABLED' } })).events()).toHaveLength(1);
  });
});

describe('CertificateSerial', () => {
  it('accepts hex with or without colons, any case, and canonicalizes', () => {
    expect(canonicalSerial('79:a4:12:0e')).toBe('79a4120e');
    expect(canonicalSerial('79A4120E')).toBe('79a4120e');
    expect(canonicalSerial('00:8f:01')).toBe('8f01');
    expect(canonicalSerial('8:f:1')).toBe('80f01');
    expect(canonicalSerial('0a1b')).toBe('a1b');
    expect(canonicalSerial('dead:BEEF')).toBe('deadbeef');
  });
  it('refuses non-hex, zero and over-long serials with InvalidRequestException', () => {
    for (const bad of ['', 'xyz', '12:34:', ':12', '12 34', '0x1234', '00', 'f'.repeat(41), '1::2']) {
      expect(errorOf(() => canonicalSerial(bad)).code).toBe('InvalidRequestException');
    }
  });
});
