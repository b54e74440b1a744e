/**
 * `rewrap-keys`: the KEK rotation command (README "Rotating the key-encryption key"). Run where
 * ca-service runs, with its configuration (DATABASE_URL, PKI_KEY_BACKEND=software, PKI_KEK
 * listing the new KEK first and the old ones after it):
 *
 *   node -r ./tools/dist-paths.js dist/apps/ca-service/src/tools/rewrap-keys.js [--status] [--pause-ms N] [--batch-size N]
 *
 * Re-wraps every software CA key not under the current KEK (kek-rewrap.ts), online: ca-service
 * keeps signing, other runs and the ca-service worker may run at the same time, and a run that
 * is killed is simply run again. `--status` changes nothing and reports keys per KEK id.
 * Each re-wrap is recorded as a CaKeyRewrapped event (ca-service's outbox publishes it).
 * Exit status: 0 when every software key is under the current KEK (the old KEKs may be removed),
 * 1 when some are not (failed, or stopped early), 2 for a usage or configuration error.
 * Prints CA ids, KEK ids (fingerprints) and counts; never key material.
 */
import { parseArgs } from 'node:util';
import { EventStore, createDb } from '@pki/eventstore';
import { ConfigError, loadConfig } from '@pki/service-kit';
import { CA_SCHEMA } from '../infrastructure/database';
import { describeKekRing } from '../keys/envelope-encryption';
import { keyCustodyConfig } from '../keys/key-custody.config';
import { rewrapCaKeys, rewrapStatus, type RewrapLog } from '../keys/kek-rewrap';

const USAGE = 'usage: rewrap-keys [--status] [--pause-ms N] [--batch-size N]   (environment: DATABASE_URL, PKI_KEY_BACKEND=software, PKI_KEK=<current>,<older>...)';

const logger: RewrapLog = {
  log: (message) => console.log(`rewrap-keys: ${message}`),
  warn: (message) => console.error(`rewrap-keys: ${message}`),
};

function count(raw: string | undefined, name: string, fallback: number, min: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min) throw new ConfigError(`--${name} must be a whole number >= ${min}, got ${JSON.stringify(raw)}`);
  return value;
}

async function main(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { status: { type: 'boolean' }, 'pause-ms': { type: 'string' }, 'batch-size': { type: 'string' }, help: { type: 'boolean' } }, strict: true });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const pauseMs = count(values['pause-ms'], 'pause-ms', 0, 0);
  const batchSize = count(values['batch-size'], 'batch-size', 100, 1);
  const custody = keyCustodyConfig(env);
  if (custody.backend !== 'software') throw new ConfigError(`rewrap-keys re-wraps software keys; PKI_KEY_BACKEND is ${custody.backend} (an HSM's keys are not wrapped by PKI_KEK)`);
  if (custody.developmentKek) throw new ConfigError('PKI_KEK is not set: list the new KEK first and the old ones after it, as ca-service is configured');
  const { keks } = custody;
  const db = createDb(loadConfig(env).databaseUrl, { max: 2 });
  let stopping = false;
  const stop = () => {
    logger.warn('stopping after the current key (run again to continue)');
    stopping = true;
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  try {
    logger.log(`PKI_KEK: ${describeKekRing(keks)}`);
    if (!values.status) {
      const result = await rewrapCaKeys({ db, store: new EventStore(db, { schema: CA_SCHEMA }), now: () => new Date() }, keks, { logger, pauseMs, batchSize, shouldStop: () => stopping });
      logger.log(
        `${result.rewrapped} re-wrapped, ${result.changedConcurrently} changed concurrently (another re-wrapper or a deletion), ${result.failed.length} failed${result.stopped ? ', stopped early' : ''}`,
      );
    }
    const status = await rewrapStatus(db, keks);
    for (const [id, keys] of status.byKek) {
      const role = id === keks.current.id ? 'current' : keks.byId.has(id) ? 'older, configured' : 'NOT CONFIGURED';
      logger.log(`KEK ${id} (${role}): ${keys} software CA key(s)`);
    }
    logger.log(status.remaining === 0 ? `every software CA key is wrapped under the current KEK ${keks.current.id}: the older KEKs may be removed from PKI_KEK` : `${status.remaining} software CA key(s) are not yet under the current KEK ${keks.current.id}`);
    return status.remaining === 0 ? 0 : 1;
  } finally {
    await db.destroy();
  }
}

main(process.argv.slice(2), process.env).then(
  (code) => process.exit(code),
  (error: unknown) => {
    const code = (error as { code?: string }).code;
    const usage = error instanceof ConfigError || code?.startsWith('ERR_PARSE_ARGS');
    // 42P01 undefined_table: not ca-service's database, or ca-service never started on it.
    const hint = code === '42P01' ? ' (is DATABASE_URL the database of ca-service? ca-service creates ca.ca_keys when it starts)' : '';
    logger.warn(`${error instanceof Error ? error.message : String(error)}${hint}${usage ? `\n${USAGE}` : ''}`);
    process.exit(usage ? 2 : 1);
  },
);
