/**
 * Generates, signs and publishes one CA's CRL (RFC 5280 v2): its complete CRL, or the CRL of
 * one of its partitions (CrlType PARTITIONED: the revocations of the certificates bound to that
 * partition, with a critical issuingDistributionPoint naming the partition's URL), then records
 * CrlGenerated. One generator per CA at a time across replicas (the crl_states row lock), the
 * cRLNumber allocated in Postgres before building, the entries read with one binary COPY and
 * written as they arrive by the CrlWriter (domain/crl-writer.ts: the DER in one growing buffer,
 * no object per entry), the TBS digest signed by ca-service (SignDigest, purpose CRL: the TBS
 * never travels), the signature checked against the CA key before anything is published.
 */
import { createPublicKey, createVerify, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { hashOf, isMlDsaAlgorithm, signingDigestHasher, verifyMlDsaMu, type SigningAlgorithm } from '@pki/pki';
import { REVOCATION_EVENT_TYPES, type CrlGeneratedV1, type CrlGenerationFailedV1 } from '@pki/contracts';
import { ConcurrencyError, poolOf } from '@pki/eventstore';
import { crlNextUpdate, entryCutoff, MAX_CRL_NUMBER } from '../domain/crl-schedule';
import { crlCapacityFor, CrlWriter } from '../domain/crl-writer';
import { crlObjectKey, crlPublicationUrl } from '@pki/pki';
import { crlPublicationOf } from '../domain/revocation-configuration';
import { crlFailureStream, crlStream } from '../domain/revocation.events';
import { findCaById } from '../infrastructure/ca.queries';
import { copyCrlEntries, type PgPool } from '../infrastructure/crl-entries.copy';
import {
  allocateCrlNumber,
  clearCrlDirty,
  clearCrlPartitionDirty,
  ensureCrlState,
  lockCrlPartition,
  lockCrlState,
  updateCrlPartition,
  updateCrlState,
} from '../infrastructure/crl.queries';
import { revocationDb } from '../infrastructure/database';
import type { RevocationContext } from './revocation-context';
import { crlPublished } from './revocation-metrics';

/**
 * Where the time of a published CRL went, in milliseconds: `read` is the COPY, with every entry
 * encoded as it arrives (the two overlap, so they are one figure), `build` the closing of the
 * DER and the TBS digest, `sign` ca-service's SignDigest and the check of its signature,
 * `publish` the object store and the commit of the CRL state.
 */
export interface CrlPhases {
  readonly read: number;
  readonly build: number;
  readonly sign: number;
  readonly publish: number;
}

export type CrlOutcome =
  | { readonly kind: 'published'; readonly event: CrlGeneratedV1; readonly phases: CrlPhases }
  | { readonly kind: 'busy' }
  | { readonly kind: 'not-applicable'; readonly why: string };

const REQUESTED_BY = 'revocation-service';

/** The CRL was built and signed but could not be put in the CA's bucket (`permission`: the store refused access). */
export class CrlWriteError extends Error {
  constructor(
    readonly permission: boolean,
    cause: unknown,
  ) {
    super(`the CRL could not be written to its bucket: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'CrlWriteError';
  }
}

/** Whether an object store error is a refusal of access: S3's AccessDenied / 403, or the filesystem's EACCES / EPERM. */
function isPermissionError(error: unknown): boolean {
  const e = error as { name?: string; code?: string; $metadata?: { httpStatusCode?: number } } | null;
  return e?.name === 'AccessDenied' || e?.$metadata?.httpStatusCode === 403 || e?.code === 'EACCES' || e?.code === 'EPERM';
}

function verifySignature(spki: Buffer, algorithm: SigningAlgorithm, tbs: Buffer, digest: Buffer, signature: Buffer): boolean {
  // ML-DSA: checked from mu, so a large CRL is not hashed a second time (FIPS 204 external mu).
  if (isMlDsaAlgorithm(algorithm)) return verifyMlDsaMu(algorithm, spki, digest, signature);
  return createVerify(hashOf(algorithm))
    .update(tbs)
    .verify({ key: createPublicKey({ key: spki, format: 'der', type: 'spki' }), dsaEncoding: 'der' }, signature);
}

/** The pg Pool the COPY runs on: the context's, else the one under its Kysely (createDb's). */
function pgPoolOf(context: RevocationContext): PgPool {
  const pool = context.pgPool ?? poolOf(context.db);
  if (!pool) throw new Error('CRL generation needs the pg Pool of the database (RevocationContext.pgPool)');
  return pool;
}

/**
 * Generates the CA's complete CRL (`partition` null: the revocations of certificates bound to no
 * partition) or partition `partition`'s CRL.
 */
export async function generateCrl(context: RevocationContext, caId: string, partition: string | null = null): Promise<CrlOutcome> {
  const start = process.hrtime.bigint();
  let publishFrom = 0;
  if (partition === null) await ensureCrlState(revocationDb(context.db), caId);
  const outcome = await context.db.transaction().execute(async (trx): Promise<CrlOutcome> => {
    const state = partition === null ? await lockCrlState(trx, caId) : await lockCrlPartition(trx, caId, partition);
    if (!state) return { kind: 'busy' };
    const db = revocationDb(trx);
    const ca = await findCaById(db, caId);
    if (!ca || !ca.crl_enabled || ca.status !== 'ACTIVE' || !ca.certificate_der || !ca.subject_der || !ca.subject_key_identifier || !ca.public_key_spki) {
      return { kind: 'not-applicable', why: 'the CA has no enabled CRL, is not ACTIVE or has no certificate' };
    }
    if (!ca.crl_s3_bucket_name) return { kind: 'not-applicable', why: 'CrlConfiguration names no S3BucketName' };
    // The complete CRL is where the configuration says now; a partition's, where it was opened (its URL never changes).
    const where = 'object_key' in state
      ? { bucket: state.bucket, key: state.object_key, url: state.url }
      : { bucket: ca.crl_s3_bucket_name, key: crlObjectKey(crlPublicationOf(ca)), url: crlPublicationUrl(crlPublicationOf(ca), context.publicUrl)! };
    const url = where.url;
    const algorithm = ca.signing_algorithm as SigningAlgorithm;
    const crlNumber = await allocateCrlNumber(context.db, caId);
    if (crlNumber > MAX_CRL_NUMBER) throw new Error(`cRLNumber space of ${caId} exhausted (RFC 5280 §5.2.3 allows 20 octets)`);
    const thisUpdate = new Date(Math.floor(context.now().getTime() / 1000) * 1000);
    const nextUpdate = crlNextUpdate(thisUpdate, ca.crl_expiration_days);
    // Room for a few more entries than the previous CRL had, so the buffer rarely has to grow.
    const capacity = crlCapacityFor(Math.ceil((state.entry_count ?? 0) * 1.05));
    const header = { issuerDer: ca.subject_der, signingAlgorithm: algorithm, thisUpdate, nextUpdate, crlNumber, authorityKeyIdentifier: ca.subject_key_identifier };
    // A partition's CRL says which certificates it covers: those whose CDP is this URL (RFC 5280 §5.2.5).
    const writer = new CrlWriter(partition === null ? header : { ...header, issuingDistributionPointUrl: url }, capacity);
    const t0 = performance.now();
    const sink = (text: Uint8Array, from: number, to: number, seconds: number, reason: number) => writer.add(text, from, to, seconds, reason);
    const entryCount = await copyCrlEntries(pgPoolOf(context), caId, entryCutoff(state.this_update), sink, partition);
    const t1 = performance.now();
    const tbs = writer.finish();
    // The algorithm's hash, or for ML-DSA mu, which the CA's public key gives (signingDigestHasher).
    const digest = signingDigestHasher(algorithm, ca.public_key_spki).update(tbs).digest();
    const t2 = performance.now();
    const signature = await context.signer.signDigest(
      { certificateAuthorityId: caId, signingAlgorithm: algorithm, purpose: 'CRL', requestedBy: REQUESTED_BY, digestBase64: digest.toString('base64') },
      { caller: { accountId: ca.owner_account, accessKeyId: REQUESTED_BY }, requestId: `crl-${caId}-${crlNumber}` },
    );
    // Lint before publishing (STYLE.md "Signing"): the signature must verify under the CA certificate's key.
    if (!verifySignature(ca.public_key_spki, algorithm, tbs, digest, signature)) {
      throw new Error(`the signature ca-service returned for CRL ${crlNumber} of ${caId} does not verify with the CA key`);
    }
    const t3 = (publishFrom = performance.now());
    const body = writer.assemble(signature);
    const key = where.key;
    try {
      await context.objects.put(where.bucket, key, body, { contentType: 'application/pkix-crl', acl: ca.crl_s3_object_acl as 'PUBLIC_READ', ownerAccount: ca.owner_account });
    } catch (error) {
      throw new CrlWriteError(isPermissionError(error), error);
    }
    const event: CrlGeneratedV1 = {
      certificateAuthorityArn: ca.arn,
      certificateAuthorityId: ca.id,
      crlNumber: crlNumber.toString(),
      entryCount,
      size: body.length,
      thisUpdate: thisUpdate.toISOString(),
      nextUpdate: nextUpdate.toISOString(),
      url,
      bucket: where.bucket,
      key,
      accountId: ca.owner_account,
      generatedAt: context.now().toISOString(),
      ...(partition === null ? {} : { crlPartition: partition }),
    };
    const published = {
      generated_config_seq: ca.config_seq,
      crl_number: crlNumber.toString(),
      this_update: thisUpdate,
      next_update: nextUpdate,
      entry_count: entryCount,
      failures: 0,
      retry_after: null,
      last_error: null,
      pending_event: JSON.stringify(event),
    };
    // The dirty mark this CRL covers: the partition's own, or (complete CRL) the CA's.
    if (partition !== null) {
      const dirtySeq = (state as { dirty_seq: string }).dirty_seq;
      await updateCrlPartition(db, caId, partition, { ...published, generated_dirty_seq: dirtySeq });
      await clearCrlPartitionDirty(db, caId, partition, dirtySeq);
    } else {
      await updateCrlState(db, caId, { ...published, generated_dirty_seq: ca.crl_dirty_seq });
      await clearCrlDirty(db, caId, ca.crl_dirty_seq);
    }
    // publish is completed below, once the state has committed and CrlGenerated is recorded.
    return { kind: 'published', event, phases: { read: t1 - t0, build: t2 - t1, sign: t3 - t2, publish: 0 } };
  });
  if (outcome.kind !== 'published') return outcome;
  crlPublished(caId, Number(process.hrtime.bigint() - start) / 1e9, outcome.event.size);
  await recordCrlGenerated(context, outcome.event);
  return { ...outcome, phases: { ...outcome.phases, publish: performance.now() - publishFrom } };
}

/**
 * Appends CrlGenerated (once per CRL number: its own stream at version 0) and clears the pending
 * copy. Run after the publication commits, and again by the worker for a pending event a crash
 * left behind.
 */
export async function recordCrlGenerated(context: RevocationContext, event: CrlGeneratedV1): Promise<void> {
  try {
    await context.store.append(crlStream(event.certificateAuthorityId, BigInt(event.crlNumber)), 0, [{ type: REVOCATION_EVENT_TYPES.CrlGenerated, schemaVersion: 1, data: event }], {
      correlationId: `crl-${event.certificateAuthorityId}-${event.crlNumber}`,
      causationId: null,
      accountId: event.accountId,
    });
  } catch (error) {
    if (!(error instanceof ConcurrencyError)) throw error;
  }
  await revocationDb(context.db)
    .updateTable(event.crlPartition ? 'crl_partitions' : 'crl_states')
    .set({ pending_event: null })
    .where('ca_id', '=', event.certificateAuthorityId)
    .where('crl_number', '=', event.crlNumber)
    .execute();
}

/**
 * Records one failed attempt at `caId`'s CRL as CrlGenerationFailed (its own stream: each attempt
 * is a fact of its own), which the public feed turns into AWS's CRL Generation failure.
 */
export async function recordCrlFailure(context: RevocationContext, caId: string, error: unknown, retryAfter: Date): Promise<void> {
  const ca = await findCaById(revocationDb(context.db), caId);
  if (!ca) return;
  const data: CrlGenerationFailedV1 = {
    certificateAuthorityArn: ca.arn,
    certificateAuthorityId: ca.id,
    stage: error instanceof CrlWriteError ? 'WRITE' : 'GENERATE',
    permission: error instanceof CrlWriteError && error.permission,
    reason: error instanceof Error ? error.message : String(error),
    accountId: ca.owner_account,
    failedAt: context.now().toISOString(),
    retryAfter: retryAfter.toISOString(),
  };
  await context.store.append(crlFailureStream(caId, randomUUID()), 0, [{ type: REVOCATION_EVENT_TYPES.CrlGenerationFailed, schemaVersion: 1, data }], {
    correlationId: `crl-${caId}-failure`,
    causationId: null,
    accountId: ca.owner_account,
  });
}
