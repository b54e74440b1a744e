/**
 * Issue #13, KEK rotation, end to end, following the README's procedure ("Rotating the
 * key-encryption key") on the whole stack:
 * 1. CAs made and signing under KEK 1 (PKI_KEK=<KEK 1>);
 * 2. ca-service restarted with PKI_KEK=<KEK 2>,<KEK 1>; SDK clients keep issuing and revoking
 *    on two CAs (CRLs regenerated) from here to step 5;
 * 3. the rewrap-keys command, SIGKILLed after two keys (a crash halfway): the rows are a mix of
 *    KEK 1 and KEK 2, and the CAs under load keep signing;
 * 4. the rotation completed by a second ca-service replica with the re-wrap worker on
 *    (PKI_KEK_REWRAP_INTERVAL_MS), beside the running one, as a rolling deploy would; one
 *    CaKeyRewrapped event per CA key;
 * 5. `rewrap-keys --status` with KEK 2 alone says nothing is left (exit 0); ca-service restarted
 *    with PKI_KEK=<KEK 2> only: every CA issues a certificate that `openssl verify` accepts under
 *    the CA certificate and publishes a CRL that `openssl crl -verify` accepts.
 * Throughout: no client saw an error an SDK would not retry, and no output of any process
 * (apps, replicas, the command) contains either KEK in any encoding.
 *
 * The apps run from dist/ (`npm run build` first). Time: ~60-90 s on the shared 2-core machine
 * (five CAs ~15 s, the rotation ~20 s, the final checks ~15 s); every wait is bounded.
 */
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import path from 'node:path';
import { RevokeCertificateCommand } from '@aws-sdk/client-acm-pca';
import { waitFor } from '@pki/testing';
import { ROOT, type AppProcess } from './app-process';
import { activeRootCa, bytes, issueCertificate, pcaClient } from './fixtures/acm-pca';
import { startLoad, type RunningLoad } from './fixtures/fault-load';
import { OpensslDir } from './fixtures/openssl';
import { crlFindings, retrieveAll, verifyAll } from './fixtures/relying-party-checks';
import { ACCOUNT_A, softwareKeysEnv, startStack, type RunningStack } from './stack';

const BUCKET = 'kek-rotation-crls';
const CA_COUNT = 5;
const REWRAP_TOOL = path.join(ROOT, 'dist', 'apps', 'ca-service', 'src', 'tools', 'rewrap-keys.js');

/** The KEK id as README documents it: the first 16 hex digits of SHA-256("pki-kek-id-v1\0" || KEK). */
const kekIdOf = (base64: string) => createHash('sha256').update('pki-kek-id-v1\0').update(Buffer.from(base64, 'base64')).digest('hex').slice(0, 16);

/** Every way a KEK could leak into a log: base64 (padded or not), base64url, hex. */
const encodingsOf = (base64: string): string[] => {
  const key = Buffer.from(base64, 'base64');
  return [base64, base64.replace(/=+$/, ''), key.toString('base64url'), key.toString('hex'), key.toString('hex').toUpperCase()];
};

interface ToolRun {
  readonly output: () => string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal: NodeJS.Signals): void;
}

