/** Read-model rows -> AWS IoT output structures (restJson1: timestamps as epoch seconds; absent members left out). */
import type { CaCertificateRow } from '../infrastructure/tables/ca-certificate.table';
import type { CertificateRow } from '../infrastructure/tables/certificate.table';

const epochSeconds = (date: Date | string): number => new Date(date).getTime() / 1000;

/** AWS IoT `CertificateDescription` (the seed's DescribeCertificate response). */
export function certificateDescription(row: CertificateRow): Record<string, unknown> {
  const view: Record<string, unknown> = {
    certificateArn: row.certificate_arn,
    certificateId: row.certificate_id,
    status: row.status,
    certificatePem: row.certificate_pem,
    ownedBy: row.owned_by,
    creationDate: epochSeconds(row.creation_date),
    lastModifiedDate: epochSeconds(row.last_modified_date),
    customerVersion: row.customer_version,
    generationId: row.generation_id,
    validity: { notBefore: epochSeconds(row.not_before), notAfter: epochSeconds(row.not_after) },
    certificateMode: row.certificate_mode,
  };
  if (row.ca_certificate_id !== null) view.caCertificateId = row.ca_certificate_id;
  if (row.previous_owned_by !== null) view.previousOwnedBy = row.previous_owned_by;
  if (row.transfer !== null) {
    const t = row.transfer;
    const transferData: Record<string, unknown> = { transferDate: epochSeconds(t.transferDate) };
    if (t.transferMessage !== null) transferData.transferMessage = t.transferMessage;
    if (t.rejectReason !== null) transferData.rejectReason = t.rejectReason;
    if (t.acceptDate !== null) transferData.acceptDate = epochSeconds(t.acceptDate);
    if (t.rejectDate !== null) transferData.rejectDate = epochSeconds(t.rejectDate);
    view.transferData = transferData;
  }
  return view;
}

/** AWS IoT `Certificate` (list element). */
export function certificateSummary(row: CertificateRow): Record<string, unknown> {
  return {
    certificateArn: row.certificate_arn,
    certificateId: row.certificate_id,
    status: row.status,
    certificateMode: row.certificate_mode,
    creationDate: epochSeconds(row.creation_date),
  };
}

/** AWS IoT `CACertificateDescription`. */
export function caCertificateDescription(row: CaCertificateRow): Record<string, unknown> {
  return {
    certificateArn: row.certificate_arn,
    certificateId: row.certificate_id,
    status: row.status,
    certificatePem: row.certificate_pem,
    ownedBy: row.owned_by,
    creationDate: epochSeconds(row.creation_date),
    autoRegistrationStatus: row.auto_registration_status,
    lastModifiedDate: epochSeconds(row.last_modified_date),
    customerVersion: row.customer_version,
    generationId: row.generation_id,
    validity: { notBefore: epochSeconds(row.not_before), notAfter: epochSeconds(row.not_after) },
    certificateMode: row.certificate_mode,
  };
}

/** AWS IoT `RegistrationConfig`, members left out when null. */
export function registrationConfigView(row: CaCertificateRow): Record<string, string> | undefined {
  if (row.registration_config === null) return undefined;
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(row.registration_config)) if (typeof value === 'string') out[key] = value;
  return out;
}

/** AWS IoT `CACertificate` (list element). */
export function caCertificateSummary(row: CaCertificateRow): Record<string, unknown> {
  return { certificateArn: row.certificate_arn, certificateId: row.certificate_id, status: row.status, creationDate: epochSeconds(row.creation_date) };
}
