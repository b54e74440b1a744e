import type { Transaction } from 'kysely';
import { REVOCATION_EVENT_TYPES, type CertificateRevokedV1, type EventEnvelope, type ServiceName } from '@pki/contracts';
import type { Projection } from '@pki/eventstore';
import { recordRevocation } from '../directory.queries';

/**
 * revocation-service's CertificateRevoked (v1): when this platform's private CA revokes a
 * certificate that is registered with a directory (matched by the SHA-256 fingerprint of its
 * DER), the registration is marked and DescribeCertificate's StateReason says so. Other events
 * are skipped (the runner parks a payload that breaks its contract, or of a version without one);
 * applying the same event twice changes nothing.
 */
export const certificateRevocations: Projection = {
  name: 'directory-certificate-revocations',
  eventTypes: [REVOCATION_EVENT_TYPES.CertificateRevoked],
  async apply(trx: Transaction<any>, event: EventEnvelope): Promise<void> {
    if (event.type !== REVOCATION_EVENT_TYPES.CertificateRevoked || event.schemaVersion !== 1) return;
    const data = event.data as CertificateRevokedV1;
    await recordRevocation(trx, {
      sha256Fingerprint: data.sha256Fingerprint.toLowerCase(),
      certificateArn: data.certificateArn,
      revocationReason: data.revocationReason,
      revokedAt: new Date(data.revokedAt),
    });
  },
};

/** For the service module's `projections`. */
export function directoryProjections(): Array<{ readonly source: ServiceName; readonly projection: Projection }> {
  return [{ source: 'revocation', projection: certificateRevocations }];
}
