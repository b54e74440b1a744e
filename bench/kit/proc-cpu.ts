/**
 * CPU time of the stack's processes from /proc (utime + stime of every thread), read before and
 * after a measured run and attributed to process groups:
 *
 *   launcher, gateway, ca-service, issuance-service, revocation-service, iot-registry,
 *   directory-certs   node processes of `tools/run-stack.js` (found by their argv:
 *                     `tools/run-stack.js`, `dist/apps/<app>/src/main.js`) whose environment
 *                     has the gateway's PKI_HTTP_PORT, so another stack on the machine is not
 *                     counted (replicas of an app fall into the same group)
 *   postgres          backends connected to the stack's database (`postgres: [cluster: ]user db host`)
 *   postgres shared   the postmaster and its background processes (WAL writer, checkpointer, ...):
 *                     they serve every database, ours included, so they are counted in the stack
 *   nats              every nats-server process (shared by whatever else uses it)
 *
 * Caveats, printed with the figures: a process that exits during the run takes its CPU since the
 * "before" sample with it (a Postgres backend's is then in its postmaster's cutime/cstime,
 * reported as `postgresEndedMs`, for all databases); backends of other databases are reported
 * apart and not counted; nats-server and the shared Postgres processes also work for others.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';

export const STACK_APPS = ['api-gateway', 'ca-service', 'issuance-service', 'revocation-service', 'iot-registry', 'directory-certs'] as const;
export const GROUPS = ['gateway', 'ca-service', 'issuance-service', 'revocation-service', 'iot-registry', 'directory-certs', 'launcher', 'postgres', 'postgres shared', 'nats'] as const;
export type Group = (typeof GROUPS)[number];

let clockTicks: number | undefined;
/** USER_HZ (`getconf CLK_TCK`, 100 on Linux). */
export function ticksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

export interface ProcStat {
  readonly pid: number;
  readonly comm: string;
  readonly ppid: number;
  /** utime + stime, in clock ticks */
  readonly ticks: number;
  /** cutime + cstime of reaped children, in clock ticks */
  readonly childTicks: number;
  /** start time since boot, in clock ticks: with the pid, identifies the process across samples */
  readonly start: number;
}

/** Parses /proc/<pid>/stat (proc(5)): the command may hold spaces and parentheses, so split after the last ')'. */
export function parseStat(pid: number, line: string): ProcStat {
  const open = line.indexOf('(');
  const close = line.lastIndexOf(')');
  const f = line.slice(close + 2).split(' '); // f[0] is field 3 (state)
  const n = (field: number) => Number(f[field - 3]);
  return { pid, comm: line.slice(open + 1, close), ppid: n(4), ticks: n(14) + n(15), childTicks: n(16) + n(17), start: n(22) };
}

export function readStat(pid: number): ProcStat | undefined {
  try {
    return parseStat(pid, readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined; // gone
  }
}

const readArgv = (pid: number): string[] => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter((a) => a !== '');
  } catch {
    return [];
  }
};

const readEnv = (pid: number): Record<string, string> => {
  try {
    const env: Record<string, string> = {};
    for (const entry of readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0')) {
      const eq = entry.indexOf('=');
      if (eq > 0) env[entry.slice(0, eq)] = entry.slice(eq + 1);
    }
    return env;
  } catch {
    return {};
  }
};

/** Which stack a sample is about: the gateway's port, and the database its services use. */
export interface StackSelector {
  readonly httpPort: string;
  /** Database name of the stack's DATABASE_URL; found from the services' environment when not given. */
  database?: string;
}

/** The node app of an argv, if it is one of run-stack's: `launcher` for run-stack.js itself. */
export function nodeGroupOf(argv: readonly string[]): Group | undefined {
  for (const arg of argv) {
    if (/(^|\/)tools\/run-stack\.js$/.test(arg)) return 'launcher';
    const app = /(^|\/)dist\/apps\/([^/]+)\/src\/main\.js$/.exec(arg)?.[2];
    if (app) return app === 'api-gateway' ? 'gateway' : (STACK_APPS as readonly string[]).includes(app) ? (app as Group) : undefined;
  }
  return undefined;
}

/**
 * A Postgres process title (`postgres: 15/main: postgres pki_bench 127.0.0.1(5432) idle`, or
 * without the cluster name): `backend` with its database, or `shared` for the postmaster and
 * background processes. Autovacuum workers of a database count as its backends.
 */
export function postgresRole(argv: readonly string[]): { kind: 'backend'; database: string } | { kind: 'shared' } {
  const title = argv.join(' ');
  const m = /^postgres: (?:\S+: )?(.*)$/.exec(title);
  if (!m) return { kind: 'shared' }; // the postmaster: /usr/lib/postgresql/15/bin/postgres -D ...
  const rest = m[1]!;
  const worker = /^autovacuum worker (\S+)/.exec(rest);
  if (worker) return { kind: 'backend', database: worker[1]! };
  const backend = /^\S+ (\S+) (?:\S+\(\d+\)|\[local\])/.exec(rest);
  return backend ? { kind: 'backend', database: backend[1]! } : { kind: 'shared' };
}

