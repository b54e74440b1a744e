import type { ColumnType, Insertable, Selectable, Updateable } from 'kysely';

type Nullable<T> = ColumnType<T | null, T | null | undefined, T | null>;

/** revocation-service's view of each CA, projected from ca-service's events. */
export interface RevocationCaTable {
  id: string;
  arn: string;
  owner_account: string;
  type: string;
  status: string;
  signing_algorithm: string;
  /** ca-service stream version this row reflects. */
  version: number;
  /** From CertificateImported: the CA certificate (DER), its serial (canonical hex), subject. */
  certificate_der: Nullable<Buffer>;
  certificate_serial: Nullable<string>;
  subject: Nullable<string>;
  subject_der: Nullable<Buffer>;
  subject_key_identifier: Nullable<Buffer>;
  public_key_spki: Nullable<Buffer>;
  /** SHA-1 of the CA's subjectPublicKey: the OCSP ResponderID byKey (RFC 6960 §4.2.1). */
  responder_key_hash: Nullable<Buffer>;
  crl_enabled: ColumnType<boolean, boolean | undefined, boolean>;
  crl_expiration_days: ColumnType<number, number | undefined, number>;
  crl_s3_bucket_name: Nullable<string>;
  crl_custom_cname: Nullable<string>;
  crl_s3_object_acl: ColumnType<string, string | undefined, string>;
  /** CrlConfiguration.CrlType: COMPLETE or PARTITIONED. */
  crl_type: ColumnType<string, string | undefined, string>;
  /** CrlConfiguration.CustomPath (libs/pki crl-location.ts). */
  crl_custom_path: Nullable<string>;
  ocsp_enabled: ColumnType<boolean, boolean | undefined, boolean>;
  ocsp_custom_cname: Nullable<string>;
  /** Bumped by every change a CRL reflects (configuration, CA certificate). */
  config_seq: ColumnType<number, number | undefined, number>;
  /** Bumped by every revocation; the CRL worker records the value it included. */
  crl_dirty_seq: ColumnType<string, string | number | undefined, string | number>;
  crl_dirty_since: Nullable<Date>;
}

export type RevocationCaRow = Selectable<RevocationCaTable>;
export type NewRevocationCaRow = Insertable<RevocationCaTable>;
export type RevocationCaUpdate = Updateable<RevocationCaTable>;
