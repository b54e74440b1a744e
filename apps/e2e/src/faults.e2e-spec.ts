/**
 * Issue #12's fault test: the whole stack under a small load (four SDK clients issuing EC P-256
 * certificates, some with an IdempotencyToken, reading them back and revoking every third), and
 * one fault at a time while the load runs: SIGKILL of ca-service, issuance-service and
 * revocation-service, iot-registry and directory-certs (each restarted), SIGKILL of nats-server (restarted on its port and
 * store), Postgres stopped with `pg_ctl stop -m immediate` (restarted), and a SIGTERM of
 * issuance-service. Then, once everything has settled, what a relying party and an auditor
 * must find:
 * - every acknowledged certificate retrievable with GetCertificate and verifying under the CA
 *   (`openssl verify`), with the serial its ARN names, serials unique;
 * - every acknowledged revocation in the CRL (`openssl crl -verify`) and revoked in OCSP
 *   (`openssl ocsp`); certificates not revoked are good;
 * - one CaKeyUsed certificate signature per issued certificate, no TBS signed twice (§1);
 * - no event appended twice, every outbox drained, every stored event in the JetStream feed once,
 *   and every public feed event those events make (issue #15) in the public stream once;
 * - no client ever got a final wrong answer: only retryable errors (503, RequestInProgress,
 *   throttling, a dropped connection) are allowed during a fault.
 * All findings are collected and compared at once, so one run reports every broken promise.
 *
 * Own nats-server and Postgres on spare ports (the shared ones are never touched), the apps
 * from dist/ (`npm run build` first).
 *
 * Time budget (CI, loaded 2-core machine): measured 45-80 s in all here. Servers, stack and
 * CA ~10-20 s; load and faults ~30-40 s (each fault waits for all apps to report ready, then for
 * 16 more acknowledged certificates); settling 0-35 s (a request a crash left REQUESTED is
 * finished by the recovery worker after PKI_ISSUANCE_RECOVERY_AFTER_MS = 15 s, on its 2 s
 * round); checks ~5 s. The load is bounded in count (≤ 4 × 80 certificates) and stops by itself
 * after LOAD_BUDGET_MS; every wait after it has its own bound, and Jest's timeouts (90 s setup,
 * 200 s test) cap a run that goes wrong at under 5 minutes.
 */
import { startNatsServer, startPostgresInstance, type NatsServerProcess, type PostgresInstance } from '@pki/testing';
import { waitUntilReady, type AppName } from './app-process';
import { activeRootCa, bytes, pcaClient } from './fixtures/acm-pca';
import { auditSignatures, duplicateEvents, expectedPublicEventIds, outboxSchemas, pendingOutbox, settledFeed, storedEventIds } from './fixtures/audit';
import { startLoad } from './fixtures/fault-load';
import { OpensslDir } from './fixtures/openssl';
import { crlFindings, duplicateSerials, ocspAnswers, retrieveAll, verifyAll } from './fixtures/relying-party-checks';
import { settled } from './fixtures/settled';
import { ACCOUNT_A, softwareKeysEnv, startStack, type RunningStack } from './stack';

