/**
 * Key custody configuration from the environment, validated at start-up:
 *
 *   PKI_KEY_BACKEND          software (default) | pkcs11
 *   PKI_KEK                  software: base64 of 32 random octets (required when NODE_ENV=production)
 *   PKI_PKCS11_LIBRARY       pkcs11: the PKCS #11 module (default SoftHSM2's)
 *   PKI_PKCS11_TOKEN_LABEL   pkcs11: label of the token holding the CA keys (required)
 *   PKI_PKCS11_PIN           pkcs11: the user PIN (required; never logged)
 */
import { createHash } from 'node:crypto';
import { ConfigError } from '@pki/service-kit';
import { kekFrom, type Kek } from './envelope-encryption';

export const DEFAULT_PKCS11_LIBRARY = '/usr/lib/softhsm/libsofthsm2.so';

/**
 * The development KEK: derived from a public string, so it protects nothing. It exists so that
 * `npm start` and tests work without configuration, like the development access key, and is
 * refused when NODE_ENV=production.
 */
export const DEVELOPMENT_KEK_LABEL = 'pki-development-kek: public, not a secret, never for production';
export const DEVELOPMENT_KEK: Kek = kekFrom(createHash('sha256').update(DEVELOPMENT_KEK_LABEL).digest());

export type KeyCustodyConfig =
  | { readonly backend: 'software'; readonly kek: Kek; readonly developmentKek: boolean }
  | { readonly backend: 'pkcs11'; readonly library: string; readonly tokenLabel: string; readonly pin: string };

function parseKek(raw: string): Kek {
  const trimmed = raw.trim();
  const key = Buffer.from(trimmed, 'base64');
  // Strict: Buffer.from ignores junk, so the value must round-trip (the value itself is never echoed).
  if (key.length !== 32 || key.toString('base64').replace(/=+$/, '') !== trimmed.replace(/=+$/, '')) {
    throw new ConfigError(`PKI_KEK must be the base64 encoding of exactly 32 octets (e.g. \`openssl rand -base64 32\`); the configured value decodes to ${key.length} octets or is not base64`);
  }
  return kekFrom(key);
}

export function keyCustodyConfig(env: NodeJS.ProcessEnv): KeyCustodyConfig {
  const backend = env.PKI_KEY_BACKEND || 'software';
  if (backend === 'software') {
    if (env.PKI_KEK) return { backend, kek: parseKek(env.PKI_KEK), developmentKek: false };
    if ((env.NODE_ENV ?? 'development') === 'production') {
      throw new ConfigError('PKI_KEK is required when NODE_ENV=production and PKI_KEY_BACKEND=software: set it to the base64 of 32 random octets (e.g. `openssl rand -base64 32`) kept outside the database');
    }
    return { backend, kek: DEVELOPMENT_KEK, developmentKek: true };
  }
  if (backend === 'pkcs11') {
    const tokenLabel = env.PKI_PKCS11_TOKEN_LABEL;
    if (!tokenLabel) throw new ConfigError('PKI_PKCS11_TOKEN_LABEL is required when PKI_KEY_BACKEND=pkcs11: the label of the token that holds the CA keys');
    const pin = env.PKI_PKCS11_PIN;
    if (!pin) throw new ConfigError('PKI_PKCS11_PIN is required when PKI_KEY_BACKEND=pkcs11: the user PIN of the token');
    return { backend, library: env.PKI_PKCS11_LIBRARY || DEFAULT_PKCS11_LIBRARY, tokenLabel, pin };
  }
  throw new ConfigError(`PKI_KEY_BACKEND must be software or pkcs11, got ${JSON.stringify(backend)}`);
}
