import { ISSUANCE_EVENT_TYPES, type CertificateIssuedV1, type EventEnvelope, type NewEvent } from '@pki/contracts';
import { waitFor } from '@pki/testing';
import { OutboxRelay } from '../relay/outbox-relay';
import { EventStore } from '../store/event-store';
import { meta, openHarness, quietLogger, SCHEMA, SERVICE, type Harness } from '../test-support/harness';
import type { Projection } from './projection';
import { ProjectionRunner } from './projection-runner';

const issued = (serial: string): CertificateIssuedV1 => ({
  certificateArn: `arn:aws:acm-pca:us-east-1:111122223333:certificate-authority/c0ffee00-0000-4000-8000-000000000001/certificate/${serial}`,
  certificateAuthorityArn: 'arn:aws:acm-pca:us-east-1:111122223333:certificate-authority/c0ffee00-0000-4000-8000-000000000001',
  certificateAuthorityId: 'c0ffee00-0000-4000-8000-000000000001',
  serial,
  subject: 'CN=leaf.example.com',
  issuerDn: 'CN=Root',
  notBefore: '2026-11-22T10:00:00.000Z',
  notAfter: '2026-12-22T10:00:00.000Z',
  issuedAt: '2026-11-22T10:00:01.000Z',
  templateArn: 'arn:aws:acm-pca:::template/EndEntityCertificate/V1',
  certificateDer: 'MIIB',
  sha256Fingerprint: serial.padStart(64, '0'),
  accountId: '111122223333',
  requestedByServicePrincipal: null,
});

describe('ProjectionRunner payload validation (Postgres + JetStream)', () => {
  let h: Harness;
  let relay: OutboxRelay;
  let runner: ProjectionRunner | undefined;

  beforeEach(async () => {
    h = await openHarness();
    relay = new OutboxRelay({ db: h.db, schema: SCHEMA, nc: h.nc, prefix: h.prefix, service: SERVICE, pollIntervalMs: 20, logger: quietLogger });
  });
  afterEach(async () => {
    await runner?.stop();
    await relay.stop();
    await h?.close();
  });

  it('parks a payload that breaks the contract of a type the projection applies, with the reason, and applies the events after it', async () => {
    const { serial: _serial, ...withoutSerial } = issued('03');
    const { certificateDer: _der, ...withoutDer } = issued('04');
    const events: NewEvent[] = [
      { type: ISSUANCE_EVENT_TYPES.CertificateIssued, schemaVersion: 1, data: issued('01') },
      { type: ISSUANCE_EVENT_TYPES.CertificateIssued, schemaVersion: 1, data: { ...issued('02'), serial: 2 } },
      { type: ISSUANCE_EVENT_TYPES.CertificateIssued, schemaVersion: 1, data: withoutSerial },
      // A type the projection does not declare is neither checked nor applied.
      { type: ISSUANCE_EVENT_TYPES.CertificateRequested, schemaVersion: 1, data: { not: 'checked' } },
      { type: ISSUANCE_EVENT_TYPES.CertificateIssued, schemaVersion: 2, data: issued('05') },
      { type: ISSUANCE_EVENT_TYPES.CertificateIssued, schemaVersion: 1, data: withoutDer },
      { type: ISSUANCE_EVENT_TYPES.CertificateIssued, schemaVersion: 1, data: issued('06') },
      { type: ISSUANCE_EVENT_TYPES.CertificateIssued, schemaVersion: 1, data: issued('07') },
    ];
    const store = new EventStore(h.db, { schema: SCHEMA });
    const stored = (await store.appendMany(events.map((event, i) => ({ stream: `certificate-${i}`, expectedVersion: 0, events: [event], meta })))).flat();
    const applied: string[] = [];
    const projection: Projection = {
      name: 'issued-serials',
      eventTypes: [ISSUANCE_EVENT_TYPES.CertificateIssued],
      async apply(_trx, event: EventEnvelope) {
        applied.push((event.data as CertificateIssuedV1).serial.toLowerCase()); // would throw a TypeError on serial 2
      },
    };
    // All in the stream before the runner starts: they arrive together, as one batch.
    await relay.start();
    await waitFor(async () => Number((await h.db.withSchema(SCHEMA).selectFrom('outbox').select((eb) => eb.fn.countAll().as('n')).where('published_at', 'is', null).executeTakeFirstOrThrow()).n) === 0, { what: 'every event relayed' });
    runner = new ProjectionRunner({ db: h.db, schema: SCHEMA, nc: h.nc, prefix: h.prefix, source: SERVICE, projection, logger: quietLogger });
    await runner.start();

    const checkpoint = () => h.db.withSchema(SCHEMA).selectFrom('projection_checkpoints').selectAll().where('projection', '=', 'issued-serials').executeTakeFirst();
    await waitFor(async () => Number((await checkpoint())?.stream_seq) === events.length, { what: 'the checkpoint past every event' });

    expect(applied).toEqual(['01', '06', '07']);
    const parked = await h.db.withSchema(SCHEMA).selectFrom('projection_parked').selectAll().where('projection', '=', 'issued-serials').orderBy('stream_seq').execute();
    expect(parked.map((p) => [Number(p.stream_seq), p.event_id, p.error, p.attempts])).toEqual([
      [2, stored[1]!.id, 'CertificateIssued v1: data.serial must be a string (got number)', 1],
      [3, stored[2]!.id, 'CertificateIssued v1: data.serial must be a string (missing)', 1],
      [5, stored[4]!.id, 'CertificateIssued v2: no payload schema for this version (known: v1)', 1],
      [6, stored[5]!.id, 'CertificateIssued v1: data.certificateDer must be a string (missing)', 1],
    ]);
    expect(JSON.parse(parked[0]!.payload)).toMatchObject({ id: stored[1]!.id, data: { serial: 2 } });
    // Parked events are marked processed, so a redelivery is skipped; the ignored type is not marked.
    const marked = await h.db.withSchema(SCHEMA).selectFrom('projection_processed').select('event_id').where('projection', '=', 'issued-serials').execute();
    expect(marked.map((m) => m.event_id).sort()).toEqual([0, 1, 2, 4, 5, 6, 7].map((i) => stored[i]!.id).sort());
  });
});
