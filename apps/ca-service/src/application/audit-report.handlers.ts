import { Logger } from '@nestjs/common';
import { DomainError, type CommandMessage, isPlatformId } from '@pki/contracts';
import { bucketNameProblem, createObjectStorage, type ObjectStorage } from '@pki/object-storage';
import type { CommandHandlers } from '@pki/service-kit';
import type { AuditReportRequestedV1 } from '../domain/audit-report.events';
import { auditDb, findAuditReport } from '../infrastructure/audit-report.queries';
import { loadAccessibleCa } from './access';
import { generateAuditReport } from './audit-report-generation';
import { executeAuditReportCommand } from './audit-report.stream';
import type { CaContext } from './ca-context';

/** "Generate audits": Yes only for ACTIVE and DISABLED CAs (AWS user guide, "Understand AWS Private CA CA status"). */
const REPORTABLE_STATUSES = new Set(['ACTIVE', 'DISABLED']);

interface CreateAuditReportInput {
  readonly CertificateAuthorityArn: string;
  readonly S3BucketName: string;
  readonly AuditReportResponseFormat: 'JSON' | 'CSV';
}

/**
 * CreateCertificateAuthorityAuditReport / DescribeCertificateAuthorityAuditReport. `objects`
 * is the object storage the reports are written to; by default the one the environment
 * configures (PKI_OBJECT_STORE, PKI_OBJECT_STORE_DIR), which the gateway serves too.
 */
export function auditReportHandlers(context: CaContext, objects: ObjectStorage = createObjectStorage(process.env)): CommandHandlers {
  const log = new Logger('AuditReports');
  return {
    CreateCertificateAuthorityAuditReport: async (message: CommandMessage) => {
      const input = message.input as CreateAuditReportInput;
      const ca = await loadAccessibleCa(context, message.caller, input.CertificateAuthorityArn, 'acm-pca:CreateCertificateAuthorityAuditReport');
      const bucketProblem = bucketNameProblem(input.S3BucketName);
      if (bucketProblem) throw new DomainError('Malformed', `S3BucketName ${JSON.stringify(input.S3BucketName)} is not a valid S3 bucket name. ${bucketProblem}`, 'InvalidArgsException');
      if (input.AuditReportResponseFormat !== 'JSON' && input.AuditReportResponseFormat !== 'CSV') {
        throw new DomainError('Malformed', 'AuditReportResponseFormat must be JSON or CSV.', 'InvalidArgsException');
      }
      // A CA whose certificate has run out is EXPIRED even before the expiry scheduler records it.
      const status = ca.not_after && ca.not_after <= context.now() ? 'EXPIRED' : ca.status;
      if (!REPORTABLE_STATUSES.has(status)) {
        throw new DomainError('InvalidState', `Certificate authority ${ca.arn} is ${status}; audit reports can only be generated for an ACTIVE or DISABLED certificate authority.`, 'InvalidStateException');
      }
      const auditReportId = context.newId();
      const [event] = await executeAuditReportCommand(
        context,
        ca.id,
        {
          type: 'RequestAuditReport',
          auditReportId,
          certificateAuthorityId: ca.id,
          certificateAuthorityArn: ca.arn,
          // The report object belongs to the CA's account, also when a policy let another account ask.
          ownerAccount: ca.owner_account,
          s3BucketName: input.S3BucketName,
          format: input.AuditReportResponseFormat,
          now: context.now(),
        },
        { accountId: message.caller.accountId, correlationId: message.requestId },
      );
      const requested = event!.data as AuditReportRequestedV1;
      // Written after the reply (CREATING -> SUCCESS | FAILED, the AuditReportCreated waiter's
      // states); a report left CREATING by a crash is finished by auditReportRecoveryWorker.
      void (async () => {
        const report = await findAuditReport(auditDb(context.db), ca.id, auditReportId);
        if (report) await generateAuditReport(context, objects, report, message.requestId);
      })().catch((error: unknown) => log.error(`audit report ${auditReportId} of ${ca.arn} is left CREATING`, error instanceof Error ? error.stack : String(error)));
      return { AuditReportId: auditReportId, S3Key: requested.s3Key };
    },

    DescribeCertificateAuthorityAuditReport: async (message: CommandMessage) => {
      const input = message.input as { CertificateAuthorityArn: string; AuditReportId: string };
      const ca = await loadAccessibleCa(context, message.caller, input.CertificateAuthorityArn, 'acm-pca:DescribeCertificateAuthorityAuditReport');
      const report = isPlatformId(input.AuditReportId) ? await findAuditReport(auditDb(context.db), ca.id, input.AuditReportId) : undefined;
      if (!report) {
        throw new DomainError('NotFound', `Could not find audit report ${input.AuditReportId} for certificate authority ${ca.arn}.`, 'ResourceNotFoundException');
      }
      return {
        AuditReportStatus: report.status,
        S3BucketName: report.s3_bucket_name,
        S3Key: report.s3_key,
        CreatedAt: report.created_at.getTime() / 1000,
      };
    },
  };
}
