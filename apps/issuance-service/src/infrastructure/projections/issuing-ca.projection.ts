import type { Transaction } from 'kysely';
import {
  CA_EVENT_TYPES,
  type CertificateAuthorityCreatedV1,
  type CertificateAuthorityCreationFailedV1,
  type CertificateAuthorityDeletedV1,
  type CertificateAuthorityExpiredV1,
  type CertificateAuthorityRestoredV1,
  type CertificateImportedV1,
  type CsrCreatedV1,
  type EventEnvelope,
  type RevocationConfigurationUpdatedV1,
  type StatusChangedV1,
} from '@pki/contracts';
import { inStreamOrder, type Projection } from '@pki/eventstore';
import { fromPem } from '@pki/pki';
import { caCertificateFacts } from '../../domain/issuing-ca';
import type { IssuanceDatabase } from '../database';
import { insertIssuingCa, lockedIssuingCaVersion, updateIssuingCa } from '../issuing-ca.queries';
import type { IssuingCaUpdate } from '../tables/issuing-ca.table';

/** The columns a RevocationConfiguration (AWS shape, as ca-service accepted it) sets. */
export function revocationColumns(configuration: Record<string, unknown>): IssuingCaUpdate {
  const crl = (configuration.CrlConfiguration ?? {}) as {
    Enabled?: boolean;
    S3BucketName?: string;
    CustomCname?: string;
    CrlDistributionPointExtensionConfiguration?: { OmitExtension?: boolean };
    CrlType?: string;
    CustomPath?: string;
  };
  const ocsp = (configuration.OcspConfiguration ?? {}) as { Enabled?: boolean; OcspCustomCname?: string };
  return {
    crl_enabled: crl.Enabled === true,
    crl_s3_bucket_name: crl.S3BucketName || null,
    crl_custom_cname: crl.CustomCname || null,
    crl_omit_extension: crl.CrlDistributionPointExtensionConfiguration?.OmitExtension === true,
    crl_type: crl.CrlType === 'PARTITIONED' ? 'PARTITIONED' : 'COMPLETE',
    crl_custom_path: crl.CustomPath || null,
    ocsp_enabled: ocsp.Enabled === true,
    ocsp_custom_cname: ocsp.OcspCustomCname || null,
  };
}

/** What each later CA event changes in issuance's view; undefined for events issuance ignores. */
function changesOf(event: EventEnvelope): IssuingCaUpdate | undefined {
  switch (event.type) {
    case CA_EVENT_TYPES.CsrCreated: {
      const data = event.data as CsrCreatedV1;
      return { status: data.status, csr_pem: data.csr, public_key_spki: Buffer.from(data.publicKeySpki, 'base64'), key_algorithm: data.keyAlgorithm, signing_algorithm: data.signingAlgorithm };
    }
    case CA_EVENT_TYPES.CertificateAuthorityCreationFailed:
      return { status: (event.data as CertificateAuthorityCreationFailedV1).status };
    case CA_EVENT_TYPES.CertificateImported: {
      const data = event.data as CertificateImportedV1;
      const facts = caCertificateFacts(fromPem(data.certificate, 'CERTIFICATE'));
      return {
        status: data.status,
        certificate_pem: data.certificate,
        certificate_chain_pem: data.certificateChain,
        subject_der: Buffer.from(facts.subjectDer),
        public_key_spki: Buffer.from(facts.publicKeySpki),
        subject_key_identifier: facts.subjectKeyIdentifier ? Buffer.from(facts.subjectKeyIdentifier) : null,
        path_length: facts.pathLength ?? null,
        not_after: new Date(data.notAfter),
      };
    }
    case CA_EVENT_TYPES.StatusChanged:
      return { status: (event.data as StatusChangedV1).status };
    case CA_EVENT_TYPES.CertificateAuthorityDeleted:
      return { status: (event.data as CertificateAuthorityDeletedV1).status };
    case CA_EVENT_TYPES.CertificateAuthorityRestored:
      return { status: (event.data as CertificateAuthorityRestoredV1).status };
    case CA_EVENT_TYPES.CertificateAuthorityExpired:
      return { status: (event.data as CertificateAuthorityExpiredV1).status };
    case CA_EVENT_TYPES.CertificateAuthorityPermanentlyDeleted:
      // Gone for good: issuance answers ResourceNotFoundException for it from now on.
      return { status: 'PERMANENTLY_DELETED' };
    case CA_EVENT_TYPES.RevocationConfigurationUpdated:
      return revocationColumns((event.data as RevocationConfigurationUpdatedV1).revocationConfiguration);
    case CA_EVENT_TYPES.Tagged:
    case CA_EVENT_TYPES.Untagged:
      return {};
    default:
      return undefined;
  }
}

/**
 * Projects ca-service's CA events into issuance.issuing_cas (the runner commits row + checkpoint
 * together). Events apply in their CA stream's order: one whose predecessor is not applied yet
 * (being applied by another replica sharing the durable) is delivered again shortly
 * (inStreamOrder, EventTooEarly); one applied before changes nothing. ca-service's other events (key use, policies, audit reports) are skipped.
 */
export const issuingCaProjection: Projection = {
  name: 'issuance-issuing-cas',
  // Not the key-use audit (one CaKeyUsed per signature) nor policies: they change nothing here.
  eventTypes: Object.values(CA_EVENT_TYPES),
  async apply(trx: Transaction<any>, event: EventEnvelope): Promise<void> {
    const db = trx.withSchema('issuance') as unknown as Transaction<IssuanceDatabase>;
    if (event.type === CA_EVENT_TYPES.CertificateAuthorityCreated) {
      if (event.schemaVersion !== 1) throw new Error(`unsupported ${event.type} schema version ${event.schemaVersion}`);
      const data = event.data as CertificateAuthorityCreatedV1;
      const configuration = data.configuration as { KeyAlgorithm: string; SigningAlgorithm: string };
      await insertIssuingCa(db, {
        id: data.certificateAuthorityId,
        arn: data.arn,
        owner_account: data.ownerAccount,
        type: data.type,
        status: 'CREATING',
        key_algorithm: configuration.KeyAlgorithm,
        signing_algorithm: configuration.SigningAlgorithm,
        usage_mode: data.usageMode,
        version: event.version,
        ...revocationColumns(data.revocationConfiguration ?? {}),
      });
      return;
    }
    const changes = changesOf(event);
    if (changes === undefined) return;
    if (event.schemaVersion !== 1) throw new Error(`unsupported ${event.type} schema version ${event.schemaVersion}`);
    const { certificateAuthorityId } = event.data as { certificateAuthorityId: string };
    // In stream order: each event changes only some columns, so one applied before its
    // predecessor would lose the predecessor's changes (EventTooEarly: delivered again shortly).
    if (inStreamOrder(event, await lockedIssuingCaVersion(db, certificateAuthorityId)) === 'skip') return;
    await updateIssuingCa(db, certificateAuthorityId, event.version, changes);
  },
};
