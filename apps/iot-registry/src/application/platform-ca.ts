/**
 * The platform IoT CA hierarchy, provisioned on first need through ca-service's own operations
 * (so both CAs are ordinary event-sourced CAs of the platform account) and recorded in
 * iot-registry's stream `iot-platform-ca` (domain/platform-ca.decider.ts).
 *
 * Why on first need and not at start: a deployment that never issues an IoT certificate (or
 * names its own CA in PKI_IOT_ISSUING_CA_ARN) makes no keys it does not use, and starting a
 * replica never waits on ca-service.
 *
 * Created once across replicas: provisioning runs only while holding a Postgres session advisory
 * lock (released by Postgres if the holder dies), and re-reads the stream after taking it. Each
 * CA is recorded as soon as ca-service answers its ARN, so whoever takes the lock next resumes
 * from the recorded CAs; a holder dying between ca-service's answer and the record is covered by
 * the deterministic IdempotencyToken within ACM PCA's five minutes (after that, an unrecorded
 * CA may be left CREATING/PENDING in the platform account: never used, visible to an operator).
 * Requests wait for provisioning (bounded by `waitMs`), and in one process share one attempt.
 */
import { DomainError, iotPlatformCaStream, type Caller, type EventMetadata } from '@pki/contracts';
import { sql } from 'kysely';
import { caStep, decidePlatformCa, evolvePlatformCa, initialPlatformCaState, type CaStatus, type PlatformCaCommand, type PlatformCaEvent, type PlatformCaState } from '../domain/platform-ca.decider';
import {
  ISSUING_CA_END_DATE,
  ISSUING_CA_IDEMPOTENCY_TOKEN,
  ISSUING_CA_SUBJECT,
  ISSUING_TEMPLATE_ARN,
  PLATFORM_CA_KEY_ALGORITHM,
  PLATFORM_CA_SIGNING_ALGORITHM,
  PLATFORM_CA_TAG,
  ROOT_CA_END_DATE,
  ROOT_CA_IDEMPOTENCY_TOKEN,
  ROOT_CA_SUBJECT,
  ROOT_TEMPLATE_ARN,
} from '../domain/platform-ca.profile';
import { executeCommand, loadAggregate, type Aggregate } from './aggregate-command';
import type { IotContext } from './iot-context';
import { issueAndGet, type ServiceRequest } from './ca-calls';

/** The advisory lock serializing provisioning across replicas (per database: every stack has its own). */
const LOCK_KEY = 'iot.platform-ca';
/** How often a waiting request looks again (the lock holder may be another replica). */
const POLL_MS = 250;
/** Longest one provisioning run may take before it gives up (and releases the lock for a retry). */
const PROVISION_LIMIT_MS = 180_000;

export interface ProvisionedPlatformCa {
  readonly rootCaArn: string;
  readonly issuingCaArn: string;
  readonly rootCertificatePem: string;
  readonly issuingCertificatePem: string;
}

export interface PlatformCa {
  /** The ACTIVE hierarchy, provisioning it first if needed (waits at most `waitMs`, then ServiceUnavailableException). */
  provisioned(requestId: string): Promise<ProvisionedPlatformCa>;
}

export interface PlatformCaOptions {
  /** The account owning the platform CAs in ca-service (PKI_PLATFORM_ACCOUNT_ID). */
  readonly accountId: string;
  /** How long a request waits for a provisioning in progress. */
  readonly waitMs: number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly log?: (message: string) => void;
}

const platformCaAggregate: Aggregate<PlatformCaState, PlatformCaCommand, PlatformCaEvent> = {
  stream: iotPlatformCaStream(),
  initial: initialPlatformCaState,
  decide: decidePlatformCa,
  evolve: evolvePlatformCa,
  // No read model: the stream holds at most three events, read whole, and a process keeps the provisioned state.
  save: async () => undefined,
};

const unavailable = (message: string, cause?: unknown) => new DomainError('Unavailable', message, 'ServiceUnavailableException', { cause });
const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const provisionedOf = (state: PlatformCaState): ProvisionedPlatformCa | undefined =>
  state.status === 'Provisioned'
    ? { rootCaArn: state.rootCaArn, issuingCaArn: state.issuingCaArn, rootCertificatePem: state.rootCertificatePem, issuingCertificatePem: state.issuingCertificatePem }
    : undefined;

