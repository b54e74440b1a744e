/**
 * NATS subjects and JetStream stream names, built here and nowhere else.
 *
 * Every name starts from a namespace (`PKI_NATS_PREFIX`, default `pki`) so that tests and
 * several stacks can share one NATS server without seeing each other's traffic.
 */
import { eventTopic, OTHER_TOPIC } from './event-topics';

export const SERVICES = [
  'ca',
  'issuance',
  'revocation',
  'iot',
  'directory',
] as const;
export type ServiceName = (typeof SERVICES)[number];

const TOKEN = /^[A-Za-z0-9_-]+$/;

function token(value: string, what: string): string {
  if (!TOKEN.test(value)) throw new Error(`invalid ${what} for a NATS subject token: ${JSON.stringify(value)}`);
  return value;
}

/** Request/reply subject for one operation of one service, e.g. `pki.cmd.ca.CreateCertificateAuthority`. */
export function commandSubject(prefix: string, service: ServiceName, operation: string): string {
  return `${token(prefix, 'prefix')}.cmd.${service}.${token(operation, 'operation')}`;
}

/** Wildcard that a service subscribes to for all its operations. */
export function commandWildcard(prefix: string, service: ServiceName): string {
  return `${token(prefix, 'prefix')}.cmd.${service}.*`;
}

/**
 * Subject an event of `service` is published on: `<prefix>.evt.<service>.<topic>.<EventType>`,
 * e.g. `pki.evt.ca.authority.CertificateAuthorityCreated` (the topic: event-topics.ts).
 */
export function eventSubject(prefix: string, service: ServiceName, eventType: string): string {
  return `${token(prefix, 'prefix')}.evt.${service}.${eventTopic(service, eventType)}.${token(eventType, 'event type')}`;
}

/** All event subjects of one service (the subjects of its JetStream stream). */
export function eventWildcard(prefix: string, service: ServiceName): string {
  return `${token(prefix, 'prefix')}.evt.${service}.>`;
}

/**
 * The one filter subject of a consumer that applies `eventTypes` of `service`'s events
 * (nats-server 2.9 allows one per consumer): the topic's subjects when they are exactly one
 * topic's types (`pki.evt.ca.authority.*`), the type's subject when there is one type
 * (`pki.evt.issuance.*.CertificateIssued`); else the narrowest subject holding them all (their
 * common topic, or undefined: the whole stream), and the consumer skips what it does not apply.
 * Undefined `eventTypes` (a consumer of every event): undefined.
 */
export function eventFilterSubject(prefix: string, service: ServiceName, eventTypes: readonly string[] | undefined): string | undefined {
  if (eventTypes === undefined || eventTypes.length === 0) return undefined;
  const types = new Set(eventTypes);
  if (types.size === 1) return `${token(prefix, 'prefix')}.evt.${service}.*.${token(eventTypes[0]!, 'event type')}`;
  const topics = new Set([...types].map((type) => eventTopic(service, type)));
  const [topic] = topics;
  if (topics.size !== 1 || topic === OTHER_TOPIC) return undefined;
  return `${token(prefix, 'prefix')}.evt.${service}.${topic}.*`;
}

/**
 * Event subjects of releases before topics (`<prefix>.evt.<service>.<EventType>`, one token fewer
 * than today's). A stream may still hold them: a consumer with a filter subject reads the stream
 * unfiltered until it has handled the last of them (libs/eventstore consumer-setup.ts).
 */
export function legacyEventWildcard(prefix: string, service: ServiceName): string {
  return `${token(prefix, 'prefix')}.evt.${service}.*`;
}

/** JetStream stream holding the events of one service, e.g. `PKI_CA_EVENTS`. */
export function eventStreamName(prefix: string, service: ServiceName): string {
  return `${token(prefix, 'prefix')}_${service}_events`.toUpperCase().replace(/-/g, '_');
}

/** Queue group shared by all replicas of a service, so each request is served once. */
export function queueGroup(service: ServiceName | 'gateway'): string {
  return `pki-${service}`;
}

/**
 * Where revocation-service announces a committed revocation to every OCSP responder (each gateway
 * process subscribes, no queue group) and collects their acknowledgements (docs/DESIGN.md "OCSP freshness").
 */
export function ocspInvalidationSubject(prefix: string): string {
  return `${token(prefix, 'prefix')}.ocsp.invalidate`;
}
