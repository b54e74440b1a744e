/**
 * Account isolation of the public feed over NATS, enforced by nats-server itself: a private server
 * runs with the configuration the repository ships (deploy/nats/public-events-auth.conf), the
 * outbox relay publishes two accounts' events as the services' user, and each account's
 * subscriber user reads its own events through a push consumer, and nothing of the other's by
 * any route the server offers (another filter, the events subjects, pulling, reading by
 * sequence, other inboxes).
 */
import { join } from 'node:path';
import { AckPolicy, connect, createInbox, DeliverPolicy, type Msg, type NatsConnection } from 'nats';
import { caPublicEvent, type EventEnvelope, type PublicEvent } from '@pki/contracts';
import { createTestDatabase, startNatsServer, waitFor, type NatsServerProcess, type TestDatabase } from '@pki/testing';
import { migrateToLatest } from '../db/migrate-to-latest';
import { EventStore } from '../store/event-store';
import { eventStoreMigrations } from '../store/event-store.migrations';
import { OutboxRelay, quietLogger } from './outbox-relay';

const CONFIG = join(__dirname, '..', '..', '..', '..', 'deploy', 'nats', 'public-events-auth.conf');
const PASSWORDS = { services: 'services-secret', a: 'subscriber-a-secret', b: 'subscriber-b-secret' };
const A = '111111111111';
const B = '222222222222';
const STREAM = 'PKI_PUBLIC_EVENTS';
const caArn = (account: string) => `arn:aws:acm-pca:us-east-1:${account}:certificate-authority/11111111-2222-3333-4444-55555555555${account[0]}`;

describe('public feed account isolation (nats-server with deploy/nats/public-events-auth.conf)', () => {
  let server: NatsServerProcess;
  let database: TestDatabase;
  let services: NatsConnection;
  const subscribers: NatsConnection[] = [];

  const subscriber = async (account: string, pass: string) => {
    const nc = await connect({ servers: server.url, user: `subscriber-${account}`, pass, inboxPrefix: `_INBOX_${account}` });
    subscribers.push(nc);
    return nc;
  };

  beforeAll(async () => {
    server = await startNatsServer({
      include: CONFIG,
      env: { PKI_NATS_SERVICES_PASSWORD: PASSWORDS.services, PKI_NATS_SUBSCRIBER_111111111111_PASSWORD: PASSWORDS.a, PKI_NATS_SUBSCRIBER_222222222222_PASSWORD: PASSWORDS.b },
    });
    database = await createTestDatabase();
    await migrateToLatest(database.db, 'ca', eventStoreMigrations('ca'));
    services = await connect({ servers: server.url, user: 'pki-services', pass: PASSWORDS.services });
    // The services publish every account's public events, as in production (prefix `pki`).
    const translate = (event: EventEnvelope): PublicEvent[] => [caPublicEvent(event.id, 'ACM Private CA Creation', caArn(event.accountId), event.occurredAt, [caArn(event.accountId)], { result: 'success' })];
    const relay = new OutboxRelay({ db: database.db, schema: 'ca', nc: services, prefix: 'pki', service: 'ca', logger: quietLogger, publicFeed: { translate, context: { region: 'us-east-1' }, stream: { name: STREAM, maxAgeMs: 3600_000 } } });
    const store = new EventStore(database.db, { schema: 'ca' });
    for (const [i, account] of [A, B, A, B].entries()) {
      await store.append(`ca-${i}`, 0, [{ type: 'Numbered', schemaVersion: 1, data: { n: i } }], { correlationId: 't', causationId: null, accountId: account });
    }
    expect(await relay.publishPending()).toBe(4);
  }, 60_000);

  afterAll(async () => {
    for (const nc of subscribers) await nc.close().catch(() => undefined);
    await services?.close();
    await database?.destroy();
    await server?.stop();
  });

  it("lets account A's subscriber read A's events through its own push consumer", async () => {
    const nc = await subscriber(A, PASSWORDS.a);
    const jsm = await nc.jetstreamManager();
    const deliver = `pki.deliver.${A}.${createInbox('x').split('.').pop()}`;
    const received: PublicEvent[] = [];
    const sub = nc.subscribe(deliver, {
      callback: (_error, m: Msg) => {
        received.push(m.json<PublicEvent>());
        m.respond(); // the ack, on $JS.ACK.PKI_PUBLIC_EVENTS...
      },
    });
    await jsm.consumers.add(STREAM, { durable_name: 'inventory-a', filter_subject: `pki.events.${A}.>`, deliver_subject: deliver, ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.All });
    await waitFor(async () => received.length >= 2, { what: "A's two events" });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(received.map((e) => e.account)).toEqual([A, A]);
    sub.unsubscribe();
  });

  it("refuses account A's subscriber everything that would show B's events", async () => {
    // B's own durable consumer exists (B reads its events as A does).
    const b = await subscriber(B, PASSWORDS.b);
    await (await b.jetstreamManager()).consumers.add(STREAM, { durable_name: 'inventory-b', filter_subject: `pki.events.${B}.>`, deliver_subject: `pki.deliver.${B}.x`, ack_policy: AckPolicy.Explicit });

    const a = await subscriber(A, PASSWORDS.a);
    const jsm = await a.jetstreamManager();
    const denied = async (attempt: Promise<unknown>) => expect(String(await attempt.then(() => 'allowed', (error: unknown) => error))).toMatch(/permission/i);
    // A consumer on B's subjects, or on every account's.
    await denied(jsm.consumers.add(STREAM, { durable_name: 'spy', filter_subject: `pki.events.${B}.>`, deliver_subject: `pki.deliver.${A}.spy`, ack_policy: AckPolicy.None }));
    await denied(jsm.consumers.add(STREAM, { durable_name: 'spy-all', filter_subject: 'pki.events.>', deliver_subject: `pki.deliver.${A}.spy`, ack_policy: AckPolicy.None }));
    // A consumer without a filter (the API form whose subject carries none).
    await denied(jsm.consumers.add(STREAM, { durable_name: 'spy-none', deliver_subject: `pki.deliver.${A}.spy`, ack_policy: AckPolicy.None }));
    // Pulling from B's consumer, reading a message by sequence, looking at B's consumer.
    await denied(a.request(`$JS.API.CONSUMER.MSG.NEXT.${STREAM}.inventory-b`, JSON.stringify({ batch: 1 }), { timeout: 1000 }));
    await denied(jsm.streams.getMessage(STREAM, { seq: 2 }));
    await denied(jsm.consumers.info(STREAM, 'inventory-b'));
    await denied(jsm.consumers.delete(STREAM, 'inventory-b'));

    // Subscribing to B's events, B's deliveries, every account's events, or the default inbox
    // (where B's clients would get their replies): the server refuses each subscription.
    const refused: string[] = [];
    const spied: string[] = [];
    const subjects = [`pki.events.${B}.>`, `pki.deliver.${B}.>`, 'pki.events.>', '_INBOX.>'];
    for (const subject of subjects) {
      a.subscribe(subject, {
        callback: (error, m) => {
          if (error) refused.push(`${subject}: ${error.message}`);
          else spied.push(m.subject);
        },
      });
    }
    await waitFor(async () => refused.length === subjects.length, { what: 'the server to refuse the four subscriptions' });
    expect(refused.join('\n')).toMatch(/Permissions Violation for Subscription/);
    // And delivers A nothing of B's afterwards.
    await services.jetstream().publish(`pki.events.${B}.aws.acm-pca.ca-creation`, JSON.stringify({ account: B }), { msgID: 'late-b' });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(spied).toEqual([]);
  });
});