export function platformCa(context: IotContext, request: ServiceRequest, options: PlatformCaOptions): PlatformCa {
  const sleep = options.sleep ?? defaultSleep;
  const log = options.log ?? (() => undefined);
  const caller: Caller = { accountId: options.accountId, accessKeyId: 'iot-registry' };
  let known: ProvisionedPlatformCa | undefined;
  /** This process's provisioning attempt, shared by every request that arrives meanwhile. */
  let running: Promise<ProvisionedPlatformCa> | undefined;

  const meta = (requestId: string): EventMetadata => ({ correlationId: requestId, causationId: null, accountId: options.accountId });
  const record = async (command: PlatformCaCommand, requestId: string) => (await executeCommand(context, platformCaAggregate, () => command, meta(requestId))).state;
  const load = async () => (await loadAggregate(context, platformCaAggregate)).state;

  const ca = {
    async create(type: 'ROOT' | 'SUBORDINATE', requestId: string): Promise<string> {
      const created = await request<{ CertificateAuthorityArn: string }>('ca', 'CreateCertificateAuthority', {
        caller,
        requestId,
        input: {
          CertificateAuthorityType: type,
          CertificateAuthorityConfiguration: {
            KeyAlgorithm: PLATFORM_CA_KEY_ALGORITHM,
            SigningAlgorithm: PLATFORM_CA_SIGNING_ALGORITHM,
            Subject: type === 'ROOT' ? ROOT_CA_SUBJECT : ISSUING_CA_SUBJECT,
          },
          IdempotencyToken: type === 'ROOT' ? ROOT_CA_IDEMPOTENCY_TOKEN : ISSUING_CA_IDEMPOTENCY_TOKEN,
          Tags: [PLATFORM_CA_TAG],
        },
      });
      if (!created.ok) throw unavailable(`The platform IoT ${type === 'ROOT' ? 'root' : 'issuing'} CA could not be created: ${created.error.message}`);
      return created.result.CertificateAuthorityArn;
    },
    async status(caArn: string, requestId: string): Promise<CaStatus> {
      const described = await request<{ CertificateAuthority: { Status: CaStatus } }>('ca', 'DescribeCertificateAuthority', { caller, requestId, input: { CertificateAuthorityArn: caArn } });
      if (described.ok) return described.result.CertificateAuthority.Status;
      if (described.error.kind === 'NotFound') return 'ABSENT';
      throw unavailable(`The platform IoT CA ${caArn} could not be described: ${described.error.message}`);
    },
    async call<T>(operation: string, input: Record<string, unknown>, requestId: string): Promise<T> {
      const reply = await request<T>('ca', operation, { caller, requestId, input });
      if (!reply.ok) throw unavailable(`${operation} of the platform IoT CA ${String(input.CertificateAuthorityArn)} failed: ${reply.error.message}`);
      return reply.result;
    },
  };

  /**
   * Brings one CA to ACTIVE and answers its certificate: waits while ca-service makes its key and
   * CSR, then has `signerArn` sign the CSR with `template` and imports the certificate (with
   * `chain` for a subordinate). Resumes wherever a previous run stopped.
   */
  async function certify(caArn: string, signerArn: string, template: string, endDate: number, chain: string | undefined, requestId: string, deadline: number): Promise<string> {
    for (;;) {
      const status = await ca.status(caArn, requestId);
      const step = caStep(status);
      if (step === 'done') return (await ca.call<{ Certificate: string }>('GetCertificateAuthorityCertificate', { CertificateAuthorityArn: caArn }, requestId)).Certificate;
      if (step === 'broken') throw unavailable(`The platform IoT CA ${caArn} is ${status}; IoT cannot issue until an operator restores it (or names another CA in PKI_IOT_ISSUING_CA_ARN).`);
      if (Date.now() > deadline) throw unavailable(`The platform IoT CA ${caArn} is still ${status}; retry the request.`);
      if (step === 'wait') {
        await sleep(POLL_MS);
        continue;
      }
      const { Csr } = await ca.call<{ Csr: string }>('GetCertificateAuthorityCsr', { CertificateAuthorityArn: caArn }, requestId);
      const certificate = await issueAndGet(request, caller, requestId, {
        CertificateAuthorityArn: signerArn,
        Csr: Buffer.from(Csr, 'utf8').toString('base64'),
        SigningAlgorithm: PLATFORM_CA_SIGNING_ALGORITHM,
        TemplateArn: template,
        Validity: { Type: 'END_DATE', Value: endDate },
      });
      await ca.call(
        'ImportCertificateAuthorityCertificate',
        {
          CertificateAuthorityArn: caArn,
          Certificate: Buffer.from(certificate, 'utf8').toString('base64'),
          ...(chain ? { CertificateChain: Buffer.from(chain, 'utf8').toString('base64') } : {}),
        },
        requestId,
      );
    }
  }

  /** One provisioning run, holding the lock: re-read, then every step not yet recorded. */
  async function provision(requestId: string): Promise<ProvisionedPlatformCa> {
    const deadline = Date.now() + PROVISION_LIMIT_MS;
    let state = await load();
    if (state.status === 'None') {
      log('creating the platform IoT root CA');
      state = await record({ type: 'RecordRootCa', caArn: await ca.create('ROOT', requestId), now: context.now() }, requestId);
    }
    if (state.status === 'RootCreated') {
      state = await record({ type: 'RecordIssuingCa', caArn: await ca.create('SUBORDINATE', requestId), now: context.now() }, requestId);
    }
    if (state.status === 'IssuingCreated') {
      const rootPem = await certify(state.rootCaArn, state.rootCaArn, ROOT_TEMPLATE_ARN, ROOT_CA_END_DATE, undefined, requestId, deadline);
      const issuingPem = await certify(state.issuingCaArn, state.rootCaArn, ISSUING_TEMPLATE_ARN, ISSUING_CA_END_DATE, rootPem, requestId, deadline);
      state = await record({ type: 'CompleteProvisioning', rootCertificatePem: rootPem, issuingCertificatePem: issuingPem, now: context.now() }, requestId);
      log(`the platform IoT CA hierarchy is ACTIVE: root ${state.status === 'Provisioned' ? state.rootCaArn : '?'}, issuing ${state.status === 'Provisioned' ? state.issuingCaArn : '?'}`);
    }
    const done = provisionedOf(state);
    if (!done) throw new Error(`platform IoT CA provisioning ended in state ${state.status}`);
    return done;
  }

  /** Takes the lock if free and provisions; answers undefined when another replica holds it. */
  async function provisionIfFree(requestId: string): Promise<ProvisionedPlatformCa | undefined> {
    return context.db.connection().execute(async (connection) => {
      const taken = await sql<{ taken: boolean }>`select pg_try_advisory_lock(hashtext(${LOCK_KEY})) as taken`.execute(connection);
      if (!taken.rows[0]?.taken) return undefined;
      try {
        return await provision(requestId);
      } finally {
        await sql`select pg_advisory_unlock(hashtext(${LOCK_KEY}))`.execute(connection);
      }
    });
  }

  /** Until provisioned: read the stream; if not provisioned, provision when the lock is free, else wait for its holder. */
  async function attempt(requestId: string): Promise<ProvisionedPlatformCa> {
    for (;;) {
      const done = provisionedOf(await load());
      if (done) return done;
      const provisioned = await provisionIfFree(requestId);
      if (provisioned) return provisioned;
      await sleep(POLL_MS);
    }
  }

  return {
    async provisioned(requestId) {
      if (known) return known;
      if (!running) {
        running = attempt(requestId).then(
          (done) => {
            known = done;
            running = undefined;
            return done;
          },
          (error: unknown) => {
            running = undefined;
            throw error;
          },
        );
      }
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(unavailable('The platform IoT CA is being created; retry the request in a few seconds.')), options.waitMs);
      });
      try {
        return await Promise.race([running, timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
