/**
 * Platform configuration from environment variables (documented in the README). Parsed
 * once at start-up; a bad value is a start-up error that says which variable and why.
 */
import { defaultPublicStreamName } from '@pki/contracts';

export interface AccessKey {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly accountId: string;
}

export interface PlatformConfig {
  readonly nodeEnv: string;
  readonly databaseUrl: string;
  /**
   * Most Postgres connections this process opens (PKI_DATABASE_POOL_SIZE). Every replica of
   * every service has its own pool, so replicas x this must stay under the server's
   * max_connections, with room for a rollout's extra pods.
   */
  readonly databasePoolSize: number;
  /** NATS_URL as given: one seed URL or a comma-separated list of them (a NATS cluster). */
  readonly natsUrl: string;
  /** The seed URLs of NATS_URL, each validated; the client connects to one and learns the cluster. */
  readonly natsServers: readonly string[];
  /** Namespace of every NATS subject and JetStream stream (tests use their own). */
  readonly natsPrefix: string;
  /**
   * The default region (PKI_REGION, else the first of PKI_REGIONS): the region of callers that
   * name none (gRPC, internal work) and of resources whose stored state carries no ARN.
   */
  readonly region: string;
  /**
   * Every region this deployment answers for (PKI_REGIONS; the default region first). A SigV4
   * credential scope must name one of them; resources are kept per region (their ARNs carry it).
   */
  readonly regions: readonly string[];
  readonly accessKeys: readonly AccessKey[];
  /** Base of every URL written into certificates (CRL distribution points, OCSP). */
  readonly publicUrl: string;
  readonly httpHost: string;
  readonly httpPort: number;
  /** Port of the liveness/readiness endpoints of the non-gateway services (0 = any free port). */
  readonly healthPort: number;
  /** How long the gateway waits for a service's reply. */
  readonly requestTimeoutMs: number;
  /** The public event feed's JetStream stream (PKI_PUBLIC_EVENTS_STREAM) and its retention (PKI_PUBLIC_EVENTS_MAX_AGE_HOURS). */
  readonly publicEvents: { readonly enabled: boolean; readonly stream: string; readonly maxAgeMs: number };
}

export const DEFAULTS = {
  databaseUrl: 'postgres://postgres@127.0.0.1:5432/pki',
  databasePoolSize: 10,
  natsUrl: 'nats://127.0.0.1:4222',
  natsPrefix: 'pki',
  region: 'us-east-1',
  accessKeys: 'test:test:000000000000',
  publicUrl: 'http://127.0.0.1:4566',
  httpHost: '127.0.0.1',
  httpPort: 4566,
  healthPort: 8080,
  requestTimeoutMs: 30000,
  publicEventsMaxAgeHours: 168,
} as const;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;
const ACCOUNT = /^\d{12}$/;
const ACCESS_KEY_ID = /^[A-Za-z0-9]{2,128}$/;
const PREFIX = /^[A-Za-z0-9_-]{1,32}$/;

export function parseAccessKeys(raw: string): AccessKey[] {
  const keys = raw
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0)
    .map((entry, index) => {
      const parts = entry.split(':');
      if (parts.length !== 3) {
        throw new ConfigError(`PKI_ACCESS_KEYS entry ${index + 1} must be accessKeyId:secretKey:accountId`);
      }
      const [accessKeyId, secretAccessKey, accountId] = parts as [string, string, string];
      if (!ACCESS_KEY_ID.test(accessKeyId)) {
        throw new ConfigError(`PKI_ACCESS_KEYS entry ${index + 1}: the access key id must be 2-128 letters or digits`);
      }
      if (secretAccessKey.length === 0) {
        throw new ConfigError(`PKI_ACCESS_KEYS entry ${index + 1} (${accessKeyId}): the secret key is empty`);
      }
      if (!ACCOUNT.test(accountId)) {
        throw new ConfigError(`PKI_ACCESS_KEYS entry ${index + 1} (${accessKeyId}): the account id must be 12 digits`);
      }
      return { accessKeyId, secretAccessKey, accountId };
    });
  if (keys.length === 0) throw new ConfigError('PKI_ACCESS_KEYS names no access key');
  const ids = new Set<string>();
  for (const key of keys) {
    if (ids.has(key.accessKeyId)) throw new ConfigError(`PKI_ACCESS_KEYS lists access key ${key.accessKeyId} twice`);
    ids.add(key.accessKeyId);
  }
  return keys;
}

function port(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 65535) throw new ConfigError(`${name} must be a port number, got ${JSON.stringify(raw)}`);
  return value;
}

function url(env: NodeJS.ProcessEnv, name: string, fallback: string, protocols: string[]): string {
  const raw = env[name] && env[name] !== '' ? (env[name] as string) : fallback;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch (cause) {
    throw new ConfigError(`${name} is not a URL: ${JSON.stringify(raw.replace(/\/\/[^@/]*@/, '//***@'))}`, { cause });
  }
  if (!protocols.includes(parsed.protocol)) throw new ConfigError(`${name} must use ${protocols.join(' or ')}`);
  return raw;
}

