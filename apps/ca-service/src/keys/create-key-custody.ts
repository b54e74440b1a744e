import type { Kysely } from 'kysely';
import type { KeyCustody } from './key-custody.port';

/**
 * The key backend chosen by deployment configuration (PKI_KEY_BACKEND). Placeholder until
 * the software (envelope-encrypted) and PKCS#11 backends land: every use fails clearly.
 */
export function createKeyCustody(_env: NodeJS.ProcessEnv, _db: Kysely<any>): KeyCustody {
  const unavailable = async (): Promise<never> => {
    throw new Error('no CA key backend is configured yet');
  };
  return { backend: 'software', generate: unavailable, sign: unavailable, signDigest: unavailable, publicKey: unavailable, destroy: unavailable };
}
