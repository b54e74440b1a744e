/**
 * KEK rotation against real Postgres: every row re-wrapped once, two re-wrappers at once, a run
 * stopped halfway and run again, rows that cannot be re-wrapped, signing throughout, and the
 * ca-service worker. Each test works in its own database, so counts are exact.
 */
import { createPublicKey, randomBytes, randomUUID, verify } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { KEY_USAGE_EVENT_TYPES, caKeyUsageStream, type CaKeyRewrappedV1 } from '@pki/contracts';
import { EventStore } from '@pki/eventstore';
import { waitFor, type TestDatabase } from '@pki/testing';
import { caKeyDb, findCaKey, replaceWrappedDek, sealedPrivateKeyOf } from './ca-key.queries';
import type { CaKeyRow } from './ca-key.table';
import { kekFrom, kekRing, rewrapPrivateKey, type Kek, type KekRing } from './envelope-encryption';
import { rewrapCaKeys, rewrapStatus, type RewrapContext, type RewrapLog } from './kek-rewrap';
import { kekRewrapWorker } from './kek-rewrap.worker';
import { SoftwareKeyCustody } from './software-key-custody';
import { createCaTestDatabase, insertCaRow } from './test/ca-test-database';

const newKek = () => kekFrom(randomBytes(32));
const DATA = Buffer.from('to be signed');
const OWNER = '123456789012';
const AT = new Date('2026-12-07T06:00:00.000Z');

/** Collects log lines, to check what a run reports (and that it reports no key). */
function recordingLog(): RewrapLog & { readonly lines: string[] } {
  const lines: string[] = [];
  return { lines, log: (m) => void lines.push(m), warn: (m) => void lines.push(m) };
}

async function rows(db: Kysely<any>): Promise<CaKeyRow[]> {
  return caKeyDb(db).selectFrom('ca_keys').selectAll().orderBy('ca_id').execute();
}

/** Signs with every CA through `custody` and verifies each signature under the CA's stored public key. */
async function expectAllSign(db: Kysely<any>, custody: SoftwareKeyCustody, caIds: readonly string[]): Promise<void> {
  for (const caId of caIds) {
    const row = (await findCaKey(caKeyDb(db), caId))!;
    const signature = await custody.sign(caId, 'SHA256WITHECDSA', DATA);
    expect(verify('sha256', DATA, createPublicKey({ key: row.public_key_spki, format: 'der', type: 'spki' }), signature)).toBe(true);
  }
}

