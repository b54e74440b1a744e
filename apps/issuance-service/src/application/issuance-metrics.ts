import type { CertificateRequestedV1 } from '@pki/contracts';
import { counter } from '@pki/service-kit';

const labelNames = ['ca', 'template'] as const;
const issued = counter('pki_certificates_issued_total', 'Certificates issued (CertificateIssued committed), by CA id and template (e.g. EndEntityCertificate/V1)', labelNames);
const failed = counter('pki_certificate_issuance_failures_total', 'Certificate requests recorded as failed (signing or lint failure), by CA id and template', labelNames);

const TEMPLATE_PREFIX = /^arn:[^:]+:acm-pca:::template\//;

/** Counts a committed outcome of a certificate request (IssueCertificate or the recovery worker). */
export function countOutcome(requested: Pick<CertificateRequestedV1, 'certificateAuthorityId' | 'templateArn'>, outcome: 'issued' | 'failed' | undefined): void {
  if (!outcome) return;
  (outcome === 'issued' ? issued : failed).inc({ ca: requested.certificateAuthorityId, template: requested.templateArn.replace(TEMPLATE_PREFIX, '') });
}
