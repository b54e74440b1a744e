import {
  ACM_PCA_OPERATIONS,
  ACM_PCA_TARGET_PREFIX,
  DIRECTORY_OPERATIONS,
  DS_TARGET_PREFIX,
  type ServiceName,
} from '@pki/contracts';

/** awsJson1_1 target prefix -> (operation -> owning service). */
export const JSON_TARGETS: Readonly<Record<string, Readonly<Record<string, ServiceName>>>> = {
  [ACM_PCA_TARGET_PREFIX]: ACM_PCA_OPERATIONS,
  [DS_TARGET_PREFIX]: Object.fromEntries(DIRECTORY_OPERATIONS.map((operation) => [operation, 'directory' as const])),
};

/** The SigV4 signing name each API's SDK uses, checked against the credential scope. */
export const SIGNING_NAMES: Readonly<Record<string, string>> = {
  [ACM_PCA_TARGET_PREFIX]: 'acm-pca',
  [DS_TARGET_PREFIX]: 'ds',
};
