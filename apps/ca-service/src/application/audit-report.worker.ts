import { Logger } from '@nestjs/common';
import { periodicWorker, type BackgroundWorker } from '@pki/service-kit';
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
  const runOnce = async (): Promise<number> => {
    const stale = await findStaleCreatingReports(auditDb(context.db), new Date(context.now().getTime() - staleAfterMs), 20);
    for (const report of stale) {
      if (worker.stopping) break;
      log.log(`finishing audit report ${report.id} of ${report.certificate_authority_arn}, CREATING since ${report.created_at.toISOString()}`);
      await generateAuditReport(context, objects, report, `recovery-${report.id}`);
    }
    return stale.length;
  };

  const worker = periodicWorker(runOnce, options.intervalMs ?? 30_000, {
    name: 'AuditReportRecovery',
    onError: (error) => log.error('audit report recovery failed', error instanceof Error ? error.stack : String(error)),
  });
  return { runOnce, start: () => worker.start(), stop: () => worker.stop() };
}
