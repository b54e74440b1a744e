import { performance } from 'node:perf_hooks';
import { awsErrorStatus, type AwsError, type WireResponse } from '@pki/aws-protocol';
import { counter } from '@pki/service-kit';
import type { RateLimit, ThrottleConfig } from './throttle-config';
import type { ThrottledApi } from './throttle-defaults';
import { TokenBucket } from './token-bucket';

/** A refused request: AWS's throttling exception for its protocol, and when to come back. */
export interface ThrottleRefusal {
  readonly error: AwsError;
  /** When the account's bucket holds a token again, rounded up to a whole second (the Retry-After header). */
  readonly retryAt: Date;
}

const throttled = counter('pki_throttled_requests_total', 'Requests the gateway refused with ThrottlingException, by API and operation (accounts are not labelled: see the access log)', ['api', 'operation']);

/** One operation's limit and the buckets of the accounts that called it. */
class OperationBuckets {
  /**
   * Keyed by account id. Throttling runs after SigV4 authentication, so only accounts that hold a
   * configured access key get here: the map is bounded by PKI_ACCESS_KEYS and needs no eviction.
   */
  readonly accounts = new Map<string, TokenBucket>();
  constructor(readonly limit: RateLimit) {}
}

/**
 * Per account and operation token buckets, in this gateway process. Called by the routers once
 * the operation is known and before anything is sent over NATS; an admitted request costs two map
 * lookups and a bucket take. Limits are per replica: N gateways behind a load balancer admit up
 * to N times the configured rate for an account (see the README, "Throttling").
 */
export class Throttle {
  private readonly operations = new Map<ThrottledApi, Map<string, OperationBuckets>>();

  /**
   * @param nowMs a monotonic clock for the buckets (wall-clock steps must not add or remove tokens)
   * @param wallMs the wall clock, only for the Retry-After date
   */
  constructor(
    private readonly config: ThrottleConfig,
    private readonly nowMs: () => number = () => performance.now(),
    private readonly wallMs: () => number = () => Date.now(),
  ) {
    for (const [api, limits] of config.limits) {
      this.operations.set(api, new Map([...limits].map(([operation, limit]) => [operation, new OperationBuckets(limit)])));
    }
  }

  /** Admits the request (undefined) or refuses it with the throttling exception `api`'s SDK retries. */
  admit(accountId: string, api: ThrottledApi, operation: string): ThrottleRefusal | undefined {
    if (!this.config.enabled) return undefined;
    const buckets = this.operations.get(api)?.get(operation);
    // Every routed operation has a limit (a unit test holds the table to the routes); an
    // operation without one is one the router is about to answer UnknownOperation for.
    if (!buckets) return undefined;
    const now = this.nowMs();
    let bucket = buckets.accounts.get(accountId);
    if (!bucket) {
      bucket = new TokenBucket(buckets.limit.ratePerSecond, buckets.limit.burst, now);
      buckets.accounts.set(accountId, bucket);
    }
    const waitMs = bucket.take(now);
    if (waitMs === 0) return undefined;
    throttled.inc({ api, operation });
    return refusal(accountId, api, operation, buckets.limit, new Date(Math.ceil((this.wallMs() + waitMs) / 1000) * 1000));
  }
}

function refusal(accountId: string, api: ThrottledApi, operation: string, limit: RateLimit, retryAt: Date): ThrottleRefusal {
  // AWS answers throttling with `ThrottlingException` (ACM PCA's common error, IoT's modelled
  // exception, HTTP 400 in both protocols); Directory Service models none, and the SDKs retry
  // this code as throttling in every client (@smithy/service-error-classification).
  const protocol = api === 'iot' ? 'restJson1' : 'awsJson1_1';
  const message =
    `Rate exceeded for ${operation} by account ${accountId}: the limit is ${limit.ratePerSecond} requests per second ` +
    `with a burst of ${limit.burst} (per gateway replica). Retry with backoff, or ask the operator to raise ` +
    `${api}:${operation} in PKI_THROTTLE.`;
  return {
    error: { code: 'ThrottlingException', message, status: awsErrorStatus(protocol, 'ThrottlingException') },
    retryAt,
  };
}

/**
 * The refusal's response with `Retry-After` (RFC 9110 §10.2.3): the AWS SDK for JavaScript v3
 * standard retry waits for the later of it and its own jittered backoff, so the retry arrives when
 * the bucket has refilled instead of being refused again. It is sent as an HTTP-date, not as
 * delay-seconds: @smithy/middleware-retry 2.x (the ACM PCA client 3.523 here) reads a number as
 * seconds since 1970 and so ignores it, while every version reads the date. The date assumes the
 * clients' clocks are roughly right (NTP); a client ahead of the gateway falls back to its backoff.
 */
export const withRetryAfter = (response: WireResponse, refused: ThrottleRefusal): WireResponse => ({
  ...response,
  headers: { ...response.headers, 'Retry-After': refused.retryAt.toUTCString() },
});
