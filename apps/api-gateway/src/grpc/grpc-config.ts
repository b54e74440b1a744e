/**
 * The gRPC listener's settings (README, "Configuration"). There is no unauthenticated mode: the
 * listener runs with mTLS or not at all.
 *
 * - Production: PKI_GRPC_TLS_CERT and PKI_GRPC_TLS_KEY (PEM files: the server certificate with its
 *   chain, and its key) and PKI_GRPC_CLIENT_CA_ARN (the CA of this platform whose certificates
 *   callers present). Without all three the listener stays off and the log says which is missing.
 * - Development: PKI_GRPC_DEV_CREDENTIALS=1 (set by `npm start`) makes the gateway issue, once, a
 *   development trust CA, a server certificate and a client certificate for the default account
 *   (dev-credentials.ts, files under PKI_GRPC_DEV_DIR). Refused when NODE_ENV=production.
 */
import { isAbsolute, resolve } from 'node:path';

export interface GrpcConfig {
  readonly enabled: boolean;
  readonly host: string;
  readonly port: number;
  /** Plain-text port serving only grpc.health.v1, for Kubernetes gRPC probes (which cannot present a client certificate); 0 = off. */
  readonly healthPort: number;
  readonly trustDomain: string;
  readonly clientCaArn: string | undefined;
  readonly tlsCertFile: string | undefined;
  readonly tlsKeyFile: string | undefined;
  readonly devCredentials: boolean;
  readonly devDir: string;
  /** Names the development server certificate covers. */
  readonly devServerNames: readonly string[];
}

export const DEFAULT_GRPC_PORT = 4570;
export const DEFAULT_GRPC_HEALTH_PORT = 4571;
export const DEFAULT_TRUST_DOMAIN = 'pki.local';

/** A SPIFFE trust domain name: lowercase letters, digits, '.', '-', '_'. */
export const TRUST_DOMAIN = /^[a-z0-9._-]{1,255}$/;

function port(raw: string | undefined, name: string, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 65535) throw new Error(`${name} must be a TCP port (0-65535), not ${JSON.stringify(raw)}`);
  return value;
}

function flag(raw: string | undefined, name: string, fallback: boolean): boolean {
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes'].includes(raw.toLowerCase())) return true;
  if (['0', 'false', 'no'].includes(raw.toLowerCase())) return false;
  throw new Error(`${name} must be true or false, not ${JSON.stringify(raw)}`);
}

export function loadGrpcConfig(env: NodeJS.ProcessEnv, httpHost: string): GrpcConfig {
  const trustDomain = env.PKI_GRPC_TRUST_DOMAIN || DEFAULT_TRUST_DOMAIN;
  if (!TRUST_DOMAIN.test(trustDomain)) throw new Error(`PKI_GRPC_TRUST_DOMAIN must be a SPIFFE trust domain name (lowercase letters, digits, '.', '-', '_'), not ${JSON.stringify(trustDomain)}`);
  const devCredentials = flag(env.PKI_GRPC_DEV_CREDENTIALS, 'PKI_GRPC_DEV_CREDENTIALS', false);
  if (devCredentials && env.NODE_ENV === 'production') {
    throw new Error('PKI_GRPC_DEV_CREDENTIALS is refused with NODE_ENV=production: give the gRPC listener PKI_GRPC_TLS_CERT, PKI_GRPC_TLS_KEY and PKI_GRPC_CLIENT_CA_ARN');
  }
  const devDir = env.PKI_GRPC_DEV_DIR || '.data/grpc';
  return {
    enabled: flag(env.PKI_GRPC_ENABLED, 'PKI_GRPC_ENABLED', true),
    host: env.PKI_GRPC_HOST || httpHost,
    port: port(env.PKI_GRPC_PORT, 'PKI_GRPC_PORT', DEFAULT_GRPC_PORT),
    healthPort: port(env.PKI_GRPC_HEALTH_PORT, 'PKI_GRPC_HEALTH_PORT', DEFAULT_GRPC_HEALTH_PORT),
    trustDomain,
    clientCaArn: env.PKI_GRPC_CLIENT_CA_ARN || undefined,
    tlsCertFile: env.PKI_GRPC_TLS_CERT || undefined,
    tlsKeyFile: env.PKI_GRPC_TLS_KEY || undefined,
    devCredentials,
    devDir: isAbsolute(devDir) ? devDir : resolve(devDir),
    devServerNames: (env.PKI_GRPC_DEV_SERVER_NAMES || 'localhost,127.0.0.1')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  };
}

/** Why the listener cannot start with this configuration, or undefined when it can. */
export function grpcConfigProblem(config: GrpcConfig): string | undefined {
  if (!config.enabled) return 'PKI_GRPC_ENABLED=false';
  if (config.devCredentials) return undefined;
  const missing = [
    ...(config.tlsCertFile ? [] : ['PKI_GRPC_TLS_CERT']),
    ...(config.tlsKeyFile ? [] : ['PKI_GRPC_TLS_KEY']),
    ...(config.clientCaArn ? [] : ['PKI_GRPC_CLIENT_CA_ARN']),
  ];
  return missing.length ? `not configured: set ${missing.join(', ')} (mTLS only; or PKI_GRPC_DEV_CREDENTIALS=1 in development)` : undefined;
}
