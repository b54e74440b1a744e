import { connect, type NatsConnection } from 'nats';
import { randomBytes, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { DomainError, eventSubject, type CertificateRevokedV1, type CommandMessage, type EventEnvelope } from '@pki/contracts';
import { ensureEventStream, EventStore, eventStoreMigrations, migrateToLatest, OutboxRelay, ProjectionRunner, projectionMigrations } from '@pki/eventstore';
import type { CommandHandlers } from '@pki/service-kit';
import { assertNatsReachable, cleanupNatsPrefix, createTestDatabase, testNatsUrl, uniquePrefix, waitFor, type TestDatabase } from '@pki/testing';
import { handlersFor } from '../app.module';
import { readCertificateData } from '../domain/certificate-data';
import { days, makeCertificate } from '../domain/certificate.spec-helper';
import { DIRECTORY_SCHEMA } from '../infrastructure/database';
import { certificateRevocations, directoryProjections } from '../infrastructure/projections/certificate-revocations.projection';
import { directoryMigrations } from '../migrations';
import type { DirectoryContext } from './directory-context';
import { DirectoryWorker } from './directory.worker';

const OWNER = '111111111111';
const OTHER = '222222222222';
const quiet = { log: () => undefined, error: () => undefined };
const MS_AD = { Name: 'corp.example.com', Password: 'Sup3r-Secret', VpcSettings: { VpcId: 'vpc-0123abcd', SubnetIds: ['subnet-0123abcd', 'subnet-4567ef01'] } };

const message = (input: unknown, accountId = OWNER): CommandMessage => ({ caller: { accountId, accessKeyId: `AKID${accountId}` }, requestId: randomUUID(), input });

async function failure(promise: Promise<unknown>): Promise<DomainError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a DomainError');
}

