import type { CommandMessage, IotCertificateStatus } from '@pki/contracts';

import { deleteCertificate } from '../domain/attachments';
import { certificateArn, normalizeCertificateId, parseCertificateArn, regionOfIotArn } from '../domain/iot-ids';
import type { PolicyState } from '../domain/policy.decider';
import { iotErrors } from '../domain/iot-errors';
import { findCaCertificate } from '../infrastructure/ca-certificate.queries';
import { findCertificate, listCertificates } from '../infrastructure/certificate.queries';
import { iotDb } from '../infrastructure/database';
import { executeCommand, loadAggregate, requestMeta } from './aggregate-command';
import { certificateAggregate, policyAggregate } from './aggregates';
import { DEFAULT_PAGE_SIZE } from './ca-certificate.handlers';
import { regionOf, type IotContext } from './iot-context';
import { certificateDescription, certificateSummary } from './iot.views';
import { executeUnit } from './unit-of-work';

const idOf = (message: CommandMessage): string => normalizeCertificateId((message.input as { certificateId: string }).certificateId);

/** DescribeCertificate: visible to the owner, and to the target account while a transfer to it is pending. */
export function describeCertificateHandler(context: IotContext) {
  return async (message: CommandMessage): Promise<Record<string, unknown>> => {
    const certificateId = idOf(message);
    const row = await findCertificate(iotDb(context.db), certificateId);
    const account = message.caller.accountId;
    // A certificate of another region (its ARN's) is not found here, as on AWS.
    const inRegion = row !== undefined && parseCertificateArn(row.certificate_arn)?.region === regionOf(context, message);
    if (!row || !inRegion || (row.owned_by !== account && row.transfer_target !== account)) throw iotErrors.notFound('certificate', certificateId);
    return { certificateDescription: certificateDescription(row) };
  };
}

interface ListInput {
  readonly caCertificateId?: string;
  readonly pageSize?: number;
  readonly marker?: string;
  readonly ascendingOrder?: boolean;
}

async function listPage(context: IotContext, message: CommandMessage, caCertificateId: string | undefined): Promise<Record<string, unknown>> {
  const input = message.input as ListInput;
  const page = await listCertificates(iotDb(context.db), message.caller.accountId, {
    region: regionOf(context, message),
    caCertificateId,
    pageSize: input.pageSize ?? DEFAULT_PAGE_SIZE,
    marker: input.marker,
    ascending: input.ascendingOrder ?? false,
  });
  const certificates = page.rows.map(certificateSummary);
  // nextMarker is left out on the last page ("null if there are no additional results").
  return page.nextMarker ? { certificates, nextMarker: page.nextMarker } : { certificates };
}

export function listCertificatesHandler(context: IotContext) {
  return (message: CommandMessage) => listPage(context, message, undefined);
}

/** ListCertificatesByCA: the caller's device certificates that one of its CA certificates signed. */
export function listCertificatesByCaHandler(context: IotContext) {
  return async (message: CommandMessage): Promise<Record<string, unknown>> => {
    const caCertificateId = normalizeCertificateId((message.input as ListInput).caCertificateId!);
    const ca = await findCaCertificate(iotDb(context.db), caCertificateId);
    // The operation models no ResourceNotFoundException; an unknown CA is a bad request.
    if (!ca || ca.owned_by !== message.caller.accountId || regionOfIotArn(ca.certificate_arn) !== regionOf(context, message)) {
      throw iotErrors.invalidRequest(`The CA certificate ${caCertificateId} is not registered in this account and region.`);
    }
    return listPage(context, message, caCertificateId);
  };
}

export function updateCertificateHandler(context: IotContext) {
  return async (message: CommandMessage): Promise<Record<string, never>> => {
    const certificateId = idOf(message);
    const newStatus = (message.input as { newStatus: IotCertificateStatus }).newStatus;
    const { state } = await loadAggregate(context, certificateAggregate(certificateId, regionOf(context, message)));
    const caRow = state.status !== 'Absent' && state.caCertificateId ? await findCaCertificate(iotDb(context.db), state.caCertificateId) : undefined;
    const caStatus: 'ACTIVE' | 'INACTIVE' | null = caRow ? (caRow.status === 'ACTIVE' ? 'ACTIVE' : 'INACTIVE') : null;
    await executeCommand(
      context,
      certificateAggregate(certificateId, regionOf(context, message)),
      () => ({ type: 'UpdateCertificate' as const, caller: message.caller.accountId, certificateId, newStatus, caStatus, now: context.now(), generationId: context.newId() }),
      requestMeta(message),
    );
    return {};
  };
}

