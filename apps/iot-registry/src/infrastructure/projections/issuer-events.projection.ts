import type { Transaction } from 'kysely';
import {
  ISSUANCE_EVENT_TYPES,
  REVOCATION_EVENT_TYPES,
  type CertificateIssuedV1,
  type CertificateRevokedV1,
  type EventEnvelope,
  type ServiceName,
} from '@pki/contracts';
import type { Projection } from '@pki/eventstore';
import { parseCertificate, PkiParseError } from '@pki/pki';
import { isIssuedBy } from '../../domain/certificate-checks';
import { autoRegisteringCaCertificates } from '../ca-certificate.queries';
import { iotDb } from '../database';
import { addPendingEffect } from '../pending-effect.queries';

/** Payload of an `auto-registration` effect: what RegisterCertificate needs, taken from CertificateIssued. */
export interface AutoRegistrationEffect {
  readonly certificateDer: string;
  readonly caCertificateId: string;
  readonly ownedBy: string;
}

/**
 * revocation-service's CertificateRevoked v1: a registered IoT certificate with the same SHA-256
 * fingerprint (its IoT id) is to become REVOKED. The effect row is keyed by the event id, so a
 * replayed event adds nothing; the effects worker turns it into this service's own event.
 */
export const issuerRevocations: Projection = {
  name: 'iot-issuer-revocations',
  eventTypes: [REVOCATION_EVENT_TYPES.CertificateRevoked],
  async apply(trx: Transaction<any>, event: EventEnvelope): Promise<void> {
    if (event.type !== REVOCATION_EVENT_TYPES.CertificateRevoked || event.schemaVersion !== 1) return;
    const revoked = event.data as CertificateRevokedV1;
    const db = iotDb(trx);
    const registered = await db.selectFrom('certificates').select('certificate_id').where('certificate_id', '=', revoked.sha256Fingerprint.toLowerCase()).executeTakeFirst();
    if (!registered) return;
    await addPendingEffect(db, { id: `${event.id}:revoke`, kind: 'issuer-revocation', certificateId: registered.certificate_id, payload: {}, createdAt: new Date(event.occurredAt) });
  },
};

/**
 * issuance-service's CertificateIssued v1: when a CA certificate registered in IoT with
 * auto-registration ENABLE (and ACTIVE) issued the certificate - same issuer name and its key
 * verifies the signature - after that registration, the certificate is to be registered as
 * PENDING_ACTIVATION in the account that registered the CA (AWS IoT just-in-time registration,
 * done at issuance).
 */
export const autoRegistrations: Projection = {
  name: 'iot-auto-registrations',
  eventTypes: [ISSUANCE_EVENT_TYPES.CertificateIssued],
  apply: (trx, event) => autoRegister(trx, [event]),
  applyMany: autoRegister,
};

/**
 * One look for auto-registering CA certificates per batch (issue #14: not a query per issued
 * certificate; with none, which is the common case, nothing else is done), then the effects.
 */
async function autoRegister(trx: Transaction<any>, events: readonly EventEnvelope[]): Promise<void> {
  const issuedEvents = events.filter((e) => e.type === ISSUANCE_EVENT_TYPES.CertificateIssued && e.schemaVersion === 1);
  if (issuedEvents.length === 0) return;
  const db = iotDb(trx);
  const cas = await autoRegisteringCaCertificates(db);
  if (cas.length === 0) return;
  const signers = cas.map((ca) => ({ ca, certificate: parseCertificate(ca.certificate_pem) }));
  for (const event of issuedEvents) {
    const issued = event.data as CertificateIssuedV1;
    let device;
    try {
      device = parseCertificate(Buffer.from(issued.certificateDer, 'base64'));
    } catch (error) {
      // A certificate the issuer published but nobody can parse cannot be registered; nothing to do.
      if (error instanceof PkiParseError) continue;
      throw error;
    }
    for (const { ca, certificate } of signers) {
      // Only certificates issued after the CA was registered: judged by the issuance time, not by
      // when this projection happens to see the event (which would make the outcome timing-dependent).
      if (new Date(issued.issuedAt) < ca.creation_date) continue;
      if (!isIssuedBy(device, certificate)) continue;
      const payload: AutoRegistrationEffect = { certificateDer: issued.certificateDer, caCertificateId: ca.certificate_id, ownedBy: ca.owned_by };
      await addPendingEffect(db, { id: `${event.id}:auto-register:${ca.certificate_id}`, kind: 'auto-registration', certificateId: issued.sha256Fingerprint.toLowerCase(), payload, createdAt: new Date(event.occurredAt) });
    }
  }
}

export function iotProjections(): Array<{ readonly source: ServiceName; readonly projection: Projection }> {
  return [
    { source: 'revocation', projection: issuerRevocations },
    { source: 'issuance', projection: autoRegistrations },
  ];
}
