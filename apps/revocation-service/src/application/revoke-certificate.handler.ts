/**
 * RevokeCertificate: load what this service knows of the CA (waiting a bounded time for CA
 * events not projected yet) and the certificate (asking issuance-service when the projection has
 * no row: issued-certificates.ts), decide, append CertificateRevoked with the
 * revocation row and the CA's CRL dirty mark in the same transaction. The outbox relay
 * publishes the event; the CRL worker and the OCSP responder read the row.
 */
import { ConcurrencyError, findAfterCatchUp } from '@pki/eventstore';
import { DomainError, inCallerRegion, isRevocationReason, parseCertificateAuthorityArn, type Caller, type CertificateRevokedV1, type CommandMessage, type RevocationReason } from '@pki/contracts';
import { canonicalSerial } from '../domain/certificate-serial';
import { decide, evolve, initialState, REVOCABLE_CA_STATUSES, type CaFacts, type IssuedCertificateFacts, type RevocationState } from '../domain/revocation.decider';
import { revocationStream, type RevocationEvent } from '../domain/revocation.events';
import { findCaByArn } from '../infrastructure/ca.queries';
import { insertRevocation, markCrlDirty } from '../infrastructure/certificate.queries';
import { revocationDb } from '../infrastructure/database';
import { takeRevocationSequence } from '../infrastructure/ocsp-freshness.queries';
import type { RevocationCaRow } from '../infrastructure/tables/revocation-ca.table';
import type { IssuedCertificateRow } from '../infrastructure/tables/issued-certificate.table';
import { knownCertificate } from './issued-certificates';
import type { RevocationContext } from './revocation-context';
import { certificatesRevoked } from './revocation-metrics';

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

/**
 * Whether the certificate must be looked up: not when the decider rejects the request on the CA,
 * the caller or the reason alone (an unauthorized caller learns nothing of the CA's serials).
 */
const mayAskIssuance = (ca: RevocationCaRow, message: CommandMessage, input: RevokeInput): boolean =>
  ca.owner_account === message.caller.accountId && REVOCABLE_CA_STATUSES.includes(ca.status) && isRevocationReason(input.RevocationReason);

/**
 * The CA, as this service's projection of ca-service's events knows it. Missing (or not in a
 * status that allows revocations): so for good only once the projection has applied ca-service's
 * stream (waiting up to catchUpMs, and only while it has events left to apply) and ca-service,
 * asked last, does not have it either (findAfterCatchUp); still behind then, the caller hears
 * "try again", never "does not exist".
 */
async function loadCa(context: RevocationContext, arn: string, caId: string, caller: Caller): Promise<RevocationCaRow | undefined> {
  const find = async () => {
    const found = await findCaByArn(revocationDb(context.db), arn);
    return found && found.status !== 'PERMANENTLY_DELETED' ? found : undefined;
  };
  const ca = await find();
  if ((ca && REVOCABLE_CA_STATUSES.includes(ca.status)) || !context.caCatchUp) return ca;
  const { caExists } = context;
  return findAfterCatchUp(find, {
    catchUp: context.caCatchUp,
    ownerHas: caExists && (() => caExists(caId, caller)),
    timeoutMs: context.catchUpMs,
    what: `Certificate authority ${arn}`,
  });
}

/**
 * The certificate, from the projection or else from issuance-service (issued-certificates.ts).
 * Only issuance's "never issued" makes it null; "still being issued" and "cannot ask now" are
 * retryable errors, never ResourceNotFoundException.
 */
async function loadCertificate(context: RevocationContext, ca: RevocationCaRow, serial: string, message: CommandMessage): Promise<IssuedCertificateRow | null> {
  let known;
  try {
    known = await knownCertificate(context, ca.id, serial, { caller: message.caller, requestId: message.requestId });
  } catch (error) {
    if (error instanceof DomainError && error.kind === 'Unavailable') {
      throw new DomainError('Unavailable', `Whether ${ca.arn} issued serial ${serial} cannot be confirmed now (${error.message}); try again shortly.`, undefined, { cause: error });
    }
    throw error;
  }
  switch (known.status) {
    case 'ISSUED':
      return known.row;
    case 'IN_PROGRESS':
      throw new DomainError('InProgress', `The certificate with serial ${serial} is still being issued; try again shortly.`, 'RequestInProgressException');
    case 'NOT_ISSUED':
      return null;
    default: {
      const exhaustive: never = known;
      throw new Error(`unknown lookup answer ${JSON.stringify(exhaustive)}`);
    }
  }
}

export async function revokeCertificate(context: RevocationContext, message: CommandMessage): Promise<Record<string, never>> {
  const input = message.input as RevokeInput;
  const arn = input.CertificateAuthorityArn;
  const parts = parseCertificateAuthorityArn(arn);
  if (!parts) {
    throw new DomainError('Malformed', `${JSON.stringify(arn)} is not a certificate authority ARN (arn:aws:acm-pca:<region>:<account>:certificate-authority/<id>)`, 'InvalidArnException');
  }
  const serial = canonicalSerial(input.CertificateSerial);
  // Each region keeps its own CAs (as on AWS): one of another region than the caller's is
  // answered as an unknown CA, without waiting for a projection that will never hold it here.
  const ca = inCallerRegion(parts.region, message.caller, context.region) ? await loadCa(context, arn, parts.caId, message.caller) : undefined;
  // Asked only when the decider would get that far: the caller owns the CA, the reason is valid.
  const certificate = ca && mayAskIssuance(ca, message, input) ? await loadCertificate(context, ca, serial, message) : null;
  const stream = ca ? revocationStream(ca.id, serial) : undefined;
  const history = stream ? await context.store.load(stream) : [];
  const state = history.reduce<RevocationState>((s, e) => evolve(s, e as unknown as RevocationEvent), initialState);
  // Already revoked (maybe the first attempt's reply was lost between its commit and its
  // announcement): RequestAlreadyProcessed tells the caller so; no pre-signed "good" may contradict it.
  if (ca && history.length > 0) await context.ocspAnnouncer?.announce(ca.id, serial);
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
        await markCrlDirty(db, data.certificateAuthorityId, new Date(data.revokedAt), certificate!.crl_partition);
        // Last, so that its row lock (which orders revocation commits: ocsp-freshness.queries.ts) is held only until the commit.
        const sequence = await takeRevocationSequence(db);
        await insertRevocation(db, {
          ca_id: data.certificateAuthorityId,
          serial: data.serial,
          certificate_arn: data.certificateArn,
          revoked_at: new Date(data.revokedAt),
          reason: data.revocationReason,
          not_after: certificate!.not_after,
          event_id: event.id,
          sequence,
          crl_partition: certificate!.crl_partition,
        });
      }
    });
  } catch (error) {
    // Another request revoked the same certificate between our load and our append.
    if (error instanceof ConcurrencyError) {
      // Committed by another request, which announces it too; this caller hears back only once every responder has it.
      await context.ocspAnnouncer?.announce(ca!.id, serial);
      throw new DomainError('Conflict', `The certificate with serial ${serial} has already been revoked.`, 'RequestAlreadyProcessedException', { cause: error });
    }
    throw error;
  }
  for (const event of events) {
    const data = event.data as CertificateRevokedV1;
    certificatesRevoked.inc({ ca: data.certificateAuthorityId, reason: data.revocationReason });
  }
  // Committed: every OCSP responder (gateway) drops its pre-signed responses for the serial, or can
  // no longer answer from them, before the caller hears back (ocsp-responders.ts).
  await context.ocspAnnouncer?.announce(ca!.id, serial);
  return {};
}