describe('KEK rotation: re-wrapping software CA keys (Postgres)', () => {
  let database: TestDatabase;
  let caIds: string[];
  const kek1 = newKek();

  let store: EventStore;
  let context: RewrapContext;

  beforeEach(async () => {
    database = await createCaTestDatabase();
    store = new EventStore(database.db, { schema: 'ca' });
    context = { db: database.db, store, now: () => AT };
    const custody = new SoftwareKeyCustody(database.db, kekRing(kek1));
    caIds = Array.from({ length: 24 }, () => randomUUID()).sort();
    for (const caId of caIds) {
      await insertCaRow(database.db, caId, OWNER);
      await custody.generate(caId, 'EC_prime256v1');
    }
  });

  /** The CaKeyRewrapped events of each CA's key-usage stream. */
  const rewrapEvents = async (ids: readonly string[]) =>
    (await Promise.all(ids.map((id) => store.load(caKeyUsageStream(id))))).flat().filter((e) => e.type === KEY_USAGE_EVENT_TYPES.CaKeyRewrapped);
  afterEach(() => database?.destroy());

  const secretsOf = (...keks: Kek[]) => keks.flatMap((k) => [k.key.toString('base64'), k.key.toString('hex')]);

  it('re-wraps every row once under the current KEK, keeping the encrypted key; the old KEK is then not needed, and a cached key keeps signing', async () => {
    const cached = new SoftwareKeyCustody(database.db, kekRing(kek1));
    await expectAllSign(database.db, cached, caIds); // every key now opened and cached under KEK 1
    const before = await rows(database.db);
    const kek2 = newKek();
    const logger = recordingLog();
    // A stream that already holds key-use records: the re-wrap's event goes after them.
    const busy = caIds[1]!;
    await store.append(caKeyUsageStream(busy), 0, [1, 2, 3].map((n) => ({ type: 'TestKeyUse', schemaVersion: 1, data: { n } })), { accountId: OWNER, correlationId: 'test', causationId: null });

    const result = await rewrapCaKeys(context, kekRing(kek2, [kek1]), { logger, batchSize: 5 });

    expect(result).toEqual({ rewrapped: caIds.length, changedConcurrently: 0, failed: [], stopped: false });
    const after = await rows(database.db);
    expect(after.map((r) => r.kek_id)).toEqual(caIds.map(() => kek2.id));
    after.forEach((row, i) => {
      const old = before[i]!;
      expect(row.ciphertext!.equals(old.ciphertext!) && row.iv!.equals(old.iv!) && row.tag!.equals(old.tag!)).toBe(true);
      expect(row.wrapped_dek!.equals(old.wrapped_dek!)).toBe(false);
      expect(row.public_key_spki.equals(old.public_key_spki)).toBe(true);
    });
    expect(await rewrapStatus(database.db, kekRing(kek2))).toEqual({ byKek: new Map([[kek2.id, caIds.length]]), remaining: 0 });
    await expectAllSign(database.db, new SoftwareKeyCustody(database.db, kekRing(kek2)), caIds);
    await expectAllSign(database.db, cached, caIds);
    const events = await rewrapEvents(caIds);
    expect(events).toHaveLength(caIds.length);
    const expected: CaKeyRewrappedV1 = { certificateAuthorityId: busy, fromKekId: kek1.id, toKekId: kek2.id, at: AT.toISOString() };
    expect(events.find((e) => (e.data as CaKeyRewrappedV1).certificateAuthorityId === busy)).toMatchObject({ version: 4, schemaVersion: 1, accountId: OWNER, data: expected });
    for (const secret of secretsOf(kek1, kek2)) expect(JSON.stringify(events)).not.toContain(secret);
    expect(logger.lines).toContain(`KEK rotation: CA ${caIds[0]}: data key re-wrapped from KEK ${kek1.id} to KEK ${kek2.id} (1 re-wrapped in this run)`);
    for (const secret of secretsOf(kek1, kek2)) expect(logger.lines.join('\n')).not.toContain(secret);

    // A second run finds nothing to do.
    expect(await rewrapCaKeys(context, kekRing(kek2, [kek1]), { logger })).toEqual({ rewrapped: 0, changedConcurrently: 0, failed: [], stopped: false });
  });

  it('writes through compare-and-set: of two re-wraps of one read, only the first lands', async () => {
    const kek2 = newKek();
    const keks = kekRing(kek2, [kek1]);
    const caId = caIds[0]!;
    const sealed = sealedPrivateKeyOf((await findCaKey(caKeyDb(database.db), caId))!);
    const first = rewrapPrivateKey(keks, caId, sealed);
    const second = rewrapPrivateKey(keks, caId, sealed);
    expect(await replaceWrappedDek(caKeyDb(database.db), caId, sealed, first)).toBe(true);
    expect(await replaceWrappedDek(caKeyDb(database.db), caId, sealed, second)).toBe(false);
    const stored = sealedPrivateKeyOf((await findCaKey(caKeyDb(database.db), caId))!);
    expect(stored.wrappedDek.equals(first.wrappedDek)).toBe(true);
    // A destroyed key is not brought back by a late write.
    await caKeyDb(database.db).deleteFrom('ca_keys').where('ca_id', '=', caId).execute();
    expect(await replaceWrappedDek(caKeyDb(database.db), caId, stored, rewrapPrivateKey(keks, caId, stored))).toBe(false);
    expect(await findCaKey(caKeyDb(database.db), caId)).toBeUndefined();
  });

  it('two re-wrappers at once, while keys are opened and used: each row re-wrapped exactly once, every row opens under the new KEK alone', async () => {
    const kek2 = newKek();
    const keks = kekRing(kek2, [kek1]);
    // A replica that has not opened any key yet and signs during the rotation.
    const signer = new SoftwareKeyCustody(database.db, keks);
    const signing = expectAllSign(database.db, signer, caIds);
    const [a, b] = await Promise.all([rewrapCaKeys(context, keks, { logger: recordingLog(), batchSize: 3 }), rewrapCaKeys(context, keks, { logger: recordingLog(), batchSize: 3 })]);
    await signing;

    expect(a.rewrapped + b.rewrapped).toBe(caIds.length);
    expect(await rewrapEvents(caIds)).toHaveLength(caIds.length);
    expect(a.changedConcurrently + b.changedConcurrently).toBeLessThanOrEqual(caIds.length);
    expect([...a.failed, ...b.failed]).toEqual([]);
    expect((await rows(database.db)).every((row) => row.kek_id === kek2.id)).toBe(true);
    await expectAllSign(database.db, new SoftwareKeyCustody(database.db, kekRing(kek2)), caIds);
  });

  it('a run stopped halfway leaves every row openable (old or new KEK); a rerun completes it', async () => {
    const kek2 = newKek();
    const keks = kekRing(kek2, [kek1]);
    let seen = 0;
    const stoppedRun = await rewrapCaKeys(context, keks, { logger: recordingLog(), batchSize: 4, shouldStop: () => seen++ >= 10 });
    expect(stoppedRun).toMatchObject({ rewrapped: 10, stopped: true });
    const status = await rewrapStatus(database.db, keks);
    expect(status.remaining).toBe(caIds.length - 10);
    expect(status.byKek).toEqual(new Map([[kek1.id, caIds.length - 10], [kek2.id, 10]]));
    await expectAllSign(database.db, new SoftwareKeyCustody(database.db, keks), caIds);

    expect(await rewrapEvents(caIds)).toHaveLength(10);
    const rerun = await rewrapCaKeys(context, keks, { logger: recordingLog() });
    expect(rerun).toEqual({ rewrapped: caIds.length - 10, changedConcurrently: 0, failed: [], stopped: false });
    expect(await rewrapEvents(caIds)).toHaveLength(caIds.length);
    await expectAllSign(database.db, new SoftwareKeyCustody(database.db, kekRing(kek2)), caIds);
  });

  it('reports rows it cannot re-wrap (KEK not configured, altered row), leaves them as they are and re-wraps the rest', async () => {
    const kek2 = newKek();
    const lost = newKek();
    const [tampered, foreign] = [caIds[3]!, randomUUID()];
    await new SoftwareKeyCustody(database.db, kekRing(lost)).generate(foreign, 'EC_prime256v1');
    await sql`update ca.ca_keys set ciphertext = set_byte(ciphertext, 4, get_byte(ciphertext, 4) # 1) where ca_id = ${tampered}`.execute(database.db);
    const tamperedBefore = (await findCaKey(caKeyDb(database.db), tampered))!;
    const logger = recordingLog();

    const result = await rewrapCaKeys(context, kekRing(kek2, [kek1]), { logger });

    expect(result.rewrapped).toBe(caIds.length - 1);
    expect(result.failed).toEqual(
      expect.arrayContaining([
        { certificateAuthorityId: tampered, kekId: kek1.id, reason: `The encrypted private key of CA ${tampered} failed authentication: the stored row was altered or belongs to another CA.` },
        { certificateAuthorityId: foreign, kekId: lost.id, reason: expect.stringContaining(`wrapped with key-encryption key ${lost.id}, which is not configured`) },
      ]),
    );
    expect(result.failed).toHaveLength(2);
    expect((await findCaKey(caKeyDb(database.db), tampered))!.wrapped_dek!.equals(tamperedBefore.wrapped_dek!)).toBe(true);
    expect((await findCaKey(caKeyDb(database.db), foreign))!.kek_id).toBe(lost.id);
    expect(await rewrapEvents([tampered, foreign])).toEqual([]);
    expect((await rewrapStatus(database.db, kekRing(kek2, [kek1]))).remaining).toBe(2);
    for (const secret of secretsOf(kek1, kek2, lost)) expect(logger.lines.join('\n')).not.toContain(secret);
  });

  it('the ca-service worker (PKI_KEK_REWRAP_INTERVAL_MS) re-wraps in the background and stops cleanly; off by default', async () => {
    const kek2 = newKek();
    const env = { PKI_KEK: [kek2, kek1].map((k) => k.key.toString('base64')).join(','), PKI_KEK_REWRAP_INTERVAL_MS: '200' };
    expect(kekRewrapWorker({ PKI_KEK: env.PKI_KEK }, context)).toBeUndefined();
    const worker = kekRewrapWorker(env, context)!;
    await worker.start();
    try {
      const keks: KekRing = kekRing(kek2);
      await waitFor(async () => (await rewrapStatus(database.db, keks)).remaining === 0, { timeoutMs: 30_000, what: 'the worker to re-wrap every key' });
      // A key stored under the old KEK later (a replica not yet rolled) is picked up by a later pass.
      const late = randomUUID();
      await new SoftwareKeyCustody(database.db, kekRing(kek1)).generate(late, 'EC_prime256v1');
      await waitFor(async () => (await findCaKey(caKeyDb(database.db), late))?.kek_id === kek2.id, { timeoutMs: 30_000, what: 'the late key to be re-wrapped' });
      await expectAllSign(database.db, new SoftwareKeyCustody(database.db, keks), [...caIds, late]);
    } finally {
      await worker.stop();
    }
  });
});
