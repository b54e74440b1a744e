import { Logger } from '@nestjs/common';
import { DomainError, type EventMetadata, type KeyAlgorithm, type SigningAlgorithm } from '@pki/contracts';
import { periodicWorker, type BackgroundWorker } from '@pki/service-kit';
import { PkiEncodeError, buildCsr, parseAndVerifyCsr, toPem, type ASN1Subject } from '@pki/pki';
import { csrExtensions } from '../domain/ca-csr';
import { caDb } from '../infrastructure/database';
import {
  claimCertificateAuthoritiesAwaitingCsr,
  findCertificateAuthoritiesPastRestoreWindow,
  findExpiredCertificateAuthorities,
  releaseLease,
} from '../infrastructure/certificate-authority.queries';
import type { CaContext } from './ca-context';
import { executeCaCommand, loadCertificateAuthority } from './ca-command';
import { signingServiceFor } from '../keys/signing.service';

export interface CaLifecycleWorkerOptions {
  /** Pause between passes when running in the background. */
  readonly intervalMs: number;
  /** How long one worker holds a CREATING CA before another may take it over (crash safety). */
  readonly leaseMs: number;
  /** A CA still without a CSR this long after creation, after a failed attempt, becomes FAILED (REQUEST_TIMED_OUT). */
  readonly creationTimeoutMs: number;
  /** Wait before retrying a CA whose key or CSR creation failed transiently. */
  readonly retryDelayMs: number;
  /** CAs handled per pass and kind of work. */
  readonly batchSize: number;
}

export const DEFAULT_LIFECYCLE_WORKER_OPTIONS: CaLifecycleWorkerOptions = {
  intervalMs: 1000,
  leaseMs: 5 * 60_000,
  creationTimeoutMs: 10 * 60_000,
  retryDelayMs: 5_000,
  batchSize: 20,
};

export interface TickResult {
  readonly csrsCreated: number;
  readonly failed: number;
  readonly expired: number;
  readonly permanentlyDeleted: number;
}

/** Events the worker appends are caused by the system, in the CA owner's account. */
const systemMeta = (accountId: string, what: string): EventMetadata => ({ accountId, correlationId: `ca-lifecycle-worker:${what}`, causationId: null });

/**
 * ca-service's CA lifecycle in the background, driven by the read model (so a crash or restart
 * loses nothing: whatever is still CREATING, past its restore window or expired is found again):
 * - CREATING -> PENDING_CERTIFICATE: generate the key pair through the Signer port (idempotent
 *   per CA, so a retry never makes a second key), build the PKCS #10 request, sign it with the
 *   CA key, verify it, record CsrCreated. A lease keeps two workers off one CA.
 * - ACTIVE/DISABLED -> EXPIRED once the CA certificate's notAfter passed.
 * - DELETED past RestorableUntil -> key destroyed, CertificateAuthorityPermanentlyDeleted.
 * Time comes from the injected clock; `tick()` runs one pass (tests call it directly).
 */
export class CaLifecycleWorker implements BackgroundWorker {
  private readonly logger = new Logger('CaLifecycleWorker');
  /** Kicked CAs being worked on outside the periodic passes. */
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly loop: BackgroundWorker;
  private running = false;

  constructor(
    private readonly context: CaContext,
    private readonly options: CaLifecycleWorkerOptions = DEFAULT_LIFECYCLE_WORKER_OPTIONS,
  ) {
    this.loop = periodicWorker(() => this.tick(), options.intervalMs, {
      name: 'CaLifecycleWorker',
      runAtStart: true,
      onError: (error) => this.logger.error(`lifecycle pass failed: ${(error as Error).message}`),
    });
  }

  async start(): Promise<void> {
    this.running = true;
    await this.loop.start();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop.stop();
    await Promise.allSettled([...this.inFlight]);
  }

  /**
   * Fast path right after CreateCertificateAuthority commits: start on this CA now instead of
   * at the next pass. Not awaited by the caller, so an RSA-4096 key never delays the reply.
   */
  kick(certificateAuthorityId: string): void {
    if (!this.running) return;
    this.track(
      (async () => {
        const now = this.context.now();
        const claimed = await claimCertificateAuthoritiesAwaitingCsr(caDb(this.context.db), now, new Date(now.getTime() + this.options.leaseMs), 1, certificateAuthorityId);
        for (const { id } of claimed) await this.createCsr(id);
      })(),
    );
  }

  /** One pass over every kind of due work. */
  async tick(): Promise<TickResult> {
    const db = caDb(this.context.db);
    const now = this.context.now();
    let csrsCreated = 0;
    let failed = 0;
    const claimed = await claimCertificateAuthoritiesAwaitingCsr(db, now, new Date(now.getTime() + this.options.leaseMs), this.options.batchSize);
    for (const { id } of claimed) {
      const outcome = await this.createCsr(id);
      if (outcome === 'created') csrsCreated++;
      if (outcome === 'failed') failed++;
    }
    let expired = 0;
    for (const { id } of await findExpiredCertificateAuthorities(db, now, this.options.batchSize)) {
      if (await this.attempt(id, () => this.expire(id))) expired++;
    }
    let permanentlyDeleted = 0;
    for (const { id } of await findCertificateAuthoritiesPastRestoreWindow(db, now, this.options.batchSize)) {
      if (await this.attempt(id, () => this.removePermanently(id))) permanentlyDeleted++;
    }
    return { csrsCreated, failed, expired, permanentlyDeleted };
  }

