/**
 * `GET /events` (issue #15): what a subscriber asked for, read from the query string and the
 * `Last-Event-ID` header, or the AWS error that tells it what to fix. Pure: no I/O.
 *
 *   source=<source>            repeatable: only events of these sources
 *   detail-type=<detail-type>  repeatable: only these detail-types (PUBLIC_DETAIL_TYPES)
 *   resource=<ARN or id>       repeatable: only events naming one of these in `resources`
 *   since=<ISO 8601 time>      replay from this time (within the feed's retention)
 *   account=<12 digits>        optional; must be the caller's own account
 *   Last-Event-ID: <token>     resume after the event with this `id:` (wins over `since`)
 * Without `since` or `Last-Event-ID`, the stream starts with the events published from now on.
 * EventBridge is regional: the stream carries the events of the region the request is signed for
 * (its SigV4 credential scope's, one of PKI_REGIONS), each event's `region` being its resource's.
 */
import type { AwsError } from '@pki/aws-protocol';
import { PUBLIC_DETAIL_TYPES, publicAccountWildcard, publicEventSubject, type PublicDetailType, type PublicEvent } from '@pki/contracts';

export type EventsStart = { readonly kind: 'after'; readonly seq: number } | { readonly kind: 'since'; readonly time: Date } | { readonly kind: 'new' };

export interface EventsRequest {
  readonly account: string;
  /** Only events of this region (their `region`, the region of the resource they are about). */
  readonly region: string;
  readonly sources: ReadonlySet<string>;
  readonly detailTypes: ReadonlySet<string>;
  readonly resources: ReadonlySet<string>;
  readonly start: EventsStart;
}

const KNOWN = new Set(['source', 'detail-type', 'resource', 'since', 'account']);
const SOURCES = new Set(Object.values(PUBLIC_DETAIL_TYPES).map((d) => d.source));
const MAX_FILTER_VALUES = 100;

const invalid = (message: string): AwsError => ({ code: 'ValidationException', message, status: 400 });

/** The request, or the error to answer (nothing is streamed). */
export function parseEventsRequest(rawQuery: string, lastEventId: string | string[] | undefined, callerAccount: string, callerRegion: string): EventsRequest | AwsError {
  const params = new URLSearchParams(rawQuery);
  for (const name of new Set(params.keys())) {
    if (!KNOWN.has(name)) return invalid(`Unknown query parameter ${JSON.stringify(name)}: GET /events takes source, detail-type, resource (each repeatable), since and account.`);
    if (params.getAll(name).length > MAX_FILTER_VALUES) return invalid(`At most ${MAX_FILTER_VALUES} values of ${name}.`);
  }
  for (const name of ['since', 'account']) if (params.getAll(name).length > 1) return invalid(`${name} may be given once.`);
  const account = params.get('account');
  if (account !== null && account !== callerAccount) {
    return { code: 'AccessDeniedException', message: `Account ${callerAccount} is not authorized to read the events of account ${JSON.stringify(account)}: a subscriber reads its own account's events only.`, status: 403 };
  }
  const sources = new Set(params.getAll('source'));
  for (const source of sources) if (!SOURCES.has(source as never)) return invalid(`Unknown source ${JSON.stringify(source)}; the feed's sources are ${[...SOURCES].join(', ')}.`);
  const detailTypes = new Set(params.getAll('detail-type'));
  for (const detailType of detailTypes) {
    if (!(detailType in PUBLIC_DETAIL_TYPES)) return invalid(`Unknown detail-type ${JSON.stringify(detailType)}; the feed's detail-types are ${Object.keys(PUBLIC_DETAIL_TYPES).map((d) => JSON.stringify(d)).join(', ')}.`);
  }
  const resources = new Set(params.getAll('resource'));
  for (const resource of resources) if (resource.length === 0 || resource.length > 2048) return invalid('A resource filter must be 1-2048 characters (an ARN or an audit report id).');

  let start: EventsStart = { kind: 'new' };
  const since = params.get('since');
  if (since !== null) {
    const time = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(since) ? new Date(since) : new Date(NaN);
    if (Number.isNaN(time.getTime())) return invalid(`since ${JSON.stringify(since)} is not an ISO 8601 time with a zone, such as 2026-12-07T18:00:00Z.`);
    start = { kind: 'since', time };
  }
  if (lastEventId !== undefined) {
    const token = Array.isArray(lastEventId) ? lastEventId[0] ?? '' : lastEventId;
    const seq = eventSeq(token.trim());
    if (seq === undefined) return invalid(`Last-Event-ID ${JSON.stringify(token)} is not an id this feed sent: send back the id: of the last event received.`);
    start = { kind: 'after', seq };
  }
  return { account: callerAccount, region: callerRegion, sources, detailTypes, resources, start };
}

/** The stream sequence an event id (SSE `id:`, gRPC resume token) names, or undefined when it is not one the feed sends. */
export function eventSeq(token: string): number | undefined {
  return /^[1-9]\d{0,15}$/.test(token) ? Number(token) : undefined;
}

export function isEventsRequest(value: EventsRequest | AwsError): value is EventsRequest {
  return 'start' in value;
}

/**
 * The narrowest JetStream filter subject for the request (nats-server 2.9: one per consumer):
 * one detail-type's subject when exactly one is asked for, else the account's.
 */
export function eventsFilterSubject(prefix: string, request: EventsRequest): string {
  if (request.detailTypes.size === 1) {
    const [detailType] = request.detailTypes as ReadonlySet<PublicDetailType>;
    const { source } = PUBLIC_DETAIL_TYPES[detailType!];
    if (request.sources.size === 0 || request.sources.has(source)) return publicEventSubject(prefix, { account: request.account, source, 'detail-type': detailType! });
  }
  return publicAccountWildcard(prefix, request.account);
}

/** Whether `event` passes the request's filters (each filter given: one of its values matches). */
export function eventMatches(request: EventsRequest, event: PublicEvent): boolean {
  if (event.account !== request.account) return false;
  // A region's subscriber sees its region's events only, as an EventBridge bus is per region.
  if (event.region !== request.region) return false;
  if (request.sources.size > 0 && !request.sources.has(event.source)) return false;
  if (request.detailTypes.size > 0 && !request.detailTypes.has(event['detail-type'])) return false;
  if (request.resources.size > 0 && !event.resources.some((r) => request.resources.has(r))) return false;
  return true;
}

/**
 * One Server-Sent Events message: `id:` the resume token (the event's place in the feed), `data:`
 * the event on one line. No `event:` field, so EventSource's `onmessage` receives every event.
 */
export function sseMessage(seq: number, event: PublicEvent): string {
  return `id: ${seq}\ndata: ${JSON.stringify(event)}\n\n`;
}

/** The message that ends a stream the gateway closes (`event: error`), then the connection ends. */
export function sseError(code: string, message: string): string {
  return `event: error\ndata: ${JSON.stringify({ code, message })}\n\n`;
}