/** NATS_URL: one or more `nats://` / `tls://` seed URLs separated by commas (spaces around them ignored). */
export function parseNatsServers(raw: string): string[] {
  const servers = raw
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0);
  if (servers.length === 0) throw new ConfigError('NATS_URL names no server');
  return servers.map((server, index) => {
    const name = servers.length === 1 ? 'NATS_URL' : `NATS_URL entry ${index + 1}`;
    return url({ [name]: server }, name, server, ['nats:', 'tls:']);
  });
}

/**
 * PKI_REGION and PKI_REGIONS: the regions answered, the default one first. PKI_REGIONS alone:
 * its first is the default; PKI_REGION alone (the single-region deployments before PKI_REGIONS):
 * that one region; both: PKI_REGION must be one of PKI_REGIONS.
 */
export function parseRegions(env: NodeJS.ProcessEnv): { region: string; regions: string[] } {
  const listed = (env.PKI_REGIONS ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0);
  for (const name of listed) {
    if (!REGION.test(name)) throw new ConfigError(`PKI_REGIONS entry ${JSON.stringify(name)} is not a region name like us-east-1`);
  }
  const region = env.PKI_REGION || listed[0] || DEFAULTS.region;
  if (!REGION.test(region)) throw new ConfigError(`PKI_REGION ${JSON.stringify(region)} is not a region name like us-east-1`);
  if (listed.length > 0 && !listed.includes(region)) {
    throw new ConfigError(`PKI_REGION ${region} is not one of PKI_REGIONS (${listed.join(',')}): list it there, or leave PKI_REGION unset to make the first of PKI_REGIONS the default`);
  }
  const regions = [region, ...listed.filter((name, index) => name !== region && listed.indexOf(name) === index)];
  return { region, regions };
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): PlatformConfig {
  const nodeEnv = env.NODE_ENV ?? 'development';
  const { region, regions } = parseRegions(env);
  const natsPrefix = env.PKI_NATS_PREFIX || DEFAULTS.natsPrefix;
  if (!PREFIX.test(natsPrefix)) throw new ConfigError('PKI_NATS_PREFIX must be 1-32 letters, digits, _ or -');
  const accessKeys = parseAccessKeys(env.PKI_ACCESS_KEYS || DEFAULTS.accessKeys);
  if (nodeEnv === 'production') {
    // The development key pair is public knowledge; a production deployment must configure its own.
    const dev = accessKeys.find((key) => key.accessKeyId === 'test' || key.secretAccessKey === 'test');
    if (dev) throw new ConfigError('refusing to start with the development access key (test:test) when NODE_ENV=production: set PKI_ACCESS_KEYS');
  }
  const publicUrl = url(env, 'PKI_PUBLIC_URL', DEFAULTS.publicUrl, ['http:', 'https:']).replace(/\/+$/, '');
  const natsUrl = env.NATS_URL || DEFAULTS.natsUrl;
  const natsServers = parseNatsServers(natsUrl);
  const timeout = env.PKI_REQUEST_TIMEOUT_MS ? Number(env.PKI_REQUEST_TIMEOUT_MS) : DEFAULTS.requestTimeoutMs;
  if (!Number.isInteger(timeout) || timeout <= 0) throw new ConfigError('PKI_REQUEST_TIMEOUT_MS must be a positive integer');
  const poolSize = env.PKI_DATABASE_POOL_SIZE ? Number(env.PKI_DATABASE_POOL_SIZE) : DEFAULTS.databasePoolSize;
  if (!Number.isInteger(poolSize) || poolSize <= 0) throw new ConfigError('PKI_DATABASE_POOL_SIZE must be a positive integer');
  const publicStream = env.PKI_PUBLIC_EVENTS_STREAM || defaultPublicStreamName(natsPrefix);
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(publicStream)) throw new ConfigError('PKI_PUBLIC_EVENTS_STREAM must be 1-64 letters, digits, _ or - (a JetStream stream name)');
  const maxAgeHours = env.PKI_PUBLIC_EVENTS_MAX_AGE_HOURS ? Number(env.PKI_PUBLIC_EVENTS_MAX_AGE_HOURS) : DEFAULTS.publicEventsMaxAgeHours;
  if (!Number.isFinite(maxAgeHours) || maxAgeHours <= 0) throw new ConfigError('PKI_PUBLIC_EVENTS_MAX_AGE_HOURS must be a positive number of hours (how long subscribers can replay)');
  const feedSwitch = (env.PKI_PUBLIC_EVENTS_ENABLED || 'true').toLowerCase();
  if (feedSwitch !== 'true' && feedSwitch !== 'false') throw new ConfigError('PKI_PUBLIC_EVENTS_ENABLED must be true or false');
  return {
    nodeEnv,
    databaseUrl: url(env, 'DATABASE_URL', DEFAULTS.databaseUrl, ['postgres:', 'postgresql:']),
    databasePoolSize: poolSize,
    natsUrl,
    natsServers,
    natsPrefix,
    region,
    regions,
    accessKeys,
    publicUrl,
    httpHost: env.PKI_HTTP_HOST || DEFAULTS.httpHost,
    httpPort: port(env, 'PKI_HTTP_PORT', DEFAULTS.httpPort),
    healthPort: port(env, 'PKI_HEALTH_PORT', DEFAULTS.healthPort),
    requestTimeoutMs: timeout,
    publicEvents: { enabled: feedSwitch === 'true', stream: publicStream, maxAgeMs: Math.round(maxAgeHours * 3600_000) },
  };
}
