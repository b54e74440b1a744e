/**
 * The Certificate aggregate (STYLE.md "The decider"): requested (the intent: serial and the
 * exact TBSCertificate, recorded before anything is signed) -> issued (the signed certificate,
 * checked against the intent) or failed. Pure: time, ids, serials and the lint verdict arrive
 * in the commands.
 */
import { createHash } from 'node:crypto';
import {
  DomainError,
  ISSUANCE_EVENT_TYPES,
  type CertificateIssuanceFailedV1,
  type CertificateIssuedV1,
  type CertificateRequestedV1,
} from '@pki/contracts';
import { nameToString } from '@pki/pki';
import { certificateParts, CertificateDerError } from './certificate-der';
import type { CertificateEvent } from './certificate.events';

export type CertificateState =
  | { readonly status: 'INITIAL' }
  | { readonly status: 'REQUESTED'; readonly requested: CertificateRequestedV1 }
  | { readonly status: 'ISSUED'; readonly requested: CertificateRequestedV1; readonly issued: CertificateIssuedV1 }
  | { readonly status: 'FAILED'; readonly requested: CertificateRequestedV1; readonly failure: CertificateIssuanceFailedV1 };

export const initialState: CertificateState = { status: 'INITIAL' };

export interface RequestCertificate {
  readonly type: 'RequestCertificate';
  readonly request: CertificateRequestedV1;
}

export interface RecordSignature {
  readonly type: 'RecordSignature';
  /** The assembled certificate, DER. */
  readonly certificateDer: Uint8Array;
  /** What the lint (parse back, signature, extensions against the profile) found; empty when clean. */
  readonly lintProblems: readonly string[];
  readonly now: Date;
}

export interface FailIssuance {
  readonly type: 'FailIssuance';
  readonly reason: string;
  readonly now: Date;
}

export type CertificateCommand = RequestCertificate | RecordSignature | FailIssuance;

const sha256Hex = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

function conflict(state: CertificateState, what: string): DomainError {
  return new DomainError('Conflict', `${what}: the certificate is already ${state.status}`);
}

function failed(requested: CertificateRequestedV1, reason: string, now: Date): CertificateEvent[] {
  return [
    {
      type: ISSUANCE_EVENT_TYPES.CertificateIssuanceFailed,
      schemaVersion: 1,
      data: {
        certificateId: requested.certificateId,
        certificateArn: requested.certificateArn,
        certificateAuthorityArn: requested.certificateAuthorityArn,
        certificateAuthorityId: requested.certificateAuthorityId,
        serial: requested.serial,
        reason,
        accountId: requested.accountId,
        failedAt: now.toISOString(),
      },
    },
  ];
}

function request(command: RequestCertificate, state: CertificateState): CertificateEvent[] {
  if (state.status !== 'INITIAL') throw conflict(state, 'RequestCertificate');
  const r = command.request;
  if (!/^[1-9a-f][0-9a-f]*$/.test(r.serial)) throw new Error(`serial ${r.serial} is not lowercase hex without leading zeros`);
  if (sha256Hex(Buffer.from(r.tbsCertificate, 'base64')) !== r.tbsSha256) throw new Error('tbsSha256 does not match tbsCertificate');
  return [{ type: ISSUANCE_EVENT_TYPES.CertificateRequested, schemaVersion: 1, data: r }];
}

/**
 * "Check that what was signed is what was recorded": the certificate's TBS must be the
 * recorded one, octet for octet (its SHA-256), and the lint must be clean; otherwise the
 * certificate is never released and the request fails with the reason.
 */
function recordSignature(command: RecordSignature, state: CertificateState): CertificateEvent[] {
  if (state.status !== 'REQUESTED') throw conflict(state, 'RecordSignature');
  const { requested } = state;
  let parts;
  try {
    parts = certificateParts(command.certificateDer);
  } catch (error) {
    if (error instanceof CertificateDerError) return failed(requested, `the signed certificate does not parse: ${error.message}`, command.now);
    throw error;
  }
  if (sha256Hex(parts.tbs) !== requested.tbsSha256) {
    return failed(requested, 'the signed certificate is not the recorded TBSCertificate', command.now);
  }
  if (command.lintProblems.length) return failed(requested, `the signed certificate failed its lint: ${command.lintProblems.join('; ')}`, command.now);
  const issued: CertificateIssuedV1 = {
    certificateArn: requested.certificateArn,
    certificateAuthorityArn: requested.certificateAuthorityArn,
    certificateAuthorityId: requested.certificateAuthorityId,
    serial: requested.serial,
    subject: nameToString(parts.subjectDer),
    issuerDn: nameToString(parts.issuerDer),
    notBefore: requested.notBefore,
    notAfter: requested.notAfter,
    issuedAt: command.now.toISOString(),
    templateArn: requested.templateArn,
    certificateDer: Buffer.from(command.certificateDer).toString('base64'),
    sha256Fingerprint: sha256Hex(command.certificateDer),
    accountId: requested.accountId,
    requestedByServicePrincipal: null,
    ...(requested.crlPartition ? { crlPartition: requested.crlPartition } : {}),
  };
  return [{ type: ISSUANCE_EVENT_TYPES.CertificateIssued, schemaVersion: 1, data: issued }];
}

export function decide(command: CertificateCommand, state: CertificateState): CertificateEvent[] {
  switch (command.type) {
    case 'RequestCertificate':
      return request(command, state);
    case 'RecordSignature':
      return recordSignature(command, state);
    case 'FailIssuance':
      if (state.status !== 'REQUESTED') throw conflict(state, 'FailIssuance');
      return failed(state.requested, command.reason, command.now);
    default: {
      const _exhaustive: never = command;
      throw new Error(`unknown command ${JSON.stringify(_exhaustive)}`);
    }
  }
}

export function evolve(state: CertificateState, event: CertificateEvent): CertificateState {
  switch (event.type) {
    case 'CertificateRequested':
      return { status: 'REQUESTED', requested: event.data };
    case 'CertificateIssued':
      if (state.status !== 'REQUESTED') return state;
      return { status: 'ISSUED', requested: state.requested, issued: event.data };
    case 'CertificateIssuanceFailed':
      if (state.status !== 'REQUESTED') return state;
      return { status: 'FAILED', requested: state.requested, failure: event.data };
    default: {
      const _exhaustive: never = event;
      throw new Error(`unknown event ${JSON.stringify(_exhaustive)}`);
    }
  }
}
