/**
 * Seeds one CA with issued (and some revoked) certificates in bulk, as the services would have
 * recorded them, through each service's event store (`EventStore.appendBatch`: events, outbox
 * rows and the service's own read-model writes in one transaction per batch). Every event and
 * row is made by the services' own code, loaded from dist/:
 *
 * - issuance: the intent (`certificateIntent`, the CA's real profile from `profileFor`) and the
 *   outcome (`decide(RecordSignature)`), i.e. CertificateRequested + CertificateIssued on the
 *   certificate's stream, and its `certificates` row (`writeCertificates`);
 * - ca: one CaKeyUsed per certificate on the CA's key-usage stream, with its
 *   `certificate_signatures` row (`insertCertificateSignatures`), as SignData records them;
 * - iot (when the CA is registered there): CertificateRegistered of each certificate under the
 *   CA certificate (`decideCertificate(RegisterCertificate)`) and its read-model row (`certificateRow`,
 *   what `saveCertificate` writes, in one statement per batch), as RegisterCertificate writes them;
 * - revocation: CertificateRevoked of every (count/revoked)-th certificate (`decide(RevokeCertificate)`),
 *   its `revocations` row and the CA's CRL dirty mark (`insertRevocation`, `markCrlDirty`).
 *
 * What is NOT the services' work: the certificates' signatures. The CA's key stays in ca-service,
 * and a million SignData calls would take hours, so each seeded TBSCertificate is signed by a P-256
 * key of this process. No service verifies a stored certificate's signature again after issuance
 * (issuance lints before recording; revocation, audit and OCSP read the recorded facts; IoT
 * verifies only when registering, and the CA is registered without auto-registration, so its
 * projection does not look at them). The outbox relays publish everything to JetStream and the
 * other services' projections consume it, exactly as for certificates issued through the API.
 */
import { createHash, generateKeyPairSync, randomBytes, randomUUID, sign, type KeyObject } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { sql, type Kysely } from 'kysely';
import { dist } from '../kit/dist';

const contracts = dist<any>('libs/contracts/src/index.js');
const { ConcurrencyError, EventStore } = dist<any>('libs/eventstore/src/index.js');
const pki = dist<any>('libs/pki/src/index.js');
const issuanceRequest = dist<any>('apps/issuance-service/src/domain/certificate-request.js');
const issuanceDecider = dist<any>('apps/issuance-service/src/domain/certificate.decider.js');
const issuingCa = dist<any>('apps/issuance-service/src/domain/issuing-ca.js');
const { toIssuingCaView } = dist<any>('apps/issuance-service/src/application/issuing-ca.loader.js');
const { findIssuingCaByArn } = dist<any>('apps/issuance-service/src/infrastructure/issuing-ca.queries.js');
const { issuanceDb } = dist<any>('apps/issuance-service/src/infrastructure/database.js');
const { writeCertificates } = dist<any>('apps/issuance-service/src/infrastructure/certificate.queries.js');
const { insertCertificateSignatures } = dist<any>('apps/ca-service/src/keys/certificate-signature.queries.js');
const revocationDecider = dist<any>('apps/revocation-service/src/domain/revocation.decider.js');
const { revocationStream } = dist<any>('apps/revocation-service/src/domain/revocation.events.js');
const { findCaByArn } = dist<any>('apps/revocation-service/src/infrastructure/ca.queries.js');
const { revocationDb } = dist<any>('apps/revocation-service/src/infrastructure/database.js');
const { insertRevocation, markCrlDirty } = dist<any>('apps/revocation-service/src/infrastructure/certificate.queries.js');
const { decideCertificate } = dist<any>('apps/iot-registry/src/domain/certificate.decider.js');
const { evolveCertificate } = dist<any>('apps/iot-registry/src/domain/certificate.evolve.js');
const { initialCertificateState } = dist<any>('apps/iot-registry/src/domain/certificate.state.js');
const { iotDb } = dist<any>('apps/iot-registry/src/infrastructure/database.js');
const { certificateRow } = dist<any>('apps/iot-registry/src/infrastructure/certificate.queries.js');

const REASONS = ['KEY_COMPROMISE', 'SUPERSEDED', 'CESSATION_OF_OPERATION', 'AFFILIATION_CHANGED', 'UNSPECIFIED'] as const;

