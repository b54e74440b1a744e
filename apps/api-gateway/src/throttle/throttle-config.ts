import { ConfigError } from '@pki/service-kit';
import { awsQuota, AWS_QUOTA_SCALE, BURST_SECONDS, THROTTLED_OPERATIONS, type ThrottledApi } from './throttle-defaults';

/** A token bucket's shape: the sustained rate and how many requests may arrive at once. */
export interface RateLimit {
  readonly ratePerSecond: number;
  readonly burst: number;
}

export interface ThrottleConfig {
  readonly enabled: boolean;
  /** The limit of every routed operation, per API (per account and gateway replica). */
  readonly limits: ReadonlyMap<ThrottledApi, ReadonlyMap<string, RateLimit>>;
  /** PKI_THROTTLE_DEFAULT when set (then it replaced the AWS-derived table). */
  readonly flat: RateLimit | undefined;
  /** The PKI_THROTTLE entries, as `api:Operation`. */
  readonly overridden: readonly string[];
}

/** The start-up log line: what an operator needs to know the gateway is throttling as configured. */
export function describeThrottle(config: ThrottleConfig): string {
  if (!config.enabled) return 'throttling is off (PKI_THROTTLE_ENABLED=false)';
  const base = config.flat ? `${config.flat.ratePerSecond}/${config.flat.burst} for every operation (PKI_THROTTLE_DEFAULT)` : 'the AWS-derived defaults';
  const overrides = config.overridden.length > 0 ? `, PKI_THROTTLE for ${config.overridden.join(' ')}` : '';
  return `throttling per account and operation, per replica: ${base}${overrides}`;
}

const RATE = /^(\d{1,7}(?:\.\d{1,6})?)(?:\/(\d{1,8}))?$/;

/** `rate[/burst]`: a positive rate per second and a whole burst of at least 1 (default: two seconds' worth). */
function parseLimit(raw: string, where: string): RateLimit {
  const match = RATE.exec(raw.trim());
  if (!match) throw new ConfigError(`${where}: ${JSON.stringify(raw)} is not rate/burst (requests per second, then the burst), e.g. 250/500`);
  const ratePerSecond = Number(match[1]);
  if (!(ratePerSecond > 0)) throw new ConfigError(`${where}: the rate must be above 0 (to stop all traffic, use the load balancer)`);
  const burst = match[2] === undefined ? Math.max(1, Math.ceil(ratePerSecond * BURST_SECONDS)) : Number(match[2]);
  if (burst < 1) throw new ConfigError(`${where}: the burst must be at least 1, or no request would ever pass`);
  return { ratePerSecond, burst };
}

function parseEnabled(raw: string | undefined): boolean {
  if (raw === undefined || raw === '' || raw === 'true') return true;
  if (raw === 'false') return false;
  throw new ConfigError(`PKI_THROTTLE_ENABLED must be true or false, got ${JSON.stringify(raw)}`);
}

const isApi = (api: string): api is ThrottledApi => Object.prototype.hasOwnProperty.call(THROTTLED_OPERATIONS, api);

/**
 * Throttling from the environment (documented in the README, "Throttling"): PKI_THROTTLE_ENABLED,
 * PKI_THROTTLE_DEFAULT (one limit for every operation instead of the AWS-derived table) and
 * PKI_THROTTLE (`api:Operation=rate/burst,...` per operation). Every value is checked even when
 * throttling is off, so a typo fails the start and not the day it is switched on.
 */
export function loadThrottleConfig(env: NodeJS.ProcessEnv = process.env): ThrottleConfig {
  const enabled = parseEnabled(env.PKI_THROTTLE_ENABLED);
  const flat = env.PKI_THROTTLE_DEFAULT ? parseLimit(env.PKI_THROTTLE_DEFAULT, 'PKI_THROTTLE_DEFAULT') : undefined;
  const limits = new Map<ThrottledApi, Map<string, RateLimit>>();
  for (const [api, operations] of Object.entries(THROTTLED_OPERATIONS) as Array<[ThrottledApi, readonly string[]]>) {
    const scaled = (operation: string): RateLimit => {
      const ratePerSecond = awsQuota(api, operation) * AWS_QUOTA_SCALE;
      return { ratePerSecond, burst: ratePerSecond * BURST_SECONDS };
    };
    limits.set(api, new Map(operations.map((operation) => [operation, flat ?? scaled(operation)])));
  }
  const overridden: string[] = [];
  const entries = (env.PKI_THROTTLE ?? '').split(',').map((entry) => entry.trim());
  entries.forEach((entry, index) => {
    if (entry === '') return;
    const where = `PKI_THROTTLE entry ${index + 1} (${JSON.stringify(entry)})`;
    const match = /^([a-z-]+):([A-Za-z]+)=(.+)$/.exec(entry);
    if (!match) throw new ConfigError(`${where} must be api:Operation=rate/burst, e.g. acm-pca:IssueCertificate=250/500`);
    const [, api, operation, limit] = match as unknown as [string, string, string, string];
    if (!isApi(api)) throw new ConfigError(`${where}: the API must be one of ${Object.keys(THROTTLED_OPERATIONS).join(', ')}`);
    if (!THROTTLED_OPERATIONS[api].includes(operation)) throw new ConfigError(`${where}: ${api} has no operation ${operation} that this gateway serves`);
    const key = `${api}:${operation}`;
    if (overridden.includes(key)) throw new ConfigError(`${where}: ${key} is already set by an earlier entry`);
    overridden.push(key);
    limits.get(api)!.set(operation, parseLimit(limit, where));
  });
  return { enabled, limits, flat, overridden };
}
