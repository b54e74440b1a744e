/**
 * CRLs at `http://<CustomCname>/<key>`: the CRL distribution point issuance writes when a CA's
 * CrlConfiguration.CustomCname is set (AWS: "an alias for the CRL distribution point ... if you
 * don't want the name of your S3 bucket to be public"), the key being `crl/<CA id>.crl`, a
 * CustomPath's `<CustomPath>/<CA id>.crl`, or a partition's `.../<partition>.crl` (libs/pki
 * crl-location.ts). The platform team points that name (a CNAME) at the gateway; the path names
 * no bucket, so the gateway asks revocation-service (CrlLocation) which CA with that CustomCname
 * publishes that key, and serves the object only then. Any other request for a `.crl` path is
 * left to the object route, where its first segment names a bucket (path style), which keeps working.
 */
import { REVOCATION_OPERATIONS, type Caller, type CrlLocationInput, type CrlLocationOutput, type ServiceError } from '@pki/contracts';
import { TtlCache, type ServiceClient } from '@pki/service-kit';
import type { GatewayRequest } from '../routing/http-types';

/** A CRL's path: segments of CrlPathString's characters (no empty, "." or ".." segment), the last one ending in `.crl`. */
const CRL_PATH = /^\/((?:[-a-zA-Z0-9;:@&=+$,%_.!~*()']+\/)*[-a-zA-Z0-9;:@&=+$,%_.!~*()']+\.crl)$/;
const MAX_KEY = 1024;

/** How long a CA's CRL location is reused: a CustomCname change reaches this route within it. */
export const CRL_LOCATION_TTL_MS = 10_000;
/** Bound on cached (host, key) pairs (unknown ones are cached too, so random paths cannot grow it without end). */
export const CRL_LOCATION_CACHE_ENTRIES = 10_000;

/** CRL lookups are anonymous, like the CRL fetch itself. */
const ANONYMOUS: Caller = { accountId: '000000000000', accessKeyId: 'anonymous' };

type Location = NonNullable<CrlLocationOutput['location']>;

export type CrlCnameResolution =
  /** Serve `key` of `bucket` (with the object's ACL, as the object route does). */
  | { readonly kind: 'serve'; readonly bucket: string; readonly key: string }
  /** Not a CustomCname request for this CA: leave it to the object route. */
  | { readonly kind: 'not-cname' }
  /** revocation-service could not say where the CRL is. */
  | { readonly kind: 'failed'; readonly error: ServiceError };

/**
 * A Host header's name, compared case-insensitively (RFC 9110 §4.2.3): lower case, without
 * the port, the brackets of an IPv6 literal, or the trailing dot of a fully qualified name.
 */
export function hostName(value: string): string {
  let host = value.trim().toLowerCase();
  if (host.startsWith('[')) {
    const end = host.indexOf(']');
    host = end < 0 ? host : host.slice(1, end);
  } else {
    const colon = host.lastIndexOf(':');
    if (colon >= 0 && host.indexOf(':') === colon) host = host.slice(0, colon);
  }
  return host.replace(/\.$/, '');
}

/** revocation-service's failure to answer a lookup: thrown out of the cache so it is not cached. */
class LookupFailed extends Error {
  constructor(readonly error: ServiceError) {
    super(error.message);
  }
}

export class CrlCnameRoute {
  /** Host and key -> the CRL location (null: no CA with that CustomCname publishes that key); concurrent fetches of one CRL share one lookup. */
  private readonly locations = new TtlCache<Location | null>(CRL_LOCATION_TTL_MS, CRL_LOCATION_CACHE_ENTRIES);

  constructor(
    private readonly services: Pick<ServiceClient, 'request'>,
    private readonly nowMs: () => number = Date.now,
  ) {}

  /** The object key a `GET|HEAD /<path>.crl` may name under a CustomCname, else undefined. */
  static keyOf(method: string, rawPath: string): string | undefined {
    if (method !== 'GET' && method !== 'HEAD') return undefined;
    const key = CRL_PATH.exec(rawPath)?.[1];
    if (!key || key.length > MAX_KEY || key.split('/').some((segment) => segment === '.' || segment === '..')) return undefined;
    return key;
  }

  async resolve(request: GatewayRequest, key: string, requestId: string): Promise<CrlCnameResolution> {
    const header = request.headers['host'];
    // HTTP/1.1 requires one Host header (RFC 9112 §3.2); without one there is no name to compare.
    if (typeof header !== 'string' || header === '') return { kind: 'not-cname' };
    const host = hostName(header);
    if (host === '') return { kind: 'not-cname' };
    let location: Location | null;
    try {
      location = await this.locations.get(`${host}\n${key}`, this.nowMs(), () => this.ask(host, key, requestId));
    } catch (error) {
      if (error instanceof LookupFailed) return { kind: 'failed', error: error.error };
      throw error;
    }
    if (!location || hostName(location.customCname) !== host || location.key !== key) return { kind: 'not-cname' };
    return { kind: 'serve', bucket: location.bucket, key: location.key };
  }

  private async ask(customCname: string, key: string, requestId: string): Promise<Location | null> {
    const input: CrlLocationInput = { customCname, key };
    const reply = await this.services.request<CrlLocationOutput>('revocation', REVOCATION_OPERATIONS.CrlLocation, { caller: ANONYMOUS, requestId, input });
    // Failures are not cached: the next request asks again.
    if (!reply.ok) throw new LookupFailed(reply.error);
    return reply.result.location ?? null;
  }
}
