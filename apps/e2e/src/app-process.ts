import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { freePort, waitFor } from '@pki/testing';

export const ROOT = path.resolve(__dirname, '..', '..', '..');
export const APPS = ['ca-service', 'issuance-service', 'revocation-service', 'iot-registry', 'directory-certs', 'api-gateway'] as const;
export type AppName = (typeof APPS)[number];

export interface AppProcess {
  readonly app: AppName;
  readonly child: ChildProcess;
  /** Base URL of the app's HTTP server (the gateway's public port, or a service's health port). */
  readonly url: string;
  readonly output: () => string;
  /** Everything the app wrote to stdout (its JSON log lines) and to stderr, kept whole. */
  readonly stdout: () => string;
  readonly stderr: () => string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM, then wait for the exit (SIGKILL after the bound). */
  stop(timeoutMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null } | 'timeout'>;
}

/** How to start an app other than node on the repository's dist/: a command, its directory and its whole base environment. */
export interface Launch {
  readonly command: readonly string[];
  readonly cwd: string;
  readonly env: Record<string, string>;
}

/**
 * Starts one built app (dist/) as its own process, as `npm start` and Kubernetes run it (or as
 * `launch` says: the image suite runs the Dockerfile's CMD in the assembled image).
 * The README's test command builds first; run `npm run build` before running a suite alone.
 */
export async function spawnApp(app: AppName, env: Record<string, string>, options: { readonly port?: number; readonly launch?: (app: AppName) => Launch } = {}): Promise<AppProcess> {
  const main = path.join(ROOT, 'dist', 'apps', app, 'src', 'main.js');
  if (!options.launch && !existsSync(main)) throw new Error(`${main} is missing: run \`npm run build\` first (the README's test command does)`);
  // A given port: a restart takes over its predecessor's address, as behind a Service.
  const port = options.port ?? (await freePort());
  const portVariable = app === 'api-gateway' ? 'PKI_HTTP_PORT' : 'PKI_HEALTH_PORT';
  const launch = options.launch?.(app) ?? { command: [process.execPath, '-r', path.join(ROOT, 'tools', 'dist-paths.js'), main], cwd: ROOT, env: { ...process.env, NODE_ENV: 'test' } as Record<string, string> };
  const child = spawn(launch.command[0]!, launch.command.slice(1), {
    cwd: launch.cwd,
    env: { ...launch.env, PKI_LOG_LEVEL: 'info', ...env, [portVariable]: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
    if (output.length > 200_000) output = output.slice(-100_000);
  };
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  // PKI_E2E_LOG_DIR: every app's output also goes to a file there, to read after a failed run.
  const logDir = process.env.PKI_E2E_LOG_DIR;
  let file: ReturnType<typeof createWriteStream> | undefined;
  if (logDir) {
    mkdirSync(logDir, { recursive: true });
    file = createWriteStream(path.join(logDir, `${new Date().toISOString().replace(/[:.]/g, '')}-${app}-${port}-${child.pid}.log`));
    child.on('close', () => file!.end()); // after the output streams closed: no write after the end
  }
  child.stdout!.on('data', (chunk: Buffer) => {
    collect(chunk);
    stdout.push(chunk);
    file?.write(chunk);
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    collect(chunk);
    stderr.push(chunk);
    file?.write(chunk);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return {
    app,
    child,
    url: `http://127.0.0.1:${port}`,
    output: () => output,
    stdout: () => Buffer.concat(stdout).toString(),
    stderr: () => Buffer.concat(stderr).toString(),
    exited,
    async stop(timeoutMs = 30_000) {
      if (child.exitCode !== null || child.signalCode !== null) return exited;
      child.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const result = await Promise.race([exited, new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)))]);
      clearTimeout(timer);
      if (result === 'timeout') {
        child.kill('SIGKILL');
        await exited;
      }
      return result;
    },
  };
}

export async function httpStatus(url: string): Promise<number | undefined> {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(5000) })).status;
  } catch {
    return undefined;
  }
}

export async function waitUntilReady(app: AppProcess, timeoutMs = 60_000): Promise<void> {
  await waitFor(
    async () => {
      if (app.child.exitCode !== null) throw new Error(`${app.app} exited with ${app.child.exitCode}:\n${app.output()}`);
      return (await httpStatus(`${app.url}/health/ready`)) === 200;
    },
    { timeoutMs, what: `${app.app} to report ready` },
  ).catch((error: Error) => {
    throw new Error(`${error.message}\n--- ${app.app} output ---\n${app.output()}`);
  });
}
