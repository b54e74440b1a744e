import { verifySigV4, type SigV4Credentials } from '@pki/aws-protocol';
import { bucketNameProblem, objectKeyProblem, type ObjectStorage, type StoredObject } from '@pki/object-storage';
import type { GatewayRequest } from '../routing/http-types';

/**
 * First path segments that are never bucket names on this gateway: the AWS IoT restJson1
 * operations (e.g. `GET /cacertificate/{caCertificateId}`, `GET /certificates-by-ca/{caCertificateId}`),
 * the OCSP responder and the health probes. A request whose first segment is listed here is
 * routed to its API, never to the object route, so a bucket with such a name cannot be served
 * (none of them can collide with a CA's CRL bucket by accident: CRL buckets are named by users,
 * and these names are reserved for the platform). Add any future restJson1 route's first
 * segment here before adding the route.
 */
export const RESERVED_FIRST_SEGMENTS: ReadonlySet<string> = new Set([
  'cacertificate',
  'cacertificates',
  'certificates',
  'certificates-by-ca',
  'certificate',
  'keys-and-certificate',
  'registrationcode',
  'accept-certificate-transfer',
  'reject-certificate-transfer',
  'cancel-certificate-transfer',
  'transfer-certificate',
  // Things and policies (DescribeThing, ListThings, ListThingPrincipals, ListPrincipalThings, GetPolicy, ...).
  'things',
  'principals',
  'policies',
  'target-policies',
  'attached-policies',
  'policy-targets',
  // Thing types (DescribeThingType GET /thing-types/{thingTypeName}) and the principal forms
  // (ListPrincipalPolicies GET /principal-policies, ListPolicyPrincipals GET /policy-principals).
  'thing-types',
  'principal-policies',
  'policy-principals',
  // DescribeEndpoint (GET /endpoint) and the IoT root CA certificate (GET /iot/root-ca.pem, iot-root-ca.route.ts).
  'endpoint',
  'iot',
  'ocsp',
  'health',
]);

/** S3 allows 15 minutes of clock skew (RequestTimeTooSkewed beyond). */
const S3_MAX_SKEW_MS = 15 * 60 * 1000;

/** An object response: unlike the JSON protocols' responses its body is binary (DER CRLs). */
export interface ObjectResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Uint8Array;
}

export interface ObjectRouteOptions {
  readonly region: string;
  /** Every region a signed request may be scoped to (PKI_REGIONS); absent: `region` only. */
  readonly regions?: readonly string[];
  readonly credentials: (accessKeyId: string) => SigV4Credentials | undefined;
  readonly now: () => Date;
}

const xmlEscape = (text: string) => text.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);

/**
 * `GET|HEAD /<bucket>/<key...>`: serves objects of the object storage port the way S3 does
 * for the platform's two kinds of objects (DESIGN.md "Public routes"): PUBLIC_READ objects
 * (CRLs) to anyone, unsigned; private objects (audit reports, BUCKET_OWNER_FULL_CONTROL) only
 * to a request SigV4-signed for service `s3` by an access key of the owning account. Errors
 * use S3's XML error shape.
 *
 * The path is not normalized (S3 signs and resolves it as sent): the first raw segment is the
 * bucket, the rest of the raw path is the key, each percent-decoded exactly once.
 */
export class ObjectsRoute {
  constructor(
    private readonly objects: ObjectStorage,
    private readonly options: ObjectRouteOptions,
  ) {}

  /** Whether a request is for this route: GET/HEAD of `/<bucket>/<key>` outside the reserved segments. */
  static matches(method: string, rawPath: string): boolean {
    if (method !== 'GET' && method !== 'HEAD') return false;
    const match = /^\/([^/]+)\/(.+)$/.exec(rawPath);
    return match !== null && !RESERVED_FIRST_SEGMENTS.has(match[1]!.toLowerCase());
  }

  async handle(request: GatewayRequest, requestId: string): Promise<ObjectResponse> {
    const head = request.method === 'HEAD';
    const error = (status: number, code: string, message: string, resource?: string) => this.error(head, status, code, message, requestId, resource);
    const slash = request.rawPath.indexOf('/', 1);
    const bucket = decodeOnce(request.rawPath.slice(1, slash));
    const key = decodeOnce(request.rawPath.slice(slash + 1));
    if (bucket === undefined || key === undefined) return error(400, 'InvalidURI', "Couldn't parse the specified URI.");
    const bucketProblem = bucketNameProblem(bucket);
    if (bucketProblem) return error(400, 'InvalidBucketName', `The specified bucket is not valid. ${bucketProblem}`);
    return this.serve(request, bucket, key, requestId);
  }

