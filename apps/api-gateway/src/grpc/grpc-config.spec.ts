import { resolve } from 'node:path';
import { DEFAULT_GRPC_HEALTH_PORT, DEFAULT_GRPC_PORT, DEFAULT_TRUST_DOMAIN, grpcConfigProblem, loadGrpcConfig } from './grpc-config';

const load = (env: NodeJS.ProcessEnv) => loadGrpcConfig(env, '127.0.0.1');
const production = { PKI_GRPC_TLS_CERT: '/etc/pki/grpc/tls.crt', PKI_GRPC_TLS_KEY: '/etc/pki/grpc/tls.key', PKI_GRPC_CLIENT_CA_ARN: 'arn:aws:acm-pca:us-east-1:111122223333:certificate-authority/11111111-2222-3333-4444-555555555555' };

describe('loadGrpcConfig: defaults', () => {
  it('listens on the HTTP host, port 4570 (health in plain text on 4571), trust domain pki.local, development credentials off', () => {
    expect(load({})).toEqual({
      enabled: true,
      host: '127.0.0.1',
      port: 4570,
      healthPort: 4571,
      trustDomain: 'pki.local',
      clientCaArn: undefined,
      tlsCertFile: undefined,
      tlsKeyFile: undefined,
      devCredentials: false,
      devDir: resolve('.data/grpc'),
      devServerNames: ['localhost', '127.0.0.1'],
    });
    expect([DEFAULT_GRPC_PORT, DEFAULT_GRPC_HEALTH_PORT, DEFAULT_TRUST_DOMAIN]).toEqual([4570, 4571, 'pki.local']);
    expect(loadGrpcConfig({}, '0.0.0.0').host).toBe('0.0.0.0');
  });

  it('empty variables count as unset', () => {
    expect(load({ PKI_GRPC_PORT: '', PKI_GRPC_HEALTH_PORT: '', PKI_GRPC_ENABLED: '', PKI_GRPC_DEV_CREDENTIALS: '', PKI_GRPC_TRUST_DOMAIN: '', PKI_GRPC_CLIENT_CA_ARN: '', PKI_GRPC_TLS_CERT: '', PKI_GRPC_HOST: '' })).toEqual(load({}));
  });
});

