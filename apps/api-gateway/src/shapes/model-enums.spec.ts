import {
  ACM_PCA_KEY_ALGORITHMS,
  ACM_PCA_SIGNING_ALGORITHMS,
  IOT_AUTO_REGISTRATION_STATUSES,
  IOT_CA_CERTIFICATE_STATUSES,
  IOT_CERTIFICATE_MODES,
  IOT_CERTIFICATE_STATUSES,
  IOT_THING_PRINCIPAL_TYPES,
  REVOCATION_REASONS,
} from '@pki/contracts';
import { KeyAlgorithm, RevocationReason, SigningAlgorithm } from './generated/acm-pca';
import { AutoRegistrationStatus, CACertificateStatus, CertificateMode, CertificateStatus, ThingPrincipalType } from './generated/iot';

/**
 * The enums libs/contracts names for the services' domain code are the model's enums: the
 * gateway validates against the generated ones, so a value the model adds (or drops) must not
 * leave the services with another list.
 */
describe('libs/contracts enums match the AWS model', () => {
  it.each([
    ['ACM_PCA_KEY_ALGORITHMS', ACM_PCA_KEY_ALGORITHMS, KeyAlgorithm],
    ['ACM_PCA_SIGNING_ALGORITHMS', ACM_PCA_SIGNING_ALGORITHMS, SigningAlgorithm],
    ['REVOCATION_REASONS', REVOCATION_REASONS, RevocationReason],
    ['IOT_CERTIFICATE_STATUSES', IOT_CERTIFICATE_STATUSES, CertificateStatus],
    ['IOT_CA_CERTIFICATE_STATUSES', IOT_CA_CERTIFICATE_STATUSES, CACertificateStatus],
    ['IOT_AUTO_REGISTRATION_STATUSES', IOT_AUTO_REGISTRATION_STATUSES, AutoRegistrationStatus],
    ['IOT_CERTIFICATE_MODES', IOT_CERTIFICATE_MODES, CertificateMode],
    ['IOT_THING_PRINCIPAL_TYPES', IOT_THING_PRINCIPAL_TYPES, ThingPrincipalType],
  ])('%s', (_name, contract, model) => {
    expect([...contract]).toEqual([...model]);
  });
});
