/**
 * The public event feed (issue #15) over JetStream, end to end: a subscriber with a durable
 * consumer on its account's subjects sees AWS Private CA's EventBridge events for what the real
 * SDK did (CA creation, every IssueCertificate, a revocation, every CRL published, an audit
 * report) and the platform's own status changes, each once, valid against its JSON Schema,
 * shaped exactly as AWS's examples, on `<prefix>.events.<account>.<source>.<slug>`, and nothing
 * of another account's.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CreateCertificateAuthorityAuditReportCommand,
  IssueCertificateCommand,
  RevokeCertificateCommand,
  UpdateCertificateAuthorityCommand,
  waitUntilAuditReportCreated,
} from '@aws-sdk/client-acm-pca';
import {
  CreateMicrosoftADCommand,
  DeregisterCertificateCommand,
  DescribeCertificateCommand,
  DescribeDirectoriesCommand,
  DirectoryServiceClient,
  DisableLDAPSCommand,
  EnableLDAPSCommand,
  ListCertificatesCommand,
  RegisterCertificateCommand,
} from '@aws-sdk/client-directory-service';
import { DeleteCertificateCommand, RegisterCertificateWithoutCACommand, UpdateCertificateCommand } from '@aws-sdk/client-iot';
import { AckPolicy, connect, DeliverPolicy, type NatsConnection } from 'nats';
import { PUBLIC_DETAIL_TYPES, publicAccountWildcard, publicEventSubject, type PublicDetailType, type PublicEvent } from '@pki/contracts';
import { AWS_PCA_EVENT_EXAMPLES, publicEventProblems, shapeDifferences, waitFor } from '@pki/testing';
import { sql } from 'kysely';
import { activeRootCa, bytes, createCaWithCsr, issueCertificate, pcaClient, type IssuedCertificate } from './fixtures/acm-pca';
import { OpensslDir } from './fixtures/openssl';
import { openSse, type SseMessage } from './fixtures/sse';
import { iotClient } from './fixtures/iot';
import { ACCOUNT_A, ACCOUNT_B, softwareKeysEnv, startStack, type RunningStack } from './stack';

/** Named by the suite (PKI_PUBLIC_EVENTS_STREAM), so not cleaned up with the stack's prefix: deleted in afterAll. */
const STREAM = `E2E_PUBLIC_FEED_${process.pid}`;
const BUCKET = 'e2e-public-events';

interface Received {
  readonly subject: string;
  readonly msgId: string;
  readonly event: PublicEvent;
}

