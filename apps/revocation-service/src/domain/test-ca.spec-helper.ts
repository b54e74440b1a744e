/** A throwaway CA made with the openssl CLI, for tests that check our DER against OpenSSL. */
import { spawnSync } from 'node:child_process';
import { createPrivateKey, sign, type KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromPem, hashOf, type SigningAlgorithm } from '@pki/pki';

export class OpensslDir {
  readonly path = mkdtempSync(join(tmpdir(), 'revocation-test-'));
  file(name: string): string {
    return join(this.path, name);
  }
  write(name: string, content: string | Uint8Array): void {
    writeFileSync(this.file(name), content);
  }
  read(name: string): Buffer {
    return readFileSync(this.file(name));
  }
  exec(...args: string[]): { status: number | null; output: string } {
    const r = spawnSync('openssl', args, { cwd: this.path, encoding: 'utf8', timeout: 60_000 });
    return { status: r.status, output: `${r.stdout}\n${r.stderr}` };
  }
  run(...args: string[]): string {
    const r = this.exec(...args);
    if (r.status !== 0) throw new Error(`openssl ${args.join(' ')} failed: ${r.output}`);
    return r.output;
  }
  remove(): void {
    rmSync(this.path, { recursive: true, force: true });
  }
}

export interface TestCa {
  readonly dir: OpensslDir;
  readonly certPem: string;
  readonly certDer: Buffer;
  readonly key: KeyObject;
  readonly algorithm: SigningAlgorithm;
  sign(data: Uint8Array): Buffer;
  /** Issues a leaf certificate with `serial` (hex) into `<name>.pem`. */
  issue(name: string, serialHex: string): void;
}

export function makeTestCa(kind: 'ec' | 'rsa' = 'ec'): TestCa {
  const dir = new OpensslDir();
  const keyArgs = kind === 'ec' ? ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'] : ['-newkey', 'rsa:2048'];
  dir.run('req', '-x509', ...keyArgs, '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '30', '-subj', '/O=Example Corp/CN=Revocation Test CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign,digitalSignature', '-addext', 'subjectKeyIdentifier=hash');
  const certPem = dir.read('ca.pem').toString('utf8');
  const key = createPrivateKey(dir.read('ca.key'));
  const algorithm: SigningAlgorithm = kind === 'ec' ? 'SHA256WITHECDSA' : 'SHA256WITHRSA';
  return {
    dir,
    certPem,
    certDer: Buffer.from(fromPem(certPem, 'CERTIFICATE')),
    key,
    algorithm,
    sign: (data) => sign(hashOf(algorithm), data, { key, dsaEncoding: 'der' }),
    issue(name, serialHex) {
      dir.run('req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}.example.com`);
      dir.run('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-set_serial', `0x${serialHex}`, '-days', '10', '-out', `${name}.pem`);
    },
  };
}
