/**
 * The announcement of a revocation to the OCSP responders (gateways) against real Postgres and
 * NATS: it returns once every responder whose lease runs acknowledged it, and for a silent one only
 * once that responder's lease (Postgres's clock) has ended; responders without a running lease are
 * not waited for.
 */
import { connect, type NatsConnection } from 'nats';
import { ocspInvalidationSubject, type OcspInvalidation } from '@pki/contracts';
import { eventStoreMigrations, migrateToLatest, projectionMigrations } from '@pki/eventstore';
import { cleanupNatsPrefix, createTestDatabase, testNatsUrl, uniquePrefix, type TestDatabase } from '@pki/testing';
import { sql } from 'kysely';
import { REVOCATION_SCHEMA, revocationDb } from '../infrastructure/database';
import { renewResponderLease } from '../infrastructure/ocsp-freshness.queries';
import { revocationMigrations } from '../migrations';
import { ocspAnnouncer } from './ocsp-responders';

describe('OCSP revocation announcements (Postgres, NATS)', () => {
  let database: TestDatabase;
  let nc: NatsConnection;
  const prefix = uniquePrefix();
  const warnings: string[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    await migrateToLatest(database.db, REVOCATION_SCHEMA, { ...eventStoreMigrations(REVOCATION_SCHEMA), ...projectionMigrations(REVOCATION_SCHEMA), ...revocationMigrations(REVOCATION_SCHEMA) });
    nc = await connect({ servers: [testNatsUrl()] });
  }, 60_000);
  afterAll(async () => {
    await cleanupNatsPrefix(nc, prefix);
    await nc.close();
    await database?.destroy();
  });
  beforeEach(async () => {
    await revocationDb(database.db).deleteFrom('ocsp_responders').execute();
  });

  const announcer = () => ocspAnnouncer(nc, prefix, database.db, { warn: (m) => warnings.push(m) });
  /** A responder that hears announcements and acknowledges them (as a gateway does). */
  const responder = async (id: string, heard: OcspInvalidation[]) => {
    const subscription = nc.subscribe(ocspInvalidationSubject(prefix), {
      callback: (_error, msg) => {
        heard.push(JSON.parse(Buffer.from(msg.data).toString('utf8')) as OcspInvalidation);
        msg.respond(JSON.stringify({ responderId: id }));
      },
    });
    await nc.flush();
    return subscription;
  };
  const leaseRunning = async (id: string) =>
    (await revocationDb(database.db).selectFrom('ocsp_responders').select(sql<boolean>`lease_until > now()`.as('running')).where('id', '=', id).executeTakeFirstOrThrow()).running;

  it('returns once every leased responder acknowledged, each having heard the serial', async () => {
    const heardA: OcspInvalidation[] = [];
    const heardB: OcspInvalidation[] = [];
    const subscriptions = [await responder('gw-a', heardA), await responder('gw-b', heardB)];
    // Long leases: only the acknowledgements can end the wait before them.
    await renewResponderLease(revocationDb(database.db), 'gw-a', 60_000);
    await renewResponderLease(revocationDb(database.db), 'gw-b', 60_000);
    await announcer().announce('ca-1', 'a1');
    expect(heardA).toEqual([{ certificateAuthorityId: 'ca-1', serial: 'a1' }]);
    expect(heardB).toEqual([{ certificateAuthorityId: 'ca-1', serial: 'a1' }]);
    expect(await leaseRunning('gw-a')).toBe(true);
    for (const s of subscriptions) s.unsubscribe();
  });

  it('a silent responder: returns only once its lease has ended', async () => {
    await renewResponderLease(revocationDb(database.db), 'gw-silent', 1500);
    expect(await leaseRunning('gw-silent')).toBe(true);
    await announcer().announce('ca-1', 'b2');
    expect(await leaseRunning('gw-silent')).toBe(false);
    expect(warnings.some((w) => /gw-silent/.test(w))).toBe(true);
  });

  it('waits for nobody whose lease is not running', async () => {
    await renewResponderLease(revocationDb(database.db), 'gw-gone', 0);
    const heard: OcspInvalidation[] = [];
    const subscription = await responder('gw-other', heard);
    await announcer().announce('ca-1', 'c3');
    // No lease ran: the announcement was not even needed (nobody answers from pre-signed responses).
    expect(heard).toEqual([]);
    subscription.unsubscribe();
  });
});
