/**
 * Topics: the groups of a service's event types that other services consume together. The topic
 * is a token of every event's subject (`<prefix>.evt.<service>.<topic>.<EventType>`,
 * subjects.ts), so that a consumer's one filter subject (nats-server 2.9 allows one per consumer)
 * selects exactly the events it applies: a whole topic (`pki.evt.ca.authority.*`), or one type
 * across topics (`pki.evt.issuance.*.CertificateIssued`). A type listed under no topic is under
 * OTHER_TOPIC. The topic is in the subject only: event payloads do not change. Moving a type to
 * another topic changes its subject; consumers compute their filter at start and re-filter.
 */
import { CA_EVENT_TYPES, POLICY_EVENT_TYPES } from './acm-pca';
import { ISSUANCE_EVENT_TYPES, REVOCATION_EVENT_TYPES } from './certificates';
import { KEY_USAGE_EVENT_TYPES } from './signing';
import type { ServiceName } from './subjects';

export const OTHER_TOPIC = 'other';

export const EVENT_TOPICS: { readonly [S in ServiceName]: Readonly<Record<string, readonly string[]>> } = {
  ca: {
    // The CA aggregate's lifecycle: what issuance and revocation keep of each CA.
    authority: Object.values(CA_EVENT_TYPES),
    policy: Object.values(POLICY_EVENT_TYPES),
    // One CaKeyUsed per signature: the busiest type of the ca stream, consumed by no service.
    'key-usage': Object.values(KEY_USAGE_EVENT_TYPES),
  },
  issuance: { certificate: Object.values(ISSUANCE_EVENT_TYPES) },
  revocation: { certificate: [REVOCATION_EVENT_TYPES.CertificateRevoked], crl: [REVOCATION_EVENT_TYPES.CrlGenerated, REVOCATION_EVENT_TYPES.CrlGenerationFailed] },
  iot: {},
  directory: {},
};

const TOPIC_OF: ReadonlyMap<ServiceName, ReadonlyMap<string, string>> = new Map(
  Object.entries(EVENT_TOPICS).map(([service, topics]) => [service as ServiceName, new Map(Object.entries(topics).flatMap(([topic, types]) => types.map((type) => [type, topic] as const)))]),
);

/** The topic of `eventType` among `service`'s events. */
export function eventTopic(service: ServiceName, eventType: string): string {
  return TOPIC_OF.get(service)?.get(eventType) ?? OTHER_TOPIC;
}
