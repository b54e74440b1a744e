/**
 * The revocation of one certificate (one aggregate per CA and serial), as a decider:
 * decide(command, state) -> events, evolve(state, event) -> state. Pure: the clock, the caller
 * and what this service knows of the CA and the certificate arrive in the command.
 */
import { DomainError, REVOCATION_EVENT_TYPES, REVOCATION_REASONS, isRevocationReason, type RevocationReason } from '@pki/contracts';
import type { CertificateRevokedEvent, RevocationEvent } from './revocation.events';

/**
 * CA statuses in which RevokeCertificate is accepted. ACTIVE, and DISABLED: a disabled CA stops
 * issuing but stays responsible for what it issued (its certificates remain valid until revoked
 * or expired). CREATING / PENDING_CERTIFICATE / FAILED CAs issued nothing; DELETED and EXPIRED
 * CAs no longer maintain revocation information.
 */
export const REVOCABLE_CA_STATUSES: readonly string[] = ['ACTIVE', 'DISABLED'];

export interface CaFacts {
  readonly id: string;
  readonly arn: string;
  readonly ownerAccount: string;
  readonly status: string;
  /** Serial of the CA's own certificate (canonical hex), null before it was imported. */
  readonly certificateSerial: string | null;
  /** RFC 4514 subject of the CA certificate: the issuer DN of what it signs. */
  readonly subject: string | null;
}

export interface IssuedCertificateFacts {
  readonly serial: string;
  readonly certificateArn: string;
  readonly issuerDn: string;
  readonly sha256Fingerprint: string;
  /** True when this is the CA's own self-signed certificate (RootCACertificate/V1). */
  readonly selfSigned: boolean;
}

export type RevocationState = { readonly status: 'NotRevoked' } | { readonly status: 'Revoked'; readonly revokedAt: string; readonly reason: RevocationReason };

export const initialState: RevocationState = { status: 'NotRevoked' };

export interface RevokeCertificate {
  readonly type: 'RevokeCertificate';
  readonly callerAccount: string;
  readonly ca: CaFacts | null;
  /** The certificate as issuance reported it, null when this CA never issued that serial (as far as we know). */
  readonly certificate: IssuedCertificateFacts | null;
  readonly serial: string;
  readonly reason: RevocationReason;
  readonly caArn: string;
  readonly now: Date;
}

export type RevocationCommand = RevokeCertificate;

function revoke(command: RevokeCertificate, state: RevocationState): CertificateRevokedEvent[] {
  const { ca, certificate } = command;
  if (!ca) throw new DomainError('NotFound', `Certificate authority ${command.caArn} does not exist.`, 'ResourceNotFoundException');
  if (ca.ownerAccount !== command.callerAccount) {
    throw new DomainError('Forbidden', `Account ${command.callerAccount} is not allowed to revoke certificates of ${ca.arn}.`, 'AccessDeniedException');
  }
  if (!REVOCABLE_CA_STATUSES.includes(ca.status)) {
    throw new DomainError('InvalidState', `The certificate authority ${ca.arn} is ${ca.status}; certificates can be revoked only while it is ACTIVE or DISABLED.`, 'InvalidStateException');
  }
  if (!isRevocationReason(command.reason)) {
    throw new DomainError('Malformed', `RevocationReason ${JSON.stringify(command.reason)} is not one of ${REVOCATION_REASONS.join(', ')}.`, 'InvalidRequestException');
  }
  if (!certificate) {
    throw new DomainError('NotFound', `Certificate authority ${ca.arn} has not issued a certificate with serial ${command.serial}.`, 'ResourceNotFoundException');
  }
  if (certificate.selfSigned || certificate.serial === ca.certificateSerial) {
    throw new DomainError('Malformed', `Serial ${command.serial} is the certificate of ${ca.arn} itself; a CA certificate cannot be revoked by its own CA (delete the CA instead).`, 'InvalidRequestException');
  }
  if (state.status === 'Revoked') {
    throw new DomainError('Conflict', `The certificate with serial ${command.serial} was already revoked at ${state.revokedAt} (${state.reason}).`, 'RequestAlreadyProcessedException');
  }
  return [
    {
      type: REVOCATION_EVENT_TYPES.CertificateRevoked,
      schemaVersion: 1,
      data: {
        certificateArn: certificate.certificateArn,
        certificateAuthorityArn: ca.arn,
        certificateAuthorityId: ca.id,
        serial: certificate.serial,
        issuerDn: certificate.issuerDn,
        sha256Fingerprint: certificate.sha256Fingerprint,
        revocationReason: command.reason,
        revokedAt: command.now.toISOString(),
        accountId: command.callerAccount,
      },
    },
  ];
}

export function decide(command: RevocationCommand, state: RevocationState): RevocationEvent[] {
  switch (command.type) {
    case 'RevokeCertificate':
      return revoke(command, state);
    default: {
      const exhaustive: never = command.type;
      throw new Error(`unknown command ${String(exhaustive)}`);
    }
  }
}

export function evolve(state: RevocationState, event: RevocationEvent): RevocationState {
  switch (event.type) {
    case REVOCATION_EVENT_TYPES.CertificateRevoked:
      return { status: 'Revoked', revokedAt: event.data.revokedAt, reason: event.data.revocationReason };
    default: {
      const exhaustive: never = event.type;
      throw new Error(`unknown event ${String(exhaustive)}`);
    }
  }
}
