import { sql } from 'kysely';
import type { CaCertificateState } from '../domain/ca-certificate.decider';
import type { IotDb } from './database';
import { decodeMarker, encodeMarker } from './page-marker';
import type { CaCertificateRow, NewCaCertificateRow } from './tables/ca-certificate.table';

function toRow(state: Exclude<CaCertificateState, { status: 'Absent' }>): NewCaCertificateRow {
  return {
    certificate_id: state.certificateId,
    certificate_arn: state.certificateArn,
    owned_by: state.ownedBy,
    status: state.status,
    auto_registration_status: state.autoRegistrationStatus,
    certificate_mode: state.certificateMode,
    certificate_pem: state.certificatePem,
    registration_config: state.registrationConfig === null ? null : (JSON.stringify(state.registrationConfig) as never),
    template_name: state.registrationConfig?.templateName ?? null,
    creation_date: new Date(state.creationDate),
    last_modified_date: new Date(state.lastModifiedDate),
    customer_version: state.customerVersion,
    generation_id: state.generationId,
    not_before: new Date(state.notBefore),
    not_after: new Date(state.notAfter),
  };
}

/** Writes the read model row from the aggregate's state after an append (deleting it when the CA is gone). */
export async function saveCaCertificate(db: IotDb, certificateId: string, state: CaCertificateState): Promise<void> {
  if (state.status === 'Absent') {
    await db.deleteFrom('ca_certificates').where('certificate_id', '=', certificateId).execute();
    return;
  }
  const row = toRow(state);
  await db
    .insertInto('ca_certificates')
    .values(row)
    .onConflict((oc) => oc.column('certificate_id').doUpdateSet(row))
    .execute();
}

export async function findCaCertificate(db: IotDb, certificateId: string): Promise<CaCertificateRow | undefined> {
  return db.selectFrom('ca_certificates').selectAll().where('certificate_id', '=', certificateId).executeTakeFirst();
}

/** CA certificates with auto-registration on (candidates to have issued a new certificate). */
export async function autoRegisteringCaCertificates(db: IotDb): Promise<CaCertificateRow[]> {
  return db.selectFrom('ca_certificates').selectAll().where('auto_registration_status', '=', 'ENABLE').where('status', '=', 'ACTIVE').execute();
}

/** CA certificates of an account in one region (their ARN's), the signers RegisterCertificate looks for when no caCertificatePem is given. */
export async function activeAndInactiveCaCertificatesOf(db: IotDb, accountId: string, region: string): Promise<CaCertificateRow[]> {
  return db.selectFrom('ca_certificates').selectAll().where('owned_by', '=', accountId).where('certificate_arn', 'like', `arn:%:iot:${region}:%`).execute();
}

export interface CaCertificatePage {
  readonly rows: CaCertificateRow[];
  readonly nextMarker: string | undefined;
}

export async function listCaCertificates(
  db: IotDb,
  accountId: string,
  options: { region: string; pageSize: number; marker: string | undefined; ascending: boolean; templateName: string | undefined },
): Promise<CaCertificatePage> {
  // One region's CA certificates, by the stored ARN (region names hold no LIKE wildcard: PKI_REGIONS is validated).
  let query = db.selectFrom('ca_certificates').selectAll().where('owned_by', '=', accountId).where('certificate_arn', 'like', `arn:%:iot:${options.region}:%`);
  if (options.templateName !== undefined) query = query.where('template_name', '=', options.templateName);
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
