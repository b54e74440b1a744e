/**
 * One signature per certificate across a crash (issue #12, defect 1): issuance-service dies
 * after ca-service signed the request's TBSCertificate (CaKeyUsed recorded) and before the
 * outcome is committed; the recovery worker of the restarted service must finish the
 * certificate with that first signature, never sign the TBS again (for ECDSA a second signature
 * is a second, different certificate with the same serial).
 *
 * The crash, with no hook in production code: ca-service talks to NATS through a proxy armed
 * on SignData, which swallows ca-service's reply (after the signature and its CaKeyUsed record
 * committed: the command server answers with what the handler returned) and keeps it for the
 * test; the test then SIGKILLs issuance-service, which was waiting for that reply. Whether the
 * process dies just before or just after reading the reply makes no difference to anything
 * outside it: the signature existed only in flight, the outcome was never appended. The
 * captured signature and the recorded TBS give the certificate the first signature made; the
 * recovered certificate must be exactly those bytes.
 *
 * Then the audit invariant over everything this stack issued: one CaKeyUsed certificate
 * signature per issued certificate, each certificate carrying the recorded signature, and no
 * serial with two signatures.
 */
import { createHash, X509Certificate } from 'node:crypto';
import { GetCertificateCommand, IssueCertificateCommand } from '@aws-sdk/client-acm-pca';
import { commandSubject, type CaKeyUsedV1, type CertificateRequestedV1 } from '@pki/contracts';
import { assembleCertificate, fromPem } from '@pki/pki';
import { testNatsUrl, uniquePrefix, waitFor } from '@pki/testing';
import { sql } from 'kysely';
import { activeRootCa, bytes, issueCertificate, pcaClient } from './fixtures/acm-pca';
import { errorOf } from './fixtures/errors';
import { AsyncOpensslDir } from './fixtures/openssl';
import { NatsCutProxy } from './nats-cut-proxy';
import { softwareKeysEnv, startStack, type RunningStack } from './stack';

