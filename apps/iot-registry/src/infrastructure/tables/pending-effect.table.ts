import type { Selectable } from 'kysely';

export type PendingEffectKind = 'issuer-revocation' | 'auto-registration';

/** iot.pending_effects: another service's event, waiting to become this service's own command. */
export interface PendingEffectTable {
  id: string;
  kind: PendingEffectKind;
  certificate_id: string;
  payload: unknown;
  created_at: Date;
}

export type PendingEffectRow = Selectable<PendingEffectTable>;
