import type { IotDb } from './database';
import type { PendingEffectKind, PendingEffectRow } from './tables/pending-effect.table';

/** Idempotent: the id derives from the source event, so a replayed event adds nothing. */
export async function addPendingEffect(db: IotDb, effect: { id: string; kind: PendingEffectKind; certificateId: string; payload: unknown; createdAt: Date }): Promise<void> {
  await db
    .insertInto('pending_effects')
    .values({ id: effect.id, kind: effect.kind, certificate_id: effect.certificateId, payload: JSON.stringify(effect.payload), created_at: effect.createdAt })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
}

export async function takePendingEffects(db: IotDb, limit: number): Promise<PendingEffectRow[]> {
  return db.selectFrom('pending_effects').selectAll().orderBy('created_at').orderBy('id').limit(limit).execute();
}

export async function removePendingEffect(db: IotDb, id: string): Promise<void> {
  await db.deleteFrom('pending_effects').where('id', '=', id).execute();
}
