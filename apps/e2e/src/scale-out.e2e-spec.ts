/**
 * Issue #13, scale-out: two replicas of every service and two gateways, sharing one database,
 * one NATS namespace and one object store, under a bounded load through the real ACM PCA SDK
 * (twelve clients, each issuing ten EC P-256 certificates, reading each back and revoking every
 * third; beside them two AWS IoT clients creating certificates from a CSR through the same CA and
 * describing them; every request goes to the next gateway in turn, as behind a load balancer).
 * Then what must hold however the replicas shared the work:
 * - no double issuance: exactly one certificate per acknowledged IssueCertificate and
 *   CreateCertificateFromCsr (the issued certificates' fingerprints are exactly those
 *   acknowledged), no event appended twice, no serial twice, one IoT registration each;
 * - no double signing: one CaKeyUsed per issued certificate's TBS and one kept signature each in
 *   ca.certificate_signatures, the one the certificate carries;
 * - one cRLNumber sequence per CA: both revocation-service replicas generate CRLs (their CRL
 *   workers poll every 150 ms, revocations are coalesced for 300 ms), no number twice, numbers
 *   never going back for a relying party fetching the CRL all along through both gateways;
 * - OCSP caches invalidated on every replica: both replicas hold a pre-signed `good` for a
 *   certificate (two distinct cached responses seen), the certificate is revoked through one
 *   gateway, and then both replicas answer `revoked` through both gateways;
 * - projections applied once: each projection's processed markers equal its source's events,
 *   the read models hold one row per fact, nothing parked;
 * - every acknowledged certificate retrievable and verifying, every revocation in the CRL.
 * All findings are collected and compared at once.
 *
 * Time budget (loaded 2-core machine): stack of twelve processes and CA ~40-70 s; load ~15-40 s;
 * OCSP and settling ~5-20 s; checks ~5 s. Every wait has its own bound; Jest's timeouts (180 s
 * setup, 240 s test) cap a run that goes wrong.
 */
import { RevokeCertificateCommand } from '@aws-sdk/client-acm-pca';
import { CreateCertificateFromCsrCommand, DescribeCertificateCommand, IoTClient } from '@aws-sdk/client-iot';
import type { AppProcess } from './app-process';
import { bytes, issueCertificate } from './fixtures/acm-pca';
import { auditSignatures, duplicateEvents, eventsOf, outboxSchemas, pendingOutbox } from './fixtures/audit';
import { observeCrl } from './fixtures/crl-observer';
import { countRows } from './fixtures/db';
import { startLoad } from './fixtures/fault-load';
import { GatewayRotation } from './fixtures/gateway-rotation';
import { certificateId } from './fixtures/iot';
import { OcspProbe } from './fixtures/ocsp-replicas';
import { OpensslDir } from './fixtures/openssl';
import { crlSequenceFindings, projectionFindings, sampleConnections, signatureTableFindings, stillRequested } from './fixtures/replica-audit';
import { POOL_SIZE, revocableRoot, startReplicatedStack, type ReplicatedStack } from './fixtures/replicated-stack';
import { crlFindings, duplicateSerials, retrieveAll, verifyAll } from './fixtures/relying-party-checks';
import { settled } from './fixtures/settled';
import { ACCOUNT_A, type RunningStack } from './stack';

const BUCKET = 'scale-out-crls';
const CLIENTS = 12;
const ISSUES_PER_CLIENT = 10;
const LOAD_BUDGET_MS = 90_000;
const IOT_CLIENTS = 2;
const IOT_ISSUES_PER_CLIENT = 6;


/**
 * IoT beside the ACM PCA load: each client creates certificates from one CSR (CreateCertificateFromCsr,
 * ACTIVE) and describes each through the rotation's next gateway. Answers the certificate ids
 * created and every error a client saw.
 */
function iotLoad(rotation: GatewayRotation<IoTClient>, csr: string): { readonly created: string[]; readonly errors: string[]; readonly finished: Promise<void> } {
  const created: string[] = [];
  const errors: string[] = [];
  const client = async () => {
    for (let i = 0; i < IOT_ISSUES_PER_CLIENT; i++) {
      try {
        const { certificateId: id } = await rotation.send(new CreateCertificateFromCsrCommand({ certificateSigningRequest: csr, setAsActive: true }));
        created.push(id!);
        const { certificateDescription } = await rotation.send(new DescribeCertificateCommand({ certificateId: id! }));
        if (certificateDescription?.status !== 'ACTIVE') errors.push(`${id}: described ${certificateDescription?.status}`);
      } catch (error) {
        errors.push(`${(error as Error).name}: ${(error as Error).message}`);
      }
    }
  };
  return { created, errors, finished: Promise.all(Array.from({ length: IOT_CLIENTS }, client)).then(() => undefined) };
}