export interface SeedTarget {
  readonly db: Kysely<any>;
  readonly caArn: string;
  readonly accountId: string;
  readonly region: string;
  readonly publicUrl: string;
  /** The CA's certificate as registered in IoT (RegisterCACertificate), or null to leave IoT out. */
  readonly iotCaCertificateId: string | null;
  /** The leaf CSR every seeded certificate certifies (PEM). */
  readonly csrPem: string;
  readonly count: number;
  readonly revoked: number;
  /** Certificates per transaction. */
  readonly batch: number;
  /** Batches built and committed concurrently (the CA's key-usage appends stay in order). */
  readonly workers: number;
  readonly onProgress?: (seeded: number, seconds: number, where: string) => void;
}

export interface SeedResult {
  readonly seconds: number;
  /** A uniform sample of the seeded certificates' serials (for GetCertificate). */
  readonly sample: string[];
  readonly revoked: number;
}

interface Seeded {
  readonly certificateId: string;
  readonly requestId: string;
  readonly requested: any;
  readonly events: any[];
  readonly der: Buffer;
  readonly tbsSha256: string;
  readonly signature: Buffer;
  readonly issued: any;
}

export async function seedCertificates(target: SeedTarget): Promise<SeedResult> {
  const { db } = target;
  const stores = {
    issuance: new EventStore(db, { schema: 'issuance' }),
    ca: new EventStore(db, { schema: 'ca' }),
    revocation: new EventStore(db, { schema: 'revocation' }),
    iot: new EventStore(db, { schema: 'iot' }),
  };
  const caRow = await findIssuingCaByArn(issuanceDb(db), target.caArn);
  if (!caRow || caRow.status !== 'ACTIVE') throw new Error(`issuance-service does not see ${target.caArn} ACTIVE`);
  const ca = toIssuingCaView(caRow);
  const revocationCa = await findCaByArn(revocationDb(db), target.caArn);
  if (!revocationCa || revocationCa.status !== 'ACTIVE') throw new Error(`revocation-service does not see ${target.caArn} ACTIVE`);

  // IssueCertificate's own steps up to the TBSCertificate, once: every seeded certificate has this profile.
  const input = { CertificateAuthorityArn: target.caArn, Csr: Buffer.from(target.csrPem).toString('base64'), SigningAlgorithm: 'SHA256WITHECDSA', Validity: { Type: 'DAYS', Value: 365 } };
  const template = issuanceRequest.templateFor(undefined);
  const purpose = issuingCa.issuancePurpose(ca, template);
  const csr = issuanceRequest.checkedCsr(input.Csr);
  const now = new Date();
  const profile = issuanceRequest.profileFor(input, template, csr, issuingCa.issuingCaFacts(ca, purpose, target.publicUrl), now);
  const certificateChain = issuingCa.chainFor(ca, purpose);
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });

  const step = target.revoked > 0 ? Math.max(1, Math.floor(target.count / target.revoked)) : Infinity;
  const sampleSize = 10_000;
  const sample: string[] = [];
  let revoked = 0;
  let next = 0;
  let seeded = 0;
  let lastReport = 0;
  // The CA's key-usage stream takes each batch's records at consecutive versions: one append at a time.
  let caChain: Promise<void> = Promise.resolve();
  const start = performance.now();
  /** Where the seeding time goes (ms summed over workers): building certificates, and each service's transactions. */
  const spent = { build: 0, issuance: 0, ca: 0, iot: 0, revocation: 0 };
  const timed = async <T>(key: keyof typeof spent, work: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    try {
      return await work();
    } finally {
      spent[key] += performance.now() - t0;
    }
  };

  const buildOne = (index: number): Seeded => {
    const certificateId = randomUUID();
    const requestId = randomUUID();
    const serial = issuanceRequest.serialFromRandom(randomBytes(16));
    const intent = issuanceRequest.certificateIntent({
      certificateId, caArn: ca.arn, caId: ca.id, serial, template, signingAlgorithm: input.SigningAlgorithm,
      purpose, profile, csr, certificateChain, idempotencyToken: null, accountId: target.accountId, now,
    });
    const requestedEvents = issuanceDecider.decide({ type: 'RequestCertificate', request: intent.requested }, issuanceDecider.initialState);
    const signature = localSignature(privateKey, intent.tbs);
    const der = pki.assembleCertificate(intent.tbs, input.SigningAlgorithm, signature);
    const state = issuanceDecider.evolve(issuanceDecider.initialState, requestedEvents[0]);
    const issuedEvents = issuanceDecider.decide({ type: 'RecordSignature', certificateDer: der, lintProblems: [], now: new Date() }, state);
    if (issuedEvents[0].type !== 'CertificateIssued') throw new Error(`seeded certificate ${index} was not issued: ${issuedEvents[0].data.reason}`);
    return {
      certificateId, requestId, requested: intent.requested, events: [...requestedEvents, ...issuedEvents], der,
      tbsSha256: intent.requested.tbsSha256, signature, issued: issuedEvents[0].data,
    };
  };

  const commitBatch = async (items: Seeded[], firstIndex: number): Promise<void> => {
    const meta = (s: Seeded) => ({ accountId: target.accountId, correlationId: s.requestId, causationId: null });
    // issuance: both events of each certificate, its row inserted then given its outcome (as the two appends do).
    await timed('issuance', () => stores.issuance.appendBatch(
      items.map((s) => ({ stream: contracts.certificateStream(s.certificateId), expectedVersion: 0, events: s.events, meta: meta(s) })),
      (trx: any, stored: any[][]) =>
        writeCertificates(trx, items.flatMap((s, i) => [
          { item: { kind: 'requested', row: { id: s.certificateId, ca_id: ca.id, serial: s.requested.serial, arn: s.requested.certificateArn, account_id: target.accountId, status: 'REQUESTED', certificate_chain_pem: certificateChain, requested_at: now } }, stored: [stored[i]![0]] },
          { item: { kind: 'issued', id: s.certificateId, certificateDer: s.der }, stored: [stored[i]![1]] },
        ])),
    ));
    // ca: the key-usage records, in order after the previous batch's.
    const caAppend = caChain.then(() => appendKeyUsage(db, stores.ca, ca.id, target.accountId, items, meta));
    caChain = caAppend.catch(() => undefined);
    await timed('ca', () => caAppend);
    // iot: registered under the CA certificate, as RegisterCertificate does.
    if (target.iotCaCertificateId !== null) {
      const registrations = items.map((s) => {
        const certificateId = createHash('sha256').update(s.der).digest('hex');
        const events = decideCertificate(
          {
            type: 'RegisterCertificate', certificateId, certificateArn: `arn:aws:iot:${target.region}:${target.accountId}:cert/${certificateId}`, ownedBy: target.accountId,
            caCertificateId: target.iotCaCertificateId, certificatePem: pki.toPem(s.der, 'CERTIFICATE'), status: 'ACTIVE', certificateMode: 'SNI_ONLY',
            notBefore: s.requested.notBefore, notAfter: s.requested.notAfter, source: 'RegisterCertificate', now: new Date(), generationId: randomUUID(),
          },
          initialCertificateState,
        );
        return { certificateId, events, state: events.reduce(evolveCertificate, initialCertificateState), meta: meta(s) };
      });
      await timed('iot', () => stores.iot.appendBatch(
        registrations.map((r) => ({ stream: contracts.iotCertificateStream(r.certificateId), expectedVersion: 0, events: r.events, meta: r.meta })),
        // saveCertificate's row, for the whole batch in one statement (a new certificate: nothing to update).
        (trx: any) => iotDb(trx).insertInto('certificates').values(registrations.map((r) => certificateRow(r.state))).execute(),
      ));
    }
    // revocation: every step-th certificate.
    const toRevoke = items.filter((_, i) => (firstIndex + i) % step === 0 && (firstIndex + i) / step < target.revoked);
    if (toRevoke.length > 0) {
      revoked += toRevoke.length;
      const caFacts = { id: revocationCa.id, arn: revocationCa.arn, ownerAccount: revocationCa.owner_account, status: revocationCa.status, certificateSerial: revocationCa.certificate_serial, subject: revocationCa.subject };
      const revocations = toRevoke.map((s, i) => {
        const events = revocationDecider.decide(
          {
            type: 'RevokeCertificate', callerAccount: target.accountId, ca: caFacts,
            certificate: { serial: s.requested.serial, certificateArn: s.requested.certificateArn, issuerDn: s.issued.issuerDn, sha256Fingerprint: s.issued.sha256Fingerprint, selfSigned: false },
            serial: s.requested.serial, reason: REASONS[i % REASONS.length], caArn: target.caArn, now: new Date(),
          },
          revocationDecider.initialState,
        );
        return { s, events };
      });
      await timed('revocation', () => stores.revocation.appendBatch(
        revocations.map((r) => ({ stream: revocationStream(revocationCa.id, r.s.requested.serial), expectedVersion: 0, events: r.events, meta: meta(r.s) })),
        async (trx: any, stored: any[][]) => {
          const rdb = revocationDb(trx);
          for (let i = 0; i < revocations.length; i++) {
            const event = stored[i]![0];
            await insertRevocation(rdb, {
              ca_id: event.data.certificateAuthorityId, serial: event.data.serial, certificate_arn: event.data.certificateArn, revoked_at: new Date(event.data.revokedAt),
              reason: event.data.revocationReason, not_after: new Date(revocations[i]!.s.requested.notAfter), event_id: event.id,
            });
            await markCrlDirty(rdb, event.data.certificateAuthorityId, new Date(event.data.revokedAt));
          }
        },
      ));
    }
  };

  const worker = async (): Promise<void> => {
    while (next < target.count) {
      const first = next;
      const size = Math.min(target.batch, target.count - first);
      next += size;
      const t0 = performance.now();
      const items = Array.from({ length: size }, (_, i) => buildOne(first + i));
      spent.build += performance.now() - t0;
      // Reservoir sampling keeps a uniform sample of serials without holding all of them.
      items.forEach((s, i) => {
        const index = first + i;
        if (sample.length < sampleSize) sample.push(s.requested.serial);
        else {
          const j = Math.floor(Math.random() * (index + 1));
          if (j < sampleSize) sample[j] = s.requested.serial;
        }
      });
      await commitBatch(items, first);
      seeded += size;
      const seconds = (performance.now() - start) / 1000;
      if (target.onProgress && (seconds - lastReport > 15 || seeded === target.count)) {
        lastReport = seconds;
        target.onProgress(seeded, seconds, Object.entries(spent).map(([k, ms]) => `${k} ${(ms / 1000).toFixed(0)} s`).join(', '));
      }
    }
  };
  await Promise.all(Array.from({ length: target.workers }, worker));
  return { seconds: (performance.now() - start) / 1000, sample, revoked };
}

