/**
 * Key custody configuration from the environment, validated at start-up:
 *
 *   PKI_KEY_BACKEND          software (default) | pkcs11
 *   PKI_KEK                  software: base64 of 32 random octets (required when NODE_ENV=production);
 *                            during a rotation several, comma-separated, the current one first
 *   PKI_KEK_REWRAP_INTERVAL_MS  software: how often ca-service re-wraps keys not under the current
 *                            KEK (0, the default: never; `rewrap-keys` does it on demand)
 *   PKI_PKCS11_LIBRARY       pkcs11: the PKCS #11 module (default SoftHSM2's)
 *   PKI_PKCS11_TOKEN_LABEL   pkcs11: label of the token holding the CA keys (required)
 *   PKI_PKCS11_PIN           pkcs11: the user PIN (required; never logged)
 */
import { createHash } from 'node:crypto';
import { ConfigError } from '@pki/service-kit';
import { kekFrom, kekRing, type Kek, type KekRing } from './envelope-encryption';

export const DEFAULT_PKCS11_LIBRARY = '/usr/lib/softhsm/libsofthsm2.so';

/**
 * The development KEK: derived from a public string, so it protects nothing. It exists so that
 * `npm start` and tests work without configuration, like the development access key, and is
 * refused when NODE_ENV=production.
 */
export const DEVELOPMENT_KEK_LABEL = 'pki-development-kek: public, not a secret, never for production';
export const DEVELOPMENT_KEK: Kek = kekFrom(createHash('sha256').update(DEVELOPMENT_KEK_LABEL).digest());

export type KeyCustodyConfig =
  | { readonly backend: 'software'; readonly keks: KekRing; readonly developmentKek: boolean; readonly rewrapIntervalMs: number }
  | { readonly backend: 'pkcs11'; readonly library: string; readonly tokenLabel: string; readonly pin: string };

const KEK_FORMAT = 'the base64 encoding of exactly 32 octets (e.g. `openssl rand -base64 32`)';

/** One entry of PKI_KEK; `position` names it in errors (the value itself is never echoed). */
function parseKek(raw: string, position: string): Kek {
  const trimmed = raw.trim();
  if (!trimmed) throw new ConfigError(`PKI_KEK${position} is empty: list base64 KEKs separated by commas, the current one first`);
  const key = Buffer.from(trimmed, 'base64');
  // Strict: Buffer.from ignores junk, so the value must round-trip.
  if (key.length !== 32 || key.toString('base64').replace(/=+$/, '') !== trimmed.replace(/=+$/, '')) {
    throw new ConfigError(`PKI_KEK${position} must be ${KEK_FORMAT}; the configured value decodes to ${key.length} octets or is not base64`);
  }
  return kekFrom(key);
}

/**
 * PKI_KEK: one base64 KEK, or during a rotation several separated by commas (base64 has no
 * comma): the first is current and wraps every new or re-wrapped key, the others only unwrap
 * keys stored under them. No labels: a KEK's id is its fingerprint (kekId), the one rows store.
 */
export function parseKekList(raw: string): KekRing {
  const entries = raw.split(',');
  const position = (i: number) => (entries.length > 1 ? ` entry ${i + 1} of ${entries.length}` : '');
  const keks = entries.map((entry, i) => parseKek(entry, position(i)));
  const seen = new Map<string, number>();
  keks.forEach((kek, i) => {
    const first = seen.get(kek.id);
    if (first !== undefined) throw new ConfigError(`PKI_KEK lists KEK ${kek.id} twice (entries ${first + 1} and ${i + 1}): list each KEK once, the current one first`);
    seen.set(kek.id, i);
  });
  return kekRing(keks[0]!, keks.slice(1));
}

function rewrapInterval(env: NodeJS.ProcessEnv): number {
  const raw = env.PKI_KEK_REWRAP_INTERVAL_MS || '0';
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(value)) {
    throw new ConfigError(`PKI_KEK_REWRAP_INTERVAL_MS must be a whole number of milliseconds (0 turns the re-wrap worker off), got ${JSON.stringify(raw)}`);
  }
  return value;
}

export function keyCustodyConfig(env: NodeJS.ProcessEnv): KeyCustodyConfig {
  const backend = env.PKI_KEY_BACKEND || 'software';
  if (backend === 'software') {
    const rewrapIntervalMs = rewrapInterval(env);
    if (env.PKI_KEK) return { backend, keks: parseKekList(env.PKI_KEK), developmentKek: false, rewrapIntervalMs };
    if ((env.NODE_ENV ?? 'development') === 'production') {
      throw new ConfigError('PKI_KEK is required when NODE_ENV=production and PKI_KEY_BACKEND=software: set it to the base64 of 32 random octets (e.g. `openssl rand -base64 32`) kept outside the database');
    }
    return { backend, keks: kekRing(DEVELOPMENT_KEK), developmentKek: true, rewrapIntervalMs };
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