describe('loadGrpcConfig: settings', () => {
  it('reads the host, ports (0 = any free port; health 0 = off), trust domain, TLS files and client CA', () => {
    const config = load({ ...production, PKI_GRPC_HOST: '0.0.0.0', PKI_GRPC_PORT: '50051', PKI_GRPC_HEALTH_PORT: '0', PKI_GRPC_TRUST_DOMAIN: 'prod.example-corp.com' });
    expect(config).toMatchObject({ host: '0.0.0.0', port: 50051, healthPort: 0, trustDomain: 'prod.example-corp.com', tlsCertFile: production.PKI_GRPC_TLS_CERT, tlsKeyFile: production.PKI_GRPC_TLS_KEY, clientCaArn: production.PKI_GRPC_CLIENT_CA_ARN });
    expect(load({ PKI_GRPC_PORT: '0' }).port).toBe(0);
    expect(load({ PKI_GRPC_PORT: '65535' }).port).toBe(65535);
  });

  it.each([
    ['PKI_GRPC_PORT', '65536'],
    ['PKI_GRPC_PORT', '-1'],
    ['PKI_GRPC_PORT', '4570.5'],
    ['PKI_GRPC_PORT', 'grpc'],
    ['PKI_GRPC_HEALTH_PORT', '1e9'],
  ])('refuses %s=%s, naming the variable and the value', (variable, value) => {
    expect(() => load({ [variable]: value })).toThrow(`${variable} must be a TCP port (0-65535), not ${JSON.stringify(value)}`);
  });

  it('reads flags as 1/true/yes and 0/false/no in any case, and refuses anything else', () => {
    for (const raw of ['1', 'true', 'TRUE', 'yes', 'Yes']) expect(load({ PKI_GRPC_DEV_CREDENTIALS: raw }).devCredentials).toBe(true);
    for (const raw of ['0', 'false', 'False', 'no', 'NO']) expect(load({ PKI_GRPC_ENABLED: raw }).enabled).toBe(false);
    expect(() => load({ PKI_GRPC_ENABLED: 'off' })).toThrow('PKI_GRPC_ENABLED must be true or false, not "off"');
    expect(() => load({ PKI_GRPC_DEV_CREDENTIALS: '2' })).toThrow('PKI_GRPC_DEV_CREDENTIALS must be true or false, not "2"');
  });

  it('refuses a trust domain that is not a SPIFFE trust domain name', () => {
    for (const bad of ['Pki.Local', 'pki.local/account', 'spiffe://pki.local', 'pki local', 'x'.repeat(256)]) {
      expect(() => load({ PKI_GRPC_TRUST_DOMAIN: bad })).toThrow(/^PKI_GRPC_TRUST_DOMAIN must be a SPIFFE trust domain name/);
    }
    expect(load({ PKI_GRPC_TRUST_DOMAIN: 'a-b_c.d9' }).trustDomain).toBe('a-b_c.d9');
  });

  it('development: the directory (relative to the working directory, or absolute) and the server names (trimmed, empty ones dropped)', () => {
    expect(load({ PKI_GRPC_DEV_DIR: 'tmp/grpc-dev' }).devDir).toBe(resolve('tmp/grpc-dev'));
    expect(load({ PKI_GRPC_DEV_DIR: '/var/lib/pki/grpc' }).devDir).toBe('/var/lib/pki/grpc');
    expect(load({ PKI_GRPC_DEV_SERVER_NAMES: ' gateway.local , ,10.0.0.7,' }).devServerNames).toEqual(['gateway.local', '10.0.0.7']);
  });

  it('refuses the development credentials with NODE_ENV=production, saying what to set instead', () => {
    expect(() => load({ NODE_ENV: 'production', PKI_GRPC_DEV_CREDENTIALS: '1' })).toThrow(
      'PKI_GRPC_DEV_CREDENTIALS is refused with NODE_ENV=production: give the gRPC listener PKI_GRPC_TLS_CERT, PKI_GRPC_TLS_KEY and PKI_GRPC_CLIENT_CA_ARN',
    );
    expect(() => load({ NODE_ENV: 'production', PKI_GRPC_DEV_CREDENTIALS: 'false', ...production })).not.toThrow();
    expect(load({ NODE_ENV: 'development', PKI_GRPC_DEV_CREDENTIALS: 'true' }).devCredentials).toBe(true);
  });
});

describe('grpcConfigProblem: why the listener stays off (there is no unauthenticated mode)', () => {
  it('none with the three production settings, or with the development credentials', () => {
    expect(grpcConfigProblem(load(production))).toBeUndefined();
    expect(grpcConfigProblem(load({ PKI_GRPC_DEV_CREDENTIALS: '1' }))).toBeUndefined();
  });

  it('PKI_GRPC_ENABLED=false first, whatever else is set', () => {
    expect(grpcConfigProblem(load({ ...production, PKI_GRPC_ENABLED: 'false' }))).toBe('PKI_GRPC_ENABLED=false');
    expect(grpcConfigProblem(load({ PKI_GRPC_DEV_CREDENTIALS: '1', PKI_GRPC_ENABLED: 'no' }))).toBe('PKI_GRPC_ENABLED=false');
  });

  it('names exactly the missing settings', () => {
    expect(grpcConfigProblem(load({}))).toBe('not configured: set PKI_GRPC_TLS_CERT, PKI_GRPC_TLS_KEY, PKI_GRPC_CLIENT_CA_ARN (mTLS only; or PKI_GRPC_DEV_CREDENTIALS=1 in development)');
    expect(grpcConfigProblem(load({ ...production, PKI_GRPC_TLS_KEY: undefined }))).toBe('not configured: set PKI_GRPC_TLS_KEY (mTLS only; or PKI_GRPC_DEV_CREDENTIALS=1 in development)');
    expect(grpcConfigProblem(load({ PKI_GRPC_TLS_CERT: 'a', PKI_GRPC_TLS_KEY: 'b' }))).toBe('not configured: set PKI_GRPC_CLIENT_CA_ARN (mTLS only; or PKI_GRPC_DEV_CREDENTIALS=1 in development)');
    expect(grpcConfigProblem(load({ PKI_GRPC_CLIENT_CA_ARN: production.PKI_GRPC_CLIENT_CA_ARN }))).toBe('not configured: set PKI_GRPC_TLS_CERT, PKI_GRPC_TLS_KEY (mTLS only; or PKI_GRPC_DEV_CREDENTIALS=1 in development)');
  });
});
