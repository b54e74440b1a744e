/**
 * CrlLocation: where a CA's CRL is published, for the gateway's CustomCname route. Issuance
 * writes `http://<CustomCname>/crl/<CA id>.crl` into the CRL distribution point when
 * CrlConfiguration.CustomCname is set (AWS `CrlConfiguration.CustomCname`: "an alias for the
 * CRL distribution point ... if you don't want the name of your S3 bucket to be public"); that
 * URL names no bucket, so the gateway asks here which bucket holds the CA's `crl/<CA id>.crl`
 * and serves it only when the request's Host is that CustomCname.
 *
 * The answer does not depend on the CA's status: like the object in an S3 bucket that a CNAME
 * points at, the last published CRL stays reachable (relying parties need it until it expires).
 */
import { DomainError, type CommandMessage, type CrlLocationInput, type CrlLocationOutput, isPlatformId } from '@pki/contracts';
import { crlObjectKey } from '../domain/revocation-configuration';
import { findCaById } from '../infrastructure/ca.queries';
import { revocationDb } from '../infrastructure/database';
import type { RevocationContext } from './revocation-context';


export async function crlLocation(context: Pick<RevocationContext, 'db'>, message: CommandMessage): Promise<CrlLocationOutput> {
  const input = message.input as Partial<CrlLocationInput> | undefined;
  const id = input?.certificateAuthorityId;
  if (!isPlatformId(id)) {
    throw new DomainError('Malformed', 'certificateAuthorityId must be a certificate authority id (a lower-case UUID).');
  }
  const ca = await findCaById(revocationDb(context.db), id);
  if (!ca || !ca.crl_custom_cname || !ca.crl_s3_bucket_name) return { location: null };
  return { location: { customCname: ca.crl_custom_cname, bucket: ca.crl_s3_bucket_name, key: crlObjectKey(ca.id) } };
}
