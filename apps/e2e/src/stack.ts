import { connect } from 'nats';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cleanupNatsPrefix, createTestDatabase, testNatsUrl, uniquePrefix } from '@pki/testing';
import type { Kysely } from 'kysely';
import { APPS, spawnApp, waitUntilReady, type AppName, type AppProcess, type Launch } from './app-process';

export const ACCOUNT_A = { accessKeyId: 'AKIDACCOUNTA', secretAccessKey: 'secret-a', accountId: '111111111111' };
export const ACCOUNT_B = { accessKeyId: 'AKIDACCOUNTB', secretAccessKey: 'secret-b', accountId: '222222222222' };

/**
 * Environment for a stack that issues certificates: ca-service's software key backend under a
 * fresh random key-encryption key, and a CA worker that makes keys and CSRs every 500 ms.
 */
export function softwareKeysEnv(): Record<string, string> {
  return { PKI_KEY_BACKEND: 'software', PKI_KEK: randomBytes(32).toString('base64'), PKI_CA_WORKER_INTERVAL_MS: '500' };
}

export interface RunningStack {
  /** The gateway's base URL, for the SDK's `endpoint`. */
  readonly endpoint: string;
  readonly apps: readonly AppProcess[];
  /** The stack's database, for assertions on read models that have no API yet. */
  readonly db: Kysely<any>;
  /** The environment every app was started with (before per-app extras), e.g. for a command run beside the stack. */
  readonly env: Readonly<Record<string, string>>;
  /** The stack's PKI_NATS_PREFIX: its NATS subjects and JetStream streams are named after it. */
  readonly natsPrefix: string;
  /**
   * Stops every app (and replica), runs `whileStopped`, then starts every app again on its port
   * with the stack's environment, and waits until all are ready.
   */
  restartAll(whileStopped?: () => Promise<void>): Promise<void>;
  /**
   * Restarts one app with extra environment: configuration naming resources made through the API
   * (e.g. PKI_IOT_ISSUING_CA_ARN). The new process listens on the old one's port, so the
   * endpoint stays valid when the gateway restarts.
   */
  restart(app: AppName, env: Record<string, string>): Promise<AppProcess>;
  /**
   * Starts one more process of `app` (a replica sharing the stack's database and NATS namespace,
   * with extra environment) and waits until it is ready; `stop()` stops it too.
   */
  spawnReplica(app: AppName, env?: Record<string, string>): Promise<AppProcess>;
  /**
   * One step of a rolling restart: SIGTERM `process` (the stack's or a replica) and wait for its
   * exit, then start the same app with the same environment (plus `env`) on the same port and
   * wait until it is ready. Answers the old process's exit and the new process.
   */
  replace(process: AppProcess, env?: Record<string, string>): Promise<{ exit: Awaited<ReturnType<AppProcess['stop']>>; process: AppProcess }>;
  stop(): Promise<void>;
}

/** Where the stack keeps its state (by default the shared test servers), and how it starts its apps. */
export interface StackServers {
  /** A Postgres server of the suite's own (e.g. one it crashes); the stack's database is made there. */
  readonly postgresUrl?: string;
  /** A NATS server of the suite's own (e.g. one it kills), for every app. */
  readonly natsUrl?: string;
  /** How each app is started (default: node on the repository's dist/). */
  readonly launch?: (app: AppName) => Launch;
}

/**
 * The whole platform as it runs in production: every app its own process (from dist/), on
 * this suite's own database and NATS namespace so suites never disturb each other or a
 * running stack.
 */
export async function startStack(env: Record<string, string> = {}, servers: StackServers = {}): Promise<RunningStack> {
  const database = await createTestDatabase({ server: servers.postgresUrl });
  const prefix = uniquePrefix();
  // Buckets (CRLs, audit reports) live in this suite's own directory unless the suite names one.
  const objectDir = env.PKI_OBJECT_STORE_DIR ? undefined : mkdtempSync(path.join(tmpdir(), 'pki-objects-'));
  const shared = {
    ...(objectDir ? { PKI_OBJECT_STORE_DIR: objectDir } : {}),
    DATABASE_URL: database.url,
    NATS_URL: servers.natsUrl ?? testNatsUrl(),
    PKI_NATS_PREFIX: prefix,
    PKI_ACCESS_KEYS: [ACCOUNT_A, ACCOUNT_B].map((k) => `${k.accessKeyId}:${k.secretAccessKey}:${k.accountId}`).join(','),
    PKI_REQUEST_TIMEOUT_MS: '20000',
    // Suites send bursts with one SDK attempt (a CA per test, 30 at once for pagination): they test
    // what they name, not the gateway's throttle, which throttling.e2e-spec.ts turns on and tests.
    PKI_THROTTLE_ENABLED: 'false',
    ...env,
  };
  const apps: AppProcess[] = [];
  const replicas: AppProcess[] = [];
  /** The extra environment each process was started with, so a replacement gets the same. */
  const extraEnv = new Map<AppProcess, Record<string, string>>();
  /** Stops `old` and starts its app on its port with `env` (or, keeping its own, with its own plus `env`). */
  const respawn = async (old: AppProcess, env: Record<string, string>, keepOwnEnv: boolean) => {
    const list = apps.includes(old) ? apps : replicas;
    const index = list.indexOf(old);
    if (index < 0) throw new Error(`${old.app} at ${old.url} is not a process of this stack`);
    const port = Number(new URL(old.url).port);
    const exit = await old.stop();
    const merged = keepOwnEnv ? { ...extraEnv.get(old), ...env } : env;
    const started = await spawnApp(old.app, { ...shared, ...merged }, { port, launch: servers.launch });
    list[index] = started;
    extraEnv.set(started, merged);
    await waitUntilReady(started);
    return { exit, process: started };
  };
  const stopAll = async () => {
    await Promise.all([...apps, ...replicas].map((app) => app.stop()));
  };
  try {
    for (const name of APPS) apps.push(await spawnApp(name, shared, { launch: servers.launch }));
    await Promise.all(apps.map((app) => waitUntilReady(app)));
    const gateway = apps.find((app) => app.app === 'api-gateway')!;
    return {
      endpoint: gateway.url,
      apps,
      db: database.db,
      env: shared,
      natsPrefix: shared.PKI_NATS_PREFIX,
      async restartAll(whileStopped) {
        await stopAll();
        replicas.splice(0);
        await whileStopped?.();
        for (const [index, app] of apps.entries()) apps[index] = await spawnApp(app.app, shared, { port: Number(new URL(app.url).port), launch: servers.launch });
        await Promise.all(apps.map((app) => waitUntilReady(app)));
      },
      async restart(name, env) {
        return (await respawn(apps.find((app) => app.app === name)!, env, false)).process;
      },
      async spawnReplica(name, env = {}) {
        const replica = await spawnApp(name, { ...shared, ...env }, { launch: servers.launch });
        replicas.push(replica);
        extraEnv.set(replica, env);
        await waitUntilReady(replica);
        return replica;
      },
      replace: (old, env = {}) => respawn(old, env, true),
      async stop() {
        await stopAll();
        const nc = await connect({ servers: [shared.NATS_URL] });
        await cleanupNatsPrefix(nc, shared.PKI_NATS_PREFIX); // the suite's own prefix when it named one
        await nc.close();
        await database.destroy();
        if (objectDir) rmSync(objectDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await stopAll().catch(() => undefined);
    await database.destroy().catch(() => undefined);
    throw error;
  }
}
