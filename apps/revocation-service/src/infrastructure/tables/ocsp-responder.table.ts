import type { Insertable, Selectable } from 'kysely';

/**
 * The OCSP responders (gateway processes) and their leases: a responder answers from its
 * pre-signed responses only while its lease runs, and RevokeCertificate waits for the
 * acknowledgement of every responder whose lease runs, or for that lease to end.
 */
export interface OcspResponderTable {
  /** The responder's random id, kept for its lifetime. */
  id: string;
  /** Postgres's clock: renewed to now() + the lease length by each renewal. */
  lease_until: Date;
}

export type OcspResponderRow = Selectable<OcspResponderTable>;
export type NewOcspResponderRow = Insertable<OcspResponderTable>;
