/**
 * Finishes certificate requests whose process died between the CertificateRequested append
 * (the intent: serial + the exact TBSCertificate) and the outcome, or whose signature request
 * ended without an answer (ca-service unreachable or its reply lost: IssueCertificate then
 * records no failure, since ca-service may hold a signature), so GetCertificate does not
 * answer RequestInProgressException forever. A request is only touched once it is older than
 * `staleAfterMs` (longer than the signer's request timeout, so a live IssueCertificate has
 * finished or failed by then). The recorded TBS goes to the same SignData as the live request,
 * for the same certificate id: SignData signs a certificate once, so if ca-service signed it
 * before the process died, the worker gets that first signature back (never a second one: for
 * ECDSA that would be a second certificate with the same serial), and the certificate it
 * finishes is byte for byte the one the first signature made; otherwise this is the first
 * signature. The result is assembled, linted and decided exactly as IssueCertificate does, and
 * the outcome is appended at expected version 1: a ConcurrencyError means the live request (or
 * another recovering replica) recorded its outcome first, which is fine.
 */
import { Logger } from '@nestjs/common';
import { certificateStream, type CertificateRequestedV1, type EventMetadata } from '@pki/contracts';
import { ConcurrencyError } from '@pki/eventstore';
import { periodicWorker, type BackgroundWorker } from '@pki/service-kit';
import { assembleCertificate } from '@pki/pki';
import { certificateParts } from '../domain/certificate-der';
import { lintCertificate } from '../domain/certificate-lint';
import { templateFor } from '../domain/certificate-request';
import { decide, evolve, initialState, type CertificateState } from '../domain/certificate.decider';
import type { CertificateEvent } from '../domain/certificate.events';
import { issuanceDb } from '../infrastructure/database';
import { findStaleRequests } from '../infrastructure/certificate.queries';
import { findIssuingCaById } from '../infrastructure/issuing-ca.queries';
import { signatureMayExist, type IssuanceContext } from './issuance-context';
import { appendOutcome } from './issue-certificate.handler';
import { caVerifyKey, processPublicKeys } from './public-keys';
import { toIssuingCaView } from './issuing-ca.loader';

export const DEFAULT_RECOVERY_AFTER_MS = 120_000;
export const DEFAULT_RECOVERY_INTERVAL_MS = 30_000;

/**
 * PKI_ISSUANCE_RECOVERY_AFTER_MS (default 2 minutes, and always more than the signer request
 * timeout so recovery never races a request that is still waiting for its signature).
 */
export function recoveryAfterMs(env: NodeJS.ProcessEnv, signerTimeoutMs: number): number {
  const raw = env.PKI_ISSUANCE_RECOVERY_AFTER_MS;
  if (raw === undefined || raw === '') return Math.max(DEFAULT_RECOVERY_AFTER_MS, signerTimeoutMs + 60_000);
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= signerTimeoutMs) {
    throw new Error(`PKI_ISSUANCE_RECOVERY_AFTER_MS must be an integer number of milliseconds above the signer request timeout (${signerTimeoutMs}), not "${raw}"`);
  }
  return value;
}

/** PKI_ISSUANCE_RECOVERY_INTERVAL_MS: how often the worker looks for such requests (default 30 s). */
export function recoveryIntervalMs(env: NodeJS.ProcessEnv): number {
  const raw = env.PKI_ISSUANCE_RECOVERY_INTERVAL_MS;
  if (raw === undefined || raw === '') return DEFAULT_RECOVERY_INTERVAL_MS;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`PKI_ISSUANCE_RECOVERY_INTERVAL_MS must be a positive integer number of milliseconds, not "${raw}"`);
  return value;
}

export interface IssuanceRecoveryOptions {
  /** A request REQUESTED for longer than this lost its process (default 2 minutes). */
  readonly staleAfterMs?: number;
  readonly intervalMs?: number;
  /** The worker's clock (defaults to the context's). */
  readonly now?: () => Date;
  /** Requests finished per round. */
  readonly batchSize?: number;
}

export type RecoveryOutcome = 'ISSUED' | 'FAILED' | 'ALREADY_DONE' | 'RETRY_LATER';

const reasonOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));


