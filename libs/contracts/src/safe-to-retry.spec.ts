import { ACM_PCA_OPERATIONS } from './acm-pca';
import { CA_INTERNAL_OPERATIONS } from './ca-lookup';
import { REVOCATION_OPERATIONS } from './certificates';
import { DIRECTORY_OPERATIONS, IOT_OPERATIONS } from './iot-ds';
import { ISSUANCE_OPERATIONS } from './issuance';
import { IOT_THING_AND_POLICY_OPERATIONS } from './iot';
import { isSafeToRetry, SAFE_TO_RETRY } from './safe-to-retry';
import type { ServiceName } from './subjects';

describe('SAFE_TO_RETRY', () => {
  const owned: Record<ServiceName, readonly string[]> = {
    ca: [...Object.keys(ACM_PCA_OPERATIONS).filter((operation) => ACM_PCA_OPERATIONS[operation] === 'ca'), ...Object.values(CA_INTERNAL_OPERATIONS)],
    issuance: [...Object.keys(ACM_PCA_OPERATIONS).filter((operation) => ACM_PCA_OPERATIONS[operation] === 'issuance'), ...Object.values(ISSUANCE_OPERATIONS)],
    revocation: Object.values(REVOCATION_OPERATIONS),
    iot: [...IOT_OPERATIONS, ...IOT_THING_AND_POLICY_OPERATIONS],
    directory: DIRECTORY_OPERATIONS,
  };

  it.each(Object.keys(owned) as ServiceName[])('names only operations %s owns, none of them a write', (service) => {
    for (const operation of SAFE_TO_RETRY[service]) {
      expect(owned[service]).toContain(operation);
      expect(operation).toMatch(/^(Get|Describe|List|Lookup|Ocsp|CrlLocation|CertificateStatus)/);
    }
  });

  it('never repeats writes, even idempotent-looking ones', () => {
    expect(isSafeToRetry('issuance', 'IssueCertificate')).toBe(false);
    expect(isSafeToRetry('revocation', 'RevokeCertificate')).toBe(false);
    expect(isSafeToRetry('ca', 'SignData')).toBe(false);
    expect(isSafeToRetry('iot', 'GetRegistrationCode')).toBe(false); // creates the code on first use
    expect(isSafeToRetry('issuance', 'GetCertificate')).toBe(true);
    expect(isSafeToRetry('issuance', 'LookupIssuedCertificate')).toBe(true);
  });
});
