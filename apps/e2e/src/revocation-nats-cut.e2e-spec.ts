/**
 * RevokeCertificate when NATS fails between the revocation's commit and its reply (issue #5):
 * revocation-service talks to NATS through a proxy that drops the service's reply to one
 * RevokeCertificate and cuts that connection. The service replies only after the transaction
 * holding CertificateRevoked committed (revoke-certificate.handler.ts: the handler returns
 * after `store.append`, and the command server answers with what the handler returned), so
 * the caller sees a failure for a revocation that happened. After the service's NATS client
 * reconnects: the event is in the event store once and on JetStream once (the outbox relay),
 * the CRL at the certificate's URL lists the serial, OCSP answers revoked, and retrying
 * RevokeCertificate answers RequestAlreadyProcessedException (AWS: "Your request has already
 * been completed") instead of revoking again.
 */
import { connect } from 'nats';
import { RevokeCertificateCommand } from '@aws-sdk/client-acm-pca';
import { commandSubject, eventStreamName, eventSubject } from '@pki/contracts';
import { cleanupNatsPrefix, testNatsUrl, uniquePrefix, waitFor } from '@pki/testing';
import { sql } from 'kysely';
import { httpStatus } from './app-process';
import { pcaClient } from './fixtures/acm-pca';
import { errorOf } from './fixtures/errors';
import { AsyncOpensslDir } from './fixtures/openssl';
import { bodyIfOk, crlEntry, crlUrlIn, ocspArgs, rootWithLeaves, waitForCrlListing } from './fixtures/revocation';
import { NatsCutProxy } from './nats-cut-proxy';
import { softwareKeysEnv, startStack, type RunningStack } from './stack';

const PUBLIC_URL = 'http://pki.revocation-nats-cut.test';
const BUCKET = 'e2e-revocation-cut-crls';
/** The gateway's wait for a service's answer: the lost reply costs the caller this long. */
const REQUEST_TIMEOUT_MS = 5000;