const BUCKET = 'faults-crls';
const CLIENTS = 4;
const MAX_ISSUES_PER_CLIENT = 80;
/** Certificates the load must acknowledge after each fault before the next one. */
const PROGRESS_PER_FAULT = 16;
/** The load stops by itself this long after it started, whatever the faults are doing. */
const LOAD_BUDGET_MS = 100_000;
/** Jest's bound on the test body (see the header); setup and teardown have their own. */
const TEST_TIMEOUT_MS = 200_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('faults under load: every service, nats-server and Postgres killed once', () => {
  let nats: NatsServerProcess;
  let pg: PostgresInstance;
  let stack: RunningStack;
  let pki: OpensslDir;
  let caArn: string;
  let csr: Uint8Array;
  /** SDK retries on (3 attempts, the SDK's default), as users run it. */
  const client = () => pcaClient(stack.endpoint, ACCOUNT_A, { maxAttempts: 3 });

  beforeAll(async () => {
    [nats, pg] = await Promise.all([startNatsServer(), startPostgresInstance()]);
    stack = await startStack(
      {
        ...softwareKeysEnv(),
        PKI_PUBLIC_URL: 'http://pki.faults.test',
        PKI_CRL_DELAY_MS: '500',
        PKI_CRL_POLL_MS: '200',
        // A lost request fails within 10 s; a request orphaned by a crash is finished 15 s later.
        PKI_REQUEST_TIMEOUT_MS: '10000',
        PKI_ISSUANCE_RECOVERY_AFTER_MS: '15000',
        PKI_ISSUANCE_RECOVERY_INTERVAL_MS: '2000',
      },
      { natsUrl: nats.url, postgresUrl: pg.url },
    );
    pki = new OpensslDir('faults-e2e');
    const root = await activeRootCa(client(), {
      subject: { Organization: 'Example Corp', CommonName: 'Faults Root' },
      revocation: { CrlConfiguration: { Enabled: true, S3BucketName: BUCKET, ExpirationInDays: 7 }, OcspConfiguration: { Enabled: true } },
      validity: { Type: 'YEARS', Value: 5 },
    });
    caArn = root.arn;
    pki.write('root.pem', root.certificate);
    csr = bytes(pki.csr('leaf', '/CN=leaf.faults.test'));
  }, 90_000);

  afterAll(async () => {
    pki?.remove();
    await stack?.stop().catch(() => undefined);
    await Promise.all([nats?.stop(), pg?.destroy()]);
  }, 60_000);

  it('keeps every acknowledged certificate and revocation, signs each certificate once, appends no event twice and drains every outbox', async () => {
    const started = Date.now();
    const load = startLoad({ clients: CLIENTS, caArn, csr, client, maxIssuesPerClient: MAX_ISSUES_PER_CLIENT, pauseMs: 300, deadline: started + LOAD_BUDGET_MS });
    const { record } = load;
    const timeline: string[] = [];
    const stalls: string[] = [];
    const allReady = () => Promise.all(stack.apps.map((app) => waitUntilReady(app, 60_000)));
    const progress = async (after: string) => {
      // Capped by what the load issues at most: a fast stack may be done before the last fault.
      const target = Math.min(record.certificates.length + PROGRESS_PER_FAULT, CLIENTS * MAX_ISSUES_PER_CLIENT);
      // Bounded by the load's own deadline too, so a stalled stack cannot stretch the test.
      const bound = Math.max(0, Math.min(30_000, started + LOAD_BUDGET_MS - Date.now()));
      // No load time left (a slow start on a loaded machine used it up): nothing to measure, not a stall.
      if (bound < 5_000) return void timeline.push(`no load time left to measure progress after ${after}`);
      if (!(await settled(`load progress after ${after}`, async () => record.certificates.length >= target, bound))) stalls.push(`fewer than ${PROGRESS_PER_FAULT} certificates in ${bound} ms after ${after}`);
    };
    const fault = async (name: string, inject: () => Promise<void>) => {
      const at = Date.now();
      await inject();
      await allReady();
      timeline.push(`${name}: at ${((at - started) / 1000).toFixed(1)} s (${new Date(at).toISOString()}), all ready after ${Date.now() - at} ms`);
      await progress(name);
    };
    const killApp = (app: AppName, signal: NodeJS.Signals) => async () => {
      const running = stack.apps.find((a) => a.app === app)!;
      running.child.kill(signal);
      await running.exited;
      await stack.restart(app, {});
    };

    await progress('the start');
    await fault('SIGKILL ca-service', killApp('ca-service', 'SIGKILL'));
    await fault('SIGKILL issuance-service', killApp('issuance-service', 'SIGKILL'));
    await fault('SIGKILL revocation-service', killApp('revocation-service', 'SIGKILL'));
    await fault('SIGKILL nats-server', async () => {
      await nats.kill('SIGKILL');
      await sleep(1000); // the outage the load runs into
      await nats.restart();
    });
    await fault('Postgres stop -m immediate', async () => {
      await pg.stopImmediate();
      await sleep(1000);
      await pg.start();
    });
    await fault('SIGTERM issuance-service', killApp('issuance-service', 'SIGTERM'));
    // No load of theirs, but their stores and outboxes are checked like the others'.
    await fault('SIGKILL iot-registry', killApp('iot-registry', 'SIGKILL'));
    await fault('SIGKILL directory-certs', killApp('directory-certs', 'SIGKILL'));
    await load.stop();
    const loadEnded = Date.now();

    // Settle: orphaned requests finished by the recovery worker, outboxes drained.
    await allReady();
    const schemas = await outboxSchemas(stack.db);
    const requested = () => stack.db.withSchema('issuance').selectFrom('certificates').select('serial').where('status', '=', 'REQUESTED').execute();
    await settled('no certificate left REQUESTED', async () => (await requested()).length === 0, 60_000);
    await settled('every outbox drained', async () => Object.keys(await pendingOutbox(stack.db, schemas)).length === 0, 30_000);
    const settledAt = Date.now();

    // Every acknowledged certificate retrievable and verifying; every acknowledged revocation in the CRL and OCSP.
    const certificates = record.certificates;
    const retrieval = await retrieveAll(client, caArn, certificates, pki, Date.now() + 30_000);
    const retrieved = certificates.filter((c) => c.pem !== undefined);
    const revoked = [...record.revoked];
    const crl = await crlFindings(pki, `${stack.endpoint}/${BUCKET}/crl/${caArn.split('/').pop()}.crl`, revoked, 30_000);
    const retrievable = new Set(retrieved.map((c) => c.serial));
    const ocspUrl = `${stack.endpoint}/ocsp`;
    const ocspNotRevoked = [...ocspAnswers(pki, ocspUrl, revoked.filter((s) => retrievable.has(s)))].filter(([, a]) => a !== 'revoked').map(([s, a]) => `${s}: ${a}`);
    // Revocations never acknowledged may have happened all the same: of the others, only "unknown" (or no answer) is wrong.
    const notRevoked = retrieved.filter((c) => !record.revoked.has(c.serial)).map((c) => c.serial);
    const ocspUnknown = [...ocspAnswers(pki, ocspUrl, notRevoked.slice(0, 30))].filter(([, a]) => a !== 'good' && a !== 'revoked').map(([s, a]) => `${s}: ${a}`);

    // The checks' own OCSP answers were signed (CaKeyUsed) just now: their outbox rows drain too.
    await settled('every outbox drained after the checks', async () => Object.keys(await pendingOutbox(stack.db, schemas)).length === 0, 30_000);
    // Every stored event in its stream once, and every public event its facts make in the public stream once (issue #15).
    const feed = await settledFeed(nats.url, new Set([...(await storedEventIds(stack.db, schemas)), ...(await expectedPublicEventIds(stack.db))]), 30_000);
    const findings = {
      wrongAnswers: [...record.wrong, ...retrieval.errors].map((e) => `${e.operation} at ${((e.at - started) / 1000).toFixed(1)} s: ${e.name} (${e.status}) ${e.message}`),
      stalls,
      stillRequested: (await requested()).map((r) => r.serial),
      pendingOutbox: await pendingOutbox(stack.db, schemas),
      notRetrievable: retrieval.notRetrievable,
      ...verifyAll(pki, retrieved),
      duplicateSerials: duplicateSerials(certificates),
      ...crl,
      ocspNotRevoked,
      ocspUnknown,
      signatures: await auditSignatures(stack.db),
      duplicateEvents: await duplicateEvents(stack.db, schemas),
      feed,
    };
    const issuedInStore = findings.signatures.certificatesIssued;
    const histogram = record.retryable.reduce<Record<string, number>>((h, e) => ({ ...h, [`${e.operation} ${e.name}`]: (h[`${e.operation} ${e.name}`] ?? 0) + 1 }), {});
    console.log(
      [
        `faults e2e: ${certificates.length} certificates acknowledged, ${revoked.length} revocations acknowledged, ${issuedInStore} certificates issued in all`,
        ...timeline,
        `load ended at ${((loadEnded - started) / 1000).toFixed(1)} s, settled at ${((settledAt - started) / 1000).toFixed(1)} s, checked at ${((Date.now() - started) / 1000).toFixed(1)} s`,
        `retryable errors seen by clients: ${JSON.stringify(histogram)}`,
      ].join('\n'),
    );

    // Not vacuous: the load ran through every fault and revoked some of what it issued.
    expect(certificates.length).toBeGreaterThanOrEqual(PROGRESS_PER_FAULT * 9);
    expect(revoked.length).toBeGreaterThanOrEqual(10);
    expect(findings).toEqual({
      wrongAnswers: [],
      stalls: [],
      stillRequested: [],
      pendingOutbox: {},
      notRetrievable: [],
      notVerifying: [],
      serialMismatch: [],
      duplicateSerials: [],
      crlVerifies: true,
      notInCrl: [],
      ocspNotRevoked: [],
      ocspUnknown: [],
      signatures: { certificateSignatures: issuedInStore, certificatesIssued: issuedInStore, signedTwice: [], unrecorded: [], orphans: [] },
      duplicateEvents: [],
      feed: { publishedTwice: [], missing: [] },
    });
  }, TEST_TIMEOUT_MS);
});
