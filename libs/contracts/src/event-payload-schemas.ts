/**
 * The payload schema of every event type (and schema version) another service projects, and
 * the check a projection runner makes before applying one: a payload that does not match its
 * contract is parked with a reason that names the event and the member, instead of failing
 * as a TypeError somewhere in apply.
 */
import { CA_EVENT_TYPES, POLICY_EVENT_TYPES } from './acm-pca';
import * as ca from './ca-event.schemas';
import { certificateIssuedV1, certificateRevokedV1 } from './certificate-event.schemas';
import { ISSUANCE_EVENT_TYPES, REVOCATION_EVENT_TYPES } from './certificates';
import type { Schema } from './payload-schema';

/** Event type -> schema version -> payload schema. */
const EVENT_PAYLOAD_SCHEMAS: ReadonlyMap<string, ReadonlyMap<number, Schema<unknown>>> = new Map<string, ReadonlyMap<number, Schema<any>>>([
  [CA_EVENT_TYPES.CertificateAuthorityCreated, new Map([[1, ca.certificateAuthorityCreatedV1]])],
  [CA_EVENT_TYPES.CsrCreated, new Map([[1, ca.csrCreatedV1]])],
  [CA_EVENT_TYPES.CertificateAuthorityCreationFailed, new Map([[1, ca.certificateAuthorityCreationFailedV1]])],
  [CA_EVENT_TYPES.CertificateImported, new Map([[1, ca.certificateImportedV1]])],
  [CA_EVENT_TYPES.StatusChanged, new Map([[1, ca.statusChangedV1]])],
  [CA_EVENT_TYPES.RevocationConfigurationUpdated, new Map([[1, ca.revocationConfigurationUpdatedV1]])],
  [CA_EVENT_TYPES.CertificateAuthorityDeleted, new Map([[1, ca.certificateAuthorityDeletedV1]])],
  [CA_EVENT_TYPES.CertificateAuthorityRestored, new Map([[1, ca.certificateAuthorityRestoredV1]])],
  [CA_EVENT_TYPES.CertificateAuthorityPermanentlyDeleted, new Map([[1, ca.certificateAuthorityPermanentlyDeletedV1]])],
  [CA_EVENT_TYPES.CertificateAuthorityExpired, new Map([[1, ca.certificateAuthorityExpiredV1]])],
  [CA_EVENT_TYPES.Tagged, new Map([[1, ca.taggedV1]])],
  [CA_EVENT_TYPES.Untagged, new Map([[1, ca.untaggedV1]])],
  [POLICY_EVENT_TYPES.PolicyPut, new Map([[1, ca.policyPutV1]])],
  [POLICY_EVENT_TYPES.PolicyDeleted, new Map([[1, ca.policyDeletedV1]])],
  [ISSUANCE_EVENT_TYPES.CertificateIssued, new Map([[1, certificateIssuedV1]])],
  [REVOCATION_EVENT_TYPES.CertificateRevoked, new Map([[1, certificateRevokedV1]])],
]);

/**
 * Why `payload` is not a valid `type` v`schemaVersion` payload, e.g.
 * `CertificateIssued v1: data.serial must be a string (got number)`; undefined when it is. An
 * event type or version without a schema is a reason too: a consumer that applies it cannot
 * know what it reads.
 */
export function validateEventPayload(type: string, schemaVersion: number, payload: unknown): string | undefined {
  const versions = EVENT_PAYLOAD_SCHEMAS.get(type);
  if (!versions) return `${type} v${schemaVersion}: no payload schema for event type ${type} in libs/contracts`;
  const schema = versions.get(schemaVersion);
  if (!schema) return `${type} v${schemaVersion}: no payload schema for this version (known: ${[...versions.keys()].map((v) => `v${v}`).join(', ')})`;
  const problem = schema.problem(payload, 'data');
  return problem === undefined ? undefined : `${type} v${schemaVersion}: ${problem}`;
}