describe('directory-certs (real Postgres and JetStream)', () => {
  let database: TestDatabase;
  let db: Kysely<any>;
  let nc: NatsConnection;
  let prefix: string;
  let clock: Date;
  let context: DirectoryContext;
  let handlers: CommandHandlers;
  let worker: DirectoryWorker;
  let revocations: EventStore;
  const background: Array<{ stop(): Promise<void> }> = [];

  const call = <T = Record<string, any>>(operation: string, input: unknown, accountId = OWNER) => handlers[operation]!(message(input, accountId)) as Promise<T>;
  const eventCount = async () => Number((await db.withSchema(DIRECTORY_SCHEMA).selectFrom('events').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  const describeCertificate = async (DirectoryId: string, CertificateId: string) => (await call('DescribeCertificate', { DirectoryId, CertificateId })).Certificate;
  const stage = async (id: string) => (await call('DescribeDirectories', { DirectoryIds: [id] })).DirectoryDescriptions[0].Stage;

  /** An Active Microsoft AD: the worker's two steps, each after the step time. */
  async function activeDirectory(accountId = OWNER): Promise<string> {
    const { DirectoryId } = await call('CreateMicrosoftAD', MS_AD, accountId);
    for (let i = 0; i < 2; i++) {
      clock = new Date(clock.getTime() + 1000);
      await worker.tick();
    }
    expect(await stage(DirectoryId)).toBe('Active');
    return DirectoryId;
  }

  async function settle(): Promise<void> {
    clock = new Date(clock.getTime() + 1000);
    await worker.tick();
  }

  beforeAll(async () => {
    await assertNatsReachable();
    database = await createTestDatabase();
    db = database.db;
    await migrateToLatest(db, DIRECTORY_SCHEMA, { ...eventStoreMigrations(DIRECTORY_SCHEMA), ...projectionMigrations(DIRECTORY_SCHEMA), ...directoryMigrations(DIRECTORY_SCHEMA) });
    // revocation-service's own event store, relayed to JetStream as that service does.
    await migrateToLatest(db, 'revocation', eventStoreMigrations('revocation'));
    nc = await connect({ servers: testNatsUrl() });
    prefix = uniquePrefix();
    await ensureEventStream(await nc.jetstreamManager(), prefix, 'revocation');
    revocations = new EventStore(db, { schema: 'revocation' });
    const relay = new OutboxRelay({ db, schema: 'revocation', nc, prefix, service: 'revocation', logger: quiet });
    await relay.start();
    background.push(relay);
    for (const { source, projection } of directoryProjections()) {
      const runner = new ProjectionRunner({ db, schema: DIRECTORY_SCHEMA, nc, prefix, source, projection, logger: quiet });
      await runner.start();
      background.push(runner);
    }
  });

  beforeEach(() => {
    clock = new Date('2026-11-22T10:00:00.000Z');
    context = {
      db,
      store: new EventStore(db, { schema: DIRECTORY_SCHEMA, now: () => clock }),
      region: 'us-east-1',
      now: () => clock,
      newDirectoryId: () => `d-${randomBytes(5).toString('hex')}`,
      newCertificateId: () => `c-${randomBytes(5).toString('hex')}`,
    };
    handlers = handlersFor(context);
    worker = new DirectoryWorker(context, { intervalMs: 1000, stepMs: 1000, batchSize: 50 });
  });

  afterAll(async () => {
    for (const item of background.reverse()) await item.stop();
    await cleanupNatsPrefix(nc, prefix).catch(() => undefined);
    await nc?.close();
    await database?.destroy();
  });

  it('provisions a directory Requested -> Creating -> Active on the injected clock; it belongs to its account; rejections write nothing', async () => {
    const { DirectoryId: id } = await call('CreateMicrosoftAD', MS_AD);
    expect(id).toMatch(/^d-[0-9a-f]{10}$/);
    expect(await stage(id)).toBe('Requested');
    await worker.tick(); // the step time has not passed
    expect(await stage(id)).toBe('Requested');
    const pem = makeCertificate({ notBefore: new Date(clock.getTime() - days(1)), notAfter: new Date(clock.getTime() + days(365)) });
    const before = await eventCount();
    expect((await failure(call('RegisterCertificate', { DirectoryId: id, CertificateData: pem }))).code).toBe('DirectoryUnavailableException');
    await settle();
    expect(await stage(id)).toBe('Creating');
    expect((await failure(call('EnableLDAPS', { DirectoryId: id, Type: 'Client' }))).code).toBe('DirectoryUnavailableException');
    await settle();
    expect(await stage(id)).toBe('Active');
    const [description] = (await call('DescribeDirectories', { DirectoryIds: [id] })).DirectoryDescriptions;
    expect(description).toMatchObject({ DirectoryId: id, Name: 'corp.example.com', ShortName: 'CORP', Type: 'MicrosoftAD', Edition: 'Enterprise', Stage: 'Active', LaunchTime: Date.parse('2026-11-22T10:00:00.000Z') / 1000 });
    expect(JSON.stringify(await db.withSchema(DIRECTORY_SCHEMA).selectFrom('events').select('data').execute())).not.toContain(MS_AD.Password);

    expect((await failure(call('DescribeDirectories', { DirectoryIds: [id] }, OTHER))).code).toBe('EntityDoesNotExistException');
    expect((await failure(call('DescribeDirectories', { DirectoryIds: [id, 'd-00000000ff'] }))).code).toBe('EntityDoesNotExistException');
    expect((await failure(call('DeleteDirectory', { DirectoryId: id }, OTHER))).code).toBe('EntityDoesNotExistException');
    expect((await failure(call('DescribeCertificate', { DirectoryId: id, CertificateId: 'c-0000000000' }, OTHER))).code).toBe('DirectoryDoesNotExistException');
    expect((await failure(call('CreateMicrosoftAD', { ...MS_AD, Password: 'weakpassword' }))).code).toBe('InvalidParameterException');
    // Each refusal above (and the two while provisioning) wrote nothing beyond the two stage steps.
    expect(await eventCount()).toBe(before + 2);

    await call('DeleteDirectory', { DirectoryId: id });
    expect(await stage(id)).toBe('Deleting');
    await settle();
    expect((await failure(call('DescribeDirectories', { DirectoryIds: [id] }))).code).toBe('EntityDoesNotExistException');
  });

  it('pages DescribeDirectories in launch order, only the caller\'s', async () => {
    const account = '333333333333';
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      ids.push((await call('CreateDirectory', { Name: `simple${i}.example.com`, Password: 'Sup3r-Secret', Size: 'Small', VpcSettings: MS_AD.VpcSettings }, account)).DirectoryId);
      clock = new Date(clock.getTime() + 1);
    }
    const first = await call('DescribeDirectories', { Limit: 2 }, account);
    expect(first.DirectoryDescriptions.map((d: any) => d.DirectoryId)).toEqual(ids.slice(0, 2));
    const second = await call('DescribeDirectories', { Limit: 2, NextToken: first.NextToken }, account);
    expect(second.DirectoryDescriptions.map((d: any) => d.DirectoryId)).toEqual(ids.slice(2));
    expect(second.NextToken).toBeUndefined();
    expect((await failure(call('DescribeDirectories', { NextToken: 'garbage' }, account))).code).toBe('InvalidNextTokenException');
  });

  it('registers a real certificate through Registering -> Registered, lists it, guards LDAPS, and deregisters it', async () => {
    const id = await activeDirectory();
    const notAfter = new Date(Math.floor((clock.getTime() + days(400)) / 1000) * 1000);
    const pem = makeCertificate({ commonName: 'Corp LDAPS Root', notBefore: new Date(clock.getTime() - days(1)), notAfter });
    const { CertificateId: cert } = await call('RegisterCertificate', { DirectoryId: id, CertificateData: pem });
    expect(cert).toMatch(/^c-[0-9a-f]{10}$/);
    expect(await describeCertificate(id, cert)).toEqual({
      CertificateId: cert,
      State: 'Registering',
      StateReason: 'The certificate is being registered with the directory.',
      CommonName: 'Corp LDAPS Root',
      RegisteredDateTime: clock.getTime() / 1000,
      ExpiryDateTime: notAfter.getTime() / 1000,
      Type: 'ClientLDAPS',
    });
    const before = await eventCount();
    expect((await failure(call('RegisterCertificate', { DirectoryId: id, CertificateData: pem }))).code).toBe('CertificateAlreadyExistsException');
    expect((await failure(call('EnableLDAPS', { DirectoryId: id, Type: 'Client' }))).code).toBe('NoAvailableCertificateException');
    expect((await failure(call('RegisterCertificate', { DirectoryId: id, CertificateData: 'not a certificate' }))).code).toBe('InvalidCertificateException');
    expect(await eventCount()).toBe(before);
    await settle();
    expect(await describeCertificate(id, cert)).toMatchObject({ State: 'Registered' });

    // A second, end-entity certificate fails its Registering checks.
    const leaf = makeCertificate({ commonName: 'not a CA', ca: false, notBefore: new Date(clock.getTime() - days(1)), notAfter });
    const { CertificateId: failed } = await call('RegisterCertificate', { DirectoryId: id, CertificateData: leaf });
    await settle();
    expect(await describeCertificate(id, failed)).toMatchObject({ State: 'RegisterFailed', StateReason: expect.stringMatching(/not a CA certificate/) });

    const page1 = await call('ListCertificates', { DirectoryId: id, Limit: 1 });
    expect(page1.CertificatesInfo).toEqual([{ CertificateId: cert, CommonName: 'Corp LDAPS Root', State: 'Registered', ExpiryDateTime: notAfter.getTime() / 1000, Type: 'ClientLDAPS' }]);
    const page2 = await call('ListCertificates', { DirectoryId: id, Limit: 1, NextToken: page1.NextToken });
    expect(page2.CertificatesInfo.map((c: any) => c.CertificateId)).toEqual([failed]);
    expect(page2.NextToken).toBeUndefined();

    await call('EnableLDAPS', { DirectoryId: id, Type: 'Client' });
    expect((await call('DescribeLDAPSSettings', { DirectoryId: id })).LDAPSSettingsInfo).toEqual([{ LDAPSStatus: 'Enabled', LastUpdatedDateTime: clock.getTime() / 1000 }]);
    expect((await failure(call('DeregisterCertificate', { DirectoryId: id, CertificateId: cert }))).code).toBe('CertificateInUseException');
    await call('DisableLDAPS', { DirectoryId: id, Type: 'Client' });
    await call('DeregisterCertificate', { DirectoryId: id, CertificateId: cert });
    expect(await describeCertificate(id, cert)).toMatchObject({ State: 'Deregistering' });
    await settle();
    expect(await describeCertificate(id, cert)).toMatchObject({ State: 'Deregistered' });
    expect((await call('ListCertificates', { DirectoryId: id })).CertificatesInfo.map((c: any) => c.CertificateId)).toEqual([failed]);
    expect((await failure(call('DeregisterCertificate', { DirectoryId: id, CertificateId: cert }))).code).toBe('CertificateDoesNotExistException');
  });

  it('marks a registered certificate when CertificateRevoked arrives through JetStream; a replay changes nothing; a revoked certificate fails registration', async () => {
    const id = await activeDirectory();
    const validity = { notBefore: new Date(clock.getTime() - days(1)), notAfter: new Date(clock.getTime() + days(400)) };
    const pem = makeCertificate({ commonName: 'Revoked Root', ...validity });
    const { CertificateId: cert } = await call('RegisterCertificate', { DirectoryId: id, CertificateData: pem });
    await settle();
    const fingerprint = readCertificateData(pem).sha256Fingerprint;
    const revoked: CertificateRevokedV1 = {
      certificateArn: `arn:aws:acm-pca:us-east-1:${OWNER}:certificate-authority/${randomUUID()}/certificate/0a01`,
      certificateAuthorityArn: `arn:aws:acm-pca:us-east-1:${OWNER}:certificate-authority/x`,
      certificateAuthorityId: randomUUID(),
      serial: '0a01',
      issuerDn: 'CN=Revoked Root',
      sha256Fingerprint: fingerprint,
      revocationReason: 'KEY_COMPROMISE',
      revokedAt: '2026-11-22T09:59:00.000Z',
      accountId: OWNER,
    };
    const [stored] = await revocations.append(`revocation-${randomUUID()}`, 0, [{ type: 'CertificateRevoked', schemaVersion: 1, data: revoked }], { accountId: OWNER, correlationId: 'test', causationId: null });
    const marked = await waitFor(
      async () => {
        const c = await describeCertificate(id, cert);
        return typeof c.StateReason === 'string' && c.StateReason.includes('revoked') ? c : undefined;
      },
      { timeoutMs: 20_000, what: 'the revocation projection to mark the certificate' },
    );
    expect(marked).toMatchObject({ State: 'Registered', StateReason: expect.stringContaining(`revoked by its issuing CA (${revoked.certificateArn}) on 2026-11-22T09:59:00.000Z with reason KEY_COMPROMISE`) });

    const rows = () => db.withSchema(DIRECTORY_SCHEMA).selectFrom('directory_certificates').selectAll().orderBy('id').execute();
    const revokedRows = () => db.withSchema(DIRECTORY_SCHEMA).selectFrom('revoked_certificates').selectAll().execute();
    const snapshot = JSON.stringify([await rows(), await revokedRows()]);
    // Replay: the same event applied again (a later revocation of the same certificate too) changes nothing.
    await db.transaction().execute((trx) => certificateRevocations.apply(trx, stored as EventEnvelope));
    await db.transaction().execute((trx) => certificateRevocations.apply(trx, { ...(stored as EventEnvelope), id: randomUUID(), data: { ...revoked, revokedAt: '2026-11-22T11:00:00.000Z' } }));
    const replayed = await nc.jetstream().publish(eventSubject(prefix, 'revocation', 'CertificateRevoked'), JSON.stringify(stored), { msgID: `replayed-${randomUUID()}` });
    // The projection has handled the replayed message once its checkpoint reaches the message's stream sequence.
    await waitFor(
      async () => {
        const checkpoint = await db.withSchema(DIRECTORY_SCHEMA).selectFrom('projection_checkpoints').select('stream_seq').where('projection', '=', certificateRevocations.name).executeTakeFirst();
        return Number(checkpoint?.stream_seq ?? 0) >= replayed.seq;
      },
      { what: 'the revocation projection to pass the replayed message' },
    );
    expect(JSON.stringify([await rows(), await revokedRows()])).toBe(snapshot);

    // The same certificate registered with another directory after its revocation fails its Registering step.
    const other = await activeDirectory();
    const { CertificateId: again } = await call('RegisterCertificate', { DirectoryId: other, CertificateData: pem });
    await settle();
    expect(await describeCertificate(other, again)).toMatchObject({ State: 'RegisterFailed', StateReason: expect.stringMatching(/^The certificate was revoked by its issuing CA/) });
  });

  it('connects an AD Connector, counts directories per type in GetDirectoryLimits, keeps tags and settings as events', async () => {
    const account = '444444444444';
    const connectSettings = { ...MS_AD.VpcSettings, CustomerDnsIps: ['10.0.0.10'], CustomerUserName: 'svc-connector' };
    const limits = async () => (await call('GetDirectoryLimits', {}, account)).DirectoryLimits;
    expect(await limits()).toEqual({
      CloudOnlyDirectoriesLimit: 10, CloudOnlyDirectoriesCurrentCount: 0, CloudOnlyDirectoriesLimitReached: false,
      CloudOnlyMicrosoftADLimit: 20, CloudOnlyMicrosoftADCurrentCount: 0, CloudOnlyMicrosoftADLimitReached: false,
      ConnectedDirectoriesLimit: 10, ConnectedDirectoriesCurrentCount: 0, ConnectedDirectoriesLimitReached: false,
    });
    const { DirectoryId: adc } = await call('ConnectDirectory', { Name: 'corp.example.com', Password: 'x', Size: 'Large', ConnectSettings: connectSettings, Tags: [{ Key: 'env', Value: 'prod' }] }, account);
    const { DirectoryId: ms } = await call('CreateMicrosoftAD', MS_AD, account);
    expect(await limits()).toMatchObject({ CloudOnlyDirectoriesCurrentCount: 0, CloudOnlyMicrosoftADCurrentCount: 1, ConnectedDirectoriesCurrentCount: 1 });
    const [description] = (await call('DescribeDirectories', { DirectoryIds: [adc] }, account)).DirectoryDescriptions;
    expect(description).toMatchObject({ Type: 'ADConnector', Size: 'Large', ConnectSettings: { VpcId: 'vpc-0123abcd', CustomerUserName: 'svc-connector' }, DnsIpAddrs: ['10.0.0.10'] });

    await call('AddTagsToResource', { ResourceId: adc, Tags: [{ Key: 'team', Value: 'identity' }] }, account);
    await call('RemoveTagsFromResource', { ResourceId: adc, TagKeys: ['env'] }, account);
    expect((await call('ListTagsForResource', { ResourceId: adc }, account)).Tags).toEqual([{ Key: 'team', Value: 'identity' }]);
    expect((await failure(call('ListTagsForResource', { ResourceId: adc }))).code).toBe('EntityDoesNotExistException');
    expect((await failure(call('ListTagsForResource', { ResourceId: adc, NextToken: 'garbage' }, account))).code).toBe('InvalidNextTokenException');

    for (let i = 0; i < 2; i++) {
      clock = new Date(clock.getTime() + 1000);
      await worker.tick();
    }
    await call('UpdateSettings', { DirectoryId: ms, Settings: [{ Name: 'TLS_1_0', Value: 'Disable' }] }, account);
    const { SettingEntries } = await call('DescribeSettings', { DirectoryId: ms, Status: 'Updated' }, account);
    expect(SettingEntries).toEqual([expect.objectContaining({ Name: 'TLS_1_0', AppliedValue: 'Disable', RequestStatus: 'Updated' })]);
    expect((await failure(call('DescribeSettings', { DirectoryId: adc }, account))).code).toBe('UnsupportedOperationException');
    const types = (await db.withSchema(DIRECTORY_SCHEMA).selectFrom('events').select('type').where('stream', 'in', [`directory-${adc}`, `directory-${ms}`]).execute()).map((r) => r.type);
    expect(types).toEqual(expect.arrayContaining(['AdConnectorRequested', 'DirectoryTagsAdded', 'DirectoryTagsRemoved', 'DirectorySettingsUpdated']));
  });
});
