import { Logger } from '@nestjs/common';
import type { BackgroundWorker } from '@pki/eventstore';
import type { ObjectStorage } from '@pki/object-storage';
import { auditDb, findStaleCreatingReports } from '../infrastructure/audit-report.queries';
import { generateAuditReport } from './audit-report-generation';
import type { CaContext } from './ca-context';

export interface AuditReportRecoveryOptions {
  /** A report CREATING for longer than this lost its generator (default 2 minutes). */
  readonly staleAfterMs?: number;
  readonly intervalMs?: number;
}

/**
 * Finishes audit reports whose generator died (process crash or restart between the
 * AuditReportRequested append and the outcome), so no report stays CREATING and blocks the
 * CA's next report. Regeneration writes the same content (the report's cut-off is fixed).
 */
export function auditReportRecoveryWorker(context: CaContext, objects: ObjectStorage, options: AuditReportRecoveryOptions = {}): BackgroundWorker & { runOnce(): Promise<number> } {
  const log = new Logger('AuditReportRecovery');
  const staleAfterMs = options.staleAfterMs ?? 120_000;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;
  let stopped = true;
  let stopping = false;

  const runOnce = async (): Promise<number> => {
    const stale = await findStaleCreatingReports(auditDb(context.db), new Date(context.now().getTime() - staleAfterMs), 20);
    for (const report of stale) {
      if (stopping) break;
      log.log(`finishing audit report ${report.id} of ${report.certificate_authority_arn}, CREATING since ${report.created_at.toISOString()}`);
      await generateAuditReport(context, objects, report, `recovery-${report.id}`);
    }
    return stale.length;
  };

  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = runOnce()
        .catch((error: unknown) => log.error('audit report recovery failed', error instanceof Error ? error.stack : String(error)))
        .finally(() => {
          running = undefined;
          schedule();
        });
    }, options.intervalMs ?? 30_000);
  };

  return {
    runOnce,
    async start() {
      stopped = false;
      stopping = false;
      schedule();
    },
    async stop() {
      stopped = true;
      stopping = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      await running;
    },
  };
}
