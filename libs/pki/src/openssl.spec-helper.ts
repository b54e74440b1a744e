/** Test-only: runs the openssl CLI on files in a temporary directory. Never imported by library code. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface OpensslResult {
  status: number | null;
  stdout: string;
  stderr: string;
  /** stdout and stderr together: OpenSSL prints verdicts to either depending on the command. */
  output: string;
}

export class TempDir {
  readonly path = mkdtempSync(join(tmpdir(), 'pki-spec-'));

  write(name: string, content: string | Uint8Array): string {
    const file = join(this.path, name);
    writeFileSync(file, content);
    return file;
  }

  remove(): void {
    rmSync(this.path, { recursive: true, force: true });
  }
}

export function openssl(...args: string[]): OpensslResult {
  const r = spawnSync('openssl', args, { encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, output: `${r.stdout}\n${r.stderr}` };
}