  /**
   * Serves `key` of `bucket` with the object's ACL, for a path-style request (`handle`) or a
   * request whose Host names the bucket (a CRL CustomCname, see crl-cname.route.ts). A signature
   * is checked over the request as sent (virtual-hosted style signs the path without the bucket);
   * `resource` is how AccessDenied names what was asked for (the CustomCname route does not
   * reveal the bucket a CustomCname hides).
   */
  async serve(request: GatewayRequest, bucket: string, key: string, requestId: string, resource = `/${bucket}/${key}`): Promise<ObjectResponse> {
    const head = request.method === 'HEAD';
    const error = (status: number, code: string, message: string, what?: string) => this.error(head, status, code, message, requestId, what);
    const signed = hasSignature(request);
    let callerAccount: string | undefined;
    if (signed) {
      const auth = verifySigV4(request, {
        region: this.options.region,
        regions: this.options.regions,
        credentials: this.options.credentials,
        now: this.options.now,
        allowedServices: ['s3'],
        maxSkewMs: S3_MAX_SKEW_MS,
      });
      if (!auth.ok) return error(403, 'AccessDenied', `Access Denied: ${auth.message}`, resource);
      callerAccount = auth.accountId;
    }

    // A key no object can have (".." segments and the like) is simply not there.
    const object = objectKeyProblem(key) ? undefined : await this.objects.get(bucket, key);
    if (!object) return error(404, 'NoSuchKey', 'The specified key does not exist.', key);
    if (object.acl !== 'PUBLIC_READ' && callerAccount !== object.ownerAccount) {
      const why = signed ? `the object belongs to another account than ${callerAccount}` : 'the object is private and the request is not signed';
      return error(403, 'AccessDenied', `Access Denied: ${why}.`, resource);
    }
    return this.found(object, request, head);
  }

  private found(object: StoredObject, request: GatewayRequest, head: boolean): ObjectResponse {
    const headers: Record<string, string> = {
      'Content-Type': object.contentType,
      ETag: object.etag,
      'Last-Modified': object.lastModified.toUTCString(),
      'Accept-Ranges': 'none',
      // Public objects (CRLs) change in place: caches must revalidate (cheap with the ETag).
      // Private objects (audit reports) must not be kept by shared caches at all.
      'Cache-Control': object.acl === 'PUBLIC_READ' ? 'public, max-age=0, must-revalidate' : 'private, no-store',
      // User metadata as S3 returns it, so @pki/object-storage's S3 adapter can read through this route.
      'x-amz-meta-pki-acl': object.acl,
      'x-amz-meta-pki-owner-account': object.ownerAccount,
    };
    const ifNoneMatch = request.headers['if-none-match'];
    if (typeof ifNoneMatch === 'string' && ifNoneMatch.split(',').some((tag) => tag.trim() === object.etag || tag.trim() === '*')) {
      return { status: 304, headers, body: new Uint8Array() };
    }
    headers['Content-Length'] = String(object.body.length);
    return { status: 200, headers, body: head ? new Uint8Array() : object.body };
  }

  /** An S3 XML error response (no body for HEAD). */
  error(head: boolean, status: number, code: string, message: string, requestId: string, resource?: string): ObjectResponse {
    const xml =
      '<?xml version="1.0" encoding="UTF-8"?>\n' +
      `<Error><Code>${code}</Code><Message>${xmlEscape(message)}</Message>` +
      (resource !== undefined ? (code === 'NoSuchKey' ? `<Key>${xmlEscape(resource)}</Key>` : `<Resource>${xmlEscape(resource)}</Resource>`) : '') +
      `<RequestId>${requestId}</RequestId></Error>`;
    const body = new TextEncoder().encode(xml);
    // HEAD responses carry no body; S3 reports the error in the status (and x-amz headers) only.
    return {
      status,
      headers: { 'Content-Type': 'application/xml', 'x-amz-request-id': requestId, 'Content-Length': String(body.length) },
      body: head ? new Uint8Array() : body,
    };
  }
}

function decodeOnce(raw: string): string | undefined {
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}

/** Whether a request carries a SigV4 signature, in the Authorization header or a presigned query. */
export function hasSignature(request: GatewayRequest): boolean {
  if (request.headers['authorization'] !== undefined) return true;
  return /(^|&)X-Amz-(Signature|Credential)=/i.test(request.rawQuery);
}
