import { createHash, createPrivateKey, createPublicKey, randomUUID, verify } from 'node:crypto';
import { Logger, type LoggerService } from '@nestjs/common';
import { DomainError, caKeyUsageStream, type CaKeyUsedV1, type CommandMessage, type KeyAlgorithm } from '@pki/contracts';
import { EventStore } from '@pki/eventstore';
import { sql } from 'kysely';
import type { TestDatabase } from '@pki/testing';
import { createKeyCustody } from './create-key-custody';
import { caKeyDb, sealedPrivateKeyOf } from './ca-key.queries';
import { kekRing, openPrivateKey } from './envelope-encryption';
import { DEVELOPMENT_KEK } from './key-custody.config';
import { CertificateAlreadySigned } from './key-usage-journal';
import { signingHandlers, type SigningContext } from './signing.handlers';
import { SigningService } from './signing.service';
import { createCaTestDatabase, insertCaRow } from './test/ca-test-database';

const OWNER = '111122223333';
const CALLER = '444455556666';

describe('SignData / SignDigest (Postgres)', () => {
  let database: TestDatabase;
  const logs: string[] = [];
  const errors: string[] = [];
  const capture = (level: string) => (message: unknown, ...rest: unknown[]) => logs.push(`${level} ${String(message)} ${rest.map(String).join(' ')}`);
  const logger: LoggerService = { log: capture('log'), warn: capture('warn'), error: capture('error'), debug: capture('debug'), verbose: capture('verbose') };

  function context(): SigningContext {
    return {
      db: database.db,
      store: new EventStore(database.db, { schema: 'ca' }),
      now: () => new Date('2026-11-22T10:00:00.000Z'),
      // No PKI_KEK outside production: the development KEK, with a warning.
      keys: createKeyCustody({ NODE_ENV: 'test' }, database.db),
    };
  }

  let ctx: SigningContext;
  let handlers: ReturnType<typeof signingHandlers>;

  async function insertCa(status: string, type: 'ROOT' | 'SUBORDINATE', keyAlgorithm: KeyAlgorithm | null): Promise<{ id: string; publicKey?: ReturnType<typeof createPublicKey> }> {
    const id = randomUUID();
    await insertCaRow(database.db, id, OWNER, status, type);
    if (!keyAlgorithm) return { id };
    const { publicKeySpki } = await ctx.keys.generate(id, keyAlgorithm);
    return { id, publicKey: createPublicKey({ key: Buffer.from(publicKeySpki), format: 'der', type: 'spki' }) };
  }

  const message = (input: unknown, requestId: string = randomUUID()): CommandMessage => ({ caller: { accountId: CALLER, accessKeyId: 'issuance' }, requestId, input });

  async function call(operation: 'SignData' | 'SignDigest', input: Record<string, unknown>, requestId?: string): Promise<Buffer> {
    try {
      const { signatureBase64 } = (await handlers[operation](message(input, requestId))) as { signatureBase64: string };
      return Buffer.from(signatureBase64, 'base64');
    } catch (error) {
      errors.push((error as Error).message);
      throw error;
    }
  }

  const usage = async (caId: string) => (await ctx.store.load(caKeyUsageStream(caId))).map((e) => e as typeof e & { data: CaKeyUsedV1 });

  beforeAll(async () => {
    Logger.overrideLogger(logger);
    database = await createCaTestDatabase();
    ctx = context();
    handlers = signingHandlers(ctx);
  });
  afterAll(async () => {
    Logger.overrideLogger(false);
    await database?.destroy();
  });

  it('warns that the development KEK is in use', () => {
    expect(logs.some((line) => line.startsWith('warn PKI_KEK is not set: CA private keys are encrypted with the public development KEK'))).toBe(true);
  });

  it('signs data for an ACTIVE CA and records who, what and when before answering', async () => {
    const ca = await insertCa('ACTIVE', 'SUBORDINATE', 'EC_prime256v1');
    const data = Buffer.from('a TBSCertificate');
    const signature = await call('SignData', { certificateAuthorityId: ca.id, signingAlgorithm: 'SHA256WITHECDSA', purpose: 'CERTIFICATE', requestedBy: 'issuance-service', certificateId: randomUUID(), dataBase64: data.toString('base64') }, 'req-1');
    expect(verify('sha256', data, ca.publicKey!, signature)).toBe(true);
    const events = await usage(ca.id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'CaKeyUsed', schemaVersion: 1, version: 1, accountId: OWNER, correlationId: 'req-1' });
    const sha256 = createHash('sha256').update(data).digest('hex');
    expect(events[0].data).toEqual({
      certificateAuthorityId: ca.id,
      purpose: 'CERTIFICATE',
      signingAlgorithm: 'SHA256WITHECDSA',
      input: 'DATA',
      sha256,
      digest: sha256,
      signatureSha256: createHash('sha256').update(signature).digest('hex'),
      requestedBy: 'issuance-service',
      requestedForAccount: CALLER,
      keyBackend: 'software',
      at: '2026-11-22T10:00:00.000Z',
    });
  });

  it.each([
    ['RSA_2048', 'SHA384WITHRSA', 'sha384'],
    ['EC_secp384r1', 'SHA512WITHECDSA', 'sha512'],
  ] as const)('signs a digest (CRL) with a %s key', async (keyAlgorithm, signingAlgorithm, hash) => {
    const ca = await insertCa('ACTIVE', 'ROOT', keyAlgorithm);
    const crlTbs = Buffer.alloc(3 * 1024 * 1024, 7); // too large for SignData
    const digest = createHash(hash).update(crlTbs).digest();
    const signature = await call('SignDigest', { certificateAuthorityId: ca.id, signingAlgorithm, purpose: 'CRL', requestedBy: 'revocation-service', digestBase64: digest.toString('base64') });
    expect(verify(hash, crlTbs, { key: ca.publicKey!, dsaEncoding: 'der' }, signature)).toBe(true);
    const [event] = await usage(ca.id);
    expect(event.data).toMatchObject({ purpose: 'CRL', input: 'DIGEST', sha256: null, digest: digest.toString('hex') });
  });

  it('lets a ROOT CA sign its own certificate while PENDING_CERTIFICATE, and nothing else', async () => {
    const ca = await insertCa('PENDING_CERTIFICATE', 'ROOT', 'RSA_2048');
    const input = { certificateAuthorityId: ca.id, signingAlgorithm: 'SHA256WITHRSA', requestedBy: 'issuance-service', dataBase64: Buffer.from('root tbs').toString('base64') };
    const signature = await call('SignData', { ...input, purpose: 'CA_CERTIFICATE', certificateId: randomUUID() });
    expect(verify('sha256', Buffer.from('root tbs'), ca.publicKey!, signature)).toBe(true);
    await expect(call('SignData', { ...input, purpose: 'CERTIFICATE', certificateId: randomUUID() })).rejects.toMatchObject({ kind: 'InvalidState', code: 'InvalidStateException' });
    expect(await usage(ca.id)).toHaveLength(1);
  });

  it.each([
    ['PENDING_CERTIFICATE', 'SUBORDINATE', 'CA_CERTIFICATE'],
    ['DISABLED', 'ROOT', 'CERTIFICATE'],
    ['CREATING', 'ROOT', 'CA_CERTIFICATE'],
    ['DELETED', 'ROOT', 'CRL'],
  ] as const)('refuses a %s %s CA (%s) with InvalidStateException and records nothing', async (status, type, purpose) => {
    const ca = await insertCa(status, type, status === 'CREATING' ? null : 'EC_prime256v1');
    const certificateId = purpose === 'CRL' ? {} : { certificateId: randomUUID() };
    const error = await call('SignData', { certificateAuthorityId: ca.id, signingAlgorithm: 'SHA256WITHECDSA', purpose, requestedBy: 'issuance-service', ...certificateId, dataBase64: 'AAAA' }).catch((e) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ kind: 'InvalidState', code: 'InvalidStateException' });
    expect(error.message).toContain(`Certificate authority ${ca.id} is ${status}`);
    expect(await usage(ca.id)).toHaveLength(0);
  });

  it('answers NotFound for an unknown CA and InvalidArgsException for the wrong key family', async () => {
    const unknown = randomUUID();
    await expect(call('SignData', { certificateAuthorityId: unknown, signingAlgorithm: 'SHA256WITHRSA', purpose: 'OCSP', requestedBy: 'revocation-service', dataBase64: 'AAAA' })).rejects.toMatchObject({
      kind: 'NotFound',
      code: 'ResourceNotFoundException',
      message: `Certificate authority ${unknown} does not exist.`,
    });
    const ca = await insertCa('ACTIVE', 'ROOT', 'EC_prime256v1');
    await expect(call('SignData', { certificateAuthorityId: ca.id, signingAlgorithm: 'SHA256WITHRSA', purpose: 'OCSP', requestedBy: 'revocation-service', dataBase64: 'AAAA' })).rejects.toMatchObject({
      kind: 'Malformed',
      code: 'InvalidArgsException',
      message: `Signing algorithm SHA256WITHRSA cannot be used with the EC_prime256v1 key of CA ${ca.id}: use a *WITHECDSA algorithm.`,
    });
    expect(await usage(ca.id)).toHaveLength(0);
  });

  it('records every one of many concurrent signatures from two replicas exactly once, in one gapless stream', async () => {
    const ca = await insertCa('ACTIVE', 'SUBORDINATE', 'EC_prime256v1');
    const replica = signingHandlers({ ...context(), keys: ctx.keys });
    const signatures = await Promise.all(
      Array.from({ length: 60 }, async (_, i) => {
        const data = Buffer.from(`tbs ${i}`);
        const input = { certificateAuthorityId: ca.id, signingAlgorithm: 'SHA256WITHECDSA', purpose: 'OCSP', requestedBy: 'revocation-service', dataBase64: data.toString('base64') };
        const { signatureBase64 } = (await (i % 2 ? replica : handlers).SignData(message(input))) as { signatureBase64: string };
        return Buffer.from(signatureBase64, 'base64');
      }),
    );
    const events = await usage(ca.id);
    expect(events.map((e) => e.version)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    expect(new Set(events.map((e) => e.data.signatureSha256))).toEqual(new Set(signatures.map((s) => createHash('sha256').update(s).digest('hex'))));
  });

  describe('one signature per certificate', () => {
    const tbs = (text: string) => Buffer.from(`TBSCertificate of ${text}`);
    const certificateInput = (caId: string, certificateId: string, data: Buffer, purpose = 'CERTIFICATE') => ({
      certificateAuthorityId: caId, signingAlgorithm: 'SHA256WITHECDSA', purpose, requestedBy: 'issuance-service/IssueCertificate', certificateId, dataBase64: data.toString('base64'),
    });
    const recorded = (certificateId: string) => database.db.withSchema('ca').selectFrom('certificate_signatures').selectAll().where('certificate_id', '=', certificateId).execute();

    it('answers a repeated request with the signature recorded the first time, signing and recording nothing new', async () => {
      const ca = await insertCa('ACTIVE', 'SUBORDINATE', 'EC_prime256v1');
      const certificateId = randomUUID();
      const first = await call('SignData', certificateInput(ca.id, certificateId, tbs('a')), 'issue-1');
      const again = await call('SignData', certificateInput(ca.id, certificateId, tbs('a')), 'recovery-1');
      // ECDSA signatures are randomised: equal bytes mean the key was not used again.
      expect(again).toEqual(first);
      expect(verify('sha256', tbs('a'), ca.publicKey!, again)).toBe(true);
      const events = await usage(ca.id);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ correlationId: 'issue-1', data: { purpose: 'CERTIFICATE', signatureSha256: createHash('sha256').update(first).digest('hex') } });
      // Kept beside its CaKeyUsed record, committed in the same transaction.
      expect(await recorded(certificateId)).toEqual([
        expect.objectContaining({ certificate_id: certificateId, certificate_authority_id: ca.id, signing_algorithm: 'SHA256WITHECDSA', tbs_sha256: createHash('sha256').update(tbs('a')).digest('hex'), signature: first, key_used_event_id: events[0]!.id }),
      ]);
    });

    it('refuses different data for a certificate it already signed (Conflict), and records nothing', async () => {
      const ca = await insertCa('ACTIVE', 'ROOT', 'EC_prime256v1');
      const other = await insertCa('ACTIVE', 'ROOT', 'EC_prime256v1');
      const certificateId = randomUUID();
      const first = await call('SignData', certificateInput(ca.id, certificateId, tbs('b')));
      for (const input of [
        certificateInput(ca.id, certificateId, tbs('b, changed')),
        { ...certificateInput(ca.id, certificateId, tbs('b')), signingAlgorithm: 'SHA384WITHECDSA' },
        certificateInput(other.id, certificateId, tbs('b')),
      ]) {
        const error = await call('SignData', input).catch((e) => e);
        expect(error).toBeInstanceOf(DomainError);
        expect(error).toMatchObject({ kind: 'Conflict', message: expect.stringContaining(`Certificate ${certificateId} is already signed`) });
      }
      expect(await usage(ca.id)).toHaveLength(1);
      expect(await usage(other.id)).toHaveLength(0);
      expect((await recorded(certificateId)).map((r) => r.signature)).toEqual([first]);
    });

    it('signs once for 20 concurrent requests for one certificate, from two replicas, beside other certificates', async () => {
      const ca = await insertCa('ACTIVE', 'SUBORDINATE', 'EC_prime256v1');
      const replica = signingHandlers({ ...context(), keys: ctx.keys });
      const certificateId = randomUUID();
      const others = Array.from({ length: 10 }, () => randomUUID());
      const replies = await Promise.all([
        ...Array.from({ length: 20 }, (_, i) => (i % 2 ? replica : handlers).SignData(message(certificateInput(ca.id, certificateId, tbs('c'))))),
        ...others.map((id, i) => (i % 2 ? replica : handlers).SignData(message(certificateInput(ca.id, id, tbs(id))))),
      ]);
      const signatures = replies.map((r) => (r as { signatureBase64: string }).signatureBase64);
      expect(new Set(signatures.slice(0, 20)).size).toBe(1);
      const events = await usage(ca.id);
      expect(events).toHaveLength(11);
      expect(events.map((e) => e.version)).toEqual(Array.from({ length: 11 }, (_, i) => i + 1));
      expect(new Set(events.map((e) => e.data.signatureSha256))).toEqual(new Set(signatures.map((s) => createHash('sha256').update(Buffer.from(s, 'base64')).digest('hex'))));
      expect(await recorded(certificateId)).toHaveLength(1);
    });

    it('keeps the first signature when a replica that missed it signs the certificate again; the rest of the batch commits', async () => {
      const ca = await insertCa('ACTIVE', 'SUBORDINATE', 'EC_prime256v1');
      const certificateId = randomUUID();
      const first = await call('SignData', certificateInput(ca.id, certificateId, tbs('d')));
      // Another replica's journal, as if its lookup had run just before that commit.
      const replica = new SigningService(ctx.keys, ctx.store, ctx.now);
      const request = { certificateAuthorityId: ca.id, signingAlgorithm: 'SHA256WITHECDSA', purpose: 'CERTIFICATE', requestedBy: 'issuance-service', ownerAccountId: OWNER, requestedForAccount: CALLER, correlationId: 'late' } as const;
      const [late, other] = await Promise.allSettled([replica.sign(request, tbs('d'), certificateId), replica.sign(request, tbs('e'), randomUUID())]);
      expect(late).toMatchObject({ status: 'rejected', reason: expect.any(CertificateAlreadySigned) });
      expect(other.status).toBe('fulfilled');
      expect((await usage(ca.id)).map((e) => e.data.sha256)).toEqual([tbs('d'), tbs('e')].map((t) => createHash('sha256').update(t).digest('hex')));
      expect((await recorded(certificateId)).map((r) => r.signature)).toEqual([first]);
    });

    it('still signs OCSP responses each time they are asked for', async () => {
      const ca = await insertCa('ACTIVE', 'ROOT', 'EC_prime256v1');
      const input = { certificateAuthorityId: ca.id, signingAlgorithm: 'SHA256WITHECDSA', purpose: 'OCSP', requestedBy: 'revocation-service', dataBase64: tbs('ocsp').toString('base64') };
      const [a, b] = [await call('SignData', input), await call('SignData', input)];
      expect(a).not.toEqual(b);
      expect(await usage(ca.id)).toHaveLength(2);
    });
  });

  it('SignDataBatch: one CA check, a signature per item in order, each with its own CaKeyUsed record, all committed in one transaction', async () => {
    const ca = await insertCa('ACTIVE', 'ROOT', 'EC_prime256v1');
    const items = ['one', 'two', 'three'].map((name) => ({ dataBase64: Buffer.from(`ResponseData ${name}`).toString('base64'), requestId: `http-${name}` }));
    const common = { certificateAuthorityId: ca.id, signingAlgorithm: 'SHA256WITHECDSA', purpose: 'OCSP', requestedBy: 'revocation-service (OCSP responder)' };
    const { signaturesBase64 } = (await handlers.SignDataBatch!(message({ ...common, items }, 'batch-1'))) as { signaturesBase64: string[] };
    expect(signaturesBase64).toHaveLength(3);
    signaturesBase64.forEach((signature, i) => expect(verify('sha256', Buffer.from(items[i]!.dataBase64, 'base64'), ca.publicKey!, Buffer.from(signature, 'base64'))).toBe(true));
    const events = await usage(ca.id);
    expect(events.map((e) => [e.correlationId, e.data.purpose, e.data.signatureSha256])).toEqual(
      items.map((item, i) => [item.requestId, 'OCSP', createHash('sha256').update(Buffer.from(signaturesBase64[i]!, 'base64')).digest('hex')]),
    );
    // One transaction: every row carries the id of the transaction that wrote it.
    const { rows } = await sql<{ xmin: string }>`select xmin::text from ca.events where stream = ${caKeyUsageStream(ca.id)}`.execute(database.db);
    expect(new Set(rows.map((r) => r.xmin)).size).toBe(1);
  });

  it('SignDataBatch refuses certificate purposes and CAs that may not sign, and records nothing', async () => {
    const active = await insertCa('ACTIVE', 'ROOT', 'EC_prime256v1');
    const pending = await insertCa('PENDING_CERTIFICATE', 'ROOT', 'EC_prime256v1');
    const items = [{ dataBase64: Buffer.from('x').toString('base64'), requestId: 'r' }];
    const common = { signingAlgorithm: 'SHA256WITHECDSA', requestedBy: 'revocation-service' };
    await expect(handlers.SignDataBatch!(message({ ...common, certificateAuthorityId: active.id, purpose: 'CERTIFICATE', items }))).rejects.toMatchObject({ code: 'InvalidArgsException' });
    await expect(handlers.SignDataBatch!(message({ ...common, certificateAuthorityId: active.id, purpose: 'OCSP', items: [] }))).rejects.toMatchObject({ code: 'InvalidArgsException' });
    await expect(handlers.SignDataBatch!(message({ ...common, certificateAuthorityId: pending.id, purpose: 'OCSP', items }))).rejects.toMatchObject({ kind: 'InvalidState' });
    expect(await usage(active.id)).toHaveLength(0);
    expect(await usage(pending.id)).toHaveLength(0);
  });

  it('puts no private key material in any event, log line or error message', async () => {
    const rows = await caKeyDb(database.db).selectFrom('ca_keys').selectAll().execute();
    expect(rows.length).toBeGreaterThan(5);
    const secrets: string[] = ['PRIVATE KEY', DEVELOPMENT_KEK.key.toString('base64'), DEVELOPMENT_KEK.key.toString('hex')];
    for (const row of rows) {
      const pkcs8 = openPrivateKey(kekRing(DEVELOPMENT_KEK), row.ca_id, sealedPrivateKeyOf(row));
      const jwk = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' }).export({ format: 'jwk' });
      const scalar = Buffer.from(jwk.d!, 'base64url');
      secrets.push(pkcs8.toString('base64'), pkcs8.toString('hex'), scalar.toString('hex'), scalar.toString('base64'), jwk.d!);
      // The stored ciphertext does not hold the key in the clear either.
      expect(row.ciphertext!.includes(scalar)).toBe(false);
    }
    const events = await database.db.withSchema('ca').selectFrom('events').select(['data']).execute();
    const eventText = events.map((e) => JSON.stringify(e.data)).join('\n');
    expect(events.length).toBeGreaterThan(60);
    const haystacks = { events: eventText, logs: logs.join('\n'), errors: errors.join('\n') };
    expect(errors.length).toBeGreaterThan(5);
    for (const [where, text] of Object.entries(haystacks)) {
      for (const secret of secrets) {
        if (text.includes(secret)) throw new Error(`private key material found in ${where}`);
      }
    }
  });
});