/** The bench's own P-256 signature of the TBSCertificate (DER ECDSA-Sig-Value, as ca-service returns it). */
function localSignature(key: KeyObject, tbs: Buffer): Buffer {
  return sign('sha256', tbs, key);
}

/** CaKeyUsed records as SigningService writes them for SignData of a certificate, with the certificate's signature row. */
async function appendKeyUsage(db: Kysely<any>, store: any, caId: string, accountId: string, items: Seeded[], meta: (s: Seeded) => object): Promise<void> {
  const stream = contracts.caKeyUsageStream(caId);
  for (let attempt = 1; ; attempt++) {
    // ca-service's CRL worker may sign (SignDigest) on the same stream meanwhile: read the version each time.
    const { rows } = await sql<{ v: number | null }>`select max(version) as v from ca.events where stream = ${stream}`.execute(db);
    const version = Number(rows[0]?.v ?? 0);
    const at = new Date().toISOString();
    const usages = items.map((s) => ({
      certificateAuthorityId: caId, purpose: 'CERTIFICATE', signingAlgorithm: 'SHA256WITHECDSA', input: 'DATA', sha256: s.tbsSha256, digest: s.tbsSha256,
      signatureSha256: createHash('sha256').update(s.signature).digest('hex'), requestedBy: 'issuance-service/IssueCertificate', requestedForAccount: accountId,
      keyBackend: 'software', at,
    }));
    try {
      await store.appendBatch(
        items.map((s, i) => ({ stream, expectedVersion: version + i, events: [{ type: contracts.KEY_USAGE_EVENT_TYPES.CaKeyUsed, schemaVersion: 1, data: usages[i] }], meta: meta(s) })),
        (trx: any, stored: any[][]) =>
          insertCertificateSignatures(
            trx,
            items.map((s, i) => ({
              certificate_id: s.certificateId, certificate_authority_id: caId, signing_algorithm: 'SHA256WITHECDSA', tbs_sha256: s.tbsSha256,
              signature: s.signature, key_used_event_id: stored[i]![0].id, signed_at: new Date(at),
            })),
          ),
      );
      return;
    } catch (error) {
      if (!(error instanceof ConcurrencyError) || attempt >= 20) throw error;
    }
  }
}
