import { ConfigError, loadConfig, parseAccessKeys, parseNatsServers } from './config';

describe('loadConfig', () => {
  it('has the documented defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      databaseUrl: 'postgres://postgres@127.0.0.1:5432/pki',
      databasePoolSize: 10,
      natsUrl: 'nats://127.0.0.1:4222',
      region: 'us-east-1',
      publicUrl: 'http://127.0.0.1:4566',
      httpHost: '127.0.0.1',
      httpPort: 4566,
      natsPrefix: 'pki',
    });
    expect(config.accessKeys).toEqual([{ accessKeyId: 'test', secretAccessKey: 'test', accountId: '000000000000' }]);
  });

  it('names the public event stream after the prefix and keeps it 7 days unless told otherwise', () => {
    expect(loadConfig({}).publicEvents).toEqual({ enabled: true, stream: 'PKI_PUBLIC_EVENTS', maxAgeMs: 7 * 24 * 3600_000 });
    expect(loadConfig({ PKI_PUBLIC_EVENTS_ENABLED: 'false' }).publicEvents.enabled).toBe(false);
    expect(() => loadConfig({ PKI_PUBLIC_EVENTS_ENABLED: 'off' })).toThrow(/PKI_PUBLIC_EVENTS_ENABLED must be true or false/);
    expect(loadConfig({ PKI_NATS_PREFIX: 'my-stack' }).publicEvents.stream).toBe('MY_STACK_PUBLIC_EVENTS');
    expect(loadConfig({ PKI_PUBLIC_EVENTS_STREAM: 'FEED', PKI_PUBLIC_EVENTS_MAX_AGE_HOURS: '1.5' }).publicEvents).toEqual({ enabled: true, stream: 'FEED', maxAgeMs: 5_400_000 });
    expect(() => loadConfig({ PKI_PUBLIC_EVENTS_STREAM: 'a.b' })).toThrow(/PKI_PUBLIC_EVENTS_STREAM/);
    expect(() => loadConfig({ PKI_PUBLIC_EVENTS_MAX_AGE_HOURS: '0' })).toThrow(/PKI_PUBLIC_EVENTS_MAX_AGE_HOURS/);
  });

  it('answers one region by default, PKI_REGIONS lists more, PKI_REGION stays the default', () => {
    expect(loadConfig({})).toMatchObject({ region: 'us-east-1', regions: ['us-east-1'] });
    expect(loadConfig({ PKI_REGION: 'eu-west-1' })).toMatchObject({ region: 'eu-west-1', regions: ['eu-west-1'] });
    expect(loadConfig({ PKI_REGIONS: 'us-east-1, eu-west-1' })).toMatchObject({ region: 'us-east-1', regions: ['us-east-1', 'eu-west-1'] });
    expect(loadConfig({ PKI_REGIONS: 'us-east-1,eu-west-1,us-east-1', PKI_REGION: 'eu-west-1' })).toMatchObject({ region: 'eu-west-1', regions: ['eu-west-1', 'us-east-1'] });
    expect(() => loadConfig({ PKI_REGIONS: 'us-east-1,eu-west-1', PKI_REGION: 'ap-south-1' })).toThrow(/PKI_REGION ap-south-1 is not one of PKI_REGIONS \(us-east-1,eu-west-1\)/);
    expect(() => loadConfig({ PKI_REGIONS: 'us-east-1,EU' })).toThrow(/PKI_REGIONS entry "EU"/);
  });

  it('refuses the development key in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/development access key/);
    expect(loadConfig({ NODE_ENV: 'production', PKI_ACCESS_KEYS: 'AKIAPROD:s3cr3t:123456789012' }).accessKeys).toHaveLength(1);
  });

  it('parses several access keys', () => {
    expect(parseAccessKeys('a1:x:111111111111, b2:y:222222222222')).toEqual([
      { accessKeyId: 'a1', secretAccessKey: 'x', accountId: '111111111111' },
      { accessKeyId: 'b2', secretAccessKey: 'y', accountId: '222222222222' },
    ]);
  });

  it.each(['nocolons', 'a:b', 'a:b:123', 'a::111111111111', 'a:x:111111111111,a:y:222222222222'])('rejects PKI_ACCESS_KEYS=%s without echoing secrets', (raw) => {
    expect(() => parseAccessKeys(raw)).toThrow(ConfigError);
    try {
      parseAccessKeys(raw);
    } catch (error) {
      expect((error as Error).message).not.toMatch(/:x:|:y:/);
    }
  });

  it('rejects bad values with the variable name', () => {
    expect(() => loadConfig({ PKI_REGION: 'mars' })).toThrow(/PKI_REGION/);
    expect(() => loadConfig({ PKI_HTTP_PORT: '99999' })).toThrow(/PKI_HTTP_PORT/);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL/);
    expect(() => loadConfig({ PKI_PUBLIC_URL: 'not a url' })).toThrow(/PKI_PUBLIC_URL/);
    for (const size of ['0', '-1', '2.5', 'ten']) expect(() => loadConfig({ PKI_DATABASE_POOL_SIZE: size })).toThrow(/PKI_DATABASE_POOL_SIZE/);
  });

  it('sizes each process\'s Postgres pool from PKI_DATABASE_POOL_SIZE', () => {
    expect(loadConfig({ PKI_DATABASE_POOL_SIZE: '4' }).databasePoolSize).toBe(4);
  });

  it('reads NATS_URL as one seed URL or a comma-separated list of them (a NATS cluster)', () => {
    expect(loadConfig({}).natsServers).toEqual(['nats://127.0.0.1:4222']);
    expect(parseNatsServers('nats://nats-0.nats:4222')).toEqual(['nats://nats-0.nats:4222']);
    expect(parseNatsServers(' nats://nats-0.nats:4222, nats://nats-1.nats:4222 ,tls://nats-2.nats:4222,')).toEqual([
      'nats://nats-0.nats:4222',
      'nats://nats-1.nats:4222',
      'tls://nats-2.nats:4222',
    ]);
    const cluster = loadConfig({ NATS_URL: 'nats://a:4222,nats://b:4222' });
    expect(cluster.natsServers).toEqual(['nats://a:4222', 'nats://b:4222']);
    expect(cluster.natsUrl).toBe('nats://a:4222,nats://b:4222');
  });

  it('rejects a NATS_URL entry that is not a nats:// or tls:// URL, naming the entry and hiding credentials', () => {
    expect(() => parseNatsServers(' , ')).toThrow(/NATS_URL names no server/);
    expect(() => parseNatsServers('http://a:4222')).toThrow(/^NATS_URL must use nats: or tls:$/);
    expect(() => parseNatsServers('nats://a:4222,http://b:4222')).toThrow(/NATS_URL entry 2 must use nats: or tls:/);
    expect(() => parseNatsServers('nats://a:4222,not a url')).toThrow(/NATS_URL entry 2 is not a URL/);
    expect(() => loadConfig({ NATS_URL: 'nats://a:4222,nats://user:s3cr3t@b c' })).toThrow(ConfigError);
    try {
      parseNatsServers('nats://a:4222,nats://user:s3cr3t@b c');
    } catch (error) {
      expect((error as Error).message).not.toMatch(/s3cr3t/);
    }
  });

  it('strips a trailing slash from the public URL', () => {
    expect(loadConfig({ PKI_PUBLIC_URL: 'https://pki.example.com/' }).publicUrl).toBe('https://pki.example.com');
  });
});
