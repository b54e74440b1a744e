import { ConcurrencyError } from '@pki/eventstore';
import type { EventEnvelope } from '@pki/contracts';
import { decideAuditReport, evolveAuditReport, initialAuditReportState, type AuditReportCommand } from '../domain/audit-report.decider';
import { auditReportStream, type AuditReportEvent } from '../domain/audit-report.events';
import { auditDb, insertAuditReport, updateAuditReport } from '../infrastructure/audit-report.queries';
import type { CaContext } from './ca-context';

/** Keeps ca.audit_reports in step with the stream, in the append's transaction (read-your-writes). */
async function project(trx: Parameters<typeof auditDb>[0], stored: EventEnvelope[]): Promise<void> {
  const db = auditDb(trx);
  for (const envelope of stored) {
    const event = envelope as unknown as AuditReportEvent & { version: number };
    switch (event.type) {
      case 'AuditReportRequested':
        await insertAuditReport(db, event.data, envelope.version);
        break;
      case 'AuditReportCreated':
        await updateAuditReport(db, event.data.auditReportId, { status: 'SUCCESS', completed_at: new Date(event.data.createdAt), version: envelope.version });
        break;
      case 'AuditReportFailed':
        await updateAuditReport(db, event.data.auditReportId, {
          status: 'FAILED',
          completed_at: new Date(event.data.failedAt),
          failure_reason: event.data.reason,
          version: envelope.version,
        });
        break;
      default: {
        const exhaustive: never = event;
        throw new Error(`unknown audit report event ${String((exhaustive as { type: string }).type)}`);
      }
    }
  }
}

/**
 * Load -> decide -> append on a CA's audit-report stream. A concurrent writer (another
 * request, or the recovery worker) surfaces as ConcurrencyError: decide again on the new
 * state, which then answers for itself (RequestInProgressException, or "already SUCCESS").
 */
export async function executeAuditReportCommand(
  context: CaContext,
  certificateAuthorityId: string,
  command: AuditReportCommand,
  meta: { accountId: string; correlationId: string },
): Promise<AuditReportEvent[]> {
  const stream = auditReportStream(certificateAuthorityId);
  for (let attempt = 1; ; attempt++) {
    const history = await context.store.load(stream);
    const state = history.map((e) => e as unknown as AuditReportEvent).reduce(evolveAuditReport, initialAuditReportState);
    const events = decideAuditReport(command, state);
    try {
      await context.store.append(stream, history.length, events, { ...meta, causationId: null }, project);
      return events;
    } catch (error) {
      if (!(error instanceof ConcurrencyError) || attempt >= 5) throw error;
    }
  }
}
