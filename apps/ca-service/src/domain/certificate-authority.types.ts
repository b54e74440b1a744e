import type {
  CertificateAuthorityType,
  KeyAlgorithm,
  KeyStorageSecurityStandard,
  SigningAlgorithm,
  UsageMode,
} from '@pki/contracts';

/** AWS `ASN1Subject` (validated for shape by the gateway). */
export interface Asn1Subject {
  readonly Country?: string;
  readonly Organization?: string;
  readonly OrganizationalUnit?: string;
  readonly DistinguishedNameQualifier?: string;
  readonly State?: string;
  readonly CommonName?: string;
  readonly SerialNumber?: string;
  readonly Locality?: string;
  readonly Title?: string;
  readonly Surname?: string;
  readonly GivenName?: string;
  readonly Initials?: string;
  readonly Pseudonym?: string;
  readonly GenerationQualifier?: string;
  readonly CustomAttributes?: ReadonlyArray<{ readonly ObjectIdentifier: string; readonly Value: string }>;
}

export interface CertificateAuthorityConfiguration {
  readonly KeyAlgorithm: KeyAlgorithm;
  readonly SigningAlgorithm: SigningAlgorithm;
  readonly Subject: Asn1Subject;
  readonly CsrExtensions?: Record<string, unknown>;
}

export interface CrlConfiguration {
  readonly Enabled: boolean;
  readonly ExpirationInDays?: number;
  readonly CustomCname?: string;
  readonly S3BucketName?: string;
  readonly S3ObjectAcl?: 'PUBLIC_READ' | 'BUCKET_OWNER_FULL_CONTROL';
  /** Only COMPLETE (the default) is implemented; see checkRevocationConfiguration. */
  readonly CrlType?: 'COMPLETE' | 'PARTITIONED';
  /** Not implemented; see checkRevocationConfiguration. */
  readonly CustomPath?: string;
}

export interface OcspConfiguration {
  readonly Enabled: boolean;
  readonly OcspCustomCname?: string;
}

export interface RevocationConfiguration {
  readonly CrlConfiguration?: CrlConfiguration;
  readonly OcspConfiguration?: OcspConfiguration;
}

export interface Tag {
  readonly Key: string;
  readonly Value?: string;
}

export interface CreateCertificateAuthorityInput {
  readonly CertificateAuthorityConfiguration: CertificateAuthorityConfiguration;
  readonly RevocationConfiguration?: RevocationConfiguration;
  readonly CertificateAuthorityType: CertificateAuthorityType;
  readonly IdempotencyToken?: string;
  readonly KeyStorageSecurityStandard?: KeyStorageSecurityStandard;
  readonly Tags?: readonly Tag[];
  readonly UsageMode?: UsageMode;
}