/**
 * DeleteCertificate: decided on the certificate (its attachments and status); with forceDelete the
 * policies attached to it are detached on both sides in the same transaction.
 */
export function deleteCertificateHandler(context: IotContext) {
  return async (message: CommandMessage): Promise<Record<string, never>> => {
    const certificateId = idOf(message);
    const forceDelete = (message.input as { forceDelete?: boolean }).forceDelete ?? false;
    const caller = message.caller.accountId;
    await executeUnit(
      context,
      async (unit) => {
        const certificate = certificateAggregate(certificateId, regionOf(context, message));
        const state = await unit.load(certificate);
        const attached = state.status !== 'Absent' && state.ownedBy === caller && forceDelete ? state.policies : [];
        const policies = new Map<string, PolicyState>();
        for (const policyName of attached) policies.set(policyName, await unit.load(policyAggregate(caller, regionOf(context, message), policyName)));
        const decided = deleteCertificate({ type: 'DeleteCertificate', caller, certificateId, forceDelete, now: context.now() }, state, policies);
        unit.record(certificate, decided.certificate);
        for (const { policyName, events } of decided.policies) unit.record(policyAggregate(caller, regionOf(context, message), policyName), events);
      },
      requestMeta(message),
    );
    return {};
  };
}

export function transferCertificateHandler(context: IotContext) {
  return async (message: CommandMessage): Promise<{ transferredCertificateArn: string }> => {
    const certificateId = idOf(message);
    const input = message.input as { targetAwsAccount: string; transferMessage?: string };
    await executeCommand(
      context,
      certificateAggregate(certificateId, regionOf(context, message)),
      () => ({
        type: 'TransferCertificate' as const,
        caller: message.caller.accountId,
        certificateId,
        targetAwsAccount: input.targetAwsAccount,
        transferMessage: input.transferMessage ?? null,
        now: context.now(),
        generationId: context.newId(),
      }),
      requestMeta(message),
    );
    return { transferredCertificateArn: certificateArn(regionOf(context, message), input.targetAwsAccount, certificateId) };
  };
}

export function acceptCertificateTransferHandler(context: IotContext) {
  return async (message: CommandMessage): Promise<Record<string, never>> => {
    const certificateId = idOf(message);
    const setAsActive = (message.input as { setAsActive?: boolean }).setAsActive ?? false;
    await executeCommand(
      context,
      certificateAggregate(certificateId, regionOf(context, message)),
      () => ({ type: 'AcceptCertificateTransfer' as const, caller: message.caller.accountId, certificateId, setAsActive, region: regionOf(context, message), now: context.now(), generationId: context.newId() }),
      requestMeta(message),
    );
    return {};
  };
}

export function rejectCertificateTransferHandler(context: IotContext) {
  return async (message: CommandMessage): Promise<Record<string, never>> => {
    const certificateId = idOf(message);
    const rejectReason = (message.input as { rejectReason?: string }).rejectReason ?? null;
    await executeCommand(
      context,
      certificateAggregate(certificateId, regionOf(context, message)),
      () => ({ type: 'RejectCertificateTransfer' as const, caller: message.caller.accountId, certificateId, rejectReason, now: context.now(), generationId: context.newId() }),
      requestMeta(message),
    );
    return {};
  };
}

export function cancelCertificateTransferHandler(context: IotContext) {
  return async (message: CommandMessage): Promise<Record<string, never>> => {
    const certificateId = idOf(message);
    await executeCommand(
      context,
      certificateAggregate(certificateId, regionOf(context, message)),
      () => ({ type: 'CancelCertificateTransfer' as const, caller: message.caller.accountId, certificateId, now: context.now(), generationId: context.newId() }),
      requestMeta(message),
    );
    return {};
  };
}

