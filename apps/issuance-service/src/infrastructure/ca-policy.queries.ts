import type { IssuanceDb } from './database';
import type { CaPolicyRow } from './tables/ca-policy.table';

/**
 * Records the CA's policy (null: deleted) as of `version` of its policy stream: only when newer
 * than what the row holds, so a replayed or out-of-order event changes nothing.
 */
export async function upsertCaPolicy(db: IssuanceDb, row: CaPolicyRow): Promise<void> {
  await db
    .insertInto('ca_policies')
    .values(row)
    .onConflict((oc) =>
      oc
        .column('ca_id')
        .doUpdateSet((eb) => ({ ca_arn: eb.ref('excluded.ca_arn'), policy: eb.ref('excluded.policy'), version: eb.ref('excluded.version') }))
        .where('ca_policies.version', '<', (eb) => eb.ref('excluded.version')),
    )
    .execute();
}

export async function findCaPolicy(db: IssuanceDb, caId: string): Promise<CaPolicyRow | undefined> {
  return db.selectFrom('ca_policies').selectAll().where('ca_id', '=', caId).executeTakeFirst();
}