/** Short, so the killed request's caller and the recovery's staleness bound do not keep the suite waiting. */
const REQUEST_TIMEOUT_MS = 4000;
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('issuance-service killed between the signature and the outcome', () => {
  const prefix = uniquePrefix();
  let proxy: NatsCutProxy;
  let stack: RunningStack;
  /** Async openssl: ca-service's NATS traffic crosses the proxy in this process (see revocation-nats-cut). */
  let pki: AsyncOpensslDir;
  let root: { arn: string; certificate: string };
  // No SDK retries: a retried IssueCertificate would be a second request, not the crashed one.
  const client = () => pcaClient(stack.endpoint, undefined, { maxAttempts: 1 });
  const issue = async (name: string) =>
    issueCertificate(client(), { CertificateAuthorityArn: root.arn, Csr: bytes(await pki.csr(name, `/CN=${name}.example.com`)), SigningAlgorithm: 'SHA256WITHECDSA', Validity: { Type: 'DAYS', Value: 10 } });

  const keyUses = async () =>
    (await stack.db.withSchema('ca').selectFrom('events').select(['id', 'data']).where('type', '=', 'CaKeyUsed').execute())
      .map((e) => ({ id: e.id as string, data: e.data as CaKeyUsedV1 }))
      .filter((e) => e.data.purpose === 'CERTIFICATE' || e.data.purpose === 'CA_CERTIFICATE');
  const requested = async () =>
    (await stack.db.withSchema('issuance').selectFrom('events').select('data').where('type', '=', 'CertificateRequested').execute()).map((e) => e.data as CertificateRequestedV1);

  beforeAll(async () => {
    proxy = await NatsCutProxy.start(testNatsUrl());
    stack = await startStack({
      PKI_NATS_PREFIX: prefix,
      ...softwareKeysEnv(),
      PKI_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
      PKI_ISSUANCE_RECOVERY_AFTER_MS: String(REQUEST_TIMEOUT_MS + 1000),
      PKI_ISSUANCE_RECOVERY_INTERVAL_MS: '500',
    });
    // ca-service's one NATS connection (its command server among it) goes through the proxy.
    await stack.restart('ca-service', { NATS_URL: proxy.url });
    pki = new AsyncOpensslDir('issuance-crash-e2e');
    root = await activeRootCa(client(), { subject: { Organization: 'Example Corp', CommonName: 'Crash Recovery E2E Root' }, validity: { Type: 'YEARS', Value: 5 } });
  }, 240_000);
  afterAll(async () => {
    pki?.remove();
    await stack?.stop(); // removes the streams of `prefix` too
    await proxy?.close();
  });

  it('finishes the certificate with the first signature, byte for byte, and signs it once', async () => {
    for (const name of ['before-1', 'before-2']) await issue(name);

    proxy.arm(commandSubject(prefix, 'ca', 'SignData'));
    const issuing = client().send(
      new IssueCertificateCommand({ CertificateAuthorityArn: root.arn, Csr: bytes(await pki.csr('crashed', '/CN=crashed.example.com')), SigningAlgorithm: 'SHA256WITHECDSA', Validity: { Type: 'DAYS', Value: 10 } }),
    );
    // ca-service signed and answered; the answer is in the proxy, not in issuance-service.
    await waitFor(async () => proxy.dropped.length === 1, { timeoutMs: 30_000, intervalMs: 10, what: "ca-service's SignData reply" });
    const issuance = stack.apps.find((app) => app.app === 'issuance-service')!;
    issuance.child.kill('SIGKILL');
    expect((await issuance.exited).signal).toBe('SIGKILL');
    const failure = await errorOf(issuing);
    expect(failure.name).toBe('ServiceUnavailableException');

    const reply = JSON.parse(proxy.dropped[0]!.payload) as { ok: true; result: { signatureBase64: string } };
    const firstSignature = Buffer.from(reply.result.signatureBase64, 'base64');
    const crashed = await stack.db.withSchema('issuance').selectFrom('certificates').selectAll().where('status', '=', 'REQUESTED').execute();
    expect(crashed).toHaveLength(1);
    const intent = (await requested()).find((r) => r.certificateId === crashed[0]!.id)!;
    const firstCertificate = assembleCertificate(Buffer.from(intent.tbsCertificate, 'base64'), intent.signingAlgorithm, firstSignature);
    // The journal already holds that signature, once.
    const usesOf = async () => (await keyUses()).filter((u) => u.data.sha256 === intent.tbsSha256);
    expect((await usesOf()).map((u) => u.data.signatureSha256)).toEqual([sha256(firstSignature)]);

    // The restarted service's recovery worker finishes the request once it is older than PKI_ISSUANCE_RECOVERY_AFTER_MS.
    await stack.restart('issuance-service', {});
    const recovered = await waitFor(
      async () => {
        const { Certificate } = await client().send(new GetCertificateCommand({ CertificateAuthorityArn: root.arn, CertificateArn: intent.certificateArn })).catch(() => ({ Certificate: undefined }));
        return Certificate;
      },
      { timeoutMs: 60_000, intervalMs: 250, what: 'the recovered certificate' },
    );
    const recoveredDer = fromPem(recovered, 'CERTIFICATE');
    expect(recoveredDer.equals(firstCertificate)).toBe(true);
    expect(new X509Certificate(recoveredDer).verify(new X509Certificate(root.certificate).publicKey)).toBe(true);
    expect((await usesOf()).map((u) => u.data.signatureSha256)).toEqual([sha256(firstSignature)]);

    // The stack goes on issuing.
    await issue('after-1');
  }, 180_000);

  it('keeps the audit invariant: one CaKeyUsed per issued certificate, carried by it, one signature per serial', async () => {
    const issued = await stack.db.withSchema('issuance').selectFrom('certificates').selectAll().where('status', '=', 'ISSUED').execute();
    const intents = new Map((await requested()).map((r) => [r.certificateId, r]));
    const uses = await keyUses();
    const signatures = new Map(
      (await stack.db.withSchema('ca').selectFrom('certificate_signatures').selectAll().execute()).map((row) => [row.certificate_id as string, row as { signature: Buffer; key_used_event_id: string }]),
    );
    // root + before-1, before-2, crashed, after-1; nothing else requested, nothing left unfinished.
    expect(issued).toHaveLength(5);
    expect(intents.size).toBe(5);
    expect(uses).toHaveLength(issued.length);
    expect(signatures.size).toBe(issued.length);

    for (const certificate of issued) {
      const intent = intents.get(certificate.id as string)!;
      const recorded = signatures.get(certificate.id as string)!;
      // The certificate is its recorded TBS under its one recorded signature ...
      expect((certificate.certificate_der as Buffer).equals(assembleCertificate(Buffer.from(intent.tbsCertificate, 'base64'), intent.signingAlgorithm, recorded.signature))).toBe(true);
      // ... whose CaKeyUsed record is the one next to it.
      const use = uses.find((u) => u.id === recorded.key_used_event_id)!;
      expect(use.data).toMatchObject({ sha256: intent.tbsSha256, signatureSha256: sha256(recorded.signature) });
    }
    // No serial maps to two signatures (each CaKeyUsed traced to its request's serial by the TBS hash).
    const serialByTbs = new Map([...intents.values()].map((r) => [r.tbsSha256, `${r.certificateAuthorityId}/${r.serial}`]));
    const signaturesBySerial = new Map<string, Set<string>>();
    for (const use of uses) {
      const serial = serialByTbs.get(use.data.sha256!)!;
      expect(serial).toBeDefined();
      signaturesBySerial.set(serial, (signaturesBySerial.get(serial) ?? new Set()).add(use.data.signatureSha256));
    }
    expect([...signaturesBySerial.values()].every((set) => set.size === 1)).toBe(true);
    expect(signaturesBySerial.size).toBe(issued.length);
    // And the certificates' serials are unique, as the (ca_id, serial) constraint promises.
    expect(new Set(issued.map((c) => `${c.ca_id}/${c.serial}`)).size).toBe(issued.length);
    expect(Number((await sql<{ n: string }>`select count(*) as n from issuance.certificates where status <> 'ISSUED'`.execute(stack.db)).rows[0]!.n)).toBe(0);
  });
});
