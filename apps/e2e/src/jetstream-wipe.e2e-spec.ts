/**
 * JetStream is not a source of truth (issue #13, scale-out and restarts): the stack's streams
 * are deleted while every app is stopped (JetStream's storage lost), and the outbox rows of the
 * published events are gone too (pruned after the relay's retention). Started again, every
 * service recreates its stream and publishes its whole events table into it, in position order;
 * every projection replays its recreated source stream from the start, the processed-event
 * table skipping what it had applied, so no read model changes; and the stack works on.
 */
import { RevokeCertificateCommand } from '@aws-sdk/client-acm-pca';
import { connect, type ConsumerInfo, type NatsConnection, type StreamInfo } from 'nats';
import { sql } from 'kysely';
import { defaultPublicStreamName, eventStreamName, SERVICES, type ServiceName } from '@pki/contracts';
import { testNatsUrl, waitFor } from '@pki/testing';
import { activeRootCa, bytes, issueCertificate, pcaClient } from './fixtures/acm-pca';
import { expectedPublicEventIds } from './fixtures/audit';
import { tableDigests } from './fixtures/db';
import { OpensslDir } from './fixtures/openssl';
import { bodyIfOk, crlUrlIn, ocspArgs, rootWithLeaves, waitForCrlListing } from './fixtures/revocation';
import { softwareKeysEnv, startStack, type RunningStack } from './stack';

const PUBLIC_URL = 'http://pki.jetstream-wipe-e2e.test';
/** Each service's schema is named after it (ca, issuance, revocation, iot, directory). */
const SCHEMAS: readonly ServiceName[] = SERVICES;
/**
 * What a restart changes by design: the relay's bookkeeping, the projections' positions in the
 * (new) streams, and the OCSP responders' leases (each gateway that starts registers its own).
 */
const BOOKKEEPING = ['outbox', 'outbox_stream', 'projection_checkpoints', 'kysely_migration', 'kysely_migration_lock', 'ocsp_responders'];

interface StoredEvent {
  readonly id: string;
  readonly stream: string;
  readonly version: number;
}

