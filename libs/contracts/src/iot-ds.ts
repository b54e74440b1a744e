/**
 * AWS IoT (restJson1) certificate operations and AWS Directory Service (awsJson1_1,
 * `DirectoryService_20150416`) certificate operations this platform owns.
 */
export const DS_TARGET_PREFIX = 'DirectoryService_20150416';

export const DIRECTORY_OPERATIONS = [
  'CreateDirectory',
  'CreateMicrosoftAD',
  'DescribeDirectories',
  'DeleteDirectory',
  'RegisterCertificate',
  'DescribeCertificate',
  'ListCertificates',
  'DeregisterCertificate',
  'EnableClientAuthentication',
  'DisableClientAuthentication',
  'DescribeClientAuthenticationSettings',
  'EnableLDAPS',
  'DisableLDAPS',
  'DescribeLDAPSSettings',
  'ConnectDirectory',
  'GetDirectoryLimits',
  'AddTagsToResource',
  'RemoveTagsFromResource',
  'ListTagsForResource',
  'DescribeSettings',
  'UpdateSettings',
] as const;

export const IOT_OPERATIONS = [
  'GetRegistrationCode',
  'RegisterCACertificate',
  'DescribeCACertificate',
  'ListCACertificates',
  'UpdateCACertificate',
  'DeleteCACertificate',
  'RegisterCertificate',
  'RegisterCertificateWithoutCA',
  'CreateCertificateFromCsr',
  'CreateKeysAndCertificate',
  'DescribeCertificate',
  'ListCertificates',
  'ListCertificatesByCA',
  'UpdateCertificate',
  'DeleteCertificate',
  'TransferCertificate',
  'AcceptCertificateTransfer',
  'RejectCertificateTransfer',
  'CancelCertificateTransfer',
  // The account's data-plane host names (AWS IoT DescribeEndpoint), which device code asks right after its certificate.
  'DescribeEndpoint',
] as const;