  private track<T>(promise: Promise<T>): Promise<T> {
    this.inFlight.add(promise);
    promise.finally(() => this.inFlight.delete(promise)).catch(() => undefined);
    return promise;
  }

  /** Runs one CA's work; a state that moved on meanwhile (e.g. restored, re-imported) is not an error. */
  private async attempt(id: string, work: () => Promise<void>): Promise<boolean> {
    try {
      await work();
      return true;
    } catch (error) {
      if (error instanceof DomainError && (error.kind === 'InvalidState' || error.kind === 'NotFound')) return false;
      this.logger.error(`CA ${id}: ${(error as Error).message}`);
      return false;
    }
  }

  private async createCsr(id: string): Promise<'created' | 'failed' | 'skipped' | 'retry'> {
    const { context } = this;
    const { state } = await loadCertificateAuthority(context, id);
    if (state.status !== 'CREATING') return 'skipped';
    const configuration = state.created.configuration as { KeyAlgorithm: KeyAlgorithm; SigningAlgorithm: SigningAlgorithm; Subject: ASN1Subject };
    const meta = systemMeta(state.created.ownerAccount, `csr:${id}`);
    try {
      const { publicKeySpki } = await context.keys.generate(id, configuration.KeyAlgorithm);
      const der = await buildCsr({
        subject: configuration.Subject,
        publicKeySpki,
        signingAlgorithm: configuration.SigningAlgorithm,
        extensions: csrExtensions(state.created.configuration as never),
        // Through the SigningService so the CSR signature is in the key-use audit log too.
        sign: (tbs) =>
          signingServiceFor(context).sign(
            {
              certificateAuthorityId: id,
              signingAlgorithm: configuration.SigningAlgorithm,
              purpose: 'CSR',
              requestedBy: 'ca-service/CreateCertificateAuthority',
              ownerAccountId: state.created.ownerAccount,
              requestedForAccount: state.created.ownerAccount,
              correlationId: `csr:${id}`,
            },
            tbs,
          ),
      });
      // Lint before recording: the request must parse and its signature verify with the CA key.
      parseAndVerifyCsr(der);
      await executeCaCommand(
        context,
        id,
        () => ({ type: 'RecordCsr', csr: toPem(der, 'CERTIFICATE REQUEST'), publicKeySpki: Buffer.from(publicKeySpki).toString('base64'), now: context.now() }),
        meta,
      );
      return 'created';
    } catch (error) {
      if (error instanceof DomainError && error.kind === 'InvalidState') return 'skipped'; // deleted meanwhile
      const detail = (error as Error).message;
      // A refusal of the key algorithm by the backend (DomainError Malformed) does not pass with time either.
      const deterministic = error instanceof PkiEncodeError || (error instanceof DomainError && error.kind === 'Malformed');
      const age = context.now().getTime() - new Date(state.created.createdAt).getTime();
      if (deterministic || age >= this.options.creationTimeoutMs) {
        const failureReason = deterministic ? 'OTHER' : 'REQUEST_TIMED_OUT';
        this.logger.error(`CA ${id}: key pair or CSR creation failed (${failureReason}): ${detail}`);
        const recorded = await this.attempt(id, async () => {
          await executeCaCommand(context, id, () => ({ type: 'RecordCreationFailure', failureReason, detail: `Key pair or CSR creation failed: ${detail}`, now: context.now() }), meta);
        });
        return recorded ? 'failed' : 'skipped';
      }
      this.logger.warn(`CA ${id}: key pair or CSR creation failed, retrying in ${this.options.retryDelayMs} ms: ${detail}`);
      await releaseLease(caDb(context.db), id, new Date(context.now().getTime() + this.options.retryDelayMs));
      return 'retry';
    }
  }

  private async expire(id: string): Promise<void> {
    const { state } = await loadCertificateAuthority(this.context, id);
    if (state.status === 'Absent') return;
    await executeCaCommand(this.context, id, () => ({ type: 'Expire', now: this.context.now() }), systemMeta(state.created.ownerAccount, `expire:${id}`));
  }

  /** The key goes first: a crash in between leaves a DELETED CA that the next pass finishes (destroy is idempotent). */
  private async removePermanently(id: string): Promise<void> {
    const { state } = await loadCertificateAuthority(this.context, id);
    if (state.status !== 'DELETED' || this.context.now().getTime() < new Date(state.restorableUntil).getTime()) return;
    await this.context.keys.destroy(id);
    await executeCaCommand(this.context, id, () => ({ type: 'RemovePermanently', now: this.context.now() }), systemMeta(state.created.ownerAccount, `remove:${id}`));
  }
}
