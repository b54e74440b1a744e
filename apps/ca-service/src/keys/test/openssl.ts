/** Test-only: the openssl CLI on files in one temporary directory per test process. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let dir: string | undefined;

export function writeTemp(name: string, content: string | Uint8Array): string {
  dir ??= mkdtempSync(join(tmpdir(), 'pki-keys-'));
  const file = join(dir, name);
  writeFileSync(file, content);
  return file;
}

export function openssl(...args: string[]): { status: number | null; output: string } {
  const r = spawnSync('openssl', args, { encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, output: `${r.stdout}\n${r.stderr}` };
}
