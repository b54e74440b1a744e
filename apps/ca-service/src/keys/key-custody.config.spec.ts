import { randomBytes } from 'node:crypto';
import { ConfigError } from '@pki/service-kit';
import { DEFAULT_PKCS11_LIBRARY, DEVELOPMENT_KEK, keyCustodyConfig } from './key-custody.config';
import { kekId } from './envelope-encryption';

describe('key custody configuration', () => {
  it('defaults to the software backend with the development KEK outside production', () => {
    const config = keyCustodyConfig({});
    expect(config).toMatchObject({ backend: 'software', developmentKek: true });
    expect(config.backend === 'software' && config.kek.id).toBe(DEVELOPMENT_KEK.id);
  });

  it('refuses to start in production without PKI_KEK', () => {
    expect(() => keyCustodyConfig({ NODE_ENV: 'production' })).toThrow(ConfigError);
    expect(() => keyCustodyConfig({ NODE_ENV: 'production' })).toThrow(/^PKI_KEK is required/);
  });

  it('uses PKI_KEK (base64 of 32 octets) and identifies it by fingerprint', () => {
    const key = randomBytes(32);
    const config = keyCustodyConfig({ NODE_ENV: 'production', PKI_KEK: key.toString('base64') });
    expect(config).toMatchObject({ backend: 'software', developmentKek: false });
    expect(config.backend === 'software' && config.kek.id).toBe(kekId(key));
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
