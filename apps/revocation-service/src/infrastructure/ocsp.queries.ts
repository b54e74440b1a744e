import { CompiledQuery, type Kysely } from 'kysely';
import { REVOCATION_SCHEMA } from './database';

export interface CertificateStatusRow {
  serial: string;
  revoked_at: Date | null;
  reason: string | null;
}

/**
 * The OCSP responder's status read (issued certificate, revocation if any) as SQL written once:
 * it runs for every response that is signed (requests with a nonce, cache misses), and building
 * it through Kysely's query builder and schema plugin cost more CPU than the query itself.
 */
const STATUS_SQL =
  `select i.serial, r.revoked_at, r.reason from "${REVOCATION_SCHEMA}".issued_certificates i ` +
  `left join "${REVOCATION_SCHEMA}".revocations r on r.ca_id = i.ca_id and r.serial = i.serial ` +
  `where i.ca_id = $1 and i.serial = any($2::text[])`;

/** Issued certificates of the CA among `serials` (canonical hex), with their revocation; serials never issued have no row. */
export async function findCertificateStatuses(db: Kysely<any>, caId: string, serials: readonly string[]): Promise<CertificateStatusRow[]> {
  const result = await db.executeQuery<CertificateStatusRow>(CompiledQuery.raw(STATUS_SQL, [caId, serials]));
  return result.rows;
}
