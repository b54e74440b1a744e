import type { CommandMessage, CrlLocationInput, CrlLocationOutput, Reply } from '@pki/contracts';
import type { GatewayRequest } from '../routing/http-types';
import { CRL_LOCATION_TTL_MS, CrlCnameRoute, hostName } from './crl-cname.route';

const CA_ID = '0b9e2c44-7d1a-4c1e-9d55-6a3f1f0e8b21';
const LOCATION = { customCname: 'crl.example.test', bucket: 'crl-bucket', key: `crl/${CA_ID}.crl` };
const KEY = `crl/${CA_ID}.crl`;
const get = (host: string | undefined, rawPath = `/crl/${CA_ID}.crl`): GatewayRequest => ({ method: 'GET', rawPath, rawQuery: '', headers: host === undefined ? {} : { host }, body: Buffer.alloc(0) });

describe('CrlCnameRoute', () => {
  let clock = 0;
  let asked: CrlLocationInput[];
  let reply: Reply<CrlLocationOutput>;
  let route: CrlCnameRoute;
  beforeEach(() => {
    clock = 1_000_000;
    asked = [];
    reply = { ok: true, result: { location: LOCATION } };
    route = new CrlCnameRoute(
      {
        request: async <T>(service: string, operation: string, message: CommandMessage) => {
          expect([service, operation]).toEqual(['revocation', 'CrlLocation']);
          asked.push(message.input as CrlLocationInput);
          return reply as Reply<T>;
        },
      },
      () => clock,
    );
  });

  it('takes GET and HEAD of a .crl path (complete, CustomPath or partition CRL), nothing else', () => {
    expect(CrlCnameRoute.keyOf('GET', `/crl/${CA_ID}.crl`)).toBe(KEY);
    expect(CrlCnameRoute.keyOf('HEAD', `/crl/${CA_ID}.crl`)).toBe(KEY);
    expect(CrlCnameRoute.keyOf('GET', `/pki/crls/${CA_ID}.crl`)).toBe(`pki/crls/${CA_ID}.crl`);
    expect(CrlCnameRoute.keyOf('GET', `/crl/${CA_ID}/${CA_ID}.crl`)).toBe(`crl/${CA_ID}/${CA_ID}.crl`);
    for (const [method, path] of [
      ['POST', `/crl/${CA_ID}.crl`],
      ['GET', `/crl/${CA_ID}.crl/x`],
      ['GET', `/crl/${CA_ID}`],
      ['GET', `/crl//${CA_ID}.crl`],
      ['GET', `/crl/../${CA_ID}.crl`],
      ['GET', `/crl/./${CA_ID}.crl`],
      ['GET', `/crl/a b.crl`],
      ['GET', `/${'a'.repeat(1100)}.crl`],
    ] as const) {
      expect(CrlCnameRoute.keyOf(method, path)).toBeUndefined();
    }
  });

  it('compares Host names without case, port, IPv6 brackets or trailing dot', () => {
    expect(hostName('CRL.Example.Test:8080')).toBe('crl.example.test');
    expect(hostName('crl.example.test.')).toBe('crl.example.test');
    expect(hostName('[::1]:4566')).toBe('::1');
    expect(hostName('127.0.0.1:4566')).toBe('127.0.0.1');
  });

  it('serves the CA bucket when the Host is its CustomCname (any case, any port)', async () => {
    for (const host of ['crl.example.test', 'CRL.Example.TEST:80', 'crl.example.test.:4566']) {
      expect(await route.resolve(get(host), KEY, 'r')).toEqual({ kind: 'serve', bucket: 'crl-bucket', key: `crl/${CA_ID}.crl` });
    }
    expect(asked).toEqual([{ customCname: 'crl.example.test', key: KEY }]);
  });

  it('leaves other hosts, a missing Host and CAs without a CustomCname to the object route', async () => {
    expect(await route.resolve(get('127.0.0.1:4566'), KEY, 'r')).toEqual({ kind: 'not-cname' });
    expect(await route.resolve(get('crl.example.test.evil.test'), KEY, 'r')).toEqual({ kind: 'not-cname' });
    expect(await route.resolve(get(undefined), KEY, 'r')).toEqual({ kind: 'not-cname' });
    reply = { ok: true, result: { location: null } };
    clock += CRL_LOCATION_TTL_MS;
    expect(await route.resolve(get('crl.example.test'), KEY, 'r')).toEqual({ kind: 'not-cname' });
  });

  it('caches a lookup for CRL_LOCATION_TTL_MS, shares concurrent lookups, never caches failures', async () => {
    await Promise.all([route.resolve(get('crl.example.test'), KEY, 'a'), route.resolve(get('crl.example.test'), KEY, 'b')]);
    expect(asked).toHaveLength(1);
    clock += CRL_LOCATION_TTL_MS - 1;
    await route.resolve(get('crl.example.test'), KEY, 'c');
    expect(asked).toHaveLength(1);
    clock += 1;
    reply = { ok: false, error: { kind: 'Unavailable', message: 'down' } };
    expect(await route.resolve(get('crl.example.test'), KEY, 'd')).toEqual({ kind: 'failed', error: { kind: 'Unavailable', message: 'down' } });
    reply = { ok: true, result: { location: { ...LOCATION, customCname: 'new.example.test' } } };
    expect(await route.resolve(get('new.example.test'), KEY, 'e')).toMatchObject({ kind: 'serve' });
    expect(asked).toHaveLength(3);
  });
});
