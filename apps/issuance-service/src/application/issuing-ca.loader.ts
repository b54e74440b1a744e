import { setTimeout as sleep } from 'node:timers/promises';
import { DomainError, parseCertificateAuthorityArn, type Caller } from '@pki/contracts';
import type { KeyAlgorithm } from '@pki/pki';
import type { CaUsageMode } from '../domain/certificate-profile';
import type { IssuingCaView } from '../domain/issuing-ca';
import { issuanceDb } from '../infrastructure/database';
import { findIssuingCaByArn } from '../infrastructure/issuing-ca.queries';
import type { IssuingCaRow } from '../infrastructure/tables/issuing-ca.table';
import { authorizeCertificateAccess, type CertificateAccess } from './certificate-access';
import { processChainLimits, type ChainLimits } from './chain-limits';
import type { IssuanceContext } from './issuance-context';

export function toIssuingCaView(row: IssuingCaRow, chainLimits: ChainLimits = processChainLimits): IssuingCaView {
  return {
    id: row.id,
    arn: row.arn,
    ownerAccount: row.owner_account,
    type: row.type,
    status: row.status,
    keyAlgorithm: row.key_algorithm as KeyAlgorithm,
    usageMode: row.usage_mode as CaUsageMode,
    publicKeySpki: row.public_key_spki,
    certificate:
      row.certificate_pem && row.subject_der && row.not_after
        ? {
            pem: row.certificate_pem,
            chainPem: row.certificate_chain_pem,
            subjectDer: row.subject_der,
            subjectKeyIdentifier: row.subject_key_identifier,
            pathLength: row.path_length,
            notAfter: row.not_after,
            chainNotAfter: chainLimits.of(row.certificate_chain_pem),
          }
        : null,
    revocation: {
      crlEnabled: row.crl_enabled,
      crlS3BucketName: row.crl_s3_bucket_name,
      crlCustomCname: row.crl_custom_cname,
      crlOmitExtension: row.crl_omit_extension,
      ocspEnabled: row.ocsp_enabled,
      ocspCustomCname: row.ocsp_custom_cname,
    },
  };
}

/**
 * The CA `arn` names, as issuance's projection knows it, for `caller`. When it is unknown, waits
 * (bounded by caCatchUpMs) only while the projection has ca-service events left to apply; when it
 * is not `ready` yet, waits (bounded) for ca-service's events to arrive, so a request made right
 * after a CA change is answered from that change. Unknown to the projection and to ca-service
 * (asked last, for events not published yet): ResourceNotFoundException; projection still behind
 * at the deadline: ServiceUnavailableException (retryable), never "does not exist".
 * Access: the owning account, or another account the CA's resource policy grants `access`
 * (certificate-access.ts); anyone else gets AccessDeniedException.
 */
export async function loadIssuingCa(
  context: IssuanceContext,
  caller: Caller,
  arn: string,
  ready: (ca: IssuingCaView) => boolean,
  access: CertificateAccess,
): Promise<IssuingCaView> {
  const parts = parseCertificateAuthorityArn(arn);
  if (!parts) {
    throw new DomainError('Malformed', `${JSON.stringify(arn)} is not a certificate authority ARN (arn:aws:acm-pca:<region>:<account>:certificate-authority/<id>)`, 'InvalidArnException');
  }
  const deadline = Date.now() + context.caCatchUpMs;
  const find = async () => {
    const row = await findIssuingCaByArn(issuanceDb(context.db), arn);
    return row && row.status !== 'PERMANENTLY_DELETED' ? toIssuingCaView(row) : undefined;
  };
  let view = await find();
  // Unknown: unknown for good once the projection has applied ca-service's stream; it waits
  // only while there are events left to apply (an unknown ARN is answered at once).
  if (!view && context.caCatchUp) {
    if (!(await context.caCatchUp(context.caCatchUpMs))) {
      throw new DomainError('Unavailable', `Certificate authority ${arn} is not known here yet (its events are still being applied); try again shortly.`);
    }
    view = await find();
  }
  // Still unknown with the stream applied: ca-service may have committed the CA a moment ago and
  // not published it yet (its outbox relay). Its word decides; if it has the CA, wait for the event.
  if (!view && context.caExists && (await context.caExists(parts.caId, caller))) {
    while (!view && Date.now() < deadline) {
      await sleep(50);
      view = await find();
    }
    if (!view) throw new DomainError('Unavailable', `Certificate authority ${arn} is not known here yet (its events are still being published); try again shortly.`);
  }
  // Known but not ready (e.g. PENDING_CERTIFICATE right after ImportCertificateAuthorityCertificate
  // returned): the change may not even be in the stream yet (ca-service's outbox relay publishes
  // it shortly), so keep looking until the deadline.
  while (view && !ready(view) && Date.now() < deadline) {
    await sleep(50);
    view = await find();
  }
  if (!view) throw new DomainError('NotFound', `Certificate authority ${arn} does not exist.`, 'ResourceNotFoundException');
  await authorizeCertificateAccess(context, caller, view, access);
  return view;
}
