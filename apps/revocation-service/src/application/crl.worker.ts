/**
 * The CRL scheduler: every `pollMs` it looks for CAs whose CRL is due (crlDueAt) and
 * generates them one by one; failures are recorded and retried with backoff. Any number of
 * replicas may run it: generation per CA is serialized by the crl_states row lock.
 */
import { periodicWorker, type BackgroundWorker } from '@pki/service-kit';
import type { CrlGeneratedV1 } from '@pki/contracts';
import { crlDueAt, retryDelayMs } from '../domain/crl-schedule';
import { crlCandidates, recordCrlFailure } from '../infrastructure/crl.queries';
import { revocationDb } from '../infrastructure/database';
import { generateCrl, recordCrlFailure as recordCrlFailureEvent, recordCrlGenerated } from './crl-generation';
import type { RevocationContext } from './revocation-context';
import { crlFailed } from './revocation-metrics';

export interface CrlWorkerLogger {
  log(message: string): void;
  error(message: string, error?: unknown): void;
}

/** One pass: every due CA gets one attempt. Exposed for tests and the benchmark. */
export async function runCrlPass(context: RevocationContext, logger?: CrlWorkerLogger): Promise<number> {
  const now = context.now();
  let published = 0;
  for (const candidate of await crlCandidates(revocationDb(context.db))) {
    if (candidate.pending_event) {
      await recordCrlGenerated(context, candidate.pending_event as CrlGeneratedV1).catch((error) => logger?.error(`CrlGenerated for ${candidate.id} not recorded yet`, error));
    }
    const due = crlDueAt(
      {
        lastThisUpdate: candidate.this_update,
        lastNextUpdate: candidate.next_update,
        dirtySince: candidate.crl_dirty_since ?? (candidate.generated_dirty_seq !== null && BigInt(candidate.crl_dirty_seq) > BigInt(candidate.generated_dirty_seq) ? now : null),
        configurationChanged: candidate.generated_config_seq !== candidate.config_seq,
        retryAfter: candidate.retry_after,
      },
      context.crlDelayMs,
    );
    if (due.getTime() > now.getTime()) continue;
    try {
      const outcome = await generateCrl(context, candidate.id);
      if (outcome.kind === 'published') {
        published++;
        logger?.log(`CRL ${outcome.event.crlNumber} of ${candidate.id}: ${outcome.event.entryCount} entries, ${outcome.event.size} octets -> ${outcome.event.url}`);
      }
    } catch (error) {
      crlFailed(candidate.id);
      const state = await revocationDb(context.db).selectFrom('crl_states').select('failures').where('ca_id', '=', candidate.id).executeTakeFirst();
      const retryAfter = new Date(context.now().getTime() + retryDelayMs((state?.failures ?? 0) + 1));
      const message = error instanceof Error ? error.message : String(error);
      await recordCrlFailure(revocationDb(context.db), candidate.id, retryAfter, message).catch(() => undefined);
      // The fact, for the public feed (AWS's CRL Generation failure); the retry does not depend on it.
      await recordCrlFailureEvent(context, candidate.id, error, retryAfter).catch((recordError: unknown) => logger?.error(`CrlGenerationFailed for ${candidate.id} not recorded`, recordError));
      logger?.error(`CRL of ${candidate.id} failed (retrying after ${retryAfter.toISOString()}): ${message}`, error);
    }
  }
  return published;
}

export function crlWorker(context: RevocationContext, pollMs: number, logger?: CrlWorkerLogger): BackgroundWorker {
  return periodicWorker(() => runCrlPass(context, logger), pollMs, { name: 'crl', runAtStart: true, onError: (error) => logger?.error('CRL pass failed', error) });
}