describe('public event feed over JetStream', () => {
  let stack: RunningStack;
  let nc: NatsConnection;
  let pki: OpensslDir;

  beforeAll(async () => {
    stack = await startStack({ ...softwareKeysEnv(), PKI_PUBLIC_EVENTS_STREAM: STREAM, PKI_CRL_DELAY_MS: '500', PKI_CRL_POLL_MS: '200', PKI_EVENTS_KEEPALIVE_MS: '500', PKI_DIRECTORY_STEP_MS: '200', PKI_DIRECTORY_WORKER_INTERVAL_MS: '100' });
    nc = await connect({ servers: stack.env.NATS_URL });
    pki = new OpensslDir('public-events-e2e');
  }, 240_000);
  afterAll(async () => {
    pki?.remove();
    await (await nc?.jetstreamManager())?.streams.delete(STREAM).catch(() => undefined);
    await nc?.close();
    await stack?.stop();
  });

  /** A subscriber's durable consumer on `account`'s events, from the start of the stream. */
  async function subscribe(durable: string, account: string) {
    const jsm = await nc.jetstreamManager();
    await jsm.consumers.add(STREAM, { durable_name: durable, filter_subject: publicAccountWildcard(stack.natsPrefix, account), ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.All });
    const consumer = await nc.jetstream().consumers.get(STREAM, durable);
    const received: Received[] = [];
    return {
      received,
      /** Fetches (and acks) what has arrived. */
      async drain(): Promise<Received[]> {
        for (;;) {
          const batch = await consumer.fetch({ max_messages: 100, expires: 1_000 });
          let n = 0;
          for await (const m of batch) {
            received.push({ subject: m.subject, msgId: m.headers?.get('Nats-Msg-Id') ?? '', event: m.json<PublicEvent>() });
            m.ack();
            n++;
          }
          if (n === 0) return received;
        }
      },
    };
  }

  const ofType = (received: readonly Received[], detailType: PublicDetailType) => received.filter((r) => r.event['detail-type'] === detailType);

  it('one event per fact for account A, each valid, shaped as AWS, on its subject, in order; none of account B', async () => {
    const a = await subscribe('subscriber-a', ACCOUNT_A.accountId);
    const pca = pcaClient(stack.endpoint, ACCOUNT_A);

    // CA creation (and its own certificate), three issued certificates, one revoked.
    const root = await activeRootCa(pca, {
      subject: { CommonName: 'Public Feed E2E Root' },
      validity: { Type: 'YEARS', Value: 5 },
      revocation: { CrlConfiguration: { Enabled: true, S3BucketName: BUCKET, ExpirationInDays: 7 } },
    });
    const Csr = bytes(pki.csr('leaf', '/CN=leaf.example.com'));
    const leaves: IssuedCertificate[] = [];
    for (let i = 0; i < 3; i++) leaves.push(await issueCertificate(pca, { CertificateAuthorityArn: root.arn, Csr, SigningAlgorithm: 'SHA256WITHECDSA', Validity: { Type: 'DAYS', Value: 30 } }));
    await pca.send(new RevokeCertificateCommand({ CertificateAuthorityArn: root.arn, CertificateSerial: leaves[1]!.serial, RevocationReason: 'KEY_COMPROMISE' }));
    // Disabled and enabled again (the platform's own status change events).
    await pca.send(new UpdateCertificateAuthorityCommand({ CertificateAuthorityArn: root.arn, Status: 'DISABLED' }));
    await pca.send(new UpdateCertificateAuthorityCommand({ CertificateAuthorityArn: root.arn, Status: 'ACTIVE' }));
    const report = await pca.send(new CreateCertificateAuthorityAuditReportCommand({ CertificateAuthorityArn: root.arn, S3BucketName: BUCKET, AuditReportResponseFormat: 'JSON' }));
    await waitUntilAuditReportCreated({ client: pca, maxWaitTime: 60, minDelay: 1, maxDelay: 2 }, { CertificateAuthorityArn: root.arn, AuditReportId: report.AuditReportId });
    // Account B's own CA: its events are B's.
    const other = await createCaWithCsr(pcaClient(stack.endpoint, ACCOUNT_B), { subject: { CommonName: 'Account B CA' } });

    // Every CRL the CA published (after the revocation, at least the one listing it) is a CrlGenerated event of revocation-service.
    const crlsOf = async () =>
      Number(
        (await stack.db.withSchema('revocation').selectFrom('events').select((eb) => eb.fn.countAll().as('n')).where('type', '=', 'CrlGenerated').where(sql<string>`data->>'certificateAuthorityArn'`, '=', root.arn).executeTakeFirstOrThrow()).n,
      );
    await waitFor(async () => (await crlsOf()) >= 1, { what: 'a CRL of the CA', timeoutMs: 30_000 });
    const received = await waitFor(
      async () => {
        const got = await a.drain();
        const crls = await crlsOf();
        return ofType(got, 'ACM Private CA Audit Report Generation').length >= 1 && ofType(got, 'ACM Private CA CRL Generation').length >= crls && got;
      },
      { what: "account A's events", timeoutMs: 60_000 },
    );
    // Settled: nothing more comes (a duplicate would), and one CRL Generation per CRL published so far.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    let crls = 0;
    await waitFor(async () => {
      await a.drain();
      crls = await crlsOf();
      return ofType(received, 'ACM Private CA CRL Generation').length === crls;
    }, { what: 'one CRL Generation event per CRL' });

    // Each valid against its schema, AWS-shaped, on its subject, with its id as the message id, once.
    for (const { subject, msgId, event } of received) {
      expect({ id: event.id, problems: publicEventProblems(event) }).toEqual({ id: event.id, problems: [] });
      expect(subject).toBe(publicEventSubject(stack.natsPrefix, event));
      expect(msgId).toBe(event.id);
      expect(event).toMatchObject({ account: ACCOUNT_A.accountId, region: 'us-east-1', version: '0' });
      expect(event.resources[0]).toBe(root.arn);
      if (PUBLIC_DETAIL_TYPES[event['detail-type']].source === 'aws.acm-pca') {
        const examples = AWS_PCA_EVENT_EXAMPLES[event['detail-type'] as keyof typeof AWS_PCA_EVENT_EXAMPLES] as Record<string, Record<string, unknown>>;
        expect(shapeDifferences(event as never, examples[(event.detail as { result: string }).result]!)).toEqual([]);
      }
    }
    expect(new Set(received.map((r) => r.event.id)).size).toBe(received.length);

    // Exactly one per fact.
    expect(ofType(received, 'ACM Private CA Creation').map((r) => r.event.detail)).toEqual([{ result: 'success' }]);
    const issuance = ofType(received, 'ACM Private CA Certificate Issuance');
    const issuedArns = [...leaves.map((l) => l.arn)];
    expect(issuance).toHaveLength(1 + leaves.length); // the root's own certificate, then the leaves
    expect(issuance.slice(1).map((r) => r.event.resources[1])).toEqual(issuedArns);
    expect(issuance.every((r) => (r.event.detail as { result: string }).result === 'success')).toBe(true);
    expect(ofType(received, 'ACM Private CA Certificate Revocation').map((r) => r.event.resources)).toEqual([[root.arn, leaves[1]!.arn]]);
    expect(ofType(received, 'ACM Private CA CRL Generation')).toHaveLength(crls);
    expect(ofType(received, 'Private CA Status Change').map((r) => r.event.detail)).toEqual([
      { status: 'DISABLED', previousStatus: 'ACTIVE', change: 'DISABLED' },
      { status: 'ACTIVE', previousStatus: 'DISABLED', change: 'ENABLED' },
    ]);
    expect(ofType(received, 'ACM Private CA Audit Report Generation').map((r) => r.event.resources)).toEqual([[root.arn, report.AuditReportId]]);
    expect(received.filter((r) => r.event.resources.includes(other.arn))).toEqual([]);

    // In order: creation first; a certificate's revocation after its issuance.
    const position = (predicate: (r: Received) => boolean) => received.findIndex(predicate);
    expect(position((r) => r.event['detail-type'] === 'ACM Private CA Creation')).toBe(0);
    expect(position((r) => r.event['detail-type'] === 'ACM Private CA Certificate Revocation')).toBeGreaterThan(position((r) => r.event.resources[1] === leaves[1]!.arn));

    // Account B's subscriber has B's creation, and nothing of A's.
    const b = await subscribe('subscriber-b', ACCOUNT_B.accountId);
    const bReceived = await waitFor(async () => {
      const got = await b.drain();
      return got.length >= 1 && got;
    }, { what: "account B's creation event" });
    expect(bReceived.map((r) => [r.event['detail-type'], r.event.account, r.event.resources])).toEqual([['ACM Private CA Creation', ACCOUNT_B.accountId, [other.arn]]]);
  }, 240_000);

  it("a CRL that cannot be written is AWS's CRL Generation failure, with AWS's reason", async () => {
    const failures = await subscribe('crl-failures-a', ACCOUNT_A.accountId);
    // Where the bucket's directory should be, a file: every write of the CRL fails.
    writeFileSync(join(stack.env.PKI_OBJECT_STORE_DIR!, 'broken-crl-bucket'), 'not a directory');
    const pca = pcaClient(stack.endpoint, ACCOUNT_A);
    const root = await activeRootCa(pca, {
      subject: { CommonName: 'Broken CRL Bucket Root' },
      validity: { Type: 'YEARS', Value: 5 },
      revocation: { CrlConfiguration: { Enabled: true, S3BucketName: 'broken-crl-bucket', ExpirationInDays: 7 } },
    });
    const [failure] = await waitFor(async () => {
      const got = ofType(await failures.drain(), 'ACM Private CA CRL Generation').filter((r) => r.event.resources[0] === root.arn);
      return got.length >= 1 && got;
    }, { what: "the CRL's failure event", timeoutMs: 30_000 });
    expect(failure!.event.detail).toEqual({ result: 'failure', reason: 'Failed to write CRL to S3. Internal failure.' });
    expect(publicEventProblems(failure!.event)).toEqual([]);
    expect(shapeDifferences(failure!.event as never, AWS_PCA_EVENT_EXAMPLES['ACM Private CA CRL Generation']['failure (S3 internal)'])).toEqual([]);
  }, 120_000);

  it("IoT and Directory Service certificate changes are the platform's pki.iot and pki.ds events", async () => {
    const sub = await subscribe('registries-b', ACCOUNT_B.accountId);
    // IoT: a device certificate registered without a CA, deactivated, deleted.
    const iot = iotClient(stack.endpoint, ACCOUNT_B);
    const device = pki.selfSigned('device', '/CN=device-1', { days: 30 });
    const { certificateId, certificateArn } = await iot.send(new RegisterCertificateWithoutCACommand({ certificatePem: device, status: 'ACTIVE' }));
    await iot.send(new UpdateCertificateCommand({ certificateId, newStatus: 'INACTIVE' }));
    await iot.send(new DeleteCertificateCommand({ certificateId }));
    // Directory Service: an LDAPS certificate registered, LDAPS on and off, the certificate deregistered.
    const ds = new DirectoryServiceClient({ endpoint: stack.endpoint, region: 'us-east-1', credentials: ACCOUNT_B, maxAttempts: 1 });
    const { DirectoryId } = await ds.send(new CreateMicrosoftADCommand({ Name: 'corp.example.com', Password: 'Sup3r-Secret', VpcSettings: { VpcId: 'vpc-0123abcd', SubnetIds: ['subnet-0123abcd', 'subnet-4567ef01'] } }));
    const stage = async () => (await ds.send(new DescribeDirectoriesCommand({ DirectoryIds: [DirectoryId!] }))).DirectoryDescriptions![0]!.Stage;
    await waitFor(async () => (await stage()) === 'Active', { what: 'the directory to be Active', timeoutMs: 30_000 });
    const { CertificateId } = await ds.send(new RegisterCertificateCommand({ DirectoryId, CertificateData: pki.selfSigned('ldaps-ca', '/O=Example Corp/CN=LDAPS CA', { days: 400 }) }));
    const state = async () => (await ds.send(new DescribeCertificateCommand({ DirectoryId, CertificateId }))).Certificate!.State;
    await waitFor(async () => (await state()) === 'Registered', { what: 'the certificate to be Registered', timeoutMs: 30_000 });
    await ds.send(new EnableLDAPSCommand({ DirectoryId, Type: 'Client' }));
    await ds.send(new DisableLDAPSCommand({ DirectoryId, Type: 'Client' }));
    await ds.send(new DeregisterCertificateCommand({ DirectoryId, CertificateId }));
    await waitFor(async () => (await ds.send(new ListCertificatesCommand({ DirectoryId }))).CertificatesInfo!.length === 0, { what: 'the certificate to be Deregistered', timeoutMs: 30_000 });

    const expected = [
      ['IoT Certificate Registered', { certificateId, status: 'ACTIVE', certificateMode: 'SNI_ONLY', caCertificateId: null, registeredBy: 'RegisterCertificateWithoutCA' }],
      ['IoT Certificate Status Change', { certificateId, previousStatus: 'ACTIVE', status: 'INACTIVE', cause: 'UpdateCertificate' }],
      ['IoT Certificate Deleted', { certificateId, forceDelete: false }],
      ['Directory Service Certificate State Change', { directoryId: DirectoryId, certificateId: CertificateId, state: 'Registering', stateReason: null }],
      ['Directory Service Certificate Registered', { directoryId: DirectoryId, certificateId: CertificateId, state: 'Registered', stateReason: null }],
      ['Directory Service LDAPS Change', { directoryId: DirectoryId, type: 'Client', status: 'Enabled' }],
      ['Directory Service LDAPS Change', { directoryId: DirectoryId, type: 'Client', status: 'Disabled' }],
      ['Directory Service Certificate State Change', { directoryId: DirectoryId, certificateId: CertificateId, state: 'Deregistering', stateReason: null }],
      ['Directory Service Certificate Deregistered', { directoryId: DirectoryId, certificateId: CertificateId, state: 'Deregistered', stateReason: null }],
    ];
    const got = await waitFor(async () => {
      const received = (await sub.drain()).filter((r) => r.event.source !== 'aws.acm-pca');
      return received.length >= expected.length && received;
    }, { what: 'the IoT and Directory Service events', timeoutMs: 30_000 });
    expect(got.map((r) => [r.event['detail-type'], r.event.detail])).toEqual(expected);
    for (const { event, subject } of got) {
      expect(publicEventProblems(event)).toEqual([]);
      expect(subject).toBe(publicEventSubject(stack.natsPrefix, event));
      expect(event.account).toBe(ACCOUNT_B.accountId);
    }
    expect(got[0]!.event.resources).toEqual([certificateArn]);
    expect(got[3]!.event.resources).toEqual([`arn:aws:ds:us-east-1:${ACCOUNT_B.accountId}:directory/${DirectoryId}`, CertificateId]);
  }, 120_000);

  describe('over Server-Sent Events (GET /events, SigV4 signing name events)', () => {
    const ISSUED = 1000;
    let caArn: string;
    let since: string;
    let issuedArns: string[];
    const events = (messages: readonly SseMessage[]) => messages.map((m) => JSON.parse(m.data) as PublicEvent);

    beforeAll(async () => {
      since = new Date(Date.now() - 1000).toISOString();
      const pca = pcaClient(stack.endpoint, ACCOUNT_A);
      caArn = (await activeRootCa(pca, { subject: { CommonName: 'SSE Replay Root' }, validity: { Type: 'YEARS', Value: 5 } })).arn;
      const Csr = bytes(pki.csr('sse-leaf', '/CN=sse.example.com'));
      issuedArns = [];
      let next = 0;
      // 1,000 IssueCertificate calls, 16 at a time.
      await Promise.all(
        Array.from({ length: 16 }, async () => {
          while (next < ISSUED) {
            next++;
            const { CertificateArn } = await pca.send(new IssueCertificateCommand({ CertificateAuthorityArn: caArn, Csr, SigningAlgorithm: 'SHA256WITHECDSA', Validity: { Type: 'DAYS', Value: 7 } }));
            issuedArns.push(CertificateArn!);
          }
        }),
      );
    }, 240_000);

    it('a subscriber that starts after 1,000 issuances and asks since a time gets each once; resuming with Last-Event-ID misses and repeats nothing', async () => {
      const query = { since, resource: caArn, 'detail-type': 'ACM Private CA Certificate Issuance' };
      const all = await openSse(stack.endpoint, query, ACCOUNT_A);
      expect(all.status).toBe(200);
      expect(all.headers.get('content-type')).toMatch(/^text\/event-stream/);
      const got = events(await all.until(ISSUED + 1, 'every issuance of the CA', 120_000));
      all.close();
      // The CA's own certificate, then the 1,000, once each, valid and AWS-shaped.
      expect(got).toHaveLength(ISSUED + 1);
      expect(new Set(got.map((e) => e.id)).size).toBe(ISSUED + 1);
      expect(new Set(got.slice(1).map((e) => e.resources[1]))).toEqual(new Set(issuedArns));
      for (const event of got.slice(0, 10)) expect(publicEventProblems(event)).toEqual([]);

      // Read 300, drop the connection, reconnect with the last id: the rest, no gap, no repeat.
      const first = await openSse(stack.endpoint, query, ACCOUNT_A);
      const head = (await first.until(300)).slice(0, 300);
      first.close();
      const resumed = await openSse(stack.endpoint, query, ACCOUNT_A, { lastEventId: head[head.length - 1]!.id });
      const tail = await resumed.until(ISSUED + 1 - 300, 'the rest after Last-Event-ID', 120_000);
      resumed.close();
      const ids = [...head, ...tail.slice(0, ISSUED + 1 - 300)].map((m) => Number(m.id));
      expect(ids).toEqual([...ids].sort((x, y) => x - y));
      expect(new Set(ids).size).toBe(ISSUED + 1);
      expect(events([...head, ...tail]).map((e) => e.id)).toEqual(got.map((e) => e.id));
    }, 300_000);

    it('streams new events live, with keep-alive comments, and only the caller account\'s', async () => {
      const live = await openSse(stack.endpoint, {}, ACCOUNT_A);
      const liveB = await openSse(stack.endpoint, {}, ACCOUNT_B);
      await waitFor(async () => live.comments.includes('keep-alive'), { what: 'a keep-alive comment' });
      const pca = pcaClient(stack.endpoint, ACCOUNT_A);
      await pca.send(new RevokeCertificateCommand({ CertificateAuthorityArn: caArn, CertificateSerial: issuedArns[0]!.split('/').pop()!, RevocationReason: 'SUPERSEDED' }));
      const [revocation] = events(await live.until(1, 'the revocation, live'));
      expect(revocation).toMatchObject({ 'detail-type': 'ACM Private CA Certificate Revocation', resources: [caArn, issuedArns[0]] });
      expect(publicEventProblems(revocation)).toEqual([]);
      live.close();
      // Account B's stream got none of A's events.
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(events(liveB.messages).filter((e) => e.account !== ACCOUNT_B.accountId)).toEqual([]);
      liveB.close();
    }, 120_000);

    it("refuses another account's events, a wrong signing name, no signature and bad parameters, writing nothing", async () => {
      const other = await openSse(stack.endpoint, { account: ACCOUNT_B.accountId }, ACCOUNT_A);
      expect([other.status, other.headers.get('x-amzn-errortype'), other.errorBody?.message]).toEqual([403, 'AccessDeniedException', expect.stringMatching(/not authorized to read the events of account "222222222222"/)]);
      const wrongScope = await openSse(stack.endpoint, {}, ACCOUNT_A, { service: 'acm-pca' });
      expect(wrongScope.status).toBe(403);
      expect(String(wrongScope.errorBody?.message)).toMatch(/events/);
      const unsigned = await openSse(stack.endpoint, {}, ACCOUNT_A, { unsigned: true });
      expect([unsigned.status, unsigned.headers.get('x-amzn-errortype')]).toEqual([403, 'MissingAuthenticationTokenException']);
      const badSince = await openSse(stack.endpoint, { since: 'yesterday' }, ACCOUNT_A);
      expect([badSince.status, badSince.headers.get('x-amzn-errortype')]).toEqual([400, 'ValidationException']);
      const badId = await openSse(stack.endpoint, {}, ACCOUNT_A, { lastEventId: 'x' });
      expect(badId.status).toBe(400);
    });

    it('ends its streams when the gateway stops, so clients resume with Last-Event-ID on another replica', async () => {
      const query = { since, resource: caArn, 'detail-type': 'ACM Private CA Certificate Issuance' };
      const before = await openSse(stack.endpoint, query, ACCOUNT_A);
      await before.until(10);
      await stack.restart('api-gateway', {});
      await waitFor(async () => before.ended(), { what: 'the stream to end at the stop' });
      const last = before.messages[before.messages.length - 1]!;
      expect(last.event).toBe('error');
      expect(JSON.parse(last.data)).toMatchObject({ code: 'ServiceUnavailable', message: expect.stringMatching(/stopping; reconnect with Last-Event-ID/) });
      const delivered = before.messages.filter((m) => m.event === undefined);
      const after = await openSse(stack.endpoint, query, ACCOUNT_A, { lastEventId: delivered[delivered.length - 1]!.id });
      const rest = await after.until(ISSUED + 1 - delivered.length, 'the rest after the restart', 120_000);
      after.close();
      expect(new Set([...delivered, ...rest].map((m) => m.id)).size).toBe(ISSUED + 1);
    }, 180_000);

    it('the sample subscriber in examples/ prints the events over both transports', () => {
      const script = join(__dirname, '..', '..', '..', 'examples', 'public-events-subscriber.js');
      const env = { ...process.env, PKI_ENDPOINT: stack.endpoint, AWS_ACCESS_KEY_ID: ACCOUNT_A.accessKeyId, AWS_SECRET_ACCESS_KEY: ACCOUNT_A.secretAccessKey };
      const overSse = spawnSync(process.execPath, [script, 'sse', '--since', since, '--max', '3'], { env, encoding: 'utf8', timeout: 60_000 });
      expect(overSse.stderr).toBe('');
      const lines = overSse.stdout.trim().split('\n').map((line) => JSON.parse(line) as { type: string; resources: string[] });
      expect(lines).toHaveLength(3);
      expect(lines.every((l) => l.type === 'ACM Private CA Certificate Issuance')).toBe(true);
      const natsEnv = { ...process.env, NATS_URL: stack.env.NATS_URL, PKI_ACCOUNT: ACCOUNT_A.accountId, PKI_NATS_PREFIX: stack.natsPrefix, PKI_PUBLIC_EVENTS_STREAM: STREAM, PKI_CONSUMER: 'sample' };
      const overNats = spawnSync(process.execPath, [script, 'nats', '--max', '3'], { env: natsEnv, encoding: 'utf8', timeout: 60_000 });
      expect(overNats.stderr).toBe('');
      expect(overNats.stdout.trim().split('\n')).toHaveLength(3);
    }, 120_000);

    it('works with curl --aws-sigv4 aws:amz:us-east-1:events', () => {
      const url = `${stack.endpoint}/events?detail-type=${encodeURIComponent('ACM Private CA Creation')}&resource=${encodeURIComponent(caArn)}&since=${encodeURIComponent(since)}`;
      const curl = spawnSync('curl', ['-sS', '-N', '--max-time', '3', '--aws-sigv4', 'aws:amz:us-east-1:events', '--user', `${ACCOUNT_A.accessKeyId}:${ACCOUNT_A.secretAccessKey}`, url], { encoding: 'utf8' });
      // curl ends the stream at --max-time (exit 28); what it printed is what matters.
      expect(curl.stdout).toMatch(/^id: \d+$/m);
      const data = curl.stdout.split('\n').find((line) => line.startsWith('data: '));
      expect(JSON.parse(data!.slice('data: '.length))).toMatchObject({ 'detail-type': 'ACM Private CA Creation', resources: [caArn] });
    });
  });
});
