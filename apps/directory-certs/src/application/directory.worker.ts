import { Logger } from '@nestjs/common';
import type { EventMetadata } from '@pki/contracts';
import { periodicWorker, type BackgroundWorker } from '@pki/service-kit';
import { trustAnchorProblem } from '../domain/certificate-data';
import type { DirectoryStage } from '../domain/directory.state';
import { directoryDb } from '../infrastructure/database';
import { findCertificatesDue, findDirectoriesDue, findRevocation } from '../infrastructure/directory.queries';
import type { DirectoryContext } from './directory-context';
import { executeDirectoryCommand, loadDirectory } from './directory-command';

export interface DirectoryWorkerOptions {
  /** Pause between passes. */
  readonly intervalMs: number;
  /**
   * How long each asynchronous step takes at least (Requested -> Creating -> Active, Deleting
   * -> Deleted, Registering and Deregistering): the time AWS spends provisioning domain
   * controllers or deploying a certificate to them. No Active Directory runs here, so this is
   * the only delay; it keeps every intermediate state visible to DescribeDirectories and
   * DescribeCertificate, as on AWS.
   */
  readonly stepMs: number;
  readonly batchSize: number;
}

export const DEFAULT_DIRECTORY_WORKER_OPTIONS: DirectoryWorkerOptions = { intervalMs: 500, stepMs: 2000, batchSize: 50 };

export function directoryWorkerOptions(env: NodeJS.ProcessEnv): DirectoryWorkerOptions {
  const read = (name: string, fallback: number) => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a non-negative number of milliseconds, not ${raw}`);
    return value;
  };
  return {
    ...DEFAULT_DIRECTORY_WORKER_OPTIONS,
    intervalMs: read('PKI_DIRECTORY_WORKER_INTERVAL_MS', DEFAULT_DIRECTORY_WORKER_OPTIONS.intervalMs) || DEFAULT_DIRECTORY_WORKER_OPTIONS.intervalMs,
    stepMs: read('PKI_DIRECTORY_STEP_MS', DEFAULT_DIRECTORY_WORKER_OPTIONS.stepMs),
  };
}

export interface DirectoryTickResult {
  readonly stagesAdvanced: number;
  readonly certificatesCompleted: number;
}

const systemMeta = (accountId: string, what: string): EventMetadata => ({ accountId, correlationId: `directory-worker:${what}`, causationId: null });

/**
 * The asynchronous half of directory-certs, driven by the read models (so a restart loses
 * nothing) and the injected clock: directory stages, and certificate registration
 * (trust-anchor checks and the revocation feed decide Registered or RegisterFailed) and
 * deregistration. Several replicas may run: each step is decided on the aggregate's current
 * state, so a step already taken by another replica decides nothing.
 */
export class DirectoryWorker implements BackgroundWorker {
  private readonly logger = new Logger('DirectoryWorker');
  private readonly loop: BackgroundWorker;

  constructor(
    private readonly context: DirectoryContext,
    private readonly options: DirectoryWorkerOptions = DEFAULT_DIRECTORY_WORKER_OPTIONS,
  ) {
    this.loop = periodicWorker(() => this.tick(), options.intervalMs, {
      name: 'DirectoryWorker',
      onError: (error) => this.logger.error(`directory pass failed: ${(error as Error).message}`),
    });
  }

  async start(): Promise<void> {
    await this.loop.start();
  }

  async stop(): Promise<void> {
    await this.loop.stop();
  }

  /** One pass over every due step. */
  async tick(): Promise<DirectoryTickResult> {
    const db = directoryDb(this.context.db);
    const now = this.context.now();
    const dueBefore = new Date(now.getTime() - this.options.stepMs);
    let stagesAdvanced = 0;
    for (const { id, stage } of await findDirectoriesDue(db, dueBefore, this.options.batchSize)) {
      const { state } = await loadDirectory(this.context, id);
      if (state.status !== 'Present') continue;
      const { events } = await executeDirectoryCommand(this.context, id, () => ({ type: 'AdvanceStage', from: stage as DirectoryStage, now }), systemMeta(state.facts.accountId, `stage:${id}`));
      stagesAdvanced += events.length;
    }
    let certificatesCompleted = 0;
    for (const { id, directory_id: directoryId, state: certificateState } of await findCertificatesDue(db, dueBefore, this.options.batchSize)) {
      const { state } = await loadDirectory(this.context, directoryId);
      if (state.status !== 'Present') continue;
      const meta = systemMeta(state.facts.accountId, `certificate:${id}`);
      if (certificateState === 'Deregistering') {
        const { events } = await executeDirectoryCommand(this.context, directoryId, () => ({ type: 'CompleteDeregistration', certificateId: id, now }), meta);
        certificatesCompleted += events.length;
        continue;
      }
      const certificate = state.certificates[id];
      if (!certificate) continue;
      const problem = await this.registrationProblem(certificate.certificatePem, certificate.sha256Fingerprint);
      const { events } = await executeDirectoryCommand(this.context, directoryId, () => ({ type: 'CompleteRegistration', certificateId: id, problem, now }), meta);
      certificatesCompleted += events.length;
    }
    return { stagesAdvanced, certificatesCompleted };
  }

  private async registrationProblem(certificatePem: string, sha256Fingerprint: string): Promise<string | null> {
    const revocation = await findRevocation(directoryDb(this.context.db), sha256Fingerprint);
    if (revocation) {
      return `The certificate was revoked by its issuing CA (${revocation.certificate_arn}) on ${revocation.revoked_at.toISOString()} with reason ${revocation.revocation_reason}.`;
    }
    return trustAnchorProblem(certificatePem);
  }
}
