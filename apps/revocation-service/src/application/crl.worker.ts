/**
 * The CRL scheduler: every `pollMs` it looks for CAs whose CRL is due (crlDueAt) and
 * generates them one by one; failures are recorded and retried with backoff. Any number of
 * replicas may run it: generation per CA is serialized by the crl_states row lock.
 */
import { periodicWorker, type BackgroundWorker } from '@pki/service-kit';
import type { CrlGeneratedV1 } from '@pki/contracts';
import { crlDueAt, retryDelayMs } from '../domain/crl-schedule';
import { crlCandidates, crlPartitionCandidates, recordCrlFailure, recordCrlPartitionFailure } from '../infrastructure/crl.queries';
import { revocationDb } from '../infrastructure/database';
import { generateCrl, recordCrlFailure as recordCrlFailureEvent, recordCrlGenerated } from './crl-generation';
import type { RevocationContext } from './revocation-context';
import { crlFailed } from './revocation-metrics';

export interface CrlWorkerLogger {
  log(message: string): void;
  error(message: string, error?: unknown): void;
}

/** One CRL to look at in a pass: a CA's complete CRL (`partition` null) or one of its partitions'. */
interface CrlCandidate {
  readonly caId: string;
  readonly partition: string | null;
  readonly pendingEvent: unknown;
  readonly due: Date;
}

/**
 * One pass: every due CRL gets one attempt, the CAs' complete CRLs first, then their partitions'.
 * A CA with CrlType PARTITIONED publishes its complete CRL only if it published one before (its
 * earlier certificates are bound to it); each partition is published once a certificate names it.
 * Exposed for tests and the benchmark.
 */
export async function runCrlPass(context: RevocationContext, logger?: CrlWorkerLogger): Promise<number> {
  const now = context.now();
  const candidates: CrlCandidate[] = [];
  const dirtySince = (since: Date | null, generated: string | null, seq: string): Date | null => since ?? (generated !== null && BigInt(seq) > BigInt(generated) ? now : null);
  const dueAt = (s: { this_update: Date | null; next_update: Date | null; dirtySince: Date | null; generated_config_seq: number | null; config_seq: number; retry_after: Date | null }) =>
    crlDueAt(
      { lastThisUpdate: s.this_update, lastNextUpdate: s.next_update, dirtySince: s.dirtySince, configurationChanged: s.generated_config_seq !== s.config_seq, retryAfter: s.retry_after },
      context.crlDelayMs,
    );
  for (const c of await crlCandidates(revocationDb(context.db))) {
    if (c.crl_type === 'PARTITIONED' && c.crl_number === null) continue;
    const due = dueAt({ ...c, dirtySince: dirtySince(c.crl_dirty_since, c.generated_dirty_seq, c.crl_dirty_seq) });
    candidates.push({ caId: c.id, partition: null, pendingEvent: c.pending_event, due });
  }
  for (const p of await crlPartitionCandidates(revocationDb(context.db))) {
    const due = dueAt({ ...p, dirtySince: dirtySince(p.dirty_since, p.generated_dirty_seq, p.dirty_seq) });
    candidates.push({ caId: p.ca_id, partition: p.partition_id, pendingEvent: p.pending_event, due });
  }
  let published = 0;
  for (const candidate of candidates) {
    const name = candidate.partition === null ? candidate.caId : `${candidate.caId} partition ${candidate.partition}`;
    if (candidate.pendingEvent) {
      await recordCrlGenerated(context, candidate.pendingEvent as CrlGeneratedV1).catch((error) => logger?.error(`CrlGenerated for ${name} not recorded yet`, error));
    }
    if (candidate.due.getTime() > now.getTime()) continue;
    try {
      const outcome = await generateCrl(context, candidate.caId, candidate.partition);
      if (outcome.kind === 'published') {
        published++;
        logger?.log(`CRL ${outcome.event.crlNumber} of ${name}: ${outcome.event.entryCount} entries, ${outcome.event.size} octets -> ${outcome.event.url}`);
      }
    } catch (error) {
      crlFailed(candidate.caId);
      const db = revocationDb(context.db);
      const state = candidate.partition === null
        ? await db.selectFrom('crl_states').select('failures').where('ca_id', '=', candidate.caId).executeTakeFirst()
        : await db.selectFrom('crl_partitions').select('failures').where('ca_id', '=', candidate.caId).where('partition_id', '=', candidate.partition).executeTakeFirst();
      const retryAfter = new Date(context.now().getTime() + retryDelayMs((state?.failures ?? 0) + 1));
      const message = error instanceof Error ? error.message : String(error);
      const recorded = candidate.partition === null
        ? recordCrlFailure(db, candidate.caId, retryAfter, message)
        : recordCrlPartitionFailure(db, candidate.caId, candidate.partition, retryAfter, message);
      await recorded.catch(() => undefined);
      // The fact, for the public feed (AWS's CRL Generation failure); the retry does not depend on it.
      await recordCrlFailureEvent(context, candidate.caId, error, retryAfter).catch((recordError: unknown) => logger?.error(`CrlGenerationFailed for ${name} not recorded`, recordError));
      logger?.error(`CRL of ${name} failed (retrying after ${retryAfter.toISOString()}): ${message}`, error);
    }
  }
  return published;
}

export function crlWorker(context: RevocationContext, pollMs: number, logger?: CrlWorkerLogger): BackgroundWorker {
  return periodicWorker(() => runCrlPass(context, logger), pollMs, { name: 'crl', runAtStart: true, onError: (error) => logger?.error('CRL pass failed', error) });
}
