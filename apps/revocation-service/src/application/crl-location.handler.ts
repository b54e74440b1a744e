/**
 * CrlLocation: which CRL a request to a CustomCname names, for the gateway's CustomCname route.
 * Issuance writes `http://<CustomCname>/<key>` into the CRL distribution point when
 * CrlConfiguration.CustomCname is set (AWS: "an alias for the CRL distribution point ... if you
 * don't want the name of your S3 bucket to be public"), where the key is the complete CRL's
 * `<CustomPath | crl>/<CA id>.crl` or a partition's `<CustomPath | crl/<CA id>>/<partition>.crl`
 * (libs/pki crl-location.ts). That URL names no bucket, so the gateway asks here which bucket
 * holds `key` for a CA whose CustomCname is the request's Host (or for a partition opened with
 * that CustomCname: a partition's URL never changes), and serves it only then.
 *
 * The answer does not depend on the CA's status: like the object in an S3 bucket that a CNAME
 * points at, the last published CRL stays reachable (relying parties need it until it expires).
 */
import { DomainError, type CommandMessage, type CrlLocationInput, type CrlLocationOutput, isPlatformId } from '@pki/contracts';
import { crlObjectKey } from '@pki/pki';
import { crlPublicationOf } from '../domain/revocation-configuration';
import { findCaById } from '../infrastructure/ca.queries';
import { revocationDb } from '../infrastructure/database';
import type { RevocationCaRow } from '../infrastructure/tables/revocation-ca.table';
import type { RevocationContext } from './revocation-context';

/** Longest key the gateway asks about (S3's key limit). */
const MAX_KEY = 1024;

export async function crlLocation(context: Pick<RevocationContext, 'db'>, message: CommandMessage): Promise<CrlLocationOutput> {
  const input = message.input as Partial<CrlLocationInput> | undefined;
  if (input?.customCname !== undefined || input?.key !== undefined) return byHostAndKey(context, input);
  const id = input?.certificateAuthorityId;
  if (!isPlatformId(id)) {
    throw new DomainError('Malformed', 'certificateAuthorityId must be a certificate authority id (a lower-case UUID).');
  }
  const ca = await findCaById(revocationDb(context.db), id);
  if (!ca || !ca.crl_custom_cname || !ca.crl_s3_bucket_name) return { location: null };
  return { location: { customCname: ca.crl_custom_cname, bucket: ca.crl_s3_bucket_name, key: crlObjectKey(crlPublicationOf(ca)) } };
}

async function byHostAndKey(context: Pick<RevocationContext, 'db'>, input: Partial<CrlLocationInput>): Promise<CrlLocationOutput> {
  const { customCname, key } = input;
  if (typeof customCname !== 'string' || customCname === '' || customCname.length > 253 || typeof key !== 'string' || key === '' || key.length > MAX_KEY) {
    throw new DomainError('Malformed', 'customCname (a host name) and key (an object key of at most 1024 characters) are both required.');
  }
  const db = revocationDb(context.db);
  // CustomCname is compared case-insensitively, as host names are (RFC 9110 §4.2.3); several CAs may share one.
  const cas = await db.selectFrom('cas').selectAll().where((eb) => eb(eb.fn('lower', ['crl_custom_cname']), '=', customCname.toLowerCase())).execute();
  for (const ca of cas) {
    const location = locationOf(ca, key);
    if (location) return { location };
  }
  return { location: (await partitionLocation(context, customCname, key)) ?? null };
}

/** The CA's complete CRL, when `key` is where its configuration publishes it. */
function locationOf(ca: RevocationCaRow, key: string): NonNullable<CrlLocationOutput['location']> | undefined {
  if (!ca.crl_custom_cname || !ca.crl_s3_bucket_name) return undefined;
  if (key === crlObjectKey(crlPublicationOf(ca))) return { customCname: ca.crl_custom_cname, bucket: ca.crl_s3_bucket_name, key };
  return undefined;
}

/** A partition CRL whose URL is `http://<customCname>/<key>` (partitions keep the location they were opened at). */
async function partitionLocation(context: Pick<RevocationContext, 'db'>, customCname: string, key: string): Promise<NonNullable<CrlLocationOutput['location']> | undefined> {
  const rows = await revocationDb(context.db).selectFrom('crl_partitions').select(['bucket', 'url']).where('object_key', '=', key).execute();
  const host = customCname.toLowerCase();
  for (const row of rows) {
    const url = new URL(row.url);
    if (url.protocol === 'http:' && url.hostname.toLowerCase() === host && url.pathname === `/${key}`) return { customCname: url.hostname, bucket: row.bucket, key };
  }
  return undefined;
}
