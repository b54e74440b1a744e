/**
 * Issue #13, scale-out: two replicas of every service and two gateways, sharing one database,
 * one NATS namespace and one object store, under a bounded load through the real ACM PCA SDK
 * (twelve clients, each issuing ten EC P-256 certificates, reading each back and revoking every
 * third; every request goes to the next gateway in turn, as behind a load balancer). Then what
 * must hold however the replicas shared the work:
 * - no double issuance: one CertificateIssued per acknowledged IssueCertificate (same ARNs), no
 *   event appended twice, no serial twice;
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
import { waitFor } from '@pki/testing';
import type { AppProcess } from './app-process';
import { bytes, issueCertificate } from './fixtures/acm-pca';
import { auditSignatures, duplicateEvents, eventsOf, outboxSchemas, pendingOutbox } from './fixtures/audit';
import { observeCrl } from './fixtures/crl-observer';
import { startLoad } from './fixtures/fault-load';
import { GatewayRotation } from './fixtures/gateway-rotation';
import { OcspProbe } from './fixtures/ocsp-replicas';
import { OpensslDir } from './fixtures/openssl';
import { crlSequenceFindings, projectionFindings, signatureTableFindings } from './fixtures/replica-audit';
import { revocableRoot, startReplicatedStack, type ReplicatedStack } from './fixtures/replicated-stack';
import { crlFindings, duplicateSerials, retrieveAll, verifyAll } from './fixtures/relying-party-checks';
import type { RunningStack } from './stack';

const BUCKET = 'scale-out-crls';
const CLIENTS = 12;
const ISSUES_PER_CLIENT = 10;
const LOAD_BUDGET_MS = 90_000;

/** `waitFor` whose timeout is a finding, not an exception: answers whether it held in time. */
const settled = (what: string, fn: () => Promise<boolean>, timeoutMs: number): Promise<boolean> =>
  waitFor(async () => fn(), { what, timeoutMs, intervalMs: 250 }).then(
    () => true,
    () => false,
  );

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

  beforeAll(async () => {
    replicated = await startReplicatedStack({ PKI_PUBLIC_URL: 'http://pki.scale-out.test', PKI_CRL_DELAY_MS: '300', PKI_CRL_POLL_MS: '150' });
    ({ stack, gateways, rotation } = replicated);
    revocationReplicas = replicated.processes.get('revocation-service')!;
    pki = new OpensslDir('scale-out-e2e');
    caArn = await revocableRoot(replicated, pki, BUCKET, 'Scale-out Root');
    caId = caArn.split('/').pop()!;
    csr = bytes(pki.csr('leaf', '/CN=leaf.scale-out.test'));
  }, 180_000);

  afterAll(async () => {
    pki?.remove();
    await stack?.stop();
  }, 90_000);

  it('issues and signs each certificate once, keeps one CRL number sequence, invalidates OCSP on every replica and applies each event once', async () => {
    const started = Date.now();
    // A certificate both revocation replicas hold a pre-signed `good` for, before anything is revoked.
    const probe = await issueCertificate(rotation.client(), { CertificateAuthorityArn: caArn, Csr: csr, SigningAlgorithm: 'SHA256WITHECDSA', Validity: { Type: 'DAYS', Value: 30 } });
    pki.write('probe.pem', probe.certificate);
    const ocsp = new OcspProbe(pki, 'probe.pem', gateways);
    const goodEverywhere = await ocsp.until('good', revocationReplicas.length, 4, 30_000);

    const crlUrls = gateways.map((g) => `${g}/${BUCKET}/crl/${caId}.crl`);
    const observer = observeCrl(crlUrls, 200);
    const load = startLoad({ clients: CLIENTS, caArn, csr, client: () => rotation.client(), maxIssuesPerClient: ISSUES_PER_CLIENT, pauseMs: 50, deadline: started + LOAD_BUDGET_MS });
    await load.finished;
    const { record } = load;
    const loadEnded = Date.now();

    // Revoked through one gateway (one replica); every replica must stop answering its cached `good`.
    await rotation.send(new RevokeCertificateCommand({ CertificateAuthorityArn: caArn, CertificateSerial: probe.serial, RevocationReason: 'KEY_COMPROMISE' }));
    const revokedEverywhere = await ocsp.until('revoked', revocationReplicas.length, 16, 30_000);

    // Settle: outboxes drained, every projection caught up with its source.
    const schemas = await outboxSchemas(stack.db);
    const drained = await settled('every outbox drained', async () => Object.keys(await pendingOutbox(stack.db, schemas)).length === 0, 30_000);
    await settled('every projection caught up', async () => (await projectionFindings(stack.db)).length === 0, 30_000);
    const revoked = [...record.revoked, probe.serial];
    const crl = await crlFindings(pki, crlUrls[0]!, revoked, 30_000);
    const observed = await observer.stop();

    const retrieval = await retrieveAll(() => rotation.client(), caArn, record.certificates, pki, Date.now() + 30_000);
    // Each IssueCertificate acknowledged gave one certificate, and nothing else was issued (the CA's own certificate aside).
    const issuedArns = (await eventsOf(stack.db, 'issuance', ['CertificateIssued']))
      .filter((e) => !String(e.data.templateArn).includes('/RootCACertificate/'))
      .map((e) => e.data.certificateArn as string)
      .sort();
    const acknowledgedArns = [...record.certificates.map((c) => c.arn), probe.arn].sort();
    const crlSequence = await crlSequenceFindings(stack.db, caId, revocationReplicas);
    const findings = {
      clientErrors: [...record.wrong, ...record.retryable, ...retrieval.errors].map((e) => `${e.operation}: ${e.name} (${e.status}) ${e.message}`),
      drained,
      issuedArns,
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
        `SDK: ${rotation.sdk.requests} requests, ${rotation.sdk.retries} retries ${JSON.stringify(rotation.sdk.retried)}`,
        `CRLs: ${crlSequence.numbers} generated, per revocation replica ${JSON.stringify(crlSequence.byReplica)}; observer read ${observed.fetched} copies, numbers ${observed.numbers.join(',')}`,
        `OCSP: good cached on every replica after ${goodEverywhere.answers} requests; revoked everywhere after ${revokedEverywhere.answers} requests (${revokedEverywhere.others} answers other than revoked after RevokeCertificate returned)`,
      ].join('\n'),
    );

    // Not vacuous: the load issued and revoked what it was asked to, and CRLs were generated as it ran.
    expect(record.certificates.length).toBe(CLIENTS * ISSUES_PER_CLIENT);
    expect(record.revoked.size).toBeGreaterThanOrEqual(CLIENTS * Math.floor(ISSUES_PER_CLIENT / 3));
    expect(crlSequence.numbers).toBeGreaterThanOrEqual(2);
    expect(findings).toEqual({
      clientErrors: [],
      drained: true,
      issuedArns: acknowledgedArns,
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

