/**
 * The gateway's OCSP answers (the HTTP side is http/ocsp.route.ts): a request whose octets have a
 * pre-signed response is answered from it while this process's lease runs (presigned-responses.ts,
 * responder-lease.ts); every other request is forwarded to revocation-service, coalesced with the
 * others in flight (request-batcher.ts), and a reusable answer is kept. Identical requests in
 * flight share one forward.
 */
import { MAX_OCSP_REQUESTS_PER_MESSAGE, REVOCATION_OPERATIONS, type Caller, type OcspRequestItem, type OcspRequestsOutput, type OcspResponseItem, type Reply } from '@pki/contracts';
import { counter, type ServiceClient } from '@pki/service-kit';
import { presignedEntry, type PresignedEntry, type PresignedResponses } from './presigned-responses';
import { RequestBatcher } from './request-batcher';
import type { ResponderLease } from './responder-lease';

/** OCSP requests are anonymous; the responder works for the CA's account, not the caller's. */
const ANONYMOUS: Caller = { accountId: '000000000000', accessKeyId: 'anonymous' };
/** Messages to revocation-service in flight at once (each takes every request queued meanwhile). */
const MAX_IN_FLIGHT = 4;

export const ocspCacheHits = counter('pki_ocsp_cache_hits_total', 'OCSP requests the gateway answered from a pre-signed response');
export const ocspCacheMisses = counter('pki_ocsp_cache_misses_total', 'OCSP requests the gateway forwarded to revocation-service (no pre-signed response, or no lease)');
const presignedAnswers = counter('pki_ocsp_presigned_responses_total', 'OCSP answers the gateway gave from its pre-signed responses, by status', ['status']);

/** What a request gets: the DER response (and its pre-signed entry when it has one), or why there is none. */
export type OcspOutcome = { readonly kind: 'response'; readonly body: Buffer; readonly entry: PresignedEntry | null } | { readonly kind: 'unavailable' } | { readonly kind: 'failed' };

export class OcspResponder {
  private readonly batcher: RequestBatcher<OcspRequestItem, Reply<OcspResponseItem>>;
  private readonly forwarding = new Map<string, Promise<OcspOutcome>>();

  constructor(
    services: Pick<ServiceClient, 'request'>,
    private readonly responses: PresignedResponses | null = null,
    private readonly lease: Pick<ResponderLease, 'holds' | 'caVersion'> | null = null,
    private readonly now: () => number = Date.now,
  ) {
    this.batcher = new RequestBatcher(
      async (items): Promise<Reply<OcspResponseItem>[]> => {
        const reply = await services.request<OcspRequestsOutput>('revocation', REVOCATION_OPERATIONS.OcspRequests, { caller: ANONYMOUS, requestId: items[0]!.requestId, input: { requests: items } });
        return reply.ok ? reply.result.responses.map((result) => ({ ok: true as const, result })) : items.map(() => reply);
      },
      MAX_OCSP_REQUESTS_PER_MESSAGE,
      MAX_IN_FLIGHT,
    );
  }

  /** The pre-signed response for these request octets, when there is one and the lease runs. */
  presigned(der: Buffer): PresignedEntry | undefined {
    const responses = this.responses;
    if (!responses || !this.lease?.holds()) return undefined;
    const entry = responses.get(der.toString('base64'), this.now(), (caId) => this.lease!.caVersion(caId));
    if (!entry) return undefined;
    ocspCacheHits.inc();
    presignedAnswers.inc({ status: entry.presigned.status });
    return entry;
  }

  /** The answer to one DER OCSPRequest. */
  answer(der: Buffer, requestId: string): Promise<OcspOutcome> {
    const entry = this.presigned(der);
    if (entry) return Promise.resolve({ kind: 'response', body: entry.body, entry });
    const key = der.toString('base64');
    const joined = this.forwarding.get(key);
    if (joined) return joined;
    ocspCacheMisses.inc();
    const forward = this.forward(key, requestId).finally(() => this.forwarding.delete(key));
    this.forwarding.set(key, forward);
    return forward;
  }

  private async forward(key: string, requestId: string): Promise<OcspOutcome> {
    const fill = this.responses?.begin();
    let entry: PresignedEntry | null = null;
    try {
      const reply = await this.batcher.submit({ requestBase64: key, requestId });
      if (!reply.ok) return { kind: reply.error.kind === 'Unavailable' ? 'unavailable' : 'failed' };
      const body = Buffer.from(reply.result.responseBase64, 'base64');
      entry = reply.result.presigned ? presignedEntry(reply.result.presigned, body) : null;
      return { kind: 'response', body, entry };
    } finally {
      if (fill) this.responses!.end(fill, key, entry);
    }
  }
}