export interface CpuSample {
  readonly at: number;
  /** key `pid:start` -> group and ticks */
  readonly processes: ReadonlyMap<string, { group: Group | 'postgres other databases'; ticks: number; pid: number }>;
  /** cutime + cstime of the postmaster(s) */
  readonly postmasterChildTicks: number;
  /** busy ticks of the whole machine (/proc/stat, all CPUs) */
  readonly machineBusyTicks: number;
}

function machineBusyTicks(): number {
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal (guest is included in user)
  return cpu[0]! + cpu[1]! + cpu[2]! + cpu[5]! + cpu[6]! + cpu[7]!;
}

/** One reading of every process of the stack. */
export function sampleStack(selector: StackSelector): CpuSample {
  const seen: { stat: ProcStat; argv: string[] }[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readStat(Number(name));
    if (stat && (stat.comm === 'nats-server' || stat.comm === 'postgres' || stat.comm.startsWith('node'))) seen.push({ stat, argv: readArgv(stat.pid) });
  }
  const processes = new Map<string, { group: Group | 'postgres other databases'; ticks: number; pid: number }>();
  const add = (stat: ProcStat, group: Group | 'postgres other databases') => processes.set(`${stat.pid}:${stat.start}`, { group, ticks: stat.ticks, pid: stat.pid });
  // The stack's node processes first: their environment names the database whose backends are ours.
  for (const { stat, argv } of seen) {
    const group = stat.comm === 'nats-server' || stat.comm === 'postgres' ? undefined : nodeGroupOf(argv);
    if (!group) continue;
    const env = readEnv(stat.pid);
    if ((env.PKI_HTTP_PORT || '4566') !== selector.httpPort) continue;
    add(stat, group);
    selector.database ??= databaseOf(env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/pki');
  }
  let postmasterChildTicks = 0;
  for (const { stat, argv } of seen) {
    if (stat.comm === 'nats-server') add(stat, 'nats');
    else if (stat.comm === 'postgres') {
      const role = postgresRole(argv);
      if (role.kind === 'backend') add(stat, role.database === selector.database ? 'postgres' : 'postgres other databases');
      else {
        add(stat, 'postgres shared');
        if (!argv[0]?.startsWith('postgres:')) postmasterChildTicks += stat.childTicks;
      }
    }
  }
  return { at: performance.now(), processes, postmasterChildTicks, machineBusyTicks: machineBusyTicks() };
}

export const databaseOf = (url: string): string | undefined => {
  try {
    return decodeURIComponent(new URL(url).pathname.replace(/^\//, '')) || undefined;
  } catch {
    return undefined;
  }
};

export interface CpuUsage {
  /** CPU ms per group during the run (groups with no process are absent) */
  readonly groups: ReadonlyMap<Group, number>;
  /** live processes per group at the end */
  readonly counts: ReadonlyMap<Group, number>;
  /** the stack: every group above */
  readonly stackMs: number;
  readonly otherDatabasesMs: number;
  /** CPU of Postgres backends (all databases) that ended during the run */
  readonly postgresEndedMs: number;
  /** stack processes seen before but gone after (their CPU during the run is lost) */
  readonly exited: number;
  readonly machineBusyMs: number;
  readonly wallMs: number;
}

export function cpuBetween(before: CpuSample, after: CpuSample): CpuUsage {
  const ms = (ticks: number) => (ticks * 1000) / ticksPerSecond();
  const groups = new Map<Group, number>();
  const counts = new Map<Group, number>();
  let otherDatabases = 0;
  for (const [key, p] of after.processes) {
    const delta = ms(p.ticks - (before.processes.get(key)?.ticks ?? 0));
    if (p.group === 'postgres other databases') otherDatabases += delta;
    else {
      groups.set(p.group, (groups.get(p.group) ?? 0) + delta);
      counts.set(p.group, (counts.get(p.group) ?? 0) + 1);
    }
  }
  let exited = 0;
  for (const [key, p] of before.processes) if (!after.processes.has(key) && p.group !== 'postgres other databases') exited++;
  return {
    groups,
    counts,
    stackMs: [...groups.values()].reduce((a, b) => a + b, 0),
    otherDatabasesMs: otherDatabases,
    postgresEndedMs: ms(after.postmasterChildTicks - before.postmasterChildTicks),
    exited,
    machineBusyMs: ms(after.machineBusyTicks - before.machineBusyTicks),
    wallMs: after.at - before.at,
  };
}

/** CPU ms of one process since a reading (for anchors: a child server). */
export function processCpuMs(pid: number): number | undefined {
  const stat = readStat(pid);
  return stat ? (stat.ticks * 1000) / ticksPerSecond() : undefined;
}

/** Resident memory of one process now (VmRSS) and at its peak so far (VmHWM), in MB; undefined when it is gone. */
export function processMemoryMb(pid: number): { rss: number; peak: number } | undefined {
  try {
    return parseStatusMemory(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return undefined;
  }
}

/** VmRSS and VmHWM of a /proc/<pid>/status text (proc(5), in kB), in MB; NaN where absent (a kernel thread). */
export function parseStatusMemory(status: string): { rss: number; peak: number } {
  const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

/** The pids of a group in a sample (e.g. ca-service's, to follow its memory or CPU alone). */
export const pidsOf = (sample: CpuSample, group: Group): number[] => [...sample.processes.values()].filter((p) => p.group === group).map((p) => p.pid);
