/**
 * Input shapes of the Directory Service operations the gateway serves (awsJson1_1,
 * `X-Amz-Target: DirectoryService_20150416.<op>`), with the constraint traits AWS checks before
 * an operation runs.
 *
 * Where the values come from:
 * - Members, member order and enum value sets: the pinned SDK, `@aws-sdk/client-directory-service`
 *   3.1048.0 (`dist-types/models/models_0.d.ts`, `enums.d.ts`; `Password` is `@sensitive` in its
 *   `schemas_0.js`).
 * - `@required`, `@length`, `@pattern`, `@range` and enum order: AWS's published service model for
 *   ds 2015-04-16 (botocore `botocore/data/ds/2015-04-16/service-2.json`) and the AWS Directory
 *   Service API Reference pages rendered from it (API_CreateDirectory, API_CreateMicrosoftAD
 *   "Edition: Valid Values: Enterprise | Standard | Hybrid", "NetworkType: Valid Values:
 *   Dual-stack | IPv4 | IPv6", API_DirectoryVpcSettings, API_RegisterCertificate, ...).
 *   Patterns are copied verbatim.
 * - Seeds `/work/shared/seeds/000_c46a7a83f918c76a.txt` (DescribeCertificate) and
 *   `002_afdfb7f82b40e8eb.txt` (RegisterCertificate) agree on members and required flags.
 */
import { S, type Shape } from '@pki/aws-protocol';

// ---- Simple shapes (named as in the model) ----

const DirectoryId = (required = true) => S.string({ required, pattern: '^d-[0-9a-f]{10}$' });
const CertificateId = S.string({ required: true, pattern: '^c-[0-9a-f]{10}$' });
// NextToken has no constraint trait in the model.
const NextToken = S.string();
// Limit: @range(min: 0); PageLimit: @range(min: 1, max: 50).
const Limit = S.integer({ min: 0 });
const PageLimit = S.integer({ min: 1, max: 50 });

const DirectoryName = S.string({ required: true, pattern: String.raw`^([a-zA-Z0-9]+[\\.-])+([a-zA-Z0-9])+$` });
const DirectoryShortName = S.string({ pattern: String.raw`^[^\\/:*?"<>|.]+[^\\/:*?"<>|]*$` });
/** `@sensitive`: never echoed in a validation message. Length 8..64 is part of the pattern, not a @length trait. */
const Password = S.string({
  required: true,
  sensitive: true,
  pattern: String.raw`(?=^.{8,64}$)((?=.*\d)(?=.*[A-Z])(?=.*[a-z])|(?=.*\d)(?=.*[^A-Za-z0-9\s])(?=.*[a-z])|(?=.*[^A-Za-z0-9\s])(?=.*[A-Z])(?=.*[a-z])|(?=.*\d)(?=.*[A-Z])(?=.*[^A-Za-z0-9\s]))^.*`,
});
const Description = S.string({ min: 0, max: 128, pattern: String.raw`^([a-zA-Z0-9_])[\\a-zA-Z0-9_@#%*+=:?./!\s-]*$` });

// ---- Enums (pinned SDK values, model order) ----

export const DIRECTORY_SIZES = ['Small', 'Large'] as const;
export const DIRECTORY_EDITIONS = ['Enterprise', 'Standard', 'Hybrid'] as const;
export const NETWORK_TYPES = ['Dual-stack', 'IPv4', 'IPv6'] as const;
export const CERTIFICATE_TYPES = ['ClientCertAuth', 'ClientLDAPS'] as const;
export const CLIENT_AUTHENTICATION_TYPES = ['SmartCard', 'SmartCardOrPassword'] as const;
export const LDAPS_TYPES = ['Client'] as const;

// ---- Structures ----

const DirectoryVpcSettings = (required: boolean) =>
  S.structure(
    {
      VpcId: S.string({ required: true, pattern: '^(vpc-[0-9a-f]{8}|vpc-[0-9a-f]{17})$' }),
      // SubnetIds has no @length in the model; each element carries the SubnetId pattern.
      SubnetIds: S.list(S.string({ pattern: '^(subnet-[0-9a-f]{8}|subnet-[0-9a-f]{17})$' }), { required: true }),
    },
    { required },
  );

