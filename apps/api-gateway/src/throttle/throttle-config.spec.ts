import { ConfigError } from '@pki/service-kit';
import { describeThrottle, loadThrottleConfig } from './throttle-config';
import { ACM_PCA_AWS_QUOTAS, THROTTLED_OPERATIONS } from './throttle-defaults';

const limitOf = (env: NodeJS.ProcessEnv, api: 'acm-pca' | 'iot' | 'ds', operation: string) => loadThrottleConfig(env).limits.get(api)!.get(operation);

describe('loadThrottleConfig: defaults', () => {
  it('is on, with AWS quotas x10 and a two-second burst (IssueCertificate 25/s -> 250/500, GetCertificate 75/s -> 750/1500)', () => {
    const config = loadThrottleConfig({});
    expect(config.enabled).toBe(true);
    expect(limitOf({}, 'acm-pca', 'IssueCertificate')).toEqual({ ratePerSecond: 250, burst: 500 });
    expect(limitOf({}, 'acm-pca', 'GetCertificate')).toEqual({ ratePerSecond: 750, burst: 1500 });
    expect(limitOf({}, 'acm-pca', 'RevokeCertificate')).toEqual({ ratePerSecond: 200, burst: 400 });
    expect(limitOf({}, 'acm-pca', 'CreateCertificateAuthority')).toEqual({ ratePerSecond: 10, burst: 20 });
    expect(limitOf({}, 'iot', 'CreateCertificateFromCsr')).toEqual({ ratePerSecond: 100, burst: 200 });
    expect(limitOf({}, 'ds', 'RegisterCertificate')).toEqual({ ratePerSecond: 100, burst: 200 });
    expect(describeThrottle(config)).toBe('throttling per account and operation, per replica: the AWS-derived defaults');
  });

  it('gives every operation the gateway routes a limit, and the ACM PCA table names exactly the routed operations', () => {
    const config = loadThrottleConfig({});
    for (const [api, operations] of Object.entries(THROTTLED_OPERATIONS)) {
      for (const operation of operations) expect(config.limits.get(api as 'iot')!.get(operation)).toBeDefined();
    }
    expect(Object.keys(ACM_PCA_AWS_QUOTAS).sort()).toEqual([...THROTTLED_OPERATIONS['acm-pca']].sort());
    expect(THROTTLED_OPERATIONS.iot).toContain('CreateKeysAndCertificate');
    expect(THROTTLED_OPERATIONS.ds).toContain('DescribeDirectories');
  });
});

describe('loadThrottleConfig: settings', () => {
  it('PKI_THROTTLE_ENABLED=false turns it off (the other variables are still checked)', () => {
    const config = loadThrottleConfig({ PKI_THROTTLE_ENABLED: 'false' });
    expect(config.enabled).toBe(false);
    expect(describeThrottle(config)).toBe('throttling is off (PKI_THROTTLE_ENABLED=false)');
    expect(() => loadThrottleConfig({ PKI_THROTTLE_ENABLED: 'false', PKI_THROTTLE: 'acm-pca:Nope=1' })).toThrow(ConfigError);
  });

  it('PKI_THROTTLE_DEFAULT replaces the table for every operation; PKI_THROTTLE entries win over it', () => {
    const env = { PKI_THROTTLE_DEFAULT: '50/60', PKI_THROTTLE: 'acm-pca:IssueCertificate=250/500, iot:ListCertificates=0.2' };
    expect(limitOf(env, 'acm-pca', 'GetCertificate')).toEqual({ ratePerSecond: 50, burst: 60 });
    expect(limitOf(env, 'ds', 'DescribeDirectories')).toEqual({ ratePerSecond: 50, burst: 60 });
    expect(limitOf(env, 'acm-pca', 'IssueCertificate')).toEqual({ ratePerSecond: 250, burst: 500 });
    // Without a burst: two seconds' worth, at least one request.
    expect(limitOf(env, 'iot', 'ListCertificates')).toEqual({ ratePerSecond: 0.2, burst: 1 });
    expect(limitOf({ PKI_THROTTLE_DEFAULT: '7' }, 'iot', 'GetPolicy')).toEqual({ ratePerSecond: 7, burst: 14 });
    expect(describeThrottle(loadThrottleConfig(env))).toBe(
      'throttling per account and operation, per replica: 50/60 for every operation (PKI_THROTTLE_DEFAULT), PKI_THROTTLE for acm-pca:IssueCertificate iot:ListCertificates',
    );
  });

  it('an empty PKI_THROTTLE, or empty entries between commas, change nothing', () => {
    expect(limitOf({ PKI_THROTTLE: '' }, 'acm-pca', 'IssueCertificate')).toEqual({ ratePerSecond: 250, burst: 500 });
    expect(limitOf({ PKI_THROTTLE: ',ds:ListCertificates=3/3,' }, 'ds', 'ListCertificates')).toEqual({ ratePerSecond: 3, burst: 3 });
  });
});

describe('loadThrottleConfig: a bad value is a start-up ConfigError that names the variable and the fix', () => {
  const cases: Array<[string, NodeJS.ProcessEnv, RegExp]> = [
    ['a non-boolean switch', { PKI_THROTTLE_ENABLED: 'yes' }, /PKI_THROTTLE_ENABLED must be true or false, got "yes"/],
    ['a default that is not rate/burst', { PKI_THROTTLE_DEFAULT: 'fast' }, /PKI_THROTTLE_DEFAULT: "fast" is not rate\/burst/],
    ['a zero rate', { PKI_THROTTLE_DEFAULT: '0/10' }, /PKI_THROTTLE_DEFAULT: the rate must be above 0/],
    ['a zero burst', { PKI_THROTTLE: 'acm-pca:IssueCertificate=10/0' }, /PKI_THROTTLE entry 1 .*the burst must be at least 1/],
    ['a fractional burst', { PKI_THROTTLE: 'acm-pca:IssueCertificate=10/2.5' }, /is not rate\/burst/],
    ['a negative rate', { PKI_THROTTLE: 'acm-pca:IssueCertificate=-1/2' }, /is not rate\/burst/],
    ['an entry without =', { PKI_THROTTLE: 'acm-pca:IssueCertificate' }, /PKI_THROTTLE entry 1 \("acm-pca:IssueCertificate"\) must be api:Operation=rate\/burst/],
    ['an entry without the API', { PKI_THROTTLE: 'IssueCertificate=250/500' }, /must be api:Operation=rate\/burst/],
    ['an unknown API', { PKI_THROTTLE: 'acm:IssueCertificate=1' }, /the API must be one of acm-pca, iot, ds/],
    ['a misspelt operation', { PKI_THROTTLE: 'acm-pca:IssueCertficate=250/500' }, /acm-pca has no operation IssueCertficate that this gateway serves/],
    ['an operation of another API', { PKI_THROTTLE: 'ds:IssueCertificate=1' }, /ds has no operation IssueCertificate/],
    ['the same operation twice', { PKI_THROTTLE: 'iot:ListThings=1,iot:ListThings=2' }, /PKI_THROTTLE entry 2 .*iot:ListThings is already set by an earlier entry/],
  ];
  it.each(cases)('%s', (_name, env, message) => {
    expect(() => loadThrottleConfig(env)).toThrow(ConfigError);
    expect(() => loadThrottleConfig(env)).toThrow(message);
  });
});
