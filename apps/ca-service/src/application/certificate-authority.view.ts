import type { CertificateAuthorityRow } from '../infrastructure/tables/certificate-authority.table';

const epochSeconds = (date: Date): number => date.getTime() / 1000;

/** The AWS `CertificateAuthority` structure (awsJson1_1: timestamps as epoch seconds); absent members are left out. */
export function toCertificateAuthority(row: CertificateAuthorityRow): Record<string, unknown> {
  const view: Record<string, unknown> = {
    Arn: row.arn,
    OwnerAccount: row.owner_account,
    CreatedAt: epochSeconds(row.created_at),
    LastStateChangeAt: epochSeconds(row.last_state_change_at),
    Type: row.type,
    Status: row.status,
    CertificateAuthorityConfiguration: row.configuration,
    RevocationConfiguration: row.revocation_configuration,
    KeyStorageSecurityStandard: row.key_storage_security_standard,
    UsageMode: row.usage_mode,
  };
  if (row.serial !== null) view.Serial = row.serial;
  if (row.not_before !== null) view.NotBefore = epochSeconds(row.not_before);
  if (row.not_after !== null) view.NotAfter = epochSeconds(row.not_after);
  if (row.failure_reason !== null) view.FailureReason = row.failure_reason;
  if (row.restorable_until !== null) view.RestorableUntil = epochSeconds(row.restorable_until);
  return view;
}
