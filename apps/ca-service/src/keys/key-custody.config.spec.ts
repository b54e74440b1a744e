import { randomBytes } from 'node:crypto';
import { ConfigError } from '@pki/service-kit';
import { DEFAULT_PKCS11_LIBRARY, DEVELOPMENT_KEK, keyCustodyConfig, parseKekList } from './key-custody.config';
import { kekId } from './envelope-encryption';

describe('key custody configuration', () => {
  it('defaults to the software backend with the development KEK outside production', () => {
    const config = keyCustodyConfig({});
    expect(config).toMatchObject({ backend: 'software', developmentKek: true });
    expect(config.backend === 'software' && config.keks.current.id).toBe(DEVELOPMENT_KEK.id);
    expect(config.backend === 'software' && [...config.keks.byId.keys()]).toEqual([DEVELOPMENT_KEK.id]);
  });

  it('refuses to start in production without PKI_KEK', () => {
    expect(() => keyCustodyConfig({ NODE_ENV: 'production' })).toThrow(ConfigError);
    expect(() => keyCustodyConfig({ NODE_ENV: 'production' })).toThrow(/^PKI_KEK is required/);
  });

  it('uses PKI_KEK (base64 of 32 octets) and identifies it by fingerprint', () => {
    const key = randomBytes(32);
    const config = keyCustodyConfig({ NODE_ENV: 'production', PKI_KEK: key.toString('base64') });
    expect(config).toMatchObject({ backend: 'software', developmentKek: false, rewrapIntervalMs: 0 });
    expect(config.backend === 'software' && config.keks.current.id).toBe(kekId(key));
    expect(config.backend === 'software' && config.keks.byId.size).toBe(1);
  });

  describe('several KEKs during a rotation', () => {
    const [current, older, oldest] = [randomBytes(32), randomBytes(32), randomBytes(32)];
    const list = (...keys: Buffer[]) => keys.map((k) => k.toString('base64')).join(',');
    const configured = (value: string) => {
      const config = keyCustodyConfig({ NODE_ENV: 'production', PKI_KEK: value });
      if (config.backend !== 'software') throw new Error('expected software');
      return config.keks;
    };
    const failure = (value: string) => {
      try {
        parseKekList(value);
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        return (error as Error).message;
      }
      throw new Error('expected a ConfigError');
    };
    const secrets = [current, older, oldest].flatMap((k) => [k.toString('base64'), k.toString('hex')]);

    it('takes the first as current and keeps the others for unwrapping, by fingerprint', () => {
      const keks = configured(list(current, older, oldest));
      expect(keks.current.id).toBe(kekId(current));
      expect([...keks.byId.keys()]).toEqual([kekId(current), kekId(older), kekId(oldest)]);
      expect(keks.byId.get(kekId(oldest))!.key.equals(oldest)).toBe(true);
    });

    it('accepts spaces and a trailing newline around entries (as secrets are often stored)', () => {
      const keks = configured(` ${current.toString('base64')} ,\n${older.toString('base64')}\n`);
      expect([...keks.byId.keys()]).toEqual([kekId(current), kekId(older)]);
    });

    it.each([
      ['an empty entry', () => `${current.toString('base64')},`, /^PKI_KEK entry 2 of 2 is empty: list base64 KEKs separated by commas, the current one first$/],
      ['a short key', () => list(current, randomBytes(16)), /^PKI_KEK entry 2 of 2 must be the base64 encoding of exactly 32 octets .* decodes to 16 octets or is not base64$/],
      ['junk after a key', () => `${current.toString('base64')}junk,${older.toString('base64')}`, /^PKI_KEK entry 1 of 2 must be the base64 encoding of exactly 32 octets/],
      ['a label before a key', () => `new:${current.toString('base64')}`, /^PKI_KEK must be the base64 encoding of exactly 32 octets/],
      ['the same KEK twice', () => list(current, older, current), new RegExp(`^PKI_KEK lists KEK ${kekId(current)} twice \\(entries 1 and 3\\)`)],
    ])('rejects %s with a ConfigError that names the entry and echoes no key', (_what, value, expected) => {
      const raw = value();
      const message = failure(raw);
      expect(message).toMatch(expected);
      for (const secret of secrets) expect(message).not.toContain(secret);
      expect(message).not.toContain(raw);
    });
  });

  it.each([
    [undefined, 0],
    ['', 0],
    ['0', 0],
    ['60000', 60000],
  ])('reads PKI_KEK_REWRAP_INTERVAL_MS=%s as %d ms (0: worker off)', (value, expected) => {
    expect(keyCustodyConfig(value === undefined ? {} : { PKI_KEK_REWRAP_INTERVAL_MS: value })).toMatchObject({ rewrapIntervalMs: expected });
  });

  it.each(['-1', '1.5', 'soon', ' 5 '])('rejects PKI_KEK_REWRAP_INTERVAL_MS=%j', (value) => {
    expect(() => keyCustodyConfig({ PKI_KEK_REWRAP_INTERVAL_MS: value })).toThrow(/^PKI_KEK_REWRAP_INTERVAL_MS must be a whole number of milliseconds/);
  });

  it.each([randomBytes(16).toString('base64'), 'not base64 at all!!', `${randomBytes(32).toString('base64')}junk`])('rejects a malformed PKI_KEK without echoing it (%#)', (value) => {
    let message = '';
    try {
      keyCustodyConfig({ PKI_KEK: value });
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      message = (error as Error).message;
    }
    expect(message).toMatch(/^PKI_KEK must be the base64 encoding of exactly 32 octets/);
    expect(message).not.toContain(value);
  });

  it('needs a token label and PIN for pkcs11 and never puts the PIN in an error', () => {
    expect(() => keyCustodyConfig({ PKI_KEY_BACKEND: 'pkcs11', PKI_PKCS11_PIN: '1234' })).toThrow(/^PKI_PKCS11_TOKEN_LABEL is required/);
    expect(() => keyCustodyConfig({ PKI_KEY_BACKEND: 'pkcs11', PKI_PKCS11_TOKEN_LABEL: 'ca' })).toThrow(/^PKI_PKCS11_PIN is required/);
    expect(keyCustodyConfig({ PKI_KEY_BACKEND: 'pkcs11', PKI_PKCS11_TOKEN_LABEL: 'ca', PKI_PKCS11_PIN: '9876' })).toEqual({
      backend: 'pkcs11',
      library: DEFAULT_PKCS11_LIBRARY,
      tokenLabel: 'ca',
      pin: '9876',
    });
  });

  it('refuses an unknown backend', () => {
    expect(() => keyCustodyConfig({ PKI_KEY_BACKEND: 'kms' })).toThrow('PKI_KEY_BACKEND must be software or pkcs11, got "kms"');
  });
});
