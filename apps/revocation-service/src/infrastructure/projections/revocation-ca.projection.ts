import type { Transaction } from 'kysely';
import {
  CA_EVENT_TYPES,
  type CertificateAuthorityCreatedV1,
  type CertificateImportedV1,
  type EventEnvelope,
  type RevocationConfigurationUpdatedV1,
} from '@pki/contracts';
import { inStreamOrder, type Projection } from '@pki/eventstore';
import { fromPem } from '@pki/pki';
import { caCertificateFacts } from '../../domain/ca-certificate';
import { revocationSettings } from '../../domain/revocation-configuration';
import { revocationDb } from '../database';
import { insertCa, lockedCaVersion, replaceKeyHashes, updateCa } from '../ca.queries';
import type { RevocationCaUpdate } from '../tables/revocation-ca.table';

function settingsColumns(configuration: Record<string, unknown> | undefined): RevocationCaUpdate {
  const s = revocationSettings(configuration);
  return {
    crl_enabled: s.crlEnabled,
    crl_expiration_days: s.crlExpirationInDays,
    crl_s3_bucket_name: s.crlS3BucketName,
    crl_custom_cname: s.crlCustomCname,
    crl_s3_object_acl: s.crlS3ObjectAcl,
    crl_type: s.crlType,
    crl_custom_path: s.crlCustomPath,
    ocsp_enabled: s.ocspEnabled,
    ocsp_custom_cname: s.ocspCustomCname,
  };
}

/** Every CA lifecycle event carrying the status the CA is in afterwards. */
const STATUS_EVENTS: ReadonlySet<string> = new Set([
  CA_EVENT_TYPES.CsrCreated,
  CA_EVENT_TYPES.CertificateAuthorityCreationFailed,
  CA_EVENT_TYPES.StatusChanged,
  CA_EVENT_TYPES.CertificateAuthorityDeleted,
  CA_EVENT_TYPES.CertificateAuthorityRestored,
  CA_EVENT_TYPES.CertificateAuthorityExpired,
]);

/**
 * Projects ca-service's CA events into revocation.cas (and the OCSP CertID hashes of each CA
 * certificate). Events apply in their CA stream's order: one whose predecessor is not applied yet
 * (being applied by another replica sharing the durable) is delivered again shortly
 * (inStreamOrder, EventTooEarly); one applied before changes nothing; the runner dedupes by
 * event id as well.
 */
export const revocationCaProjection: Projection = {
  name: 'revocation-cas',
  eventTypes: Object.values(CA_EVENT_TYPES),
  async apply(trx: Transaction<any>, event: EventEnvelope): Promise<void> {
    const db = revocationDb(trx);
    const known = event.type === CA_EVENT_TYPES.CertificateAuthorityCreated || event.type === CA_EVENT_TYPES.CertificateImported || event.type === CA_EVENT_TYPES.RevocationConfigurationUpdated || event.type === CA_EVENT_TYPES.CertificateAuthorityPermanentlyDeleted || STATUS_EVENTS.has(event.type) || event.type === CA_EVENT_TYPES.Tagged || event.type === CA_EVENT_TYPES.Untagged;
    if (!known) return; // key use, policies, audit reports: nothing revocation keeps
    if (event.schemaVersion !== 1) throw new Error(`unsupported ${event.type} schema version ${event.schemaVersion}`);
    const data = event.data as { certificateAuthorityId: string; status?: string };
    // In stream order after the creation: each event changes only some columns, so one applied
    // before its predecessor would lose the predecessor's changes (EventTooEarly: delivered again shortly).
    if (event.type !== CA_EVENT_TYPES.CertificateAuthorityCreated && inStreamOrder(event, await lockedCaVersion(db, data.certificateAuthorityId)) === 'skip') return;
    switch (event.type) {
      case CA_EVENT_TYPES.CertificateAuthorityCreated: {
        const created = event.data as CertificateAuthorityCreatedV1;
        const configuration = created.configuration as { SigningAlgorithm: string };
        await insertCa(db, {
          id: created.certificateAuthorityId,
          arn: created.arn,
          owner_account: created.ownerAccount,
          type: created.type,
          status: 'CREATING',
          signing_algorithm: configuration.SigningAlgorithm,
          version: event.version,
          ...settingsColumns(created.revocationConfiguration),
        } as never);
        return;
      }
      case CA_EVENT_TYPES.CertificateImported: {
        const imported = event.data as CertificateImportedV1;
        const facts = caCertificateFacts(fromPem(imported.certificate, 'CERTIFICATE'));
        const applied = await updateCa(
          db,
          data.certificateAuthorityId,
          event.version,
          {
            status: imported.status,
            certificate_der: Buffer.from(fromPem(imported.certificate, 'CERTIFICATE')),
            certificate_serial: facts.serial,
            subject: facts.subject,
            subject_der: facts.subjectDer,
            subject_key_identifier: facts.keyIdentifier,
            public_key_spki: facts.publicKeySpki,
            responder_key_hash: facts.responderKeyHash,
          },
          true,
        );
        if (applied) await replaceKeyHashes(db, data.certificateAuthorityId, facts.certIdHashes);
        return;
      }
      case CA_EVENT_TYPES.RevocationConfigurationUpdated:
        await updateCa(db, data.certificateAuthorityId, event.version, settingsColumns((event.data as RevocationConfigurationUpdatedV1).revocationConfiguration), true);
        return;
      case CA_EVENT_TYPES.CertificateAuthorityPermanentlyDeleted:
        await updateCa(db, data.certificateAuthorityId, event.version, { status: 'PERMANENTLY_DELETED' }, true);
        return;
      default:
        await updateCa(db, data.certificateAuthorityId, event.version, data.status ? { status: data.status } : {}, false);
    }
  },
};