const Tag = S.structure({
  Key: S.string({ required: true, min: 1, max: 128, pattern: String.raw`^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$` }),
  Value: S.string({ required: true, min: 0, max: 256, pattern: String.raw`^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$` }),
});

// Tags has no @length in the model (the 50-tag quota is a service limit, TagLimitExceededException).
const Tags = S.list(Tag);

const ClientCertAuthSettings = S.structure({
  OCSPUrl: S.string({
    min: 1,
    max: 1024,
    pattern: '^(https?|ftp|file|ldaps?)://[-a-zA-Z0-9+&@#/%?=~_|!:,.;()]*[-a-zA-Z0-9+&@#/%=~_|()]',
  }),
});

// ---- Operation inputs ----

const CreateDirectory = S.structure({
  Name: DirectoryName,
  ShortName: DirectoryShortName,
  Password,
  Description,
  Size: S.string({ required: true, enum: DIRECTORY_SIZES }),
  VpcSettings: DirectoryVpcSettings(false),
  Tags,
  NetworkType: S.string({ enum: NETWORK_TYPES }),
});

const CreateMicrosoftAD = S.structure({
  Name: DirectoryName,
  ShortName: DirectoryShortName,
  Password,
  Description,
  VpcSettings: DirectoryVpcSettings(true),
  Edition: S.string({ enum: DIRECTORY_EDITIONS }),
  Tags,
  NetworkType: S.string({ enum: NETWORK_TYPES }),
});

const DescribeDirectories = S.structure({
  // DirectoryIds has no @length in the model (an empty list is an InvalidParameterException).
  DirectoryIds: S.list(DirectoryId(false)),
  NextToken,
  Limit,
});

const DeleteDirectory = S.structure({ DirectoryId: DirectoryId() });

const RegisterCertificate = S.structure({
  DirectoryId: DirectoryId(),
  CertificateData: S.string({ required: true, min: 1, max: 8192 }),
  Type: S.string({ enum: CERTIFICATE_TYPES }),
  ClientCertAuthSettings,
});

const DescribeCertificate = S.structure({ DirectoryId: DirectoryId(), CertificateId });

const ListCertificates = S.structure({ DirectoryId: DirectoryId(), NextToken, Limit: PageLimit });

const DeregisterCertificate = S.structure({ DirectoryId: DirectoryId(), CertificateId });

const EnableClientAuthentication = S.structure({
  DirectoryId: DirectoryId(),
  Type: S.string({ required: true, enum: CLIENT_AUTHENTICATION_TYPES }),
});

const DisableClientAuthentication = S.structure({
  DirectoryId: DirectoryId(),
  Type: S.string({ required: true, enum: CLIENT_AUTHENTICATION_TYPES }),
});

const DescribeClientAuthenticationSettings = S.structure({
  DirectoryId: DirectoryId(),
  Type: S.string({ enum: CLIENT_AUTHENTICATION_TYPES }),
  NextToken,
  Limit: PageLimit,
});

const EnableLDAPS = S.structure({ DirectoryId: DirectoryId(), Type: S.string({ required: true, enum: LDAPS_TYPES }) });

const DisableLDAPS = S.structure({ DirectoryId: DirectoryId(), Type: S.string({ required: true, enum: LDAPS_TYPES }) });

const DescribeLDAPSSettings = S.structure({
  DirectoryId: DirectoryId(),
  Type: S.string({ enum: LDAPS_TYPES }),
  NextToken,
  Limit: PageLimit,
});

/** Operation name (the `X-Amz-Target` suffix after `DirectoryService_20150416.`) -> input shape. */
export const DIRECTORY_SERVICE_INPUT_SHAPES = {
  CreateDirectory,
  CreateMicrosoftAD,
  DescribeDirectories,
  DeleteDirectory,
  RegisterCertificate,
  DescribeCertificate,
  ListCertificates,
  DeregisterCertificate,
  EnableClientAuthentication,
  DisableClientAuthentication,
  DescribeClientAuthenticationSettings,
  EnableLDAPS,
  DisableLDAPS,
  DescribeLDAPSSettings,
} as const satisfies Record<string, Shape>;

export type DirectoryServiceOperation = keyof typeof DIRECTORY_SERVICE_INPUT_SHAPES;