describe('scale-out: two replicas of every app and two gateways under load', () => {
  let replicated: ReplicatedStack;
  let stack: RunningStack;
  let pki: OpensslDir;
  let rotation: GatewayRotation;
  let gateways: string[];
  let revocationReplicas: AppProcess[];
  let caArn: string;
  let caId: string;
  let csr: Uint8Array;
  let deviceCsr: string;
  let iotRotation: GatewayRotation<IoTClient>;

  beforeAll(async () => {
    replicated = await startReplicatedStack({ PKI_PUBLIC_URL: 'http://pki.scale-out.test', PKI_CRL_DELAY_MS: '300', PKI_CRL_POLL_MS: '150' });
    ({ stack, gateways, rotation } = replicated);
    revocationReplicas = replicated.processes.get('revocation-service')!;
    pki = new OpensslDir('scale-out-e2e');
    caArn = await revocableRoot(replicated, pki, BUCKET, 'Scale-out Root');
    caId = caArn.split('/').pop()!;
    csr = bytes(pki.csr('leaf', '/CN=leaf.scale-out.test'));
    deviceCsr = pki.csr('device', '/O=Example Corp/CN=thing.scale-out.test');
    // Both iot-registry replicas issue IoT certificates through the new CA (configuration read at start).
    const iotReplicas = replicated.processes.get('iot-registry')!;
    const replaced = await Promise.all(iotReplicas.map((p) => stack.replace(p, { PKI_IOT_ISSUING_CA_ARN: caArn })));
    replaced.forEach((r, i) => (iotReplicas[i] = r.process));
    iotRotation = new GatewayRotation(gateways, (endpoint) => new IoTClient({ endpoint, region: 'us-east-1', credentials: ACCOUNT_A, maxAttempts: 3 }));
  }, 180_000);

  afterAll(async () => {
    pki?.remove();
    await stack?.stop();
  }, 90_000);

  it('issues and signs each certificate once, keeps one CRL number sequence, invalidates OCSP on every replica and applies each event once', async () => {
    const started = Date.now();
    // A certificate both gateways hold a pre-signed `good` for, before anything is revoked.
    const probe = await issueCertificate(rotation.client(), { CertificateAuthorityArn: caArn, Csr: csr, SigningAlgorithm: 'SHA256WITHECDSA', Validity: { Type: 'DAYS', Value: 30 } });
    pki.write('probe.pem', probe.certificate);
    const ocsp = new OcspProbe(pki, 'probe.pem', gateways);
    const goodEverywhere = await ocsp.until('good', gateways.length, 4, 30_000);

    const crlUrls = gateways.map((g) => `${g}/${BUCKET}/crl/${caId}.crl`);
    const observer = observeCrl(crlUrls, 200);
    const connections = sampleConnections(stack.db, 250);
    const load = startLoad({ clients: CLIENTS, caArn, csr, client: () => rotation.client(), maxIssuesPerClient: ISSUES_PER_CLIENT, pauseMs: 50, deadline: started + LOAD_BUDGET_MS });
    const iot = iotLoad(iotRotation, deviceCsr);
    await Promise.all([load.finished, iot.finished]);
    const { record } = load;
    const loadEnded = Date.now();
    const peakConnections = await connections.stop();

    // Revoked through one gateway (one replica); every gateway must stop answering its pre-signed `good`.
    await rotation.send(new RevokeCertificateCommand({ CertificateAuthorityArn: caArn, CertificateSerial: probe.serial, RevocationReason: 'KEY_COMPROMISE' }));
    const revokedEverywhere = await ocsp.until('revoked', gateways.length, 16, 30_000);

    // Settle: outboxes drained, every projection caught up with its source.
    const schemas = await outboxSchemas(stack.db);
    const drained = await settled('every outbox drained', async () => Object.keys(await pendingOutbox(stack.db, schemas)).length === 0, 30_000);
    await settled('no certificate left REQUESTED', async () => (await stillRequested(stack.db)).length === 0, 30_000);
    await settled('every projection caught up', async () => (await projectionFindings(stack.db)).length === 0, 30_000);
    const revoked = [...record.revoked, probe.serial];
    const crl = await crlFindings(pki, crlUrls[0]!, revoked, 30_000);
    const observed = await observer.stop();

    const retrieval = await retrieveAll(() => rotation.client(), caArn, record.certificates, pki, Date.now() + 30_000);
    // Each IssueCertificate acknowledged gave one certificate, and nothing else was issued (the CA's own certificate aside).
    // By SHA-256 fingerprint (IoT's certificate id), across both APIs.
    const issuedIds = (await eventsOf(stack.db, 'issuance', ['CertificateIssued']))
      .filter((e) => !String(e.data.templateArn).includes('/RootCACertificate/'))
      .map((e) => e.data.sha256Fingerprint as string)
      .sort();
    const acknowledgedIds = [...record.certificates.map((c) => (c.pem ? certificateId(c.pem) : `no PEM for ${c.arn}`)), certificateId(probe.certificate), ...iot.created].sort();
    const crlSequence = await crlSequenceFindings(stack.db, caId, revocationReplicas);
    const findings = {
      clientErrors: [...record.wrong, ...record.retryable, ...retrieval.errors].map((e) => `${e.operation}: ${e.name} (${e.status}) ${e.message}`),
      iotErrors: iot.errors,
      iotRegistered: await countRows(stack.db, 'iot', 'certificates'),
      stillRequested: await stillRequested(stack.db),
      drained,
      issuedIds,
      notRetrievable: retrieval.notRetrievable,
      ...verifyAll(pki, record.certificates),
      duplicateSerials: duplicateSerials(record.certificates),
      duplicateEvents: await duplicateEvents(stack.db, schemas),
      signatures: await auditSignatures(stack.db),
      signatureTable: await signatureTableFindings(stack.db),
      crl,
      crlSequence: crlSequence.findings,
      crlObserved: observed.findings,
      crlPublishersAll: crlSequence.byReplica.every((n) => n > 0),
      ocspGoodCachedOnEveryReplica: goodEverywhere.met,
      ocspRevokedOnEveryReplica: revokedEverywhere.met,
      projections: await projectionFindings(stack.db),
    };
    const issued = findings.signatures.certificatesIssued;
    console.log(
      [
        `scale-out e2e: ${record.certificates.length} certificates and ${record.revoked.size} revocations acknowledged in ${((loadEnded - started) / 1000).toFixed(1)} s through ${gateways.length} gateways; ${issued} certificates issued in all`,
        `IoT: ${iot.created.length} certificates created and described through both gateways`,
        `SDK: ${rotation.sdk.requests + iotRotation.sdk.requests} requests, ${rotation.sdk.retries + iotRotation.sdk.retries} retries ${JSON.stringify([...rotation.sdk.retried, ...iotRotation.sdk.retried])}`,
        `failed attempts: ${JSON.stringify([...rotation.sdk.failedAttempts, ...iotRotation.sdk.failedAttempts])}`,
        `Postgres: at most ${peakConnections} connections to the stack's database during the load (service pools of ${POOL_SIZE})`,
        `CRLs: ${crlSequence.numbers} generated, per revocation replica ${JSON.stringify(crlSequence.byReplica)}; observer read ${observed.fetched} copies, numbers ${observed.numbers.join(',')}`,
        `OCSP: ${goodEverywhere.met ? '' : 'NOT '}good cached on every replica after ${goodEverywhere.answers} requests; ${revokedEverywhere.met ? '' : 'NOT '}revoked on every replica after ${revokedEverywhere.answers} requests (${revokedEverywhere.others} answers other than revoked after RevokeCertificate returned)`,
      ].join('\n'),
    );

    // Not vacuous: the load issued and revoked what it was asked to, and CRLs were generated as it ran.
    expect(record.certificates.length).toBe(CLIENTS * ISSUES_PER_CLIENT);
    expect(record.revoked.size).toBeGreaterThanOrEqual(CLIENTS * Math.floor(ISSUES_PER_CLIENT / 3));
    expect(crlSequence.numbers).toBeGreaterThanOrEqual(2);
    expect(iot.created.length).toBe(IOT_CLIENTS * IOT_ISSUES_PER_CLIENT);
    // PKI_DATABASE_POOL_SIZE holds: ten service processes' pools and this suite's own (10) at most.
    expect(peakConnections).toBeLessThanOrEqual(10 * POOL_SIZE + 10);
    // Retries the SDK made by itself (listed above): near zero, not a share of the load.
    expect(rotation.sdk.retries + iotRotation.sdk.retries).toBeLessThanOrEqual(Math.ceil((rotation.sdk.requests + iotRotation.sdk.requests) / 100));
    expect(findings).toEqual({
      clientErrors: [],
      iotErrors: [],
      iotRegistered: iot.created.length,
      stillRequested: [],
      drained: true,
      issuedIds: acknowledgedIds,
      notRetrievable: [],
      notVerifying: [],
      serialMismatch: [],
      duplicateSerials: [],
      duplicateEvents: [],
      signatures: { certificateSignatures: issued, certificatesIssued: issued, signedTwice: [], unrecorded: [], orphans: [] },
      signatureTable: [],
      crl: { crlVerifies: true, notInCrl: [] },
      crlSequence: [],
      crlObserved: [],
      crlPublishersAll: true,
      ocspGoodCachedOnEveryReplica: true,
      ocspRevokedOnEveryReplica: true,
      projections: [],
    });
  }, 240_000);
});

