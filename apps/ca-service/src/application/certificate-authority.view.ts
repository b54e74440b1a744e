import type { CertificateAuthorityRow } from '../infrastructure/tables/certificate-authority.table';

const epochSeconds = (date: Date): number => date.getTime() / 1000;

/** The AWS `CertificateAuthority` structure (awsJson1_1: timestamps as epoch seconds). */
export function toCertificateAuthority(row: CertificateAuthorityRow): Record<string, unknown> {
  return {
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
}
