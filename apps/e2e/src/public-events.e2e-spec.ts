/**
 * The public event feed (issue #15) over JetStream, end to end: a subscriber with a durable
 * consumer on its account's subjects sees AWS Private CA's EventBridge events for what the real
 * SDK did (CA creation, every IssueCertificate, a revocation, every CRL published, an audit
 * report) and the platform's own status changes, each once, valid against its JSON Schema,
 * shaped exactly as AWS's examples, on `<prefix>.events.<account>.<source>.<slug>`, and nothing
 * of another account's.
 */
import {
  CreateCertificateAuthorityAuditReportCommand,
  RevokeCertificateCommand,
  UpdateCertificateAuthorityCommand,
  waitUntilAuditReportCreated,
} from '@aws-sdk/client-acm-pca';
import { AckPolicy, connect, DeliverPolicy, type NatsConnection } from 'nats';
import { PUBLIC_DETAIL_TYPES, publicAccountWildcard, publicEventSubject, type PublicDetailType, type PublicEvent } from '@pki/contracts';
import { AWS_PCA_EVENT_EXAMPLES, publicEventProblems, shapeDifferences, waitFor } from '@pki/testing';
import { sql } from 'kysely';
import { activeRootCa, bytes, createCaWithCsr, issueCertificate, pcaClient, type IssuedCertificate } from './fixtures/acm-pca';
import { OpensslDir } from './fixtures/openssl';
import { ACCOUNT_A, ACCOUNT_B, softwareKeysEnv, startStack, type RunningStack } from './stack';

const STREAM = 'E2E_PUBLIC_FEED';
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
    stack = await startStack({ ...softwareKeysEnv(), PKI_PUBLIC_EVENTS_STREAM: STREAM, PKI_CRL_DELAY_MS: '500', PKI_CRL_POLL_MS: '200' });
    nc = await connect({ servers: stack.env.NATS_URL });
    pki = new OpensslDir('public-events-e2e');
  }, 240_000);
  afterAll(async () => {
    pki?.remove();
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
});
