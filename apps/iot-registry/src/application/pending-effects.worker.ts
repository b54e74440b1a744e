import { DomainError } from '@pki/contracts';
import { periodicWorker, type BackgroundWorker } from '@pki/service-kit';
import { toPem, parseCertificate } from '@pki/pki';
import { certificateArn, regionOfIotArn } from '../domain/iot-ids';
import { findCaCertificate } from '../infrastructure/ca-certificate.queries';
import { iotDb } from '../infrastructure/database';
import { removePendingEffect, takePendingEffects } from '../infrastructure/pending-effect.queries';
import type { AutoRegistrationEffect } from '../infrastructure/projections/issuer-events.projection';
import type { PendingEffectRow } from '../infrastructure/tables/pending-effect.table';
import { executeCommand } from './aggregate-command';
import { certificateAggregate } from './aggregates';
import type { IotContext } from './iot-context';

const BATCH = 50;

/** Applies one effect; the effect row is removed in the same transaction as the events it causes. */
export async function applyPendingEffect(context: IotContext, effect: PendingEffectRow): Promise<void> {
  const remove = async (trx: Parameters<typeof iotDb>[0]) => removePendingEffect(iotDb(trx), effect.id);
  const meta = { correlationId: effect.id, causationId: effect.id.split(':')[0] ?? null, accountId: '' };
  try {
    if (effect.kind === 'issuer-revocation') {
      // Recorded in the owner's account, like the owner's own status changes (the public feed's
      // IoT Certificate Status Change goes to that account).
      const owner = await iotDb(context.db).selectFrom('certificates').select('owned_by').where('certificate_id', '=', effect.certificate_id).executeTakeFirst();
      await executeCommand(
        context,
        certificateAggregate(effect.certificate_id, undefined),
        () => ({ type: 'RevokeByIssuer' as const, certificateId: effect.certificate_id, now: context.now(), generationId: context.newId() }),
        { ...meta, accountId: owner?.owned_by ?? '' },
        remove,
      );
      return;
    }
    const payload = effect.payload as AutoRegistrationEffect;
    const parsed = parseCertificate(Buffer.from(payload.certificateDer, 'base64'));
    // The certificate joins its CA certificate's region (the CA's ARN), as AWS registers it in the region of the CA that allows it.
    const ca = await findCaCertificate(iotDb(context.db), payload.caCertificateId);
    const region = (ca && regionOfIotArn(ca.certificate_arn)) ?? context.region;
    await executeCommand(
      context,
      certificateAggregate(effect.certificate_id, undefined),
      () => ({
        type: 'RegisterCertificate' as const,
        certificateId: effect.certificate_id,
        certificateArn: certificateArn(region, payload.ownedBy, effect.certificate_id),
        ownedBy: payload.ownedBy,
        caCertificateId: payload.caCertificateId,
        certificatePem: toPem(parsed.der, 'CERTIFICATE'),
        status: 'PENDING_ACTIVATION' as const,
        certificateMode: 'DEFAULT' as const,
        notBefore: parsed.notBefore.toISOString(),
        notAfter: parsed.notAfter.toISOString(),
        source: 'AutoRegistration' as const,
        now: context.now(),
        generationId: context.newId(),
      }),
      { ...meta, accountId: payload.ownedBy },
      remove,
    );
  } catch (error) {
    // Already registered (a replay, or the owner registered it first): the effect has nothing left to do.
    if (error instanceof DomainError) {
      await removePendingEffect(iotDb(context.db), effect.id);
      return;
    }
    throw error;
  }
}

/** Runs the pending effects every `intervalMs` (the projections write them; see issuer-events.projection.ts). */
export function pendingEffectsWorker(context: IotContext, intervalMs: number, log: (message: string, error?: unknown) => void): BackgroundWorker {
  const tick = async () => {
    for (const effect of await takePendingEffects(iotDb(context.db), BATCH)) {
      if (worker.stopping) return;
      await applyPendingEffect(context, effect).catch((error: unknown) => log(`pending effect ${effect.id} failed; will retry`, error));
    }
  };
  const worker = periodicWorker(tick, intervalMs, { name: 'iot-effects', onError: (error) => log('pending effects scan failed', error) });
  return worker;
}
