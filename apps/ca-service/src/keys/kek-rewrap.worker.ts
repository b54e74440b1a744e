import { Logger } from '@nestjs/common';
import { periodicWorker, type BackgroundWorker } from '@pki/service-kit';
import { describeKekRing } from './envelope-encryption';
import { keyCustodyConfig } from './key-custody.config';
import { rewrapCaKeys, type RewrapContext } from './kek-rewrap';

/**
 * The online side of KEK rotation: with PKI_KEK_REWRAP_INTERVAL_MS > 0, each ca-service replica
 * re-wraps, every interval, the software keys not under its current KEK (kek-rewrap.ts: per-row
 * compare-and-set, so replicas and the rewrap-keys command may all run at once). Signing goes
 * on meanwhile: a re-wrapped row holds the same key. Undefined when off or not software keys.
 */
export function kekRewrapWorker(env: NodeJS.ProcessEnv, context: RewrapContext): BackgroundWorker | undefined {
  const config = keyCustodyConfig(env);
  if (config.backend !== 'software' || config.rewrapIntervalMs === 0) return undefined;
  const { keks } = config;
  const logger = new Logger('KekRewrapWorker');
  let reportedDone = false;
  const worker = periodicWorker(
    async () => {
      const result = await rewrapCaKeys(context, keks, { logger, shouldStop: () => worker.stopping });
      const changed = result.rewrapped + result.changedConcurrently + result.failed.length;
      if (changed > 0) {
        logger.log(
          `KEK rotation pass: ${result.rewrapped} re-wrapped under KEK ${keks.current.id}, ${result.changedConcurrently} changed concurrently, ${result.failed.length} failed${result.stopped ? ' (stopped early)' : ''}`,
        );
        reportedDone = false;
      } else if (!reportedDone) {
        logger.log(`KEK rotation: every software CA key is wrapped under the current KEK (PKI_KEK: ${describeKekRing(keks)})`);
        reportedDone = true;
      }
    },
    config.rewrapIntervalMs,
    { name: 'KekRewrapWorker', runAtStart: true },
  );
  return worker;
}
