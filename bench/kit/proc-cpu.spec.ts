import { spawn } from 'node:child_process';
import { cpuBetween, nodeGroupOf, parseStat, parseStatusMemory, pidsOf, postgresRole, processCpuMs, processMemoryMb, readStat, ticksPerSecond, type CpuSample } from './proc-cpu';

describe('per-process CPU from /proc', () => {
  it('parses a stat line whose command holds spaces and parentheses', () => {
    // proc(5): pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime cutime cstime ... starttime
    const line = '4242 (node (x) y) S 4000 4242 4242 0 -1 4194560 100 0 0 0 1234 567 89 10 20 0 11 0 987654 1000 100';
    expect(parseStat(4242, line)).toEqual({ pid: 4242, comm: 'node (x) y', ppid: 4000, ticks: 1801, childTicks: 99, start: 987654 });
  });

  it("reads this process's own stat", () => {
    const stat = readStat(process.pid);
    expect(stat).toMatchObject({ pid: process.pid, ppid: process.ppid });
    expect(stat!.ticks).toBeGreaterThanOrEqual(0);
    expect(readStat(2 ** 22 + 1)).toBeUndefined(); // above pid_max: never a process
  });

  it('sees the CPU a busy child burns', async () => {
    const child = spawn(process.execPath, ['-e', 'const end = Date.now() + 400; while (Date.now() < end);'], { stdio: 'ignore' });
    let last = 0;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    // Sample while it runs (a finished child's /proc entry is gone once reaped).
    while (child.exitCode === null) {
      last = processCpuMs(child.pid!) ?? last;
      await new Promise((r) => setTimeout(r, 20));
    }
    await exited;
    expect(last).toBeGreaterThan(0);
  });

  it('reads resident memory now and at its peak from a status text and from this process', () => {
    const status = 'Name:\tnode\nVmPeak:\t 1100000 kB\nVmHWM:\t  204800 kB\nVmRSS:\t  102400 kB\nThreads:\t11\n';
    expect(parseStatusMemory(status)).toEqual({ rss: 100, peak: 200 });
    expect(parseStatusMemory('Name:\tkthreadd\n')).toEqual({ rss: NaN, peak: NaN });
    const own = processMemoryMb(process.pid)!;
    expect(own.rss).toBeGreaterThan(1);
    expect(own.peak).toBeGreaterThanOrEqual(own.rss);
    expect(processMemoryMb(2 ** 22 + 1)).toBeUndefined();
  });

  it("groups run-stack's node processes by their argv", () => {
    expect(nodeGroupOf(['/usr/bin/node', 'tools/run-stack.js'])).toBe('launcher');
    expect(nodeGroupOf(['/usr/bin/node', '/w/tools/run-stack.js'])).toBe('launcher');
    expect(nodeGroupOf(['/usr/bin/node', '-r', '/w/tools/dist-paths.js', '/w/dist/apps/api-gateway/src/main.js'])).toBe('gateway');
    expect(nodeGroupOf(['/usr/bin/node', '-r', '/w/tools/dist-paths.js', '/w/dist/apps/issuance-service/src/main.js'])).toBe('issuance-service');
    expect(nodeGroupOf(['/usr/bin/node', '/w/dist/apps/e2e/src/main.js'])).toBeUndefined();
    expect(nodeGroupOf(['/usr/bin/node', 'node_modules/.bin/jest'])).toBeUndefined();
  });

  it('tells Postgres backends (by database) from the shared processes', () => {
    expect(postgresRole(['postgres: 15/main: postgres pki_bench 127.0.0.1(56014) idle'])).toEqual({ kind: 'backend', database: 'pki_bench' });
    expect(postgresRole(['postgres: postgres pki [local] INSERT'])).toEqual({ kind: 'backend', database: 'pki' });
    expect(postgresRole(['postgres: 15/main: autovacuum worker pki_bench'])).toEqual({ kind: 'backend', database: 'pki_bench' });
    expect(postgresRole(['postgres: 15/main: walwriter '])).toEqual({ kind: 'shared' });
    expect(postgresRole(['postgres: 15/main: logical replication launcher '])).toEqual({ kind: 'shared' });
    expect(postgresRole(['/usr/lib/postgresql/15/bin/postgres', '-D', '/var/lib/postgresql/15/main'])).toEqual({ kind: 'shared' });
  });

  it('attributes the CPU between two samples to groups, new processes from zero, other databases apart', () => {
    const sample = (processes: [string, CpuSample['processes'] extends ReadonlyMap<string, infer V> ? V : never][], postmaster: number, busy: number, at: number): CpuSample => ({
      at,
      processes: new Map(processes),
      postmasterChildTicks: postmaster,
      machineBusyTicks: busy,
    });
    const before = sample(
      [
        ['10:1', { group: 'gateway', ticks: 100, pid: 10 }],
        ['11:1', { group: 'postgres', ticks: 50, pid: 11 }],
        ['12:1', { group: 'postgres', ticks: 70, pid: 12 }], // exits during the run
        ['13:1', { group: 'postgres other databases', ticks: 5, pid: 13 }],
      ],
      1000,
      5000,
      0,
    );
    const after = sample(
      [
        ['10:1', { group: 'gateway', ticks: 130, pid: 10 }],
        ['11:1', { group: 'postgres', ticks: 60, pid: 11 }],
        ['14:9', { group: 'postgres', ticks: 4, pid: 14 }], // started during the run
        ['13:1', { group: 'postgres other databases', ticks: 25, pid: 13 }],
        ['15:1', { group: 'nats', ticks: 8, pid: 15 }],
      ],
      1090,
      5200,
      2000,
    );
    const usage = cpuBetween(before, after);
    const tick = 1000 / ticksPerSecond();
    expect(Object.fromEntries(usage.groups)).toEqual({ gateway: 30 * tick, postgres: 14 * tick, nats: 8 * tick });
    expect(usage.stackMs).toBeCloseTo(52 * tick);
    expect(usage.otherDatabasesMs).toBeCloseTo(20 * tick);
    expect(usage.postgresEndedMs).toBeCloseTo(90 * tick);
    expect(usage.exited).toBe(1);
    expect(usage.machineBusyMs).toBeCloseTo(200 * tick);
    expect(usage.wallMs).toBe(2000);
    expect(pidsOf(after, 'postgres')).toEqual([11, 14]);
    expect(pidsOf(after, 'ca-service')).toEqual([]);
  });
});
