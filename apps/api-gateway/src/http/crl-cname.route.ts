/**
 * CRLs at `http://<CustomCname>/crl/<CA id>.crl`: the CRL distribution point issuance writes when
 * a CA's CrlConfiguration.CustomCname is set (AWS: "an alias for the CRL distribution point ...
 * if you don't want the name of your S3 bucket to be public"). The platform team points that
 * name (a CNAME) at the gateway; the path names no bucket, so the gateway asks revocation-service
 * (CrlLocation) where the CA publishes its CRL and serves that object only when the request's
 * Host is the CA's CustomCname. Any other request for `/crl/<id>.crl` is left to the object
 * route, where it means key `<id>.crl` of a bucket named `crl` (path style), which keeps working.
 */
import { REVOCATION_OPERATIONS, type Caller, type CrlLocationInput, type CrlLocationOutput, type ServiceError } from '@pki/contracts';
import { TtlCache, type ServiceClient } from '@pki/service-kit';
import type { GatewayRequest } from '../routing/http-types';

/** CA ids are lower-case UUIDs (the last part of the CA ARN), exactly as written into the URL. */
const CRL_PATH = /^\/crl\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.crl$/;

/** How long a CA's CRL location is reused: a CustomCname change reaches this route within it. */
export const CRL_LOCATION_TTL_MS = 10_000;
/** Bound on cached CA ids (unknown ids are cached too, so random ids cannot grow it without end). */
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
  /** CA id -> its CRL location (null: unknown CA, or no CustomCname); concurrent fetches of one CRL share one lookup. */
  private readonly locations = new TtlCache<Location | null>(CRL_LOCATION_TTL_MS, CRL_LOCATION_CACHE_ENTRIES);

  constructor(
    private readonly services: Pick<ServiceClient, 'request'>,
    private readonly nowMs: () => number = Date.now,
  ) {}

  /** The CA id of a `GET|HEAD /crl/<CA id>.crl`, else undefined. */
  static caIdOf(method: string, rawPath: string): string | undefined {
    if (method !== 'GET' && method !== 'HEAD') return undefined;
    return CRL_PATH.exec(rawPath)?.[1];
  }

  async resolve(request: GatewayRequest, caId: string, requestId: string): Promise<CrlCnameResolution> {
    const host = request.headers['host'];
    // HTTP/1.1 requires one Host header (RFC 9112 §3.2); without one there is no name to compare.
    if (typeof host !== 'string' || host === '') return { kind: 'not-cname' };
    let location: Location | null;
    try {
      location = await this.locations.get(caId, this.nowMs(), () => this.ask(caId, requestId));
    } catch (error) {
      if (error instanceof LookupFailed) return { kind: 'failed', error: error.error };
      throw error;
    }
    if (!location || hostName(location.customCname) !== hostName(host)) return { kind: 'not-cname' };
    return { kind: 'serve', bucket: location.bucket, key: location.key };
  }

  private async ask(caId: string, requestId: string): Promise<Location | null> {
    const input: CrlLocationInput = { certificateAuthorityId: caId };
    const reply = await this.services.request<CrlLocationOutput>('revocation', REVOCATION_OPERATIONS.CrlLocation, { caller: ANONYMOUS, requestId, input });
    // Failures are not cached: the next request asks again.
    if (!reply.ok) throw new LookupFailed(reply.error);
    return reply.result.location ?? null;
  }
}
