import { setTimeout as sleep } from 'node:timers/promises';
import { DomainError, inCallerRegion, parseCertificateAuthorityArn, type Caller } from '@pki/contracts';
import { findAfterCatchUp } from '@pki/eventstore';
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
      crlType: row.crl_type === 'PARTITIONED' ? 'PARTITIONED' : 'COMPLETE',
      crlCustomPath: row.crl_custom_path,
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
 * With `context.caViews`, a CA read recently and not changed since answers without a query.
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
  // Each region keeps its own CAs (as on AWS): a CA of another region than the caller's is not
  // found, without waiting for a projection that will never hold it under this region.
  if (!inCallerRegion(parts.region, caller, context.region)) {
    throw new DomainError('NotFound', `Certificate authority ${arn} does not exist.`, 'ResourceNotFoundException');
  }
  const { caViews } = context;
  // A CA remembered from the table (issuing-ca-views.ts) serves only when it is ready for this
  // request; otherwise the table is read, exactly as without it.
  const remembered = caViews?.fresh(arn);
  if (remembered && ready(remembered)) {
    await authorizeCertificateAccess(context, caller, remembered, access);
    return remembered;
  }
  const deadline = Date.now() + context.caCatchUpMs;
  const find = async () => {
    const token = caViews?.beginRead();
    const row = await findIssuingCaByArn(issuanceDb(context.db), arn);
    if (!row || row.status === 'PERMANENTLY_DELETED') return undefined;
    const found = toIssuingCaView(row);
    if (token) caViews!.remember(found, row.version, token);
    return found;
  };
  let view: IssuingCaView | undefined;
  if (caViews) {
    // Requests for the same CA share one read; a joiner then takes what it remembered, unless an
    // event announced meanwhile makes it stale (then it reads for itself).
    await caViews.readOnce(arn, find).catch(() => undefined);
    view = caViews.fresh(arn) ?? (await find());
  } else {
    view = await find();
  }
  // Unknown: unknown for good once the projection has applied ca-service's stream (it waits only
  // while there are events left to apply) and ca-service, asked last, does not have it either.
  const { caExists } = context;
  if (!view) {
    view = await findAfterCatchUp(find, {
      catchUp: context.caCatchUp,
      ownerHas: caExists && (() => caExists(parts.caId, caller)),
      timeoutMs: context.caCatchUpMs,
      what: `Certificate authority ${arn}`,
    });
  }
  // Known but not ready (e.g. PENDING_CERTIFICATE right after ImportCertificateAuthorityCertificate
  // returned): the change may not even be in the stream yet (ca-service's outbox relay publishes
  // it shortly), so keep looking until the deadline.
  while (view && !ready(view) && Date.now() < deadline) {
    await sleep(50);
    view = await find();
  }
  if (!view) throw new DomainError('NotFound', `Certificate authority ${arn} does not exist.`, 'ResourceNotFoundException');
  // Still not ready at the deadline, and ca-service (the CA's truth) has it in another status: this
  // projection is behind (under load, its events not yet applied or not yet published), so say
  // "try again" (retryable) rather than refuse on a state the CA has already left.
  if (!ready(view) && context.caStatus) {
    const current = await context.caStatus(parts.caId, caller);
    if (current !== undefined && current !== view.status) {
      throw new DomainError('Unavailable', `Certificate authority ${arn} is ${current}, and that change is still on its way here; try again shortly.`);
    }
  }
  await authorizeCertificateAccess(context, caller, view, access);
  return view;
}
