/**
 * The OCSP responder's pre-signed response cache against real Postgres and NATS, with the CA and
 * its certificates fed through this service's projections and a test Signer holding an
 * openssl-made CA key (as in revocation.int-spec.ts). Responses are checked with the openssl CLI:
 * cache hits are byte-identical and cost no signature; nonce and multi-CertID requests are signed
 * fresh; SHA-1 and SHA-256 CertIDs each get a response naming their own CertID; a revocation is
 * answered at once on the revoking replica (also when a signing was in flight) and, through the
 * CertificateRevoked event published by the real outbox relay, on another replica; responses are
 * signed again when half their validity is gone; `unknown` is never cached; a CA change (OCSP
 * switched off) stops cached answers.
 */
import { connect, type NatsConnection } from 'nats';
import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { CA_EVENT_TYPES, ISSUANCE_EVENT_TYPES, type CommandMessage, type EventEnvelope, type OcspRequestOutput } from '@pki/contracts';
import { EventStore, eventStoreMigrations, migrateToLatest, OutboxRelay, projectionMigrations } from '@pki/eventstore';
import { createObjectStorage } from '@pki/object-storage';
import { fromPem, parseCertificate, toPem } from '@pki/pki';
import { cleanupNatsPrefix, createTestDatabase, testNatsUrl, uniquePrefix, waitFor, type TestDatabase } from '@pki/testing';
import { makeTestCa, type TestCa } from '../domain/test-ca.spec-helper';
import { REVOCATION_SCHEMA } from '../infrastructure/database';
import type { IssuanceQueries } from '../infrastructure/issuance.client';
import { issuedCertificateProjection } from '../infrastructure/projections/issued-certificate.projection';
import { revocationCaProjection } from '../infrastructure/projections/revocation-ca.projection';
import { revocationMigrations } from '../migrations';
import { ocspCacheInvalidation } from './ocsp-cache-invalidation';
import { ocspCaches, type OcspCaches } from './ocsp-response-cache';
import { revocationHandlers } from './revocation.handlers';
import type { RemoteSigner, RevocationContext } from './revocation-context';

const OWNER = { accountId: '111111111111', accessKeyId: 'AKIDA' };
const VALIDITY_SECONDS = 3600;