describe('JetStream wiped while the stack is stopped', () => {
  let stack: RunningStack;
  let nc: NatsConnection;
  let pki: OpensslDir;
  const pca = () => pcaClient(stack.endpoint);
  const streamOf = (service: ServiceName) => eventStreamName(stack.natsPrefix, service);

  beforeAll(async () => {
    stack = await startStack({ ...softwareKeysEnv(), PKI_PUBLIC_URL: PUBLIC_URL, PKI_CRL_DELAY_MS: '1000', PKI_CRL_POLL_MS: '200' });
    nc = await connect({ servers: testNatsUrl() });
    pki = new OpensslDir('jetstream-wipe-e2e');
  }, 240_000);
  afterAll(async () => {
    pki?.remove();
    await nc?.close();
    await stack?.stop();
  }, 120_000);

  /** A service's events in position order (the truth). */
  const storedEvents = async (schema: string): Promise<StoredEvent[]> =>
    (await stack.db.withSchema(schema).selectFrom('events').select(['id', 'stream', 'version']).orderBy('position').execute()) as StoredEvent[];

  /** The event ids a stream holds, in stream order. */
  const streamIds = async (service: ServiceName): Promise<string[]> => idsIn(streamOf(service));
  const idsIn = async (name: string): Promise<string[]> => {
    const jsm = await nc.jetstreamManager();
    const { state } = await jsm.streams.info(name);
    const ids: string[] = [];
    for (let seq = state.first_seq; state.messages > 0 && seq <= state.last_seq; seq++) {
      ids.push((await jsm.streams.getMessage(name, { seq })).header.get('Nats-Msg-Id'));
    }
    return ids;
  };
  const publicStream = () => defaultPublicStreamName(stack.natsPrefix);

  /** Every consumer of the stack's streams (one durable per projection), by stream. */
  const consumers = async () => {
    const jsm = await nc.jetstreamManager();
    const found = [];
    for (const service of SERVICES) {
      const stream = await jsm.streams.info(streamOf(service));
      for await (const consumer of jsm.consumers.list(streamOf(service))) found.push({ service, stream, consumer });
    }
    return found;
  };

  /** The stream's last sequence on a durable's filter subject (the whole stream's without one; 0: none matches). */
  const lastDelivered = async (stream: StreamInfo, consumer: ConsumerInfo): Promise<number> => {
    const filter = consumer.config.filter_subject;
    if (!filter) return stream.state.last_seq;
    return (await nc.jetstreamManager()).streams.getMessage(stream.config.name, { last_by_subj: filter }).then(
      (m) => m.seq,
      () => 0,
    );
  };

  /**
   * Nothing left to publish or to project: no pending outbox row, every stream holding as many
   * messages as its service has events, every projection's durable having acked all it delivers
   * of its stream (what its filter subject matches).
   */
  const settled = () =>
    waitFor(
      async () => {
        for (const schema of SCHEMAS) {
          const { rows } = await sql<{ n: string }>`select count(*) as n from ${sql.table(`${schema}.outbox`)} where published_at is null`.execute(stack.db);
          if (Number(rows[0]!.n) > 0) return false;
          const info = await (await nc.jetstreamManager()).streams.info(streamOf(schema));
          if (info.state.messages !== (await storedEvents(schema)).length) return false;
        }
        const all = await consumers();
        if (all.length === 0) return false;
        for (const { stream, consumer } of all) {
          // nats-server 2.9 moves a filtered durable's floor past the messages it does not match once it looked at them: at least its last match.
          if (consumer.num_pending !== 0 || consumer.num_ack_pending !== 0 || consumer.ack_floor.stream_seq < (await lastDelivered(stream, consumer))) return false;
        }
        return all;
      },
      { timeoutMs: 60_000, intervalMs: 250, what: 'every event published and every projection caught up' },
    );

  it('streams are recreated and refilled from the event stores, read models stay as they were, and the stack works on', async () => {
    // Before: two CAs, certificates issued on both, some revoked (CRL and OCSP on the first).
    const rootArn = await rootWithLeaves(
      pca(),
      pki,
      { subject: { CommonName: 'Wipe Root' }, revocation: { CrlConfiguration: { Enabled: true, S3BucketName: 'wipe-crls', ExpirationInDays: 7 }, OcspConfiguration: { Enabled: true } } },
      ['revoked', 'kept'],
    );
    const second = await activeRootCa(pca(), { subject: { CommonName: 'Wipe Second' }, validity: { Type: 'YEARS', Value: 2 } });
    const csr = bytes(pki.read('leaf.csr'));
    const onSecond = [];
    for (let i = 0; i < 2; i++) onSecond.push(await issueCertificate(pca(), { CertificateAuthorityArn: second.arn, Csr: csr, SigningAlgorithm: 'SHA256WITHECDSA', Validity: { Type: 'DAYS', Value: 3 } }));
    const revoke = (CertificateAuthorityArn: string, CertificateSerial: string) => pca().send(new RevokeCertificateCommand({ CertificateAuthorityArn, CertificateSerial, RevocationReason: 'KEY_COMPROMISE' }));
    await revoke(rootArn, pki.serial('revoked.pem'));
    await revoke(second.arn, onSecond[0]!.serial);
    const crlPath = crlUrlIn(pki.text('revoked.pem')).slice(PUBLIC_URL.length);
    await waitForCrlListing(pki, pki.serial('revoked.pem'), () => bodyIfOk(`${stack.endpoint}${crlPath}`));
    await settled();

    const readModels = await tableDigests(stack.db, SCHEMAS, BOOKKEEPING);
    // Among them the read models fed by other services' streams, and the processed-event markers.
    const fed = ['issuance.issuing_cas', 'revocation.cas', 'revocation.issued_certificates', 'revocation.revocations', 'ca.audit_records', 'ca.projection_processed', 'revocation.projection_processed'];
    expect(fed.filter((table) => !((readModels[table]?.rows ?? 0) > 0))).toEqual([]);
    const eventsBefore = new Map<ServiceName, StoredEvent[]>();
    for (const service of SERVICES) eventsBefore.set(service, await storedEvents(service));
    expect(eventsBefore.get('ca')!.length).toBeGreaterThan(0);
    expect(eventsBefore.get('issuance')!.length).toBeGreaterThan(0);
    expect(eventsBefore.get('revocation')!.length).toBeGreaterThan(0);
    const jsm = await nc.jetstreamManager();
    // The public feed (issue #15) holds the public events of those facts, once each.
    const publicBefore = await idsIn(publicStream());
    expect(publicBefore.length).toBeGreaterThan(0);
    expect(publicBefore).toHaveLength(new Set(publicBefore).size);
    expect([...(await expectedPublicEventIds(stack.db))].filter((id) => !publicBefore.includes(id))).toEqual([]);
    const createdBefore = new Map<ServiceName, string>();
    for (const service of SERVICES) createdBefore.set(service, (await jsm.streams.info(streamOf(service))).created);

    await stack.restartAll(async () => {
      // A day later the relays have pruned the outbox rows of everything they published...
      for (const schema of SCHEMAS) await sql`delete from ${sql.table(`${schema}.outbox`)} where published_at is not null`.execute(stack.db);
      // ...and JetStream's storage is lost: exactly the stack's streams go (never another stack's on the shared server).
      for (const service of SERVICES) await jsm.streams.delete(streamOf(service));
      await jsm.streams.delete(publicStream());
      const left = [];
      for await (const name of jsm.streams.names()) if (name.startsWith(`${stack.natsPrefix.toUpperCase()}_`)) left.push(name);
      expect(left).toEqual([]);
    });
    const all = await settled();

    // Streams recreated, each holding its service's whole events table in position order.
    for (const service of SERVICES) {
      expect((await jsm.streams.info(streamOf(service))).created).not.toBe(createdBefore.get(service));
      expect(await streamIds(service)).toEqual(eventsBefore.get(service)!.map((e) => e.id));
    }
    // The public stream recreated and filled again from the events tables (all within its retention), once each.
    const publicAfter = await waitFor(async () => {
      const ids = await idsIn(publicStream());
      return ids.length >= publicBefore.length && ids;
    }, { what: 'the public stream filled again', timeoutMs: 30_000 });
    expect(publicAfter).toHaveLength(new Set(publicAfter).size);
    expect(new Set(publicAfter)).toEqual(new Set(publicBefore));
    // Every projection read its recreated source stream from the first message to the last it delivers (its filter's)...
    expect(all.map(({ consumer }) => consumer.config.deliver_policy)).toEqual(all.map(() => 'all'));
    for (const { stream, consumer } of all) expect(consumer.delivered.stream_seq).toBeGreaterThanOrEqual(await lastDelivered(stream, consumer));
    expect(new Set(all.map(({ service }) => service))).toEqual(new Set(['ca', 'issuance', 'revocation']));
    // ...and applied none of it again: every table of every service is as it was (events included: nothing new
    // happened). The projections' own writes are idempotent too, so this alone would not show a second application;
    // that the runner skips what its processed-event table holds is shown with a counting projection in
    // libs/eventstore/src/jetstream-wipe.int-spec.ts.
    expect(await tableDigests(stack.db, SCHEMAS, BOOKKEEPING)).toEqual(readModels);

    // The stack works on: issue, get, revoke; OCSP and the CRL answer for old and new certificates.
    const input = { CertificateAuthorityArn: rootArn, Csr: csr, SigningAlgorithm: 'SHA256WITHECDSA' as const, Validity: { Type: 'DAYS' as const, Value: 30 } };
    const after = await issueCertificate(pca(), input); // IssueCertificate, the waiter, GetCertificate
    pki.write('after.pem', after.certificate);
    const afterSerial = pki.serial('after.pem');
    await issueCertificate(pca(), { ...input, CertificateAuthorityArn: second.arn });
    const ocsp = (name: string) => pki.run(...ocspArgs(`${stack.endpoint}/ocsp`, '-cert', name));
    expect(ocsp('after.pem')).toMatch(/after.pem: good/);
    await revoke(rootArn, afterSerial);
    await waitFor(async () => /after.pem: revoked/.test(ocsp('after.pem')), { timeoutMs: 30_000, what: 'OCSP to answer revoked for the new certificate' });
    expect(ocsp('revoked.pem')).toMatch(/revoked.pem: revoked/);
    expect(ocsp('kept.pem')).toMatch(/kept.pem: good/);
    const { text } = await waitForCrlListing(pki, afterSerial, () => bodyIfOk(`${stack.endpoint}${crlPath}`), 'the CRL listing the certificate revoked after the wipe');
    expect(text).toContain(`Serial Number: ${pki.serial('revoked.pem')}`);

    // The streams hold every event of every service's events table once, each aggregate's events in version order.
    await settled();
    for (const service of SERVICES) {
      const stored = await storedEvents(service);
      const ids = await streamIds(service);
      expect(ids.slice(0, eventsBefore.get(service)!.length)).toEqual(eventsBefore.get(service)!.map((e) => e.id));
      expect([...ids].sort()).toEqual(stored.map((e) => e.id).sort());
      const versionOf = new Map(stored.map((e) => [e.id, e]));
      const lastVersion = new Map<string, number>();
      for (const id of ids) {
        const { stream, version } = versionOf.get(id)!;
        expect(version).toBe((lastVersion.get(stream) ?? 0) + 1);
        lastVersion.set(stream, version);
      }
    }
  }, 300_000);
});
