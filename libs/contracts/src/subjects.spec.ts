import { CA_EVENT_TYPES, POLICY_EVENT_TYPES } from './acm-pca';
import { ISSUANCE_EVENT_TYPES, REVOCATION_EVENT_TYPES } from './certificates';
import { DIRECTORY_EVENT_TYPES } from './directory';
import { EVENT_TOPICS, OTHER_TOPIC } from './event-topics';
import { IOT_EVENT_TYPES } from './iot';
import { KEY_USAGE_EVENT_TYPES } from './signing';
import { eventFilterSubject, eventSubject, eventWildcard, legacyEventWildcard, type ServiceName } from './subjects';

/** NATS subject matching: `*` one token, `>` one or more trailing tokens. */
function matches(filter: string, subject: string): boolean {
  const f = filter.split('.');
  const s = subject.split('.');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '>') return s.length > i;
    if (i >= s.length || (f[i] !== '*' && f[i] !== s[i])) return false;
  }
  return f.length === s.length;
}

/** Every event type each service publishes that libs/contracts names, plus ones it does not (app-local types). */
const PUBLISHED: Record<ServiceName, readonly string[]> = {
  ca: [...Object.values(CA_EVENT_TYPES), ...Object.values(POLICY_EVENT_TYPES), ...Object.values(KEY_USAGE_EVENT_TYPES), 'PermissionCreated', 'AuditReportRequested'],
  issuance: Object.values(ISSUANCE_EVENT_TYPES),
  revocation: Object.values(REVOCATION_EVENT_TYPES),
  iot: Object.values(IOT_EVENT_TYPES),
  directory: Object.values(DIRECTORY_EVENT_TYPES),
};

/** The event types each projection of the platform applies (their `eventTypes`; apps/e2e/src/fixtures/replica-audit.ts lists them too). */
const CONSUMERS: ReadonlyArray<{ readonly source: ServiceName; readonly types: readonly string[] }> = [
  { source: 'ca', types: Object.values(CA_EVENT_TYPES) }, // issuance-issuing-cas, revocation-cas
  { source: 'ca', types: Object.values(POLICY_EVENT_TYPES) }, // issuance-ca-policies
  { source: 'issuance', types: [ISSUANCE_EVENT_TYPES.CertificateIssued] }, // revocation, audit records, IoT auto-registration
  { source: 'revocation', types: [REVOCATION_EVENT_TYPES.CertificateRevoked] }, // audit records, IoT, directory
];

describe('event subjects', () => {
  it('put every event under its service, a topic and its type; no type is in two topics', () => {
    expect(eventSubject('pki', 'ca', 'CertificateAuthorityCreated')).toBe('pki.evt.ca.authority.CertificateAuthorityCreated');
    expect(eventSubject('pki', 'ca', 'CaKeyUsed')).toBe('pki.evt.ca.key-usage.CaKeyUsed');
    expect(eventSubject('pki', 'issuance', 'CertificateIssued')).toBe('pki.evt.issuance.certificate.CertificateIssued');
    expect(eventSubject('pki', 'ca', 'PermissionCreated')).toBe(`pki.evt.ca.${OTHER_TOPIC}.PermissionCreated`);
    for (const [service, topics] of Object.entries(EVENT_TOPICS)) {
      const listed = Object.values(topics).flat();
      expect(new Set(listed).size).toBe(listed.length);
      expect(Object.keys(topics)).not.toContain(OTHER_TOPIC);
      for (const type of PUBLISHED[service as ServiceName]) {
        const subject = eventSubject('pki', service as ServiceName, type);
        expect(matches(eventWildcard('pki', service as ServiceName), subject)).toBe(true);
        // A stream's messages of an older release are told apart from today's by their subject alone.
        expect(matches(legacyEventWildcard('pki', service as ServiceName), subject)).toBe(false);
        expect(matches(legacyEventWildcard('pki', service as ServiceName), `pki.evt.${service}.${type}`)).toBe(true);
      }
    }
  });

  it.each(CONSUMERS)("give each consumer of $source's events one filter that matches exactly the types it applies", ({ source, types }) => {
    const filter = eventFilterSubject('pki', source, types);
    expect(filter).toBeDefined();
    for (const type of PUBLISHED[source]) expect([type, matches(filter!, eventSubject('pki', source, type))]).toEqual([type, types.includes(type)]);
    // Nor another service's events, nor another namespace's.
    for (const other of Object.keys(PUBLISHED) as ServiceName[]) {
      if (other !== source) for (const type of PUBLISHED[other]) expect(matches(filter!, eventSubject('pki', other, type))).toBe(false);
    }
    for (const type of types) expect(matches(filter!, eventSubject('pki2', source, type))).toBe(false);
  });

  it('fall back to the narrowest subject holding the types when no single one is exact', () => {
    // Part of a topic: the topic (the consumer skips the rest).
    expect(eventFilterSubject('pki', 'ca', ['StatusChanged', 'Tagged'])).toBe('pki.evt.ca.authority.*');
    // Across topics, or under no topic: the whole stream.
    expect(eventFilterSubject('pki', 'ca', ['StatusChanged', 'PolicyPut'])).toBeUndefined();
    expect(eventFilterSubject('pki', 'iot', ['IotThingCreated', 'IotThingDeleted'])).toBeUndefined();
    // Every type: no filter.
    expect(eventFilterSubject('pki', 'ca', undefined)).toBeUndefined();
    // One type under no topic is still exact.
    expect(eventFilterSubject('pki', 'iot', ['IotThingCreated'])).toBe('pki.evt.iot.*.IotThingCreated');
    expect(() => eventFilterSubject('pki', 'ca', ['bad.type'])).toThrow(/event type/);
  });
});
