/**
 * Keeps IssuingCaViews (issuing-ca-views.ts) in step with ca-service: every replica listens
 * (plain NATS subscriptions, no queue group, so each one receives every message) on the subjects
 * the ca-service outbox relay publishes the CA events to, the same publish that feeds the
 * issuing-CA projection, and announces each event's (CA id, stream version). Not the key-use
 * audit (CaKeyUsed, one per signature) nor policies: they change nothing in the view. Like the
 * OCSP cache invalidation of revocation-service, any disconnect, reconnect or stale connection,
 * a subscription error, or a message it cannot read forgets every remembered CA.
 */
import type { NatsConnection, Status, Subscription } from 'nats';
import { isInterruption } from '@pki/eventstore';
import { CA_EVENT_TYPES, eventSubject } from '@pki/contracts';
import type { IssuingCaViews } from './issuing-ca-views';

export interface CaEventAnnouncementsLogger {
  error(message: string, error?: unknown): void;
}

/** The CA id and stream version a CA event message carries, or null when it is not one we can read. */
export function announcedVersionOf(body: Uint8Array): { caId: string; version: number } | null {
  try {
    const envelope = JSON.parse(Buffer.from(body).toString('utf8')) as { version?: unknown; data?: { certificateAuthorityId?: unknown } } | null;
    const caId = envelope?.data?.certificateAuthorityId;
    const version = envelope?.version;
    if (typeof caId !== 'string' || typeof version !== 'number' || !Number.isInteger(version) || version < 1) return null;
    return { caId, version };
  } catch {
    return null;
  }
}

/** A background worker (start/stop) announcing ca-service's CA events to `views`. */
export function caEventAnnouncements(nc: NatsConnection, prefix: string, views: IssuingCaViews, logger: CaEventAnnouncementsLogger) {
  let subscriptions: Subscription[] = [];
  let status: (AsyncIterable<Status> & { stop?: () => void }) | undefined;
  return {
    async start(): Promise<void> {
      subscriptions = Object.values(CA_EVENT_TYPES).map((type) =>
        nc.subscribe(eventSubject(prefix, 'ca', type), {
          callback: (error, message) => {
            if (error) {
              logger.error(`CA event subscription failed, forgetting every remembered CA: ${error.message}`, error);
              views.clear();
              return;
            }
            const announced = announcedVersionOf(message.data);
            if (announced) views.announce(announced.caId, announced.version);
            else views.clear(); // which CA changed is unknown: trust none
          },
        }),
      );
      // The server knows the subscriptions from here on: every later CA event is announced.
      await nc.flush();
      views.listening(true);
      const iterator = nc.status() as AsyncIterable<Status> & { stop?: () => void };
      status = iterator;
      void (async () => {
        try {
          for await (const s of iterator) {
            if (isInterruption(s)) views.clear();
          }
        } catch {
          // the connection closed: nothing left to watch
        }
      })();
    },
    async stop(): Promise<void> {
      views.listening(false);
      status?.stop?.();
      status = undefined;
      for (const s of subscriptions) s.unsubscribe();
      subscriptions = [];
    },
  };
}