export function issuanceRecoveryWorker(context: IssuanceContext, options: IssuanceRecoveryOptions = {}): BackgroundWorker & { runOnce(): Promise<number> } {
  const log = new Logger('IssuanceRecovery');
  const staleAfterMs = options.staleAfterMs ?? DEFAULT_RECOVERY_AFTER_MS;
  const now = options.now ?? context.now;
  /** Requests this worker is finishing right now: a second round never signs them again. */
  const inFlight = new Set<string>();

  const record = async (requested: CertificateRequestedV1, events: CertificateEvent[], meta: EventMetadata): Promise<RecoveryOutcome> => {
    try {
      await appendOutcome(context, { tbs: Buffer.from(requested.tbsCertificate, 'base64'), requested }, events, meta);
    } catch (error) {
      if (error instanceof ConcurrencyError) return 'ALREADY_DONE';
      throw error;
    }
    return events.some((e) => e.type === 'CertificateIssued') ? 'ISSUED' : 'FAILED';
  };

  const finish = async (certificateId: string): Promise<RecoveryOutcome> => {
    const stored = await context.store.load(certificateStream(certificateId));
    const state = stored.reduce<CertificateState>((s, e) => evolve(s, e as unknown as CertificateEvent), initialState);
    if (state.status !== 'REQUESTED' || stored.length !== 1) return 'ALREADY_DONE';
    const { requested } = state;
    const meta: EventMetadata = { accountId: requested.accountId, correlationId: `issuance-recovery-${certificateId}`, causationId: null };
    const fail = (reason: string) => record(requested, decide({ type: 'FailIssuance', reason, now: now() }, state), meta);

    const row = await findIssuingCaById(issuanceDb(context.db), requested.certificateAuthorityId);
    const ca = row ? toIssuingCaView(row) : undefined;
    if (!ca?.publicKeySpki) return fail('recovery after an interrupted request: the issuing CA or its key is no longer known');

    let signature: Uint8Array;
    try {
      signature = await context.signer(
        {
          certificateAuthorityId: requested.certificateAuthorityId,
          signingAlgorithm: requested.signingAlgorithm,
          purpose: requested.purpose,
          requestedBy: 'issuance-service/IssuanceRecovery',
          certificateId: requested.certificateId,
          dataBase64: requested.tbsCertificate,
        },
        { caller: { accountId: requested.accountId, accessKeyId: 'issuance-service' }, requestId: `issuance-recovery-${certificateId}` },
      );
    } catch (error) {
      if (signatureMayExist(error)) {
        log.warn(`certificate ${requested.certificateArn}: signing unavailable, retrying on a later round (${reasonOf(error)})`);
        return 'RETRY_LATER';
      }
      return fail(`signing failed: ${reasonOf(error)}`);
    }

    const tbs = Buffer.from(requested.tbsCertificate, 'base64');
    const certificateDer = assembleCertificate(tbs, requested.signingAlgorithm, signature);
    let lintProblems: string[];
    try {
      // The profile's decisions are the recorded TBS (octet for octet, the decider checks its
      // hash); the issuer must still be the CA's subject unless the certificate is the CA's own.
      const recorded = certificateParts(certificateDer);
      const issuerDer = requested.purpose === 'CERTIFICATE' && ca.certificate ? ca.certificate.subjectDer : recorded.issuerDer;
      lintProblems = lintCertificate(
        certificateDer,
        { serial: requested.serial, signingAlgorithm: requested.signingAlgorithm, issuerDer, extensions: recorded.extensions, template: templateFor(requested.templateArn) },
        caVerifyKey(processPublicKeys, ca.publicKeySpki),
      );
    } catch (error) {
      lintProblems = [`does not parse: ${reasonOf(error)}`];
    }
    return record(requested, decide({ type: 'RecordSignature', certificateDer, lintProblems, now: now() }, state), meta);
  };

  const runOnce = async (): Promise<number> => {
    const stale = await findStaleRequests(issuanceDb(context.db), new Date(now().getTime() - staleAfterMs), options.batchSize ?? 50);
    let finished = 0;
    for (const row of stale) {
      if (worker.stopping) break;
      if (inFlight.has(row.id)) continue;
      inFlight.add(row.id);
      try {
        const outcome = await finish(row.id);
        if (outcome === 'ISSUED' || outcome === 'FAILED') {
          finished++;
          log.log(`certificate ${row.arn}, REQUESTED since ${row.requested_at.toISOString()}: recovered as ${outcome}`);
        }
      } catch (error) {
        log.error(`certificate ${row.arn}: recovery failed`, error instanceof Error ? error.stack : String(error));
      } finally {
        inFlight.delete(row.id);
      }
    }
    return finished;
  };

  const worker = periodicWorker(runOnce, options.intervalMs ?? DEFAULT_RECOVERY_INTERVAL_MS, {
    name: 'IssuanceRecovery',
    onError: (error) => log.error('issuance recovery failed', error instanceof Error ? error.stack : String(error)),
  });
  return { runOnce, start: () => worker.start(), stop: () => worker.stop() };
}
