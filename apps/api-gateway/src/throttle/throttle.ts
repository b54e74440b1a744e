import { performance } from 'node:perf_hooks';
import { awsErrorStatus, type AwsError, type WireResponse } from '@pki/aws-protocol';
import type { RateLimit, ThrottleConfig } from './throttle-config';
import type { ThrottledApi } from './throttle-defaults';
import { TokenBucket } from './token-bucket';

/** A refused request: AWS's throttling exception for its protocol, and when to come back. */
export interface ThrottleRefusal {
  readonly error: AwsError;
  /** Whole seconds until the account's bucket holds a token again (the Retry-After header). */
  readonly retryAfterSeconds: number;
}

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

  constructor(
    private readonly config: ThrottleConfig,
    private readonly nowMs: () => number = () => performance.now(),
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
    // TODO(metrics): count pki_throttled_requests_total{api, operation} here once the metrics module is merged.
    return refusal(accountId, api, operation, buckets.limit, waitMs);
  }
}

function refusal(accountId: string, api: ThrottledApi, operation: string, limit: RateLimit, waitMs: number): ThrottleRefusal {
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
    retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)),
  };
}

/**
 * The refusal's response with `Retry-After` (RFC 9110 §10.2.3): the SDKs wait at least that long
 * before their retry (AWS SDK for JavaScript v3 standard retry takes the larger of it and its own
 * backoff), so a retry arrives when the bucket has refilled instead of being refused again.
 */
export const withRetryAfter = (response: WireResponse, refused: ThrottleRefusal): WireResponse => ({
  ...response,
  headers: { ...response.headers, 'Retry-After': String(refused.retryAfterSeconds) },
});