/** The rewrap-keys command as an operator runs it beside ca-service, with ca-service's environment. */
function runRewrapTool(env: Record<string, string>, args: string[]): ToolRun {
  const child = spawn(process.execPath, ['-r', path.join(ROOT, 'tools', 'dist-paths.js'), REWRAP_TOOL, ...args], {
    env: { ...process.env, NODE_ENV: 'test', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return { output: () => output, exited, kill: (signal) => child.kill(signal) };
}

describe('KEK rotation under load: re-wrap killed halfway, completed online, old KEK removed', () => {
  const kek1 = randomBytes(32).toString('base64');
  const kek2 = randomBytes(32).toString('base64');
  const [id1, id2] = [kekIdOf(kek1), kekIdOf(kek2)];
  let stack: RunningStack;
  const cas: { arn: string; id: string; certificate: string; pki: OpensslDir }[] = [];
  /** Output of every process that ran and is gone (restarted apps, replicas, command runs). */
  const outputs: { what: string; text: () => string }[] = [];
  const client = () => pcaClient(stack.endpoint, ACCOUNT_A, { maxAttempts: 3 });
  const caServiceOf = () => stack.apps.find((a) => a.app === 'ca-service')!;
  const restartCaService = async (env: Record<string, string>) => {
    const old = caServiceOf();
    outputs.push({ what: `ca-service before restart #${outputs.length}`, text: old.output });
    return stack.restart('ca-service', env);
  };
  const keysByKek = async () => {
    const rows = await stack.db.withSchema('ca').selectFrom('ca_keys').select(['kek_id']).where('backend', '=', 'software').execute();
    return rows.reduce<Record<string, number>>((counts, row) => ({ ...counts, [row.kek_id]: (counts[row.kek_id] ?? 0) + 1 }), {});
  };

  beforeAll(async () => {
    stack = await startStack({ ...softwareKeysEnv(), PKI_KEK: kek1, PKI_PUBLIC_URL: 'http://pki.kek-rotation.test', PKI_CRL_DELAY_MS: '500', PKI_CRL_POLL_MS: '200' });
    const made = await Promise.all(
      Array.from({ length: CA_COUNT }, (_, i) =>
        activeRootCa(client(), {
          subject: { Organization: 'Example Corp', CommonName: `KEK Rotation Root ${i}` },
          keyAlgorithm: i === CA_COUNT - 1 ? 'RSA_2048' : 'EC_prime256v1',
          revocation: { CrlConfiguration: { Enabled: true, S3BucketName: BUCKET, ExpirationInDays: 7 } },
          validity: { Type: 'YEARS', Value: 5 },
        }),
      ),
    );
    for (const [i, ca] of made.entries()) {
      const pki = new OpensslDir(`kek-rotation-e2e-${i}`);
      pki.write('root.pem', ca.certificate);
      cas.push({ arn: ca.arn, id: ca.arn.split('/').pop()!, certificate: ca.certificate, pki });
    }
  }, 120_000);

  afterAll(async () => {
    for (const ca of cas) ca.pki.remove();
    await stack?.stop().catch(() => undefined);
  }, 60_000);

  it('rotates every CA key to the new KEK while clients issue and revoke; afterwards every CA signs under the new KEK alone', async () => {
    // 1. Under KEK 1: every CA key (each signed its CSR and its own certificate) is wrapped under it.
    expect(await keysByKek()).toEqual({ [id1]: CA_COUNT });

    // 2. Both KEKs, the new one current; clients issue (and revoke every third: CRLs) on two CAs from now on.
    const during = { PKI_KEK: `${kek2},${kek1}` };
    await restartCaService(during);
    const csr = bytes(cas[0]!.pki.csr('leaf', '/CN=leaf.kek-rotation.test'));
    const deadline = Date.now() + 150_000;
    const loads: RunningLoad[] = cas.slice(0, 2).map((ca) => startLoad({ clients: 2, caArn: ca.arn, csr, client, maxIssuesPerClient: 60, pauseMs: 250, deadline }));
    const acknowledged = () => loads.reduce((n, load) => n + load.record.certificates.length, 0);
    const progress = async (what: string) => {
      const target = acknowledged() + 6;
      await waitFor(async () => acknowledged() >= target, { timeoutMs: 60_000, intervalMs: 200, what: `six more certificates ${what}` });
    };
    try {
      await progress('under KEK 2 current, KEK 1 older');

      // 3. The command, killed (SIGKILL) once it has re-wrapped two keys: a crash halfway.
      const killed = runRewrapTool({ ...stack.env, ...during }, ['--pause-ms', '3000']);
      outputs.push({ what: 'rewrap-keys (killed)', text: killed.output });
      await waitFor(async () => (killed.output().match(/data key re-wrapped/g) ?? []).length >= 2, { timeoutMs: 60_000, intervalMs: 100, what: `two keys re-wrapped by the command; its output:\n${killed.output()}` });
      killed.kill('SIGKILL');
      expect((await killed.exited).signal).toBe('SIGKILL');
      const halfway = await keysByKek();
      expect(halfway[id2]).toBeGreaterThanOrEqual(2);
      expect(halfway[id1]).toBeGreaterThanOrEqual(1);
      expect((halfway[id1] ?? 0) + (halfway[id2] ?? 0)).toBe(CA_COUNT);
      await progress('with the keys half re-wrapped');

      // 4. Completed online by a second ca-service replica with the re-wrap worker, beside the first.
      const worker: AppProcess = await stack.spawnReplica('ca-service', { ...during, PKI_KEK_REWRAP_INTERVAL_MS: '500' });
      outputs.push({ what: 'ca-service replica with the re-wrap worker', text: worker.output });
      await waitFor(async () => (await keysByKek())[id2] === CA_COUNT, { timeoutMs: 60_000, intervalMs: 250, what: 'every key re-wrapped under KEK 2 by the worker' });
      await waitFor(async () => worker.output().includes('every software CA key is wrapped under the current KEK'), { timeoutMs: 30_000, intervalMs: 250, what: 'the worker to report the rotation done' });
      await progress('after the rotation');
      await worker.stop();
    } finally {
      await Promise.all(loads.map((load) => load.stop()));
    }

    // No client saw an error a real SDK would not retry, and the load did go through the rotation.
    const retryable = loads.flatMap((load) => load.record.retryable).reduce<Record<string, number>>((h, e) => ({ ...h, [`${e.operation} ${e.name}`]: (h[`${e.operation} ${e.name}`] ?? 0) + 1 }), {});
    console.log(`kek-rotation e2e: ${acknowledged()} certificates and ${loads.reduce((n, l) => n + l.record.revoked.size, 0)} revocations acknowledged during the rotation; retryable errors seen by clients: ${JSON.stringify(retryable)}`);
    const wrong = loads.flatMap((load) => load.record.wrong).map((e) => `${e.operation}: ${e.name} (${e.status}) ${e.message}`);
    expect(wrong).toEqual([]);
    expect(acknowledged()).toBeGreaterThanOrEqual(18);

    // The audit trail: one CaKeyRewrapped event per CA key, though two re-wrappers ran and one was killed.
    const rewrapped = await stack.db.withSchema('ca').selectFrom('events').select(['data']).where('type', '=', 'CaKeyRewrapped').execute();
    expect(rewrapped.map((e) => e.data).sort((a, b) => a.certificateAuthorityId.localeCompare(b.certificateAuthorityId))).toEqual(
      cas.map((ca) => ca.id).sort().map((id) => ({ certificateAuthorityId: id, fromKekId: id1, toKekId: id2, at: expect.any(String) })),
    );

    // 5. Verify with the new KEK alone, then run ca-service with it alone.
    const status = runRewrapTool({ ...stack.env, PKI_KEK: kek2 }, ['--status']);
    outputs.push({ what: 'rewrap-keys --status', text: status.output });
    expect(await status.exited).toEqual({ code: 0, signal: null });
    expect(status.output()).toContain(`KEK ${id2} (current): ${CA_COUNT} software CA key(s)`);
    expect(status.output()).toContain('every software CA key is wrapped under the current KEK');
    await restartCaService({ PKI_KEK: kek2 });

    // What the load acknowledged during the rotation verifies under its CA.
    for (const [i, load] of loads.entries()) {
      const ca = cas[i]!;
      const retrieval = await retrieveAll(client, ca.arn, load.record.certificates, ca.pki, Date.now() + 30_000);
      expect(retrieval.notRetrievable).toEqual([]);
      expect(verifyAll(ca.pki, load.record.certificates)).toEqual({ notVerifying: [], serialMismatch: [] });
    }
    // Every CA signs under KEK 2 alone: a certificate (IssueCertificate, openssl verify) and a CRL (revocation, openssl crl -verify).
    const pca = client();
    for (const ca of cas) {
      const leafCsr = bytes(ca.pki.csr('after', '/CN=after.kek-rotation.test'));
      const signingAlgorithm = ca === cas[CA_COUNT - 1] ? 'SHA256WITHRSA' : 'SHA256WITHECDSA';
      const issued = await issueCertificate(pca, { CertificateAuthorityArn: ca.arn, Csr: leafCsr, SigningAlgorithm: signingAlgorithm, Validity: { Type: 'DAYS', Value: 10 } });
      ca.pki.write('after.pem', issued.certificate);
      expect(ca.pki.exec('verify', '-CAfile', 'root.pem', 'after.pem').output).toContain('after.pem: OK');
      await pca.send(new RevokeCertificateCommand({ CertificateAuthorityArn: ca.arn, CertificateSerial: issued.serial, RevocationReason: 'SUPERSEDED' }));
    }
    for (const ca of cas) {
      const serial = ca.pki.serial('after.pem');
      expect(await crlFindings(ca.pki, `${stack.endpoint}/${BUCKET}/crl/${ca.id}.crl`, [serial], 30_000)).toEqual({ crlVerifies: true, notInCrl: [] });
    }

    // No KEK, in any encoding, in any output of the run.
    const everything = [...outputs, ...stack.apps.map((app) => ({ what: app.app, text: app.output }))];
    const leaks = everything.flatMap(({ what, text }) => [kek1, kek2].flatMap(encodingsOf).filter((secret) => text().includes(secret)).map(() => what));
    expect(leaks).toEqual([]);
    // The rotation did log its progress, by KEK id.
    expect(outputs.find((o) => o.what === 'rewrap-keys (killed)')!.text()).toContain(`data key re-wrapped from KEK ${id1} to KEK ${id2}`);
  }, 300_000);
});
