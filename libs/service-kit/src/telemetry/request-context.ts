import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * What every log line written while a request is in hand carries: its request id (the gateway's
 * `x-amzn-RequestId`, which travels with the command over NATS and becomes the events'
 * correlationId), and at the gateway the caller's account once SigV4 has named it.
 */
export interface RequestContext {
  readonly requestId: string;
  account?: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

/** Runs `work` with `context` as the current request (log lines inside carry its id). */
export function withRequestContext<T>(context: RequestContext, work: () => T): T {
  return storage.run(context, work);
}

export function currentRequest(): RequestContext | undefined {
  return storage.getStore();
}

/** Runs `work` as no request's (e.g. a background export that a request's timer happened to start). */
export function outsideRequestContext<T>(work: () => T): T {
  return storage.exit(work);
}