describe('OCSP response cache (Postgres, NATS, openssl)', () => {
  let database: TestDatabase;
  let store: EventStore;
  let ca: TestCa;
  let nc: NatsConnection;
  const prefix = uniquePrefix();
  let now = new Date();
  let signCount = 0;
  /** When set, signData waits for it: a signing in flight. */
  let signGate: Promise<void> | undefined;
  const caId = randomUUID();
  const caArn = `arn:aws:acm-pca:us-east-1:${OWNER.accountId}:certificate-authority/${caId}`;
  const objectDir = mkdtempSync(path.join(tmpdir(), 'ocsp-cache-int-'));
  const objects = createObjectStorage({ PKI_OBJECT_STORE: 'filesystem', PKI_OBJECT_STORE_DIR: objectDir });

  const signer: RemoteSigner = {
    signData: async (input) => {
      signCount++;
      if (signGate) await signGate;
      return ca.sign(Buffer.from(input.dataBase64, 'base64'));
    },
    signDigest: async () => {
      throw new Error('no CRLs here');
    },
  };
  /** Every certificate here is projected: issuance has nothing to add. */
  const issuanceKnowsNothing: IssuanceQueries = { lookupIssuedCertificate: async () => ({ status: 'NOT_ISSUED' }) };
  /** One revocation-service process: its own caches, the shared database. */
  const replica = (caches: OcspCaches = ocspCaches({})): RevocationContext => ({
    db: database.db, store, objects, signer, publicUrl: 'http://pki.example.test', now: () => now, issuance: issuanceKnowsNothing, catchUpMs: 0, crlDelayMs: 60_000, ocspValiditySeconds: VALIDITY_SECONDS, ocspCaches: caches,
  });
  const msg = (input: unknown): CommandMessage => ({ caller: OWNER, requestId: randomUUID(), input });

  /** An OCSP request made by openssl (`<name>.req`), answered by `context` (`<name>.resp`): the response DER. */
  const ask = async (context: RevocationContext, name: string, args: string[], method: 'GET' | 'POST' = 'POST'): Promise<{ der: Buffer; out: OcspRequestOutput }> => {
    ca.dir.run('ocsp', '-issuer', 'ca.pem', ...args, '-reqout', `${name}.req`);
    const out = (await revocationHandlers(context).OcspRequest!(msg({ requestBase64: ca.dir.read(`${name}.req`).toString('base64'), method }))) as OcspRequestOutput;
    const der = Buffer.from(out.responseBase64, 'base64');
    ca.dir.write(`${name}.resp`, der);
    return { der, out };
  };
  /** openssl's verdict on `<name>.resp` for the certificate arguments (signature, CertID match, status). */
  const verdict = (name: string, certArgs: string[]): string => {
    ca.dir.run('ocsp', '-respin', `${name}.resp`, '-reqin', `${name}.req`, '-CAfile', 'ca.pem', '-verify_other', 'ca.pem');
    return ca.dir.run('ocsp', '-respin', `${name}.resp`, '-issuer', 'ca.pem', '-CAfile', 'ca.pem', ...certArgs, '-no_nonce');
  };
  const producedAt = (name: string) => /Produced At: (.*)/.exec(ca.dir.run('ocsp', '-respin', `${name}.resp`, '-resp_text', '-noverify'))![1]!;
  const revoke = (context: RevocationContext, serial: string) =>
    revocationHandlers(context).RevokeCertificate!(msg({ CertificateAuthorityArn: caArn, CertificateSerial: serial, RevocationReason: 'KEY_COMPROMISE' }));

  let caVersion = 0;
  const caEvent = async (type: string, data: Record<string, unknown>) => {
    const event: EventEnvelope = { id: randomUUID(), stream: `ca-${caId}`, version: ++caVersion, type, schemaVersion: 1, occurredAt: now.toISOString(), correlationId: 't', causationId: null, accountId: OWNER.accountId, data: { certificateAuthorityId: caId, arn: caArn, ...data } };
    await database.db.transaction().execute((trx) => revocationCaProjection.apply(trx, event));
  };
  const issued = async (name: string, serial: string) => {
    ca.issue(name, serial);
    const der = Buffer.from(fromPem(ca.dir.read(`${name}.pem`).toString('utf8'), 'CERTIFICATE'));
    const parsed = parseCertificate(der);
    const event: EventEnvelope = {
      id: randomUUID(), stream: `certificate-${randomUUID()}`, version: 2, type: ISSUANCE_EVENT_TYPES.CertificateIssued, schemaVersion: 1, occurredAt: now.toISOString(), correlationId: 't', causationId: null, accountId: OWNER.accountId,
      data: { certificateArn: `${caArn}/certificate/${serial}`, certificateAuthorityArn: caArn, certificateAuthorityId: caId, serial, subject: parsed.subject, issuerDn: parsed.issuer, notBefore: parsed.notBefore.toISOString(), notAfter: parsed.notAfter.toISOString(), issuedAt: now.toISOString(), templateArn: 'arn:aws:acm-pca:::template/EndEntityCertificate/V1', certificateDer: der.toString('base64'), sha256Fingerprint: createHash('sha256').update(der).digest('hex'), accountId: OWNER.accountId, requestedByServicePrincipal: null },
    };
    await database.db.transaction().execute((trx) => issuedCertificateProjection.apply(trx, event));
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    await migrateToLatest(database.db, REVOCATION_SCHEMA, { ...eventStoreMigrations(REVOCATION_SCHEMA), ...projectionMigrations(REVOCATION_SCHEMA), ...revocationMigrations(REVOCATION_SCHEMA) });
    store = new EventStore(database.db, { schema: REVOCATION_SCHEMA });
    nc = await connect({ servers: [testNatsUrl()] });
    ca = makeTestCa('ec');
    await caEvent(CA_EVENT_TYPES.CertificateAuthorityCreated, {
      ownerAccount: OWNER.accountId, type: 'ROOT', configuration: { KeyAlgorithm: 'EC_prime256v1', SigningAlgorithm: 'SHA256WITHECDSA' }, usageMode: 'GENERAL_PURPOSE',
      revocationConfiguration: { OcspConfiguration: { Enabled: true } },
    });
    await caEvent(CA_EVENT_TYPES.CsrCreated, { status: 'PENDING_CERTIFICATE' });
    const parsed = parseCertificate(ca.certDer);
    await caEvent(CA_EVENT_TYPES.CertificateImported, { certificate: toPem(ca.certDer, 'CERTIFICATE'), certificateChain: null, serial: parsed.serialHex, notBefore: parsed.notBefore.toISOString(), notAfter: parsed.notAfter.toISOString(), subject: parsed.subject, issuer: parsed.issuer, status: 'ACTIVE' });
    for (const [name, serial] of [['hit', '0a01'], ['nonce', '0a02'], ['hashes', '0a03'], ['revoke', '0a04'], ['race', '0a05'], ['replica', '0a06'], ['fresh', '0a07'], ['multi', '0a08']] as const) await issued(name, serial);
  }, 60_000);
  afterAll(async () => {
    ca?.dir.remove();
    if (nc) {
      await cleanupNatsPrefix(nc, prefix);
      await nc.close();
    }
    await database?.destroy();
    rmSync(objectDir, { recursive: true, force: true });
  });
  beforeEach(() => {
    now = new Date();
    signGate = undefined;
  });

  it('a request without nonce is signed once, then answered from the cache byte for byte (GET and POST alike)', async () => {
    const a = replica();
    const before = signCount;
    const first = await ask(a, 'hit1', ['-cert', 'hit.pem', '-no_nonce']);
    expect(verdict('hit1', ['-cert', 'hit.pem'])).toMatch(/hit.pem: good/);
    now = new Date(now.getTime() + 5_000);
    const second = await ask(a, 'hit2', ['-cert', 'hit.pem', '-no_nonce'], 'GET');
    expect(verdict('hit2', ['-cert', 'hit.pem'])).toMatch(/hit.pem: good/);
    expect(second.der.equals(first.der)).toBe(true);
    expect(producedAt('hit2')).toBe(producedAt('hit1'));
    expect(signCount - before).toBe(1);
    expect(a.ocspCaches!.responses!.stats).toMatchObject({ hits: 1, misses: 1 });
    // HTTP caching facts for the GET: the cached response's own producedAt / nextUpdate; max-age never past nextUpdate.
    expect(first.out.cache).toBeNull(); // POST
    expect(second.out.cache).toMatchObject({ producedAt: new Date(Math.floor((now.getTime() - 5_000) / 1000) * 1000).toISOString(), maxAgeSeconds: 300 });
  });

  it('requests with a nonce are signed fresh every time and echo their nonce', async () => {
    const a = replica();
    await ask(a, 'warm', ['-cert', 'nonce.pem', '-no_nonce']);
    const before = signCount;
    const one = await ask(a, 'n1', ['-cert', 'nonce.pem']);
    const two = await ask(a, 'n2', ['-cert', 'nonce.pem']);
    expect(signCount - before).toBe(2);
    expect(one.der.equals(two.der)).toBe(false);
    for (const name of ['n1', 'n2']) {
      // -reqin checks that the response carries the request's nonce.
      const checked = ca.dir.run('ocsp', '-respin', `${name}.resp`, '-reqin', `${name}.req`, '-CAfile', 'ca.pem', '-verify_other', 'ca.pem', '-resp_text');
      expect(checked).toMatch(/OCSP Nonce/);
      expect(checked).not.toMatch(/Nonce Verify error|WARNING: no nonce/);
    }
    expect(a.ocspCaches!.responses!.stats.hits).toBe(0);
  });

  it('SHA-1 and SHA-256 CertIDs of one certificate each get a cached response naming their own CertID', async () => {
    const a = replica();
    const before = signCount;
    for (const round of [1, 2]) {
      await ask(a, `sha1-${round}`, ['-cert', 'hashes.pem', '-no_nonce']);
      await ask(a, `sha256-${round}`, ['-sha256', '-cert', 'hashes.pem', '-no_nonce']);
      // openssl finds the SingleResponse by the CertID it computes with the same hash: a mismatch would be "No Status found".
      expect(verdict(`sha1-${round}`, ['-cert', 'hashes.pem'])).toMatch(/hashes.pem: good/);
      expect(verdict(`sha256-${round}`, ['-sha256', '-cert', 'hashes.pem'])).toMatch(/hashes.pem: good/);
      expect(ca.dir.exec('ocsp', '-respin', `sha256-${round}.resp`, '-issuer', 'ca.pem', '-CAfile', 'ca.pem', '-cert', 'hashes.pem', '-no_nonce').output).toMatch(/No Status found/);
    }
    expect(signCount - before).toBe(2);
    expect(ca.dir.read('sha1-2.resp').equals(ca.dir.read('sha1-1.resp'))).toBe(true);
    expect(ca.dir.read('sha256-2.resp').equals(ca.dir.read('sha256-1.resp'))).toBe(true);
  });

  it('after RevokeCertificate returns, the revoking replica answers revoked at once (every CertID form)', async () => {
    const a = replica();
    await ask(a, 'r-good1', ['-cert', 'revoke.pem', '-no_nonce']);
    await ask(a, 'r-good2', ['-sha256', '-cert', 'revoke.pem', '-no_nonce']);
    await ask(a, 'r-good3', ['-cert', 'revoke.pem', '-no_nonce']);
    expect(verdict('r-good3', ['-cert', 'revoke.pem'])).toMatch(/revoke.pem: good/);
    expect(a.ocspCaches!.responses!.stats.hits).toBe(1);
    await revoke(a, '0A:04');
    await ask(a, 'r-revoked1', ['-cert', 'revoke.pem', '-no_nonce']);
    expect(verdict('r-revoked1', ['-cert', 'revoke.pem'])).toMatch(/revoke.pem: revoked[\s\S]*Reason: keyCompromise/);
    await ask(a, 'r-revoked2', ['-sha256', '-cert', 'revoke.pem', '-no_nonce']);
    expect(verdict('r-revoked2', ['-sha256', '-cert', 'revoke.pem'])).toMatch(/revoke.pem: revoked/);
    // Revoked answers are cached in turn.
    const before = signCount;
    await ask(a, 'r-revoked3', ['-cert', 'revoke.pem', '-no_nonce']);
    expect(ca.dir.read('r-revoked3.resp').equals(ca.dir.read('r-revoked1.resp'))).toBe(true);
    expect(signCount).toBe(before);
  });

  it('a "good" being signed while the revocation commits is never cached: the next request answers revoked', async () => {
    const a = replica();
    let release!: () => void;
    signGate = new Promise((resolve) => (release = resolve));
    const before = signCount;
    // Reads "good" from Postgres, then waits in the Signer.
    const inFlight = ask(a, 'race1', ['-cert', 'race.pem', '-no_nonce']);
    await waitFor(async () => signCount > before, { timeoutMs: 30_000, what: 'the OCSP signing to be in flight' });
    await revoke(a, '0a05');
    release();
    signGate = undefined;
    await inFlight;
    expect(verdict('race1', ['-cert', 'race.pem'])).toMatch(/race.pem: good/); // asked before the revocation returned
    await ask(a, 'race2', ['-cert', 'race.pem', '-no_nonce']);
    expect(verdict('race2', ['-cert', 'race.pem'])).toMatch(/race.pem: revoked/);
  });

  it('another replica drops its cached "good" when the CertificateRevoked event (published by the outbox relay) arrives', async () => {
    const a = replica();
    const b = replica();
    const invalidation = ocspCacheInvalidation(nc, prefix, a.ocspCaches!.responses!, { error: () => undefined });
    await invalidation.start();
    const relay = new OutboxRelay({ db: database.db, schema: REVOCATION_SCHEMA, nc, prefix, service: 'revocation', pollIntervalMs: 50 });
    try {
      await ask(a, 'x-good1', ['-cert', 'replica.pem', '-no_nonce']);
      await ask(a, 'x-good2', ['-cert', 'replica.pem', '-no_nonce']);
      expect(ca.dir.read('x-good2.resp').equals(ca.dir.read('x-good1.resp'))).toBe(true);
      const invalidations = a.ocspCaches!.responses!.stats.invalidations;
      await revoke(b, '0a06');
      await relay.start();
      // Time stands still for the cache (`now` is fixed): only the event can make A answer revoked.
      await waitFor(
        async () => {
          await ask(a, 'x-after', ['-cert', 'replica.pem', '-no_nonce']);
          return /replica.pem: revoked/.test(verdict('x-after', ['-cert', 'replica.pem']));
        },
        { timeoutMs: 30_000, what: 'replica A to answer revoked' },
      );
      expect(a.ocspCaches!.responses!.stats.invalidations).toBeGreaterThan(invalidations);
    } finally {
      await relay.stop();
      await invalidation.stop();
    }
  }, 60_000);

  it('signs again when less than half of the validity remains', async () => {
    const a = replica();
    const t0 = new Date(Math.floor(Date.now() / 1000) * 1000);
    now = t0;
    await ask(a, 'f1', ['-cert', 'fresh.pem', '-no_nonce']);
    now = new Date(t0.getTime() + (VALIDITY_SECONDS / 2) * 1000 - 1000);
    await ask(a, 'f2', ['-cert', 'fresh.pem', '-no_nonce']);
    expect(ca.dir.read('f2.resp').equals(ca.dir.read('f1.resp'))).toBe(true);
    now = new Date(t0.getTime() + (VALIDITY_SECONDS / 2) * 1000);
    const { out } = await ask(a, 'f3', ['-cert', 'fresh.pem', '-no_nonce'], 'GET');
    expect(ca.dir.read('f3.resp').equals(ca.dir.read('f1.resp'))).toBe(false);
    expect(out.cache).toMatchObject({ producedAt: now.toISOString(), nextUpdate: new Date(now.getTime() + VALIDITY_SECONDS * 1000).toISOString() });
    // thisUpdate / nextUpdate of the new response: openssl checks them against its own clock, so only the text is compared.
    expect(producedAt('f3')).not.toBe(producedAt('f1'));
  });

  it('unknown is never cached: a certificate issued right after answers good', async () => {
    const a = replica();
    const before = signCount;
    await ask(a, 'u1', ['-serial', '0x0a09', '-no_nonce']);
    await ask(a, 'u2', ['-serial', '0x0a09', '-no_nonce']);
    expect(verdict('u2', ['-serial', '0x0a09'])).toMatch(/0x0A09: unknown/i);
    expect(signCount - before).toBe(2);
    await issued('late', '0a09');
    await ask(a, 'u3', ['-cert', 'late.pem', '-no_nonce']);
    expect(verdict('u3', ['-cert', 'late.pem'])).toMatch(/late.pem: good/);
  });

  it('requests with several CertIDs are signed fresh each time', async () => {
    const a = replica();
    const before = signCount;
    await ask(a, 'm1', ['-cert', 'multi.pem', '-cert', 'hit.pem', '-no_nonce']);
    await ask(a, 'm2', ['-cert', 'multi.pem', '-cert', 'hit.pem', '-no_nonce']);
    expect(signCount - before).toBe(2);
    const text = verdict('m2', ['-cert', 'multi.pem', '-cert', 'hit.pem']);
    expect(text).toMatch(/multi.pem: good/);
    expect(text).toMatch(/hit.pem: good/);
  });

  it('PKI_OCSP_CACHE_ENTRIES=0: every response is signed', async () => {
    const a = replica(ocspCaches({ PKI_OCSP_CACHE_ENTRIES: '0' }));
    expect(a.ocspCaches!.responses).toBeNull();
    const before = signCount;
    await ask(a, 'off1', ['-cert', 'hit.pem', '-no_nonce']);
    await ask(a, 'off2', ['-cert', 'hit.pem', '-no_nonce']);
    expect(signCount - before).toBe(2);
    expect(verdict('off2', ['-cert', 'hit.pem'])).toMatch(/hit.pem: good/);
  });

  it('a CA change (OCSP switched off) stops cached answers once the CA lookup is refreshed', async () => {
    const a = replica();
    await ask(a, 'ca1', ['-cert', 'hit.pem', '-no_nonce']);
    await ask(a, 'ca2', ['-cert', 'hit.pem', '-no_nonce']);
    expect(a.ocspCaches!.responses!.stats.hits).toBe(1);
    await caEvent(CA_EVENT_TYPES.RevocationConfigurationUpdated, { revocationConfiguration: { OcspConfiguration: { Enabled: false } } });
    await waitFor(
      async () => {
        const { der } = await ask(a, 'ca3', ['-cert', 'hit.pem', '-no_nonce']);
        return der.toString('hex') === '30030a0106'; // unauthorized
      },
      { timeoutMs: 30_000, what: 'the responder to stop answering for the CA' },
    );
  });
});
