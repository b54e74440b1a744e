/**
 * `pki.events.v1.EventsService` (proto/pki/events/v1/events.proto): the two server streams.
 *
 * Both read the public event feed (the JetStream stream PKI_PUBLIC_EVENTS_STREAM) through the
 * same ordered consumers as `GET /events` (EventsRoute.consume): nothing here keeps state beyond
 * one call, so a client may reconnect to any replica.
 *
 * - StreamEvents: the caller's account's events; each message's resume token is the event's
 *   stream sequence (as the SSE `id:`), and a call with it continues right after that event.
 * - WatchCertificate: authorizes with GetCertificate (the same account and resource-policy
 *   rules as the API), subscribes to the CA owner's revocation events for the certificate, then
 *   sends the current status (revocation-service's CertificateStatus) and the revocation when it comes.
 *   Subscribing first means a revocation between the status query and the subscription is not
 *   missed; a REVOKED already sent is not sent twice.
 */
import { Logger } from '@nestjs/common';
import type { ServerWritableStream } from '@grpc/grpc-js';
import type { ConsumerMessages } from 'nats';
import { parseCertificate } from '@pki/pki';
import { PUBLIC_DETAIL_TYPES, type Caller, type PublicEvent } from '@pki/contracts';
import type { AwsError } from '@pki/aws-protocol';
import type { EventsRoute } from '../events/events.route';
import { eventMatches, eventSeq, type EventsRequest, type EventsStart } from '../events/events-request';
import type { ServiceClient } from '@pki/service-kit';
import type { OperationDispatcher } from '../routing/operation-dispatcher';
import { certificateStatus } from './grpc-identity';
import { msFromProtoTimestamp, protoTimestamp, type ProtoTimestamp } from './grpc-translate';

const REVOCATION = 'ACM Private CA Certificate Revocation';
/** Unsent bytes a reader may fall behind by before its stream is ended (as GET /events). */
const MAX_BUFFERED_BYTES = 1024 * 1024;
const invalid = (message: string): AwsError => ({ code: 'ValidationException', message, status: 400 });

type Struct = { fields: Record<string, unknown> };

/** A JSON value as google.protobuf.Value in proto-loader's object form. */
function protoValue(value: unknown): unknown {
  if (value === null || value === undefined) return { nullValue: 'NULL_VALUE' };
  if (typeof value === 'string') return { stringValue: value };
  if (typeof value === 'number') return { numberValue: value };
  if (typeof value === 'boolean') return { boolValue: value };
  if (Array.isArray(value)) return { listValue: { values: value.map(protoValue) } };
  return { structValue: protoStruct(value as Record<string, unknown>) };
}

export function protoStruct(object: Record<string, unknown>): Struct {
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(object)) if (value !== undefined) fields[key] = protoValue(value);
  return { fields };
}

/** A WatchCertificateResponse: ISSUED, or REVOKED with when (ISO 8601) and the AWS reason when known. */
const watchResponse = (certificateArn: string | undefined, serial: string, initial: boolean, revoked?: { at: string | null; reason: string | null }) => ({
  certificate_arn: certificateArn,
  status: revoked ? 'CERTIFICATE_STATUS_REVOKED' : 'CERTIFICATE_STATUS_ISSUED',
  serial,
  ...(revoked?.at ? { revoked_at: protoTimestamp(Date.parse(revoked.at)) } : {}),
  ...(revoked?.reason ? { revocation_reason: revoked.reason } : {}),
  initial,
});

const feedUnavailable = (error: unknown): StreamEnd => ({
  error: { code: 'ServiceUnavailableException', message: `The event feed cannot be read now: ${error instanceof Error ? error.message : String(error)}. Call again shortly.`, status: 503 },
});

type ToMessage = (seq: number, event: PublicEvent, raw: string) => { readonly message: unknown; readonly finish?: boolean } | Promise<{ readonly message: unknown; readonly finish?: boolean }>;

/** What a stream answers when it cannot go on: an AWS error (mapped to a gRPC status by the caller). */
export type StreamEnd = { readonly error: AwsError } | { readonly done: true };

export class GrpcEvents {
  private readonly log = new Logger('GrpcEvents');
  private readonly open = new Set<() => void>();

  constructor(
    private readonly feed: EventsRoute,
    private readonly dispatcher: OperationDispatcher,
    private readonly services: Pick<ServiceClient, 'request'>,
    /** The deployment's default region (PKI_REGION): the region of callers that name none. */
    private readonly defaultRegion: string,
  ) {}

  /** Streams open now. */
  get openStreams(): number {
    return this.open.size;
  }

  /** Ends every open stream (the gateway is stopping); each ends UNAVAILABLE so its client calls again elsewhere. */
  closeAll(): void {
    for (const end of [...this.open]) end();
  }

