import { sql } from 'kysely';
import type { CertificateState } from '../domain/certificate.state';
import type { IotDb } from './database';
import { decodeMarker, encodeMarker } from './page-marker';
import type { CertificateRow, NewCertificateRow } from './tables/certificate.table';

/** The read-model row of a registered certificate's state (also what bench:scale writes for the certificates it seeds). */
export function certificateRow(state: Exclude<CertificateState, { status: 'Absent' }>): NewCertificateRow {
  return {
    certificate_id: state.certificateId,
    certificate_arn: state.certificateArn,
    owned_by: state.ownedBy,
    previous_owned_by: state.previousOwnedBy,
    ca_certificate_id: state.caCertificateId,
    status: state.status,
    certificate_mode: state.certificateMode,
    certificate_pem: state.certificatePem,
    creation_date: new Date(state.creationDate),
    last_modified_date: new Date(state.lastModifiedDate),
    customer_version: state.customerVersion,
    generation_id: state.generationId,
    not_before: new Date(state.notBefore),
    not_after: new Date(state.notAfter),
    transfer: state.transfer === null ? null : (JSON.stringify(state.transfer) as never),
    transfer_target: state.status === 'PENDING_TRANSFER' ? (state.transfer?.targetAccount ?? null) : null,
  };
}

/** Writes the read model row from the aggregate's state after an append (deleting it when the certificate is gone). */
export async function saveCertificate(db: IotDb, certificateId: string, state: CertificateState): Promise<void> {
  if (state.status === 'Absent') {
    await db.deleteFrom('certificates').where('certificate_id', '=', certificateId).execute();
    return;
  }
  const row = certificateRow(state);
  await db
    .insertInto('certificates')
    .values(row)
    .onConflict((oc) => oc.column('certificate_id').doUpdateSet(row))
    .execute();
}

export async function findCertificate(db: IotDb, certificateId: string): Promise<CertificateRow | undefined> {
  return db.selectFrom('certificates').selectAll().where('certificate_id', '=', certificateId).executeTakeFirst();
}

/** How many registered device certificates a CA signed (DeleteCACertificate's precondition). */
export async function countCertificatesOfCa(db: IotDb, caCertificateId: string): Promise<number> {
  const row = await db.selectFrom('certificates').select((eb) => eb.fn.countAll<string>().as('n')).where('ca_certificate_id', '=', caCertificateId).executeTakeFirstOrThrow();
  return Number(row.n);
}

export interface CertificatePage {
  readonly rows: CertificateRow[];
  readonly nextMarker: string | undefined;
}

/** One account's certificates (optionally only those one CA signed), keyset-paginated by creation date. */
export async function listCertificates(
  db: IotDb,
  accountId: string,
  options: { region: string; caCertificateId?: string; pageSize: number; marker: string | undefined; ascending: boolean },
): Promise<CertificatePage> {
  // One region's certificates (each AWS region lists its own): the stored ARN names the region;
  // region names hold no LIKE wildcard (PKI_REGIONS is validated).
  let query = db.selectFrom('certificates').selectAll().where('owned_by', '=', accountId).where('certificate_arn', 'like', `arn:%:iot:${options.region}:%`);
  if (options.caCertificateId !== undefined) query = query.where('ca_certificate_id', '=', options.caCertificateId);
  if (options.marker !== undefined) {
    const at = decodeMarker(options.marker);
    query = query.where(sql<boolean>`(creation_date, certificate_id) ${sql.raw(options.ascending ? '>' : '<')} (${at.creationDate}, ${at.certificateId})`);
  }
  const direction = options.ascending ? 'asc' : 'desc';
  const rows = await query.orderBy('creation_date', direction).orderBy('certificate_id', direction).limit(options.pageSize + 1).execute();
  const page = rows.slice(0, options.pageSize);
  const last = page[page.length - 1];
  return { rows: page, nextMarker: rows.length > options.pageSize && last ? encodeMarker({ creationDate: last.creation_date, certificateId: last.certificate_id }) : undefined };
}

/** Whether the device certificate is registered in the region and owned by the account (principal look-ups). */
export async function certificateIsOwnedBy(db: IotDb, certificateId: string, accountId: string, region: string): Promise<boolean> {
  const row = await db
    .selectFrom('certificates')
    .select('certificate_id')
    .where('certificate_id', '=', certificateId)
    .where('owned_by', '=', accountId)
    .where('certificate_arn', 'like', `arn:%:iot:${region}:%`)
    .executeTakeFirst();
  return row !== undefined;
}
