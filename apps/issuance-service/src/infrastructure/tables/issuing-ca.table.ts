import type { ColumnType, Insertable, Selectable, Updateable } from 'kysely';

/** issuance-service's view of the CAs it may issue from, projected from ca-service's events. */
export interface IssuingCaTable {
  id: string;
  arn: string;
  owner_account: string;
  type: string;
  status: string;
  key_algorithm: string;
  signing_algorithm: string;
  usage_mode: string;
  /** ca-service stream version this row reflects. */
  version: number;
  /** The CA's own CSR (PEM) and key (DER SubjectPublicKeyInfo), from CsrCreated. */
  csr_pem: ColumnType<string | null, string | null | undefined, string | null>;
  public_key_spki: ColumnType<Buffer | null, Buffer | null | undefined, Buffer | null>;
  /** From CertificateImported: the CA certificate and its chain to the root, PEM. */
  certificate_pem: ColumnType<string | null, string | null | undefined, string | null>;
  certificate_chain_pem: ColumnType<string | null, string | null | undefined, string | null>;
  /** The CA certificate's subject Name, DER: the issuer of everything it signs. */
  subject_der: ColumnType<Buffer | null, Buffer | null | undefined, Buffer | null>;
  subject_key_identifier: ColumnType<Buffer | null, Buffer | null | undefined, Buffer | null>;
  path_length: ColumnType<number | null, number | null | undefined, number | null>;
  not_after: ColumnType<Date | null, Date | null | undefined, Date | null>;
  crl_enabled: ColumnType<boolean, boolean | undefined, boolean>;
  crl_s3_bucket_name: ColumnType<string | null, string | null | undefined, string | null>;
  crl_custom_cname: ColumnType<string | null, string | null | undefined, string | null>;
  crl_omit_extension: ColumnType<boolean, boolean | undefined, boolean>;
  /** CrlConfiguration.CrlType: COMPLETE (the default) or PARTITIONED. */
  crl_type: ColumnType<string, string | undefined, string>;
  /** CrlConfiguration.CustomPath: the folder of the CA's CRLs in its bucket, instead of crl/. */
  crl_custom_path: ColumnType<string | null, string | null | undefined, string | null>;
  ocsp_enabled: ColumnType<boolean, boolean | undefined, boolean>;
  ocsp_custom_cname: ColumnType<string | null, string | null | undefined, string | null>;
}

export type IssuingCaRow = Selectable<IssuingCaTable>;
export type NewIssuingCaRow = Insertable<IssuingCaTable>;
export type IssuingCaUpdate = Updateable<IssuingCaTable>;
