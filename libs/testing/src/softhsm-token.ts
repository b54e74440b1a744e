/**
 * A throwaway SoftHSM2 token in a temporary directory. SOFTHSM2_CONF must point at
 * the temporary configuration before the library is initialized (SoftHSM reads it in
 * C_Initialize), so create the token before opening any PKCS #11 custody.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInThisContext } from 'node:vm';
/** Debian's softhsm2 package puts the module here (PKI_PKCS11_LIBRARY overrides). */
const DEFAULT_PKCS11_LIBRARY = '/usr/lib/softhsm/libsofthsm2.so';

export interface SoftHsmToken {
  readonly library: string;
  readonly tokenLabel: string;
  readonly pin: string;
  readonly dir: string;
  remove(): void;
}

const HINT = 'SoftHSM2 is required for the PKCS #11 tests: run `bash scripts/ensure-services.sh` (it installs softhsm2)';

export function createSoftHsmToken(tokenLabel = 'pki-test'): SoftHsmToken {
  const library = process.env.PKI_PKCS11_LIBRARY || DEFAULT_PKCS11_LIBRARY;
  if (!existsSync(library)) throw new Error(`${HINT}; ${library} does not exist`);
  const which = spawnSync('softhsm2-util', ['--version'], { encoding: 'utf8' });
  if (which.error || which.status !== 0) throw new Error(`${HINT}; softhsm2-util is not on PATH`);

  const dir = mkdtempSync(join(tmpdir(), 'pki-softhsm-'));
  const tokens = join(dir, 'tokens');
  mkdirSync(tokens);
  const conf = join(dir, 'softhsm2.conf');
  writeFileSync(conf, `directories.tokendir = ${tokens}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n`);
  // SoftHSM reads SOFTHSM2_CONF with getenv() in C_Initialize. Jest gives each test file a copy
  // of process.env that never reaches the C environment, so set it on the real process object
  // (the main context's `process`; outside Jest it is the same object).
  (runInThisContext('process') as NodeJS.Process).env.SOFTHSM2_CONF = conf;
  process.env.SOFTHSM2_CONF = conf;
  const pin = '1234';
  const init = spawnSync('softhsm2-util', ['--init-token', '--free', '--label', tokenLabel, '--pin', pin, '--so-pin', '5678'], {
    encoding: 'utf8',
    env: { ...process.env, SOFTHSM2_CONF: conf },
  });
  if (init.status !== 0) throw new Error(`softhsm2-util --init-token failed: ${init.stderr || init.stdout}`);
  return { library, tokenLabel, pin, dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
