/**
 * Generates, signs and publishes one CA's CRL (RFC 5280 v2, complete), then records
 * CrlGenerated. One generator per CA at a time across replicas (the crl_states row lock), the
 * cRLNumber allocated in Postgres before building, the entries streamed from a cursor into
 * @pki/pki's CrlBuilder, the digest signed by ca-service (SignDigest, purpose CRL: the TBS
 * never travels), the signature checked against the CA key before anything is published.
 */
import { createPublicKey, createVerify } from 'node:crypto';
import { CrlBuilder, assembleCrlChunks, hashOf, type SigningAlgorithm } from '@pki/pki';
import { REVOCATION_EVENT_TYPES, type CrlGeneratedV1, type RevocationReason } from '@pki/contracts';
import { ConcurrencyError } from '@pki/eventstore';
import { serialOctets } from '../domain/certificate-serial';
import { crlNextUpdate, entryCutoff, MAX_CRL_NUMBER } from '../domain/crl-schedule';
import { crlObjectKey, crlUrl } from '../domain/revocation-configuration';
import { crlStream } from '../domain/revocation.events';
import { findCaById } from '../infrastructure/ca.queries';
import { allocateCrlNumber, clearCrlDirty, crlEntryRows, ensureCrlState, lockCrlState, updateCrlState } from '../infrastructure/crl.queries';
import { revocationDb } from '../infrastructure/database';
import type { RevocationContext } from './revocation-context';
import { crlPublished } from './revocation-metrics';

export type CrlOutcome = { readonly kind: 'published'; readonly event: CrlGeneratedV1 } | { readonly kind: 'busy' } | { readonly kind: 'not-applicable'; readonly why: string };

const REQUESTED_BY = 'revocation-service';

function verifySignature(spki: Buffer, algorithm: SigningAlgorithm, chunks: readonly Buffer[], signature: Buffer): boolean {
  const verifier = createVerify(hashOf(algorithm));
  for (const chunk of chunks) verifier.update(chunk);
  return verifier.verify({ key: createPublicKey({ key: spki, format: 'der', type: 'spki' }), dsaEncoding: 'der' }, signature);
}

export async function generateCrl(context: RevocationContext, caId: string): Promise<CrlOutcome> {
  const start = process.hrtime.bigint();
  await ensureCrlState(revocationDb(context.db), caId);
  const outcome = await context.db.transaction().execute(async (trx): Promise<CrlOutcome> => {
    const state = await lockCrlState(trx, caId);
    if (!state) return { kind: 'busy' };
    const db = revocationDb(trx);
    const ca = await findCaById(db, caId);
    if (!ca || !ca.crl_enabled || ca.status !== 'ACTIVE' || !ca.certificate_der || !ca.subject_der || !ca.subject_key_identifier || !ca.public_key_spki) {
      return { kind: 'not-applicable', why: 'the CA has no enabled CRL, is not ACTIVE or has no certificate' };
    }
    if (!ca.crl_s3_bucket_name) return { kind: 'not-applicable', why: 'CrlConfiguration names no S3BucketName' };
    const url = crlUrl(ca.id, { crlCustomCname: ca.crl_custom_cname, crlS3BucketName: ca.crl_s3_bucket_name }, context.publicUrl)!;
    const algorithm = ca.signing_algorithm as SigningAlgorithm;
    const crlNumber = await allocateCrlNumber(context.db, caId);
    if (crlNumber > MAX_CRL_NUMBER) throw new Error(`cRLNumber space of ${caId} exhausted (RFC 5280 §5.2.3 allows 20 octets)`);
    const thisUpdate = new Date(Math.floor(context.now().getTime() / 1000) * 1000);
    const nextUpdate = crlNextUpdate(thisUpdate, ca.crl_expiration_days);
    const rows = crlEntryRows(trx, caId, entryCutoff(state.this_update));
    const entries = (async function* () {
      for await (const row of rows) yield { serial: serialOctets(row.serial), revocationDate: row.revoked_at, reason: row.reason as RevocationReason };
    })();
    const built = await new CrlBuilder({ issuerDer: ca.subject_der, signingAlgorithm: algorithm, thisUpdate, nextUpdate, crlNumber, authorityKeyIdentifier: ca.subject_key_identifier, entries }).build();
    const signature = await context.signer.signDigest(
      { certificateAuthorityId: caId, signingAlgorithm: algorithm, purpose: 'CRL', requestedBy: REQUESTED_BY, digestBase64: built.digest.toString('base64') },
      { caller: { accountId: ca.owner_account, accessKeyId: REQUESTED_BY }, requestId: `crl-${caId}-${crlNumber}` },
    );
    // Lint before publishing (STYLE.md "Signing"): the signature must verify under the CA certificate's key.
    if (!verifySignature(ca.public_key_spki, algorithm, built.tbsChunks, signature)) {
      throw new Error(`the signature ca-service returned for CRL ${crlNumber} of ${caId} does not verify with the CA key`);
    }
    const chunks = assembleCrlChunks(built, algorithm, signature);
    const body = Buffer.concat(chunks);
    const key = crlObjectKey(caId);
    await context.objects.put(ca.crl_s3_bucket_name, key, body, { contentType: 'application/pkix-crl', acl: ca.crl_s3_object_acl as 'PUBLIC_READ', ownerAccount: ca.owner_account });
    const event: CrlGeneratedV1 = {
      certificateAuthorityArn: ca.arn,
      certificateAuthorityId: ca.id,
      crlNumber: crlNumber.toString(),
      entryCount: built.entryCount,
      size: body.length,
      thisUpdate: thisUpdate.toISOString(),
      nextUpdate: nextUpdate.toISOString(),
      url,
      bucket: ca.crl_s3_bucket_name,
      key,
      accountId: ca.owner_account,
      generatedAt: context.now().toISOString(),
    };
    await updateCrlState(db, caId, {
      generated_dirty_seq: ca.crl_dirty_seq,
      generated_config_seq: ca.config_seq,
      crl_number: crlNumber.toString(),
      this_update: thisUpdate,
      next_update: nextUpdate,
      entry_count: built.entryCount,
      failures: 0,
      retry_after: null,
      last_error: null,
      pending_event: JSON.stringify(event),
    });
    await clearCrlDirty(db, caId, ca.crl_dirty_seq);
    return { kind: 'published', event };
  });
  if (outcome.kind === 'published') {
    crlPublished(caId, Number(process.hrtime.bigint() - start) / 1e9, outcome.event.size);
    await recordCrlGenerated(context, outcome.event);
  }
  return outcome;
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
    .updateTable('crl_states')
    .set({ pending_event: null })
    .where('ca_id', '=', event.certificateAuthorityId)
    .where('crl_number', '=', event.crlNumber)
    .execute();
}
