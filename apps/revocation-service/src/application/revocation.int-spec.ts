/**
 * RevokeCertificate, CRL generation and the OCSP responder against real Postgres, with the CA
 * and its certificates fed through this service's projections (as ca-service's and
 * issuance-service's events would), a test Signer holding an openssl-made CA key (the real
 * ca-service SignData/SignDigest path is exercised by apps/e2e/src/revocation.e2e-spec.ts), and
 * filesystem object storage. CRLs and OCSP responses are checked with the openssl CLI.
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { CA_EVENT_TYPES, DomainError, ISSUANCE_EVENT_TYPES, REVOCATION_EVENT_TYPES, type CertificateIssuedV1, type CommandMessage, type EventEnvelope, type OcspRequestsOutput, type OcspResponderLeaseOutput, type OcspResponseItem } from '@pki/contracts';
import { EventStore, eventStoreMigrations, migrateToLatest, projectionMigrations } from '@pki/eventstore';
import { createObjectStorage } from '@pki/object-storage';
import { fromPem, parseCertificate, toPem } from '@pki/pki';
import { createTestDatabase, waitFor, type TestDatabase } from '@pki/testing';
import { sql } from 'kysely';
import { makeTestCa, type TestCa } from '../domain/test-ca.spec-helper';
import { REVOCATION_SCHEMA } from '../infrastructure/database';
import type { IssuanceQueries } from '../infrastructure/issuance.client';
import { issuedCertificateProjection } from '../infrastructure/projections/issued-certificate.projection';
import { revocationCaProjection } from '../infrastructure/projections/revocation-ca.projection';
import { revocationMigrations } from '../migrations';
import { generateCrl } from './crl-generation';
import { runCrlPass } from './crl.worker';
import { revocationHandlers } from './revocation.handlers';
import type { RemoteSigner, RevocationContext } from './revocation-context';

const OWNER = { accountId: '111111111111', accessKeyId: 'AKIDA' };
const OTHER = { accountId: '222222222222', accessKeyId: 'AKIDB' };
const BUCKET = 'crl-bucket-int';

describe('revocation-service (Postgres)', () => {
  let database: TestDatabase;
  let store: EventStore;
  let ca: TestCa;
  let now = new Date();
  let signDigestFailure: Error | undefined;
  let signCount = 0;
  const caId = randomUUID();
  const caArn = `arn:aws:acm-pca:us-east-1:${OWNER.accountId}:certificate-authority/${caId}`;
  const objectDir = mkdtempSync(path.join(tmpdir(), 'revocation-int-'));
  const objects = createObjectStorage({ PKI_OBJECT_STORE: 'filesystem', PKI_OBJECT_STORE_DIR: objectDir });

  const signer = (): RemoteSigner => ({
    signData: async (input) => {
      signCount++;
      return ca.sign(Buffer.from(input.dataBase64, 'base64'));
    },
    signDataBatch: async (input) => {
      signCount += input.items.length;
      return input.items.map((item) => ca.sign(Buffer.from(item.dataBase64, 'base64')));
    },
    signDigest: async (input) => {
      signCount++;
      if (signDigestFailure) throw signDigestFailure;
      // ECDSA over the precomputed digest, as ca-service's Signer does: openssl pkeyutl signs the digest as given.
      ca.dir.write('digest.bin', Buffer.from(input.digestBase64, 'base64'));
      ca.dir.run('pkeyutl', '-sign', '-inkey', 'ca.key', '-in', 'digest.bin', '-out', 'digest.sig');
      return ca.dir.read('digest.sig');
    },
  });
  // issuance-service as LookupIssuedCertificate answers: what it issued (events this service may not have projected yet).
  const issuanceKnows = new Map<string, EventEnvelope>();
  const beingIssued = new Set<string>();
  let issuanceDown = false;
  let lookups = 0;
  const issuance: IssuanceQueries = {
    lookupIssuedCertificate: async ({ certificateAuthorityId, serial }) => {
      lookups++;
      if (issuanceDown) throw new DomainError('Unavailable', 'The issuance service is not available; try again later.');
      if (beingIssued.has(serial)) return { status: 'IN_PROGRESS' };
      const event = issuanceKnows.get(serial);
      return event && certificateAuthorityId === caId ? { status: 'ISSUED', eventId: event.id, certificate: event.data as CertificateIssuedV1 } : { status: 'NOT_ISSUED' };
    },
  };
  const context = (): RevocationContext => ({ db: database.db, pgPool: database.pool, store, objects, signer: signer(), publicUrl: 'http://pki.example.test', now: () => now, issuance, catchUpMs: 0, crlDelayMs: 1000, ocspValiditySeconds: 3600 });
  const handlers = () => revocationHandlers(context());
  const msg = (input: unknown, caller = OWNER): CommandMessage => ({ caller, requestId: randomUUID(), input });
  /** One OCSP request through OcspRequests (the gateway's batches), its one response. */
  const ocspOne = async (requestBase64: string): Promise<OcspResponseItem> =>
    ((await handlers().OcspRequests!(msg({ requests: [{ requestBase64, requestId: randomUUID() }] }))) as OcspRequestsOutput).responses[0]!;
  const revoke = (serial: string, reason = 'KEY_COMPROMISE', caller = OWNER, arn = caArn) => handlers().RevokeCertificate!(msg({ CertificateAuthorityArn: arn, CertificateSerial: serial, RevocationReason: reason }, caller));
  const failure = async (p: Promise<unknown>) => (await domainError(p)).code;
  const domainError = async (p: Promise<unknown>) => {
    try {
      await p;
    } catch (error) {
      if (error instanceof DomainError) return error;
      throw error;
    }
    throw new Error('expected a DomainError');
  };
  const count = async (table: string) => Number((await database.db.withSchema(REVOCATION_SCHEMA).selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  const eventCount = async (type: string) => Number((await database.db.withSchema(REVOCATION_SCHEMA).selectFrom('events').where('type', '=', type).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

  let caVersion = 0;
  const caEvent = async (type: string, data: Record<string, unknown>) => {
    const event: EventEnvelope = { id: randomUUID(), stream: `ca-${caId}`, version: ++caVersion, type, schemaVersion: 1, occurredAt: now.toISOString(), correlationId: 't', causationId: null, accountId: OWNER.accountId, data: { certificateAuthorityId: caId, arn: caArn, ...data } };
    await database.db.transaction().execute((trx) => revocationCaProjection.apply(trx, event));
    return event;
  };
  /** A CertificateIssued as issuance publishes it (`name`.pem made with openssl), projected here by `issued`. */
  const issuedEvent = (name: string, serial: string): EventEnvelope => {
    if (name !== 'ca') ca.issue(name, serial);
    const der = Buffer.from(fromPem(ca.dir.read(`${name}.pem`).toString('utf8'), 'CERTIFICATE'));
    const parsed = parseCertificate(der);
    const event: EventEnvelope = {
      id: randomUUID(), stream: `certificate-${randomUUID()}`, version: 2, type: ISSUANCE_EVENT_TYPES.CertificateIssued, schemaVersion: 1, occurredAt: now.toISOString(), correlationId: 't', causationId: null, accountId: OWNER.accountId,
      data: { certificateArn: `${caArn}/certificate/${serial}`, certificateAuthorityArn: caArn, certificateAuthorityId: caId, serial, subject: parsed.subject, issuerDn: parsed.issuer, notBefore: parsed.notBefore.toISOString(), notAfter: parsed.notAfter.toISOString(), issuedAt: now.toISOString(), templateArn: 'arn:aws:acm-pca:::template/EndEntityCertificate/V1', certificateDer: der.toString('base64'), sha256Fingerprint: createHash('sha256').update(der).digest('hex'), accountId: OWNER.accountId, requestedByServicePrincipal: null },
    };
    return event;
  };
  const issued = async (name: string, serial: string) => {
    const event = issuedEvent(name, serial);
    await database.db.transaction().execute((trx) => issuedCertificateProjection.apply(trx, event));
    return event;
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    await migrateToLatest(database.db, REVOCATION_SCHEMA, { ...eventStoreMigrations(REVOCATION_SCHEMA), ...projectionMigrations(REVOCATION_SCHEMA), ...revocationMigrations(REVOCATION_SCHEMA) });
    store = new EventStore(database.db, { schema: REVOCATION_SCHEMA });
    ca = makeTestCa('ec');
    await caEvent(CA_EVENT_TYPES.CertificateAuthorityCreated, {
      ownerAccount: OWNER.accountId, type: 'ROOT', configuration: { KeyAlgorithm: 'EC_prime256v1', SigningAlgorithm: 'SHA256WITHECDSA' }, usageMode: 'GENERAL_PURPOSE',
      revocationConfiguration: { CrlConfiguration: { Enabled: true, S3BucketName: BUCKET, ExpirationInDays: 3 }, OcspConfiguration: { Enabled: true } },
    });
    await caEvent(CA_EVENT_TYPES.CsrCreated, { status: 'PENDING_CERTIFICATE' });
    const parsed = parseCertificate(ca.certDer);
    const imported = await caEvent(CA_EVENT_TYPES.CertificateImported, { certificate: toPem(ca.certDer, 'CERTIFICATE'), certificateChain: null, serial: parsed.serialHex, notBefore: parsed.notBefore.toISOString(), notAfter: parsed.notAfter.toISOString(), subject: parsed.subject, issuer: parsed.issuer, status: 'ACTIVE' });
    // Replays change nothing (the row is at a newer version already).
    await database.db.transaction().execute((trx) => revocationCaProjection.apply(trx, { ...imported, data: { ...(imported.data as object), status: 'DISABLED' } }));
    const first = await issued('leaf1', '1a2b3c4d5e6f7081');
    await database.db.transaction().execute((trx) => issuedCertificateProjection.apply(trx, first));
    await issued('leaf2', '7f00000000000002');
    await issued('leaf3', 'c0ffee');
    // The root's own certificate, as issuance reports it when the root signs it (RootCACertificate/V1).
    await issued('ca', parsed.serialHex.replace(/^0+/, ''));
  }, 60_000);
  afterAll(async () => {
    ca?.dir.remove();
    await database?.destroy();
    rmSync(objectDir, { recursive: true, force: true });
  });

  it('projects the CA (ACTIVE, replay-safe) and the issued certificates once', async () => {
    const row = await database.db.withSchema(REVOCATION_SCHEMA).selectFrom('cas').selectAll().where('id', '=', caId).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'ACTIVE', crl_enabled: true, crl_expiration_days: 3, crl_s3_bucket_name: BUCKET, ocsp_enabled: true, signing_algorithm: 'SHA256WITHECDSA' });
    expect(await count('issued_certificates')).toBe(4);
    expect(await count('ca_key_hashes')).toBe(4);
  });

  it('bad input writes nothing: non-hex serial, unknown serial, unknown CA, other account, the CA certificate itself', async () => {
    expect(await failure(revoke('zz:12'))).toBe('InvalidRequestException');
    expect(await failure(revoke('dead:beef'))).toBe('ResourceNotFoundException');
    expect(await failure(revoke('1a2b3c4d5e6f7081', 'KEY_COMPROMISE', OWNER, `arn:aws:acm-pca:us-east-1:${OWNER.accountId}:certificate-authority/${randomUUID()}`))).toBe('ResourceNotFoundException');
    expect(await failure(revoke('1a2b3c4d5e6f7081', 'KEY_COMPROMISE', OTHER))).toBe('AccessDeniedException');
    expect(await failure(revoke('1a2b3c4d5e6f7081', 'LOST'))).toBe('InvalidRequestException');
    expect(await failure(revoke('1a2b3c4d5e6f7081', 'KEY_COMPROMISE', OWNER, 'not-an-arn'))).toBe('InvalidArnException');
    expect(await failure(revoke(parseCertificate(ca.certDer).serialHex))).toBe('InvalidRequestException');
    expect(await count('revocations')).toBe(0);
    expect(await eventCount(REVOCATION_EVENT_TYPES.CertificateRevoked)).toBe(0);
  });

  it('revokes once (colons, upper case); 20 concurrent duplicates: exactly one event, the rest RequestAlreadyProcessedException', async () => {
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => revoke('1A:2B:3C:4D:5E:6F:70:81')));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results.filter((r): r is PromiseRejectedResult => r.status === 'rejected')) expect((r.reason as DomainError).code).toBe('RequestAlreadyProcessedException');
    expect(await failure(revoke('1a2b3c4d5e6f7081', 'SUPERSEDED'))).toBe('RequestAlreadyProcessedException');
    expect(await eventCount(REVOCATION_EVENT_TYPES.CertificateRevoked)).toBe(1);
    const [event] = await store.load(`revocation-${caId}-1a2b3c4d5e6f7081`);
    expect(event!.data).toMatchObject({ serial: '1a2b3c4d5e6f7081', certificateAuthorityId: caId, revocationReason: 'KEY_COMPROMISE', issuerDn: expect.stringContaining('Revocation Test CA'), sha256Fingerprint: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const outbox = Number((await database.db.withSchema(REVOCATION_SCHEMA).selectFrom('outbox').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    expect(outbox).toBeGreaterThanOrEqual(1);
  });

  it('the CRL lists the revocation with its reason and verifies with openssl; verify -crl_check fails for it, passes for a sibling', async () => {
    now = new Date();
    expect(await runCrlPass(context())).toBe(1);
    const object = await objects.get(BUCKET, `crl/${caId}.crl`);
    expect(object).toMatchObject({ acl: 'PUBLIC_READ', ownerAccount: OWNER.accountId });
    ca.dir.write('ca.crl', object!.body);
    const text = ca.dir.run('crl', '-inform', 'DER', '-in', 'ca.crl', '-CAfile', 'ca.pem', '-noout', '-text', '-verify');
    expect(text).toMatch(/verify OK/);
    expect(text).toMatch(/Serial Number: 1A2B3C4D5E6F7081\s+Revocation Date: .*\s+CRL entry extensions:\s+X509v3 CRL Reason Code:\s+Key Compromise/);
    expect(text).toMatch(/X509v3 CRL Number:\s+1\n/);
    expect(text).toMatch(/X509v3 Authority Key Identifier/);
    ca.dir.run('crl', '-inform', 'DER', '-in', 'ca.crl', '-out', 'ca.crl.pem');
    const revoked = ca.dir.exec('verify', '-crl_check', '-CAfile', 'ca.pem', '-CRLfile', 'ca.crl.pem', 'leaf1.pem');
    expect(revoked.status).not.toBe(0);
    expect(revoked.output).toMatch(/certificate revoked/);
    expect(ca.dir.run('verify', '-crl_check', '-CAfile', 'ca.pem', '-CRLfile', 'ca.crl.pem', 'leaf2.pem')).toMatch(/leaf2.pem: OK/);
    const generated = await store.load(`crl-${caId}-1`);
    expect(generated[0]!.data).toMatchObject({ crlNumber: '1', entryCount: 1, size: object!.body.length, url: `http://pki.example.test/${BUCKET}/crl/${caId}.crl` });
    // Nothing due right after publishing.
    expect(await runCrlPass(context())).toBe(0);
  });

  it('regenerates within the delay after a revocation; a failing signer is retried later', async () => {
    await revoke('c0ffee', 'UNSPECIFIED');
    expect(await runCrlPass(context())).toBe(0); // coalescing window (1 s) still open
    now = new Date(now.getTime() + 1500);
    signDigestFailure = new DomainError('Unavailable', 'ca-service is down');
    expect(await runCrlPass(context())).toBe(0);
    const failed = await database.db.withSchema(REVOCATION_SCHEMA).selectFrom('crl_states').selectAll().where('ca_id', '=', caId).executeTakeFirstOrThrow();
    expect(failed).toMatchObject({ failures: 1, last_error: 'ca-service is down' });
    signDigestFailure = undefined;
    expect(await runCrlPass(context())).toBe(0); // retryAfter not reached
    now = new Date(now.getTime() + 6000);
    expect(await runCrlPass(context())).toBe(1);
    ca.dir.write('ca2.crl', (await objects.get(BUCKET, `crl/${caId}.crl`))!.body);
    const text = ca.dir.run('crl', '-inform', 'DER', '-in', 'ca2.crl', '-CAfile', 'ca.pem', '-noout', '-text', '-verify');
    expect(text).toMatch(/Serial Number: C0FFEE/);
    expect(text).toMatch(/X509v3 CRL Number:\s+3\n/); // 2 was consumed by the failed attempt: numbers never repeat
  });

  it('cRLNumbers strictly increase over 20 regenerations, across a restart and with two replicas racing', async () => {
    const numberOf = async () => {
      ca.dir.write('n.crl', (await objects.get(BUCKET, `crl/${caId}.crl`))!.body);
      return BigInt(/X509v3 CRL Number:\s+(\d+)/.exec(ca.dir.run('crl', '-inform', 'DER', '-in', 'n.crl', '-noout', '-text'))![1]!);
    };
    const seen: bigint[] = [await numberOf()];
    for (let i = 0; i < 20; i++) {
      expect((await generateCrl(context(), caId)).kind).toBe('published');
      seen.push(await numberOf());
    }
    // A restart: a fresh context (and event store) on the same database.
    store = new EventStore(database.db, { schema: REVOCATION_SCHEMA });
    expect((await generateCrl(context(), caId)).kind).toBe('published');
    seen.push(await numberOf());
    for (let i = 1; i < seen.length; i++) expect(seen[i]! > seen[i - 1]!).toBe(true);

    // Two replicas: each generation holds the CA's lock; the loser of a race is 'busy', never a duplicate number.
    const replicaA = context();
    const replicaB = context();
    const outcomes = await Promise.all(Array.from({ length: 10 }, (_, i) => generateCrl(i % 2 ? replicaA : replicaB, caId)));
    expect(outcomes.every((o) => o.kind === 'published' || o.kind === 'busy')).toBe(true);
    const numbers = outcomes.flatMap((o) => (o.kind === 'published' ? [BigInt(o.event.crlNumber)] : []));
    expect(new Set(numbers).size).toBe(numbers.length);
    expect(Math.min(...numbers.map(Number))).toBeGreaterThan(Number(seen[seen.length - 1]));
    const events = await database.db.withSchema(REVOCATION_SCHEMA).selectFrom('events').where('type', '=', REVOCATION_EVENT_TYPES.CrlGenerated).select('data').execute();
    const all = events.map((e) => BigInt((e.data as { crlNumber: string }).crlNumber));
    expect(new Set(all).size).toBe(all.length);
    // The last published CRL carries the highest number.
    expect(await numberOf()).toBe(all.reduce((a, b) => (a > b ? a : b)));
  });

  it('an expired certificate stays on one CRL issued after its notAfter, then leaves', async () => {
    const db = database.db.withSchema(REVOCATION_SCHEMA);
    await revoke('7f00000000000002', 'SUPERSEDED');
    const notAfter = new Date(now.getTime() + 1000);
    await db.updateTable('revocations').set({ not_after: notAfter }).where('serial', '=', '7f00000000000002').execute();
    now = new Date(notAfter.getTime() + 1000);
    expect((await generateCrl(context(), caId)) as { event: { entryCount: number } }).toMatchObject({ event: { entryCount: 3 } });
    now = new Date(now.getTime() + 1000);
    expect((await generateCrl(context(), caId)) as { event: { entryCount: number } }).toMatchObject({ event: { entryCount: 2 } });
  });

  it('OCSP: revoked / good / unknown verify with openssl; garbage is malformedRequest; nothing written', async () => {
    const ocsp = async (reqFile: string) => {
      return ocspOne(ca.dir.read(reqFile).toString('base64'));
    };
    const check = async (name: string, certArgs: string[]) => {
      ca.dir.run('ocsp', '-issuer', 'ca.pem', ...certArgs, '-reqout', `${name}.req`);
      const out = await ocsp(`${name}.req`);
      expect(out.presigned).toBeNull(); // a nonce: signed for this request only
      ca.dir.write(`${name}.resp`, Buffer.from(out.responseBase64, 'base64'));
      ca.dir.run('ocsp', '-respin', `${name}.resp`, '-reqin', `${name}.req`, '-CAfile', 'ca.pem', '-verify_other', 'ca.pem');
      return ca.dir.run('ocsp', '-respin', `${name}.resp`, '-issuer', 'ca.pem', '-CAfile', 'ca.pem', ...certArgs, '-no_nonce');
    };
    now = new Date();
    expect(await check('o1', ['-cert', 'leaf1.pem'])).toMatch(/leaf1.pem: revoked[\s\S]*Reason: keyCompromise/);
    expect(await check('o2', ['-cert', 'leaf2.pem'])).toMatch(/leaf2.pem: revoked[\s\S]*Reason: superseded/);
    ca.issue('leaf4', '4444');
    await issued('leaf4b', '4445');
    expect(await check('o3', ['-cert', 'leaf4b.pem'])).toMatch(/leaf4b.pem: good/);
    expect(await check('o4', ['-serial', '0x4444'])).toMatch(/0x4444: unknown/);
    ca.dir.run('ocsp', '-issuer', 'ca.pem', '-cert', 'leaf4b.pem', '-no_nonce', '-reqout', 'get.req');
    expect((await ocsp('get.req')).presigned).toMatchObject({ certificateAuthorityId: caId, serial: '4445', status: 'good' });
    const before = signCount;
    for (const garbage of ['', 'AAAA', Buffer.from('not der').toString('base64'), '!!!not base64', Buffer.alloc(20_000, 0x30).toString('base64')]) {
      const out = await ocspOne(garbage);
      expect(Buffer.from(out.responseBase64, 'base64').toString('hex')).toBe('30030a0101');
    }
    expect(signCount).toBe(before);
    // A CA this platform does not serve: unauthorized, unsigned.
    const stranger = makeTestCa('ec');
    stranger.issue('x', '99');
    stranger.dir.run('ocsp', '-issuer', 'ca.pem', '-cert', 'x.pem', '-reqout', 'x.req');
    const out = await ocspOne(stranger.dir.read('x.req').toString('base64'));
    expect(Buffer.from(out.responseBase64, 'base64').toString('hex')).toBe('30030a0106');
    stranger.dir.remove();
  });

  it('OCSP freshness: revocations take the gap-free sequence; a lease renewal brings those after its cursor, a reset without one, and the CA versions when they changed', async () => {
    const lease = async (cursor: string | null, caEpoch: string | null = null) =>
      (await handlers().OcspResponderLease!(msg({ responderId: 'gateway-1', cursor, caEpoch }))) as OcspResponderLeaseOutput;
    const first = await lease(null);
    expect(first).toMatchObject({ leaseMs: 1000, reset: true, revoked: [] });
    expect(first.cas).toEqual([[caId, caVersion]]);
    const db = database.db.withSchema(REVOCATION_SCHEMA);
    // Every revocation so far holds its own sequence number, 1..n, and the counter is at n.
    const sequences = (await db.selectFrom('revocations').select('sequence').where('sequence', 'is not', null).orderBy('sequence').execute()).map((r) => Number(r.sequence));
    expect(sequences).toEqual(sequences.map((_, i) => i + 1));
    expect(first.sequence).toBe(String(sequences.length));
    const leaseRow = await db.selectFrom('ocsp_responders').select(sql<boolean>`lease_until > now()`.as('running')).where('id', '=', 'gateway-1').executeTakeFirstOrThrow();
    expect(leaseRow.running).toBe(true);
    // Nothing new since: an empty list, no CA versions (the epoch is current).
    expect(await lease(first.sequence, first.caEpoch)).toMatchObject({ reset: false, revoked: [], sequence: first.sequence, cas: null });
    // A revocation later: the next renewal names it.
    await issued('leaf9', '9a9a');
    await revoke('9a9a', 'SUPERSEDED');
    expect(await lease(first.sequence, first.caEpoch)).toMatchObject({ reset: false, revoked: [[caId, '9a9a']], sequence: String(sequences.length + 1) });
    // A cursor from another database (ahead of the sequence): reset.
    expect((await lease('999999', first.caEpoch)).reset).toBe(true);
    await expect(handlers().OcspResponderLease!(msg({ responderId: 'not ok!', cursor: null, caEpoch: null }))).rejects.toMatchObject({ kind: 'Malformed' });
  });

  it('a certificate issuance issued but not projected here yet is revocable at once; the event projected later changes nothing', async () => {
    const event = issuedEvent('late', '5a5a5a');
    issuanceKnows.set('5a5a5a', event);
    await revoke('5A:5A:5A', 'KEY_COMPROMISE');
    const db = database.db.withSchema(REVOCATION_SCHEMA);
    const row = await db.selectFrom('issued_certificates').selectAll().where('serial', '=', '5a5a5a').executeTakeFirstOrThrow();
    expect(row).toMatchObject({ ca_id: caId, event_id: event.id, certificate_arn: `${caArn}/certificate/5a5a5a` });
    const revoked = await db.selectFrom('revocations').selectAll().where('serial', '=', '5a5a5a').executeTakeFirstOrThrow();
    expect(revoked.not_after).toEqual(row.not_after);
    const before = await db.selectFrom('issued_certificates').selectAll().orderBy('serial').execute();
    await database.db.transaction().execute((trx) => issuedCertificateProjection.apply(trx, event));
    expect(await db.selectFrom('issued_certificates').selectAll().orderBy('serial').execute()).toEqual(before);
    expect(await failure(revoke('5a5a5a'))).toBe('RequestAlreadyProcessedException');
  });

  it('never "not issued" without the word of issuance: being issued or issuance down is retryable; nothing written', async () => {
    const revocations = await count('revocations');
    beingIssued.add('6b6b');
    expect(await domainError(revoke('6b6b'))).toMatchObject({ kind: 'InProgress', code: 'RequestInProgressException' });
    issuanceDown = true;
    const down = await domainError(revoke('7c7c'));
    expect(down.kind).toBe('Unavailable');
    expect(down.code).toBeUndefined(); // the gateway answers ServiceUnavailableException (503): SDKs retry
    issuanceDown = false;
    expect(await failure(revoke('7c7c'))).toBe('ResourceNotFoundException');
    // Rejected on the CA or the caller alone: issuance is not asked.
    const asked = lookups;
    expect(await failure(revoke('7c7c', 'KEY_COMPROMISE', OTHER))).toBe('AccessDeniedException');
    expect(lookups).toBe(asked);
    expect(await count('revocations')).toBe(revocations);
  });

  it('OCSP: a certificate issued but not projected yet is good; being issued or issuance down: tryLater; never issued: unknown', async () => {
    const ask = async (name: string, certArgs: string[]) => {
      ca.dir.run('ocsp', '-issuer', 'ca.pem', ...certArgs, '-reqout', `${name}.req`);
      const out = await ocspOne(ca.dir.read(`${name}.req`).toString('base64'));
      ca.dir.write(`${name}.resp`, Buffer.from(out.responseBase64, 'base64'));
      return out;
    };
    const status = (name: string, certArgs: string[]) => ca.dir.run('ocsp', '-respin', `${name}.resp`, '-issuer', 'ca.pem', '-CAfile', 'ca.pem', ...certArgs, '-no_nonce');
    now = new Date();
    issuanceKnows.set('8d8d', issuedEvent('fresh', '8d8d'));
    await ask('fresh', ['-cert', 'fresh.pem']);
    expect(status('fresh', ['-cert', 'fresh.pem'])).toMatch(/fresh.pem: good/);
    beingIssued.add('9e9e');
    expect(Buffer.from((await ask('pending', ['-serial', '0x9e9e'])).responseBase64, 'base64').toString('hex')).toBe('30030a0103');
    issuanceDown = true;
    ca.issue('down', 'afaf');
    expect(Buffer.from((await ask('down', ['-cert', 'down.pem'])).responseBase64, 'base64').toString('hex')).toBe('30030a0103');
    issuanceDown = false;
    await ask('never', ['-serial', '0xbfbf']);
    expect(status('never', ['-serial', '0xbfbf'])).toMatch(/0xbfbf: unknown/);
  });

  it('an unknown CA: answered at once once the CA projection has applied its stream, retryable while it has not', async () => {
    let catchUpCalls = 0;
    let caughtUp = true;
    const patient = (): RevocationContext => ({ ...context(), catchUpMs: 3_600_000, caCatchUp: async () => (catchUpCalls++, caughtUp) });
    const unknownCa = `arn:aws:acm-pca:us-east-1:${OWNER.accountId}:certificate-authority/${randomUUID()}`;
    const revokeOn = (ctx: RevocationContext) => revocationHandlers(ctx).RevokeCertificate!(msg({ CertificateAuthorityArn: unknownCa, CertificateSerial: '01', RevocationReason: 'KEY_COMPROMISE' }));
    const started = Date.now();
    expect(await failure(revokeOn(patient()))).toBe('ResourceNotFoundException');
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(catchUpCalls).toBe(1);
    caughtUp = false;
    expect((await domainError(revokeOn(patient()))).kind).toBe('Unavailable');
    // A known CA never waits; an unknown serial on it is answered on issuance's word, at once.
    const unknownSerial = revocationHandlers(patient()).RevokeCertificate!(msg({ CertificateAuthorityArn: caArn, CertificateSerial: 'd0d0d0', RevocationReason: 'KEY_COMPROMISE' }));
    const asked = Date.now();
    expect(await failure(unknownSerial)).toBe('ResourceNotFoundException');
    expect(Date.now() - asked).toBeLessThan(1_000);
    expect(catchUpCalls).toBe(2);
  });

  it('a CA the projection lacks with its stream applied: ca-service decides; one it has (not published yet) is waited for', async () => {
    const asked: string[] = [];
    const fresh = new Set<string>();
    const patient = (): RevocationContext => ({ ...context(), catchUpMs: 3_600_000, caCatchUp: async () => true, caExists: async (id) => (asked.push(id), fresh.has(id)) });
    const revokeOn = (arn: string) => revocationHandlers(patient()).RevokeCertificate!(msg({ CertificateAuthorityArn: arn, CertificateSerial: '01', RevocationReason: 'KEY_COMPROMISE' }));
    const unknownId = randomUUID();
    const unknown = await domainError(revokeOn(`arn:aws:acm-pca:us-east-1:${OWNER.accountId}:certificate-authority/${unknownId}`));
    expect({ code: unknown.code, message: unknown.message }).toEqual({ code: 'ResourceNotFoundException', message: expect.stringMatching(/^Certificate authority .* does not exist/) });
    expect(asked).toEqual([unknownId]);
    // Committed by ca-service, its event still on the way: the request waits for the event instead of answering "does not exist".
    const freshId = randomUUID();
    const freshArn = `arn:aws:acm-pca:us-east-1:${OWNER.accountId}:certificate-authority/${freshId}`;
    fresh.add(freshId);
    const pending = domainError(revokeOn(freshArn));
    await waitFor(async () => asked.length === 2, { what: 'revocation to ask ca-service about the fresh CA' });
    const event: EventEnvelope = {
      id: randomUUID(), stream: `ca-${freshId}`, version: 1, type: CA_EVENT_TYPES.CertificateAuthorityCreated, schemaVersion: 1, occurredAt: now.toISOString(), correlationId: 't', causationId: null, accountId: OWNER.accountId,
      data: { certificateAuthorityId: freshId, arn: freshArn, ownerAccount: OWNER.accountId, type: 'ROOT', configuration: { KeyAlgorithm: 'EC_prime256v1', SigningAlgorithm: 'SHA256WITHECDSA' }, usageMode: 'GENERAL_PURPOSE', revocationConfiguration: {} },
    };
    await database.db.transaction().execute((trx) => revocationCaProjection.apply(trx, event));
    // Found (still CREATING, so not revocable yet): the answer is about its state, not "does not exist".
    expect((await pending).message).not.toMatch(/^Certificate authority .* does not exist/);
    expect(asked).toEqual([unknownId, freshId]);
  });

  describe('CertificateStatus (the gateway asks it about gRPC client certificates, issue #16)', () => {
    const status = (certificateAuthorityId: unknown, serial: unknown) => handlers().CertificateStatus!(msg({ certificateAuthorityId, serial }));

    it('good, then revoked with when and why; nothing written by asking', async () => {
      await issued('status-good', 'a1a1a1');
      const revocations = await count('revocations');
      expect(await status(caId, 'a1a1a1')).toEqual({ status: 'good', revokedAt: null, reason: null });
      expect(await count('revocations')).toBe(revocations);
      now = new Date();
      await revoke('A1:A1:A1', 'AFFILIATION_CHANGED');
      expect(await status(caId, 'a1a1a1')).toEqual({ status: 'revoked', revokedAt: now.toISOString(), reason: 'AFFILIATION_CHANGED' });
      // A revocation of another certificate of the CA says nothing about this one.
      await issued('status-sibling', 'a2a2a2');
      expect(await status(caId, 'a2a2a2')).toEqual({ status: 'good', revokedAt: null, reason: null });
    });

    it('a certificate issued but not projected here yet: good on issuance-service word; being issued: inProgress; never issued: unknown', async () => {
      issuanceKnows.set('c3c3c3', issuedEvent('status-late', 'c3c3c3'));
      expect(await status(caId, 'c3c3c3')).toEqual({ status: 'good', revokedAt: null, reason: null });
      beingIssued.add('d4d4d4');
      expect(await status(caId, 'd4d4d4')).toEqual({ status: 'inProgress', revokedAt: null, reason: null });
      expect(await status(caId, 'e5e5e5')).toEqual({ status: 'unknown', revokedAt: null, reason: null });
      // Another CA's serial is not this CA's certificate.
      expect(await status(randomUUID(), 'a2a2a2')).toEqual({ status: 'unknown', revokedAt: null, reason: null });
    });

    it('issuance-service down: a retryable Unavailable, never "unknown"', async () => {
      issuanceDown = true;
      try {
        expect((await domainError(status(caId, 'f6f6f6'))).kind).toBe('Unavailable');
      } finally {
        issuanceDown = false;
      }
      // A projected certificate needs no word of issuance.
      issuanceDown = true;
      try {
        expect(await status(caId, 'a2a2a2')).toEqual({ status: 'good', revokedAt: null, reason: null });
      } finally {
        issuanceDown = false;
      }
    });

    it.each([
      ['a serial with a leading zero', () => caId, '0a1b'],
      ['an upper-case serial', () => caId, 'A1A1A1'],
      ['a serial with colons', () => caId, 'a1:a1:a1'],
      ['a serial of 65 digits', () => caId, '1'.repeat(65)],
      ['an empty serial', () => caId, ''],
      ['a number for the serial', () => caId, 0xa1a1a1],
      ['a CA ARN instead of its id', () => caArn, 'a1a1a1'],
      ['an upper-case CA id', () => caId.toUpperCase(), 'a1a1a1'],
      ['no CA id', () => undefined, 'a1a1a1'],
    ])('refuses %s as Malformed, asking nobody', async (_what, ca, serial) => {
      const asked = lookups;
      const error = await domainError(status(ca(), serial));
      expect(error.kind).toBe('Malformed');
      expect(error.message).toMatch(/^(certificateAuthorityId must be a certificate authority id|serial must be a canonical serial number)/);
      expect(lookups).toBe(asked);
    });

    it('"0" is a canonical serial (of no certificate here)', async () => {
      expect(await status(caId, '0')).toEqual({ status: 'unknown', revokedAt: null, reason: null });
    });
  });

  describe('partitioned CRLs (issue #17)', () => {
    const partitionA = randomUUID();
    const partitionB = randomUUID();
    const binding = (id: string) => ({ id, bucket: BUCKET, key: `pki/crls/${id}.crl`, url: `http://crl.partitions.test/pki/crls/${id}.crl` });
    const inPartition = async (name: string, serial: string, id: string) => {
      const event = issuedEvent(name, serial);
      const bound = { ...event, data: { ...(event.data as CertificateIssuedV1), crlPartition: binding(id) } };
      await database.db.transaction().execute((trx) => issuedCertificateProjection.apply(trx, bound));
      // Replayed: changes nothing.
      await database.db.transaction().execute((trx) => issuedCertificateProjection.apply(trx, bound));
      return bound;
    };
    const partitionCrl = async (id: string) => {
      const object = await objects.get(BUCKET, `pki/crls/${id}.crl`);
      if (!object) return undefined;
      ca.dir.write(`${id}.crl`, object.body);
      return ca.dir.run('crl', '-inform', 'DER', '-in', `${id}.crl`, '-CAfile', 'ca.pem', '-noout', '-text', '-verify');
    };
    const crlNumber = (text: string) => BigInt(/X509v3 CRL Number:\s*\n\s*(\d+)/.exec(text)![1]!);

    it('publishes each partition once a certificate names it, at the location its binding fixed, with a critical IDP of its URL', async () => {
      now = new Date();
      await inPartition('pa1', 'a1000001', partitionA);
      await inPartition('pa2', 'a1000002', partitionA);
      await inPartition('pb1', 'b1000001', partitionB);
      expect(await count('crl_partitions')).toBe(2);
      await runCrlPass(context());
      for (const id of [partitionA, partitionB]) {
        const text = (await partitionCrl(id))!;
        expect(text).toMatch(/verify OK/);
        expect(text).toMatch(new RegExp(`X509v3 Issuing Distribution Point: critical\\s+Full Name:\\s+URI:http://crl.partitions.test/pki/crls/${id}.crl`));
        expect(text).toMatch(/No Revoked Certificates/);
      }
      const generated = await database.db.withSchema(REVOCATION_SCHEMA).selectFrom('events').select('data').where('type', '=', REVOCATION_EVENT_TYPES.CrlGenerated).execute();
      expect(generated.map((e) => (e.data as { crlPartition?: string }).crlPartition)).toEqual(expect.arrayContaining([partitionA, partitionB]));
    });

    it('a revocation goes on its partition only, and makes only that partition due', async () => {
      const before = { a: crlNumber((await partitionCrl(partitionA))!), b: crlNumber((await partitionCrl(partitionB))!) };
      await revoke('a1000001');
      const complete = await objects.get(BUCKET, `crl/${caId}.crl`);
      now = new Date(Date.now() + 2000);
      await runCrlPass(context());
      const a = (await partitionCrl(partitionA))!;
      expect(a).toMatch(/Serial Number: A1000001/);
      expect(crlNumber(a)).toBeGreaterThan(before.a);
      expect(crlNumber((await partitionCrl(partitionB))!)).toBe(before.b);
      // The complete CRL neither lists it nor was regenerated for it.
      const after = await objects.get(BUCKET, `crl/${caId}.crl`);
      expect(Buffer.from(after!.body).equals(Buffer.from(complete!.body))).toBe(true);
      ca.dir.write('complete.crl', after!.body);
      expect(ca.dir.run('crl', '-inform', 'DER', '-in', 'complete.crl', '-noout', '-text')).not.toMatch(/A1000001/);
    });

    it('the CustomCname route finds a partition CRL by host and key, and nothing for another host or key', async () => {
      const locate = (input: Record<string, unknown>) => handlers().CrlLocation!(msg(input));
      expect(await locate({ customCname: 'CRL.Partitions.TEST', key: `pki/crls/${partitionA}.crl` })).toEqual({ location: { customCname: 'crl.partitions.test', bucket: BUCKET, key: `pki/crls/${partitionA}.crl` } });
      expect(await locate({ customCname: 'other.test', key: `pki/crls/${partitionA}.crl` })).toEqual({ location: null });
      expect(await locate({ customCname: 'crl.partitions.test', key: `pki/crls/${randomUUID()}.crl` })).toEqual({ location: null });
      expect((await domainError(locate({ customCname: 'crl.partitions.test' }))).kind).toBe('Malformed');
    });

    it('a partition whose certificates all expired before its last CRL is done: never regenerated again', async () => {
      await database.db.withSchema(REVOCATION_SCHEMA).updateTable('crl_partitions').set({ max_not_after: new Date(Date.now() - 86_400_000), next_update: new Date(Date.now() - 1000) }).where('partition_id', '=', partitionB).execute();
      const number = crlNumber((await partitionCrl(partitionB))!);
      now = new Date(Date.now() + 4000);
      await runCrlPass(context());
      expect(crlNumber((await partitionCrl(partitionB))!)).toBe(number);
    });
  });
});