describe('RevokeCertificate with the NATS connection cut between the commit and the reply', () => {
  // Our own namespace (startStack lets env override it) so the test can name the command subject
  // the proxy watches and the JetStream stream the relay publishes to.
  const prefix = uniquePrefix();
  let proxy: NatsCutProxy;
  let stack: RunningStack;
  /**
   * OpenSSL, run asynchronously: the proxy lives in this process, so a synchronous child (e.g.
   * `openssl ocsp` waiting on the gateway, which waits on revocation-service, whose NATS traffic
   * crosses the proxy) would freeze the very connections it waits on.
   */
  let pki: AsyncOpensslDir;
  let rootArn: string;
  const client = () => pcaClient(stack.endpoint);
  /** revocation-service's canonical serial: lowercase hex without leading zeros. */
  const canonical = (serial: string) => serial.toLowerCase().replace(/^0+(?=.)/, '');
  const revokedEvents = async (serial: string) =>
    Number(
      (
        await stack.db
          .withSchema('revocation')
          .selectFrom('events')
          .where('type', '=', 'CertificateRevoked')
          .where(sql<string>`data->>'serial'`, '=', canonical(serial))
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  /** Messages on the CertificateRevoked subject of revocation-service's JetStream stream, and the serial of the last one. */
  const revokedOnJetStream = async (): Promise<{ count: number; lastSerial?: string }> => {
    const nc = await connect({ servers: [testNatsUrl()] });
    try {
      const jsm = await nc.jetstreamManager();
      const stream = eventStreamName(prefix, 'revocation');
      const subject = eventSubject(prefix, 'revocation', 'CertificateRevoked');
      const info = await jsm.streams.info(stream, { subjects_filter: subject });
      const count = info.state.subjects?.[subject] ?? 0;
      if (count === 0) return { count };
      const last = await jsm.streams.getMessage(stream, { last_by_subj: subject });
      return { count, lastSerial: (last!.json<{ data: { serial: string } }>()).data.serial };
    } finally {
      await nc.close();
    }
  };
  const revoke = (serial: string) => client().send(new RevokeCertificateCommand({ CertificateAuthorityArn: rootArn, CertificateSerial: serial, RevocationReason: 'KEY_COMPROMISE' }));

  beforeAll(async () => {
    proxy = await NatsCutProxy.start(testNatsUrl());
    stack = await startStack({
      PKI_NATS_PREFIX: prefix,
      ...softwareKeysEnv(),
      PKI_PUBLIC_URL: PUBLIC_URL,
      PKI_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
      PKI_CRL_DELAY_MS: '500',
      PKI_CRL_POLL_MS: '200',
    });
    // revocation-service's one NATS connection (command server, runtime, ca-service client) goes through the proxy.
    await stack.restart('revocation-service', { NATS_URL: proxy.url });
    pki = new AsyncOpensslDir('revocation-cut-e2e');
    rootArn = await rootWithLeaves(
      client(),
      pki,
      {
        subject: { Country: 'US', Organization: 'Example Corp', CommonName: 'Revocation Cut E2E Root' },
        revocation: { CrlConfiguration: { Enabled: true, S3BucketName: BUCKET, ExpirationInDays: 7 }, OcspConfiguration: { Enabled: true } },
      },
      ['leaf'],
    );
  }, 240_000);
  afterAll(async () => {
    pki?.remove();
    await stack?.stop();
    await proxy?.close();
    const nc = await connect({ servers: [testNatsUrl()] });
    await cleanupNatsPrefix(nc, prefix);
    await nc.close();
  });

  it('the lost reply fails the call; the revocation is recorded and published once, in the CRL and OCSP; a retry is RequestAlreadyProcessed', async () => {
    const serial = await pki.serial('leaf.pem');
    // Revoke only once revocation-service has projected the certificate: otherwise the
    // dropped reply would be a ResourceNotFoundException, not a committed revocation.
    await waitFor(
      async () => !!(await stack.db.withSchema('revocation').selectFrom('issued_certificates').select('serial').where('serial', '=', canonical(serial)).executeTakeFirst()),
      { timeoutMs: 30_000, what: 'revocation-service to know the certificate' },
    );
    const acceptedBefore = proxy.accepted;
    proxy.arm(commandSubject(prefix, 'revocation', 'RevokeCertificate'));

    // The gateway never gets the reply: it answers what it answers for a replica gone silent
    // (no reply, no "working" message) once it notices, ~3 s, before PKI_REQUEST_TIMEOUT_MS
    // (503 ServiceUnavailableException, which the SDK would retry; issue #12).
    const failure = await errorOf(revoke(serial));
    expect(failure.name).toBe('ServiceUnavailableException');
    expect(failure.$metadata?.httpStatusCode).toBe(503);
    expect(failure.message).toMatch(/went silent while handling RevokeCertificate/);

    // The proxy really cut: it swallowed the service's success reply to this very request.
    expect(proxy.armed).toBe(false);
    expect(proxy.dropped).toHaveLength(1);
    const dropped = proxy.dropped[0]!;
    expect(dropped.requestSubject).toBe(commandSubject(prefix, 'revocation', 'RevokeCertificate'));
    expect(JSON.parse(dropped.payload)).toMatchObject({ ok: true, result: {} });

    // Committed before the reply: exactly one CertificateRevoked in revocation-service's event store.
    expect(await revokedEvents(serial)).toBe(1);
    // The outbox relay published it, once, after the cut.
    await waitFor(
      async () =>
        !!(await stack.db
          .withSchema('revocation')
          .selectFrom('outbox')
          .innerJoin('events', 'events.position', 'outbox.position')
          .where('events.type', '=', 'CertificateRevoked')
          .where('outbox.published_at', 'is not', null)
          .select('outbox.position')
          .executeTakeFirst()),
      { timeoutMs: 30_000, what: 'the outbox relay to publish CertificateRevoked' },
    );
    await waitFor(async () => (await revokedOnJetStream()).count > 0, { timeoutMs: 30_000, what: 'CertificateRevoked on JetStream' });
    expect(await revokedOnJetStream()).toEqual({ count: 1, lastSerial: canonical(serial) });

    // The CRL at the certificate's URL lists the serial and verifies; OpenSSL rejects the certificate with it.
    const url = crlUrlIn(await pki.text('leaf.pem'));
    const { text } = await waitForCrlListing(pki, serial, () => bodyIfOk(`${stack.endpoint}${url.slice(PUBLIC_URL.length)}`));
    expect(text).toMatch(/verify OK/);
    expect(text).toMatch(crlEntry(serial));
    const verify = await pki.exec('verify', '-crl_check', '-CAfile', 'root.pem', '-CRLfile', 'root.crl.pem', 'leaf.pem');
    expect(verify.status).not.toBe(0);
    expect(verify.output).toMatch(/certificate revoked/);

    // OCSP (the gateway asks revocation-service over its reconnected command connection).
    const ocsp = () => pki.run(...ocspArgs(`${stack.endpoint}/ocsp`, '-cert', 'leaf.pem'));
    await waitFor(async () => /leaf.pem: revoked/.test(await ocsp()), { timeoutMs: 30_000, what: 'OCSP to answer revoked' });
    const answer = await ocsp();
    expect(answer).toMatch(/Response verify OK/);
    expect(answer).toMatch(/leaf.pem: revoked[\s\S]*Reason: keyCompromise/);

    // The caller's retry learns the revocation happened; nothing is appended or published again.
    expect((await errorOf(revoke(serial))).name).toBe('RequestAlreadyProcessedException');
    expect(await revokedEvents(serial)).toBe(1);
    expect(await revokedOnJetStream()).toEqual({ count: 1, lastSerial: canonical(serial) });
    expect(proxy.dropped).toHaveLength(1);
    // The service's client reconnected through the proxy, and the service is healthy.
    expect(proxy.accepted).toBeGreaterThan(acceptedBefore);
    const service = stack.apps.find((app) => app.app === 'revocation-service')!;
    expect(await httpStatus(`${service.url}/health/ready`)).toBe(200);
  }, 180_000);
});
