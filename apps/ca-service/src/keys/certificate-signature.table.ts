import type { Insertable, Selectable } from 'kysely';

/** ca.certificate_signatures: each certificate's one signature (migration 20261207T040000Z-create-certificate-signatures). */
export interface CertificateSignatureTable {
  certificate_id: string;
  certificate_authority_id: string;
  signing_algorithm: string;
  /** SHA-256 of the signed TBSCertificate, lowercase hex (as in CaKeyUsed's `sha256`). */
  tbs_sha256: string;
  signature: Buffer;
  /** The CaKeyUsed event that records this signature. */
  key_used_event_id: string;
  signed_at: Date;
}

export type CertificateSignatureRow = Selectable<CertificateSignatureTable>;
export type NewCertificateSignatureRow = Insertable<CertificateSignatureTable>;

export interface CertificateSignatureDatabase {
  certificate_signatures: CertificateSignatureTable;
}