  async streamEvents(call: ServerWritableStream<Record<string, unknown>, unknown>, caller: Caller): Promise<StreamEnd> {
    const request = call.request;
    const detailTypes = new Set((request.detail_types as string[] | undefined) ?? []);
    for (const detailType of detailTypes) {
      if (!Object.hasOwn(PUBLIC_DETAIL_TYPES, detailType)) return { error: invalid(`Unknown detail type ${JSON.stringify(detailType)}; the feed's detail types are ${Object.keys(PUBLIC_DETAIL_TYPES).join(', ')}.`) };
    }
    let start: EventsStart = { kind: 'new' };
    const token = request.resume_token as string | undefined;
    if (token) {
      const seq = eventSeq(token);
      if (seq === undefined) return { error: invalid(`Resume token ${JSON.stringify(token)} is not one this stream sent: send back the resume_token of the last event received.`) };
      start = { kind: 'after', seq };
    } else if (request.since) {
      start = { kind: 'since', time: new Date(Math.floor(msFromProtoTimestamp(request.since as ProtoTimestamp))) };
    }
    // The caller's region's events (x-amz-region, else the default region), as GET /events gives the signed region's.
    const events: EventsRequest = { account: caller.accountId, region: caller.region ?? this.defaultRegion, sources: new Set(), detailTypes, resources: new Set(), start };
    return this.pump(call, events, (seq, event, raw) => ({ message: { resume_token: String(seq), event: protoStruct(event as unknown as Record<string, unknown>), event_json: raw } }));
  }

  async watchCertificate(call: ServerWritableStream<Record<string, unknown>, unknown>, caller: Caller, requestId: string): Promise<StreamEnd> {
    const caArn = call.request.certificate_authority_arn as string | undefined;
    const certArn = call.request.certificate_arn as string | undefined;
    // Authorization and existence exactly as GetCertificate (the same model check, account and policy rules).
    const got = await this.dispatcher.dispatch('acm-pca', 'GetCertificate', { CertificateAuthorityArn: caArn, CertificateArn: certArn }, caller, requestId);
    if (!got.ok) return { error: got.error };
    const owner = caArn!.split(':')[4]!;
    const issued = parseCertificate((got.result as { Certificate: string }).Certificate);
    // Subscribe before asking the status: a revocation in between is seen on the stream.
    // The certificate's events are in its CA's region (the ARN's; GetCertificate found it in the caller's).
    const events: EventsRequest = { account: owner, region: caArn!.split(':')[3]!, sources: new Set(), detailTypes: new Set([REVOCATION]), resources: new Set([certArn!]), start: { kind: 'new' } };
    let messages: ConsumerMessages;
    try {
      messages = await this.feed.consume(events);
    } catch (error) {
      return feedUnavailable(error);
    }
    const serial = issued.serialHex;
    const known = await certificateStatus(this.services, caArn!.split('/').pop()!, serial, requestId);
    if (!known) {
      void messages.close();
      return { error: { code: 'ServiceUnavailableException', message: 'The status of the certificate cannot be read now. Call again shortly.', status: 503 } };
    }
    const revoked = known.status === 'revoked';
    call.write(watchResponse(certArn, serial, true, revoked ? { at: known.revokedAt, reason: known.reason } : undefined));
    if (revoked) {
      void messages.close();
      return { done: true };
    }
    // One change can follow ISSUED: the revocation, after which the stream ends (OK).
    // The event says when (to the second, as AWS's events do); revocation-service's record adds the reason.
    return this.pumpMessages(call, events, messages, async (_seq, event) => {
      const now = await certificateStatus(this.services, caArn!.split('/').pop()!, serial, requestId);
      const recorded = now?.status === 'revoked' && now.revokedAt ? { at: now.revokedAt, reason: now.reason } : undefined;
      return { message: watchResponse(certArn, serial, false, recorded ?? { at: event.time, reason: null }), finish: true };
    });
  }

  private async pump(call: ServerWritableStream<Record<string, unknown>, unknown>, events: EventsRequest, toMessage: ToMessage): Promise<StreamEnd> {
    let messages: ConsumerMessages;
    try {
      messages = await this.feed.consume(events);
    } catch (error) {
      return feedUnavailable(error);
    }
    return this.pumpMessages(call, events, messages, toMessage);
  }

  private async pumpMessages(
    call: ServerWritableStream<Record<string, unknown>, unknown>,
    events: EventsRequest,
    messages: ConsumerMessages,
    toMessage: ToMessage,
  ): Promise<StreamEnd> {
    let lastSent: number | undefined = events.start.kind === 'after' ? events.start.seq : undefined;
    let ended: StreamEnd | undefined;
    const end = (result: StreamEnd) => {
      if (ended) return;
      ended = result;
      void messages.close();
    };
    const resume = () => (lastSent === undefined ? '' : ` Resume with resume_token ${lastSent}.`);
    const stop = () => end({ error: { code: 'ServiceUnavailableException', message: `This gateway is stopping; call again (another replica answers).${resume()}`, status: 503 } });
    this.open.add(stop);
    call.once('cancelled', () => end({ done: true }));
    try {
      for await (const m of messages) {
        if (ended) break;
        let event: PublicEvent;
        const raw = m.string();
        try {
          event = JSON.parse(raw) as PublicEvent;
        } catch {
          continue;
        }
        if (!eventMatches(events, event)) continue;
        const next = await toMessage(m.seq, event, raw);
        call.write(next.message);
        lastSent = m.seq;
        if (next.finish) end({ done: true });
        if (call.writableLength > MAX_BUFFERED_BYTES) {
          end({ error: { code: 'LimitExceededException', message: `The client reads more slowly than events arrive (over ${MAX_BUFFERED_BYTES} bytes unsent).${resume()}`, status: 429 } });
        }
      }
    } catch (error) {
      this.log.error('an event stream failed', error instanceof Error ? error.stack : String(error));
      end({ error: { code: 'ServiceUnavailableException', message: `The event feed could not be read.${resume()}`, status: 503 } });
    } finally {
      this.open.delete(stop);
    }
    return ended ?? { done: true };
  }
}
