/**
 * RevokeCertificate: load what this service knows of the CA and the certificate (waiting a
 * bounded time for events not projected yet), decide, append CertificateRevoked with the
 * revocation row and the CA's CRL dirty mark in the same transaction. The outbox relay
 * publishes the event; the CRL worker and the OCSP responder read the row.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { ConcurrencyError } from '@pki/eventstore';
import { DomainError, parseCertificateAuthorityArn, type CertificateRevokedV1, type CommandMessage, type RevocationReason } from '@pki/contracts';
import { canonicalSerial } from '../domain/certificate-serial';
import { decide, evolve, initialState, type CaFacts, type IssuedCertificateFacts, type RevocationState } from '../domain/revocation.decider';
import { revocationStream, type RevocationEvent } from '../domain/revocation.events';
import { findCaByArn } from '../infrastructure/ca.queries';
import { findIssuedCertificate, insertRevocation, markCrlDirty } from '../infrastructure/certificate.queries';
import { revocationDb } from '../infrastructure/database';
import type { RevocationCaRow } from '../infrastructure/tables/revocation-ca.table';
import type { IssuedCertificateRow } from '../infrastructure/tables/issued-certificate.table';
import type { RevocationContext } from './revocation-context';

interface RevokeInput {
  CertificateAuthorityArn: string;
  CertificateSerial: string;
  RevocationReason: RevocationReason;
}

const caFacts = (row: RevocationCaRow): CaFacts => ({
  id: row.id,
  arn: row.arn,
  ownerAccount: row.owner_account,
  status: row.status,
  certificateSerial: row.certificate_serial,
  subject: row.subject,
});

const certificateFacts = (row: IssuedCertificateRow, ca: RevocationCaRow): IssuedCertificateFacts => ({
  serial: row.serial,
  certificateArn: row.certificate_arn,
  issuerDn: row.issuer_dn,
  sha256Fingerprint: row.sha256_fingerprint,
  selfSigned: ca.certificate_der !== null && row.certificate_der.equals(ca.certificate_der),
});

/** The CA and certificate rows, waiting up to catchUpMs for ca-service's / issuance's events to arrive. */
async function load(context: RevocationContext, arn: string, serial: string): Promise<{ ca?: RevocationCaRow; certificate?: IssuedCertificateRow }> {
  const db = revocationDb(context.db);
  const deadline = Date.now() + context.catchUpMs;
  for (;;) {
    const found = await findCaByArn(db, arn);
    const ca = found && found.status !== 'PERMANENTLY_DELETED' ? found : undefined;
    const certificate = ca ? await findIssuedCertificate(db, ca.id, serial) : undefined;
    if ((ca && certificate) || Date.now() >= deadline) return { ca, certificate };
    await sleep(50);
  }
}

export async function revokeCertificate(context: RevocationContext, message: CommandMessage): Promise<Record<string, never>> {
  const input = message.input as RevokeInput;
  const arn = input.CertificateAuthorityArn;
  if (!parseCertificateAuthorityArn(arn)) {
    throw new DomainError('Malformed', `${JSON.stringify(arn)} is not a certificate authority ARN (arn:aws:acm-pca:<region>:<account>:certificate-authority/<id>)`, 'InvalidArnException');
  }
  const serial = canonicalSerial(input.CertificateSerial);
  const { ca, certificate } = await load(context, arn, serial);
  const stream = ca ? revocationStream(ca.id, serial) : undefined;
  const history = stream ? await context.store.load(stream) : [];
  const state = history.reduce<RevocationState>((s, e) => evolve(s, e as unknown as RevocationEvent), initialState);
  // Already revoked (maybe by another replica whose event has not reached us yet): RequestAlreadyProcessed tells the caller so; no cached "good" may contradict it.
  if (ca && history.length > 0) context.ocspCaches?.responses?.invalidate(ca.id, serial);
  const events = decide(
    {
      type: 'RevokeCertificate',
      callerAccount: message.caller.accountId,
      ca: ca ? caFacts(ca) : null,
      certificate: ca && certificate ? certificateFacts(certificate, ca) : null,
      serial,
      reason: input.RevocationReason,
      caArn: arn,
      now: context.now(),
    },
    state,
  );
  try {
    await context.store.append(stream!, history.length, events, { correlationId: message.requestId, causationId: null, accountId: message.caller.accountId }, async (trx, stored) => {
      const db = revocationDb(trx);
      for (const event of stored) {
        const data = event.data as CertificateRevokedV1;
        await insertRevocation(db, {
          ca_id: data.certificateAuthorityId,
          serial: data.serial,
          certificate_arn: data.certificateArn,
          revoked_at: new Date(data.revokedAt),
          reason: data.revocationReason,
          not_after: certificate!.not_after,
          event_id: event.id,
        });
        await markCrlDirty(db, data.certificateAuthorityId, new Date(data.revokedAt));
      }
    });
  } catch (error) {
    // Another request revoked the same certificate between our load and our append.
    if (error instanceof ConcurrencyError) {
      // Committed by another request, maybe on another replica whose event has not reached us yet.
      context.ocspCaches?.responses?.invalidate(ca!.id, serial);
      throw new DomainError('Conflict', `The certificate with serial ${serial} has already been revoked.`, 'RequestAlreadyProcessedException', { cause: error });
    }
    throw error;
  }
  // Committed: this process's pre-signed OCSP responses for the serial go before the caller hears
  // back, so its next OCSP request here answers revoked (other replicas: ocsp-cache-invalidation.ts).
  context.ocspCaches?.responses?.invalidate(ca!.id, serial);
  return {};
}
