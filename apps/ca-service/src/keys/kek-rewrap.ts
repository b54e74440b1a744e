/**
 * KEK rotation (README "Rotating the key-encryption key"): every software CA key not wrapped
 * under the current KEK gets its data key re-wrapped under it. Only the wrapped DEK changes;
 * the encrypted PKCS #8 stays, so the CA's key, and every KeyObject a replica already opened
 * from it, are the same before and after.
 *
 * Safe online and with several re-wrappers at once (the rewrap-keys command, the worker of each
 * ca-service replica): each row is one compare-and-set update on the wrapping that was read
 * (replaceWrappedDek), so a crash leaves every row either as it was or fully re-wrapped, a row
 * another re-wrapper changed first is left to it, and a rerun continues with what is left.
 * Each change is recorded as a `CaKeyRewrapped` event in the CA's key-usage stream, committed in
 * the same transaction as the row, so there is one event per change, never one without it.
 * Progress goes to the log as CA ids, KEK ids and counts, never key material.
 */
import type { Kysely } from 'kysely';
import { KEY_USAGE_EVENT_TYPES, caKeyUsageStream, type CaKeyRewrappedV1, type EventMetadata } from '@pki/contracts';
import { ConcurrencyError, type EventStore } from '@pki/eventstore';
import { caDb } from '../infrastructure/database';
import { findCertificateAuthorityById } from '../infrastructure/certificate-authority.queries';
import { caKeyDb, countCaKeysByKek, findCaKeysNotUnderKek, replaceWrappedDek, sealedPrivateKeyOf } from './ca-key.queries';
import type { CaKeyRow } from './ca-key.table';
import { rewrapPrivateKey, type KekRing } from './envelope-encryption';

export interface RewrapLog {
  log(message: string): void;
  warn(message: string): void;
}

/** Where the keys and the CA key-usage streams are (ca-service's schema). */
export interface RewrapContext {
  readonly db: Kysely<any>;
  readonly store: EventStore;
  readonly now: () => Date;
}

export interface RewrapOptions {
  /** Rows read per query. */
  readonly batchSize?: number;
  /** Pause after each re-wrapped row: spreads the work of a large rotation (default none). */
  readonly pauseMs?: number;
  /** Checked before each row: a stopping worker ends its pass early; the rest waits for the next. */
  readonly shouldStop?: () => boolean;
  readonly logger: RewrapLog;
}

export interface RewrapFailure {
  readonly certificateAuthorityId: string;
  readonly kekId: string;
  /** Names the CA and KEK ids and what to do; never key material. */
  readonly reason: string;
}

export interface RewrapResult {
  /** Rows this run re-wrapped under the current KEK. */
  readonly rewrapped: number;
  /** Rows another re-wrapper (or a key deletion) changed between our read and our write. */
  readonly changedConcurrently: number;
  /** Rows that could not be re-wrapped: KEK not configured, or the row failed authentication. */
  readonly failed: readonly RewrapFailure[];
  /** True when shouldStop ended the run before it had looked at every row. */
  readonly stopped: boolean;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The row changed between our read and our write: this transaction and its event are dropped. */
class RowChanged extends Error {}

/** Appends tried against a busy key-usage stream (signatures append there concurrently) before the pass gives up. */
const MAX_APPEND_ATTEMPTS = 50;

/**
 * One row: re-wrap in memory, then, in one transaction, compare-and-set the row and append its
 * CaKeyRewrapped event. The stream's version is learnt from the first conflict (reading a CA's
 * whole key-usage stream would cost one row per signature it ever made).
 */
async function rewrapRow(context: RewrapContext, keks: KekRing, row: CaKeyRow): Promise<'rewrapped' | 'changed'> {
  const sealed = sealedPrivateKeyOf(row);
  const next = rewrapPrivateKey(keks, row.ca_id, sealed);
  const ca = await findCertificateAuthorityById(caDb(context.db), row.ca_id);
  // A system action in the CA owner's account (as the lifecycle worker's); a key whose CA row is
  // gone (never in normal operation) is recorded under the anonymous account id.
  const meta: EventMetadata = { accountId: ca?.owner_account ?? '000000000000', correlationId: `kek-rewrap:${row.ca_id}:${next.kekId}`, causationId: null };
  const data: CaKeyRewrappedV1 = { certificateAuthorityId: row.ca_id, fromKekId: sealed.kekId, toKekId: next.kekId, at: context.now().toISOString() };
  const stream = caKeyUsageStream(row.ca_id);
  for (let attempt = 1, version = 0; ; attempt++) {
    try {
      await context.store.append(stream, version, [{ type: KEY_USAGE_EVENT_TYPES.CaKeyRewrapped, schemaVersion: 1, data }], meta, async (trx) => {
        if (!(await replaceWrappedDek(caKeyDb(trx), row.ca_id, sealed, next))) throw new RowChanged();
      });
      return 'rewrapped';
    } catch (error) {
      if (error instanceof RowChanged) return 'changed';
      if (!(error instanceof ConcurrencyError) || attempt >= MAX_APPEND_ATTEMPTS) throw error;
      version = Math.max(0, error.actualVersion);
      if (attempt > 1) await sleep(Math.floor(Math.random() * Math.min(50, 2 * attempt)) + 1);
    }
  }
}

/**
 * One pass over the software keys not under `keks.current`, in CA id order. A row that fails is
 * reported and skipped (the pass goes on); database errors end the pass (the caller retries).
 */
export async function rewrapCaKeys(context: RewrapContext, keks: KekRing, options: RewrapOptions): Promise<RewrapResult> {
  const keyDb = caKeyDb(context.db);
  const { logger } = options;
  const batchSize = options.batchSize ?? 100;
  const to = keks.current.id;
  let rewrapped = 0;
  let changedConcurrently = 0;
  const failed: RewrapFailure[] = [];
  let after: string | undefined;
  for (;;) {
    const rows = await findCaKeysNotUnderKek(keyDb, to, after, batchSize);
    for (const row of rows) {
      if (options.shouldStop?.()) return { rewrapped, changedConcurrently, failed, stopped: true };
      after = row.ca_id;
      const from = row.kek_id ?? 'none';
      try {
        if ((await rewrapRow(context, keks, row)) === 'changed') {
          changedConcurrently++;
          continue;
        }
      } catch (error) {
        // KeyUnsealError messages name CA and KEK ids only (envelope-encryption.ts).
        const reason = error instanceof Error ? error.message : String(error);
        failed.push({ certificateAuthorityId: row.ca_id, kekId: from, reason });
        logger.warn(`KEK rotation: CA ${row.ca_id} not re-wrapped: ${reason}`);
        continue;
      }
      rewrapped++;
      logger.log(`KEK rotation: CA ${row.ca_id}: data key re-wrapped from KEK ${from} to KEK ${to} (${rewrapped} re-wrapped in this run)`);
      if (options.pauseMs) await sleep(options.pauseMs);
    }
    if (rows.length < batchSize) return { rewrapped, changedConcurrently, failed, stopped: false };
  }
}

/** Software keys per KEK id, and how many are not yet under the current KEK. */
export async function rewrapStatus(db: Kysely<any>, keks: KekRing): Promise<{ readonly byKek: ReadonlyMap<string, number>; readonly remaining: number }> {
  const byKek = await countCaKeysByKek(caKeyDb(db));
  let remaining = 0;
  for (const [id, count] of byKek) if (id !== keks.current.id) remaining += count;
  return { byKek, remaining };
}
