import { Logger } from '@nestjs/common';
import type { Kysely } from 'kysely';
import { describeKekRing } from './envelope-encryption';
import { keyCustodyConfig, type KeyCustodyConfig } from './key-custody.config';
import type { KeyCustody } from './key-custody.port';
import { Pkcs11KeyCustody } from './pkcs11/pkcs11-key-custody';
import { SoftwareKeyCustody } from './software-key-custody';

/**
 * Checks PKI_KEY_BACKEND and its settings without touching keys or the token; throws a
 * ConfigError naming the variable. Call it first thing at start-up to fail before connecting
 * anywhere (createKeyCustody runs the same checks).
 */
export function validateKeyCustodyConfig(env: NodeJS.ProcessEnv): KeyCustodyConfig {
  return keyCustodyConfig(env);
}

/**
 * The key backend chosen by deployment configuration: PKI_KEY_BACKEND = software (default,
 * envelope-encrypted keys in ca.ca_keys under PKI_KEK) or pkcs11 (keys on the token named by
 * PKI_PKCS11_TOKEN_LABEL). A bad configuration is a start-up error.
 */
export function createKeyCustody(env: NodeJS.ProcessEnv, db: Kysely<any>): KeyCustody {
  const config = keyCustodyConfig(env);
  const log = new Logger('KeyCustody');
  if (config.backend === 'software') {
    if (config.developmentKek) {
      log.warn(
        `PKI_KEK is not set: CA private keys are encrypted with the public development KEK (id ${config.keks.current.id}), which protects nothing. Set PKI_KEK to the base64 of 32 random octets before storing keys you care about (required when NODE_ENV=production).`,
      );
    } else {
      log.log(`CA keys: software backend, envelope-encrypted under KEK ${describeKekRing(config.keks)}`);
    }
    return new SoftwareKeyCustody(db, config.keks);
  }
  const custody = Pkcs11KeyCustody.open(db, { library: config.library, tokenLabel: config.tokenLabel, pin: config.pin });
  log.log(`CA keys: PKCS #11 token ${JSON.stringify(config.tokenLabel)} via ${config.library}`);
  return custody;
}
