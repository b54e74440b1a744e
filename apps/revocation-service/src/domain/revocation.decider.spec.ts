import { DomainError, REVOCATION_REASONS, type RevocationReason } from '@pki/contracts';
import { canonicalSerial } from './certificate-serial';
import { decide, evolve, initialState, type CaFacts, type IssuedCertificateFacts, type RevokeCertificate } from './revocation.decider';

const OWNER = '111111111111';
const ca: CaFacts = { id: 'c0ffee00-0000-4000-8000-000000000001', arn: `arn:aws:acm-pca:us-east-1:${OWNER}:certificate-authority/c0ffee00-0000-4000-8000-000000000001`, ownerAccount: OWNER, status: 'ACTIVE', certificateSerial: 'ca5e', subject: 'CN=Root' };
const certificate: IssuedCertificateFacts = { serial: '79a4120e', certificateArn: `${ca.arn}/certificate/79a4120e`, issuerDn: 'CN=Root', sha256Fingerprint: 'ab'.repeat(32), selfSigned: false };
const now = new Date('2026-11-22T10:00:00Z');
const command = (over: Partial<RevokeCertificate> = {}): RevokeCertificate => ({ type: 'RevokeCertificate', callerAccount: OWNER, ca, certificate, serial: certificate.serial, reason: 'KEY_COMPROMISE', caArn: ca.arn, now, ...over });
const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (error) {
    if (error instanceof DomainError) return error.code;
    throw error;
  }
  return undefined;
};

describe('revocation decider', () => {
  it('given no revocation, when RevokeCertificate, then CertificateRevoked with the complete fact', () => {
    expect(decide(command(), initialState)).toEqual([
      {
        type: 'CertificateRevoked',
        schemaVersion: 1,
        data: { certificateArn: certificate.certificateArn, certificateAuthorityArn: ca.arn, certificateAuthorityId: ca.id, serial: '79a4120e', issuerDn: 'CN=Root', sha256Fingerprint: certificate.sha256Fingerprint, revocationReason: 'KEY_COMPROMISE', revokedAt: now.toISOString(), accountId: OWNER },
      },
    ]);
  });

  it('accepts every documented reason', () => {
    for (const reason of REVOCATION_REASONS) expect(decide(command({ reason }), initialState)[0]!.data.revocationReason).toBe(reason);
    expect(codeOf(() => decide(command({ reason: 'LOST' as RevocationReason }), initialState))).toBe('InvalidRequestException');
  });

  it('given CertificateRevoked, when revoked again, then RequestAlreadyProcessedException', () => {
    const state = decide(command(), initialState).reduce(evolve, initialState);
    expect(state).toEqual({ status: 'Revoked', revokedAt: now.toISOString(), reason: 'KEY_COMPROMISE' });
    expect(codeOf(() => decide(command({ reason: 'SUPERSEDED' }), state))).toBe('RequestAlreadyProcessedException');
  });

  it('refuses unknown CAs and certificates, other accounts, the CA certificate itself and CAs in the wrong state', () => {
    expect(codeOf(() => decide(command({ ca: null }), initialState))).toBe('ResourceNotFoundException');
    expect(codeOf(() => decide(command({ certificate: null }), initialState))).toBe('ResourceNotFoundException');
    expect(codeOf(() => decide(command({ callerAccount: '222222222222' }), initialState))).toBe('AccessDeniedException');
    expect(codeOf(() => decide(command({ certificate: { ...certificate, selfSigned: true } }), initialState))).toBe('InvalidRequestException');
    expect(codeOf(() => decide(command({ certificate: { ...certificate, serial: 'ca5e' }, serial: 'ca5e' }), initialState))).toBe('InvalidRequestException');
    for (const status of ['CREATING', 'PENDING_CERTIFICATE', 'FAILED', 'DELETED', 'EXPIRED']) {
      expect(codeOf(() => decide(command({ ca: { ...ca, status } }), initialState))).toBe('InvalidStateException');
    }
    expect(decide(command({ ca: { ...ca, status: 'DISABLED' } }), initialState)).toHaveLength(1);
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
      expect(codeOf(() => canonicalSerial(bad))).toBe('InvalidRequestException');
    }
  });
});
