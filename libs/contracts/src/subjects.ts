/**
 * NATS subjects and JetStream stream names, built here and nowhere else.
 *
 * Every name starts from a namespace (`PKI_NATS_PREFIX`, default `pki`) so that tests and
 * several stacks can share one NATS server without seeing each other's traffic.
 */
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

/** Subject an event of `service` is published on, e.g. `pki.evt.ca.CertificateAuthorityCreated`. */
export function eventSubject(prefix: string, service: ServiceName, eventType: string): string {
  return `${token(prefix, 'prefix')}.evt.${service}.${token(eventType, 'event type')}`;
}

/** All event subjects of one service (the subjects of its JetStream stream). */
export function eventWildcard(prefix: string, service: ServiceName): string {
  return `${token(prefix, 'prefix')}.evt.${service}.>`;
}

/** JetStream stream holding the events of one service, e.g. `PKI_CA_EVENTS`. */
export function eventStreamName(prefix: string, service: ServiceName): string {
  return `${token(prefix, 'prefix')}_${service}_events`.toUpperCase().replace(/-/g, '_');
}

/** Queue group shared by all replicas of a service, so each request is served once. */
export function queueGroup(service: ServiceName | 'gateway'): string {
  return `pki-${service}`;
}
