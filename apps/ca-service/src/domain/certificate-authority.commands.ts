import type { CertificateAuthorityFailureReason } from '@pki/contracts';
import type { CreateCertificateAuthorityInput, RevocationConfiguration, Tag } from './certificate-authority.types';
import type { OfferedImport } from './ca-certificate-import';

/**
 * Commands of the CertificateAuthority aggregate. Each carries `now` (deciders read no clock)
 * and whatever the application gathered outside (the CSR signed through the Signer port).
 */
export type CertificateAuthorityCommand =
  | {
      readonly type: 'CreateCertificateAuthority';
      readonly certificateAuthorityId: string;
      readonly arn: string;
      readonly ownerAccount: string;
      readonly input: CreateCertificateAuthorityInput;
      readonly now: Date;
    }
  /** The background worker generated the key pair and signed the CSR. */
  | { readonly type: 'RecordCsr'; readonly csr: string; readonly publicKeySpki: string; readonly now: Date }
  /** The key pair or CSR could not be created. */
  | { readonly type: 'RecordCreationFailure'; readonly failureReason: CertificateAuthorityFailureReason; readonly detail: string; readonly now: Date }
  /** `offered`: the Certificate and CertificateChain members as read by application/ca-certificate-reader.ts. */
  | { readonly type: 'ImportCertificateAuthorityCertificate'; readonly offered: OfferedImport; readonly now: Date }
  | { readonly type: 'UpdateCertificateAuthority'; readonly status: string | undefined; readonly revocationConfiguration: RevocationConfiguration | undefined; readonly now: Date }
  | { readonly type: 'DeleteCertificateAuthority'; readonly permanentDeletionTimeInDays: number | undefined; readonly now: Date }
  | { readonly type: 'RestoreCertificateAuthority'; readonly now: Date }
  /** The restore window passed and the key has been destroyed. */
  | { readonly type: 'RemovePermanently'; readonly now: Date }
  /** The CA certificate's notAfter passed. */
  | { readonly type: 'Expire'; readonly now: Date }
  | { readonly type: 'TagCertificateAuthority'; readonly tags: readonly Tag[]; readonly now: Date }
  | { readonly type: 'UntagCertificateAuthority'; readonly tags: readonly Tag[]; readonly now: Date };
