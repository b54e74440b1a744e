import {
  DeleteCertificateAuthorityCommand,
  DescribeCertificateAuthorityCommand,
  GetCertificateAuthorityCertificateCommand,
  ImportCertificateAuthorityCertificateCommand,
  ListTagsCommand,
  RestoreCertificateAuthorityCommand,
  TagCertificateAuthorityCommand,
  UntagCertificateAuthorityCommand,
  UpdateCertificateAuthorityCommand,
  paginateListTags,
} from '@aws-sdk/client-acm-pca';
import { bytes, caStatus, createCa, pcaClient, waitForCsr } from './fixtures/acm-pca';
import { errorOf } from './fixtures/errors';
import { OpensslDir } from './fixtures/openssl';
import { softwareKeysEnv, startStack, type RunningStack } from './stack';

const SUBJECT = { Country: 'US', Organization: 'Example Corp', CommonName: 'E2E Subordinate CA' };
const CA_EXT = 'basicConstraints=critical,CA:true\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n';

describe('CA lifecycle through the AWS SDK', () => {
  let stack: RunningStack;
  /** The openssl CLI in one working directory (the "on-premises" PKI of this test). */
  let pki: OpensslDir;
  const client = () => pcaClient(stack.endpoint);

  beforeAll(async () => {
    stack = await startStack(softwareKeysEnv());
    pki = new OpensslDir('ca-lifecycle-e2e');
    // An external root and intermediate, made with the openssl CLI.
    pki.selfSigned('root', '/O=External Corp/CN=External Root', { days: 3650 });
    pki.write('ca.ext', CA_EXT);
    pki.certificate('int', '/O=External Corp/CN=External Intermediate', 'root', { days: 1825, extfile: 'ca.ext' });
  }, 120_000);
  afterAll(async () => {
    pki?.remove();
    await stack?.stop();
  });

  it('create -> CSR -> import an externally signed certificate (each rejection rule) -> disable/enable -> delete/restore', async () => {
    const pca = client();
    const CertificateAuthorityArn = await createCa(pca, { type: 'SUBORDINATE', keyAlgorithm: 'RSA_2048', subject: SUBJECT, tags: [{ Key: 'team', Value: 'pki' }] });
    const Csr = await waitForCsr(pca, CertificateAuthorityArn);
    expect(await caStatus(pca, CertificateAuthorityArn)).toBe('PENDING_CERTIFICATE');

    pki.write('ca.csr', Csr);
    const verified = pki.run('req', '-in', 'ca.csr', '-noout', '-verify', '-subject');
    expect(verified).toMatch(/verify OK/);
    expect(verified).not.toMatch(/verify failure/i);
    expect(verified).toMatch(/subject=C\s*=\s*US, O\s*=\s*Example Corp, CN\s*=\s*E2E Subordinate CA/);

    // The intermediate signs THIS CA's CSR.
    const certificate = pki.sign('ca', 'int', 'ca', { days: 365, extfile: 'ca.ext' });
    const chain = pki.read('int.pem') + pki.read('root.pem');

    // Each documented rule, with its exception; nothing is imported.
    const importing = (cert: string, certChain?: string) =>
      errorOf(pca.send(new ImportCertificateAuthorityCertificateCommand({ CertificateAuthorityArn, Certificate: bytes(cert), CertificateChain: certChain === undefined ? undefined : bytes(certChain) })));
    const expectRefused = async (cert: string, certChain: string | undefined, name: string, message: RegExp) => {
      const error = await importing(cert, certChain);
      expect({ name: error.name, message: error.message }).toEqual({ name, message: expect.stringMatching(message) });
    };
    await expectRefused(certificate, undefined, 'InvalidRequestException', /needs its CertificateChain/);
    await expectRefused(pki.read('root.pem'), chain, 'InvalidRequestException', /self-signed certificate cannot be imported as a subordinate/);
    await expectRefused(certificate, pki.read('root.pem') + pki.read('int.pem'), 'InvalidRequestException', /out of order/);
    await expectRefused(certificate, pki.read('int.pem'), 'InvalidRequestException', /last certificate of the chain must be the self-signed root/);
    await expectRefused(certificate, certificate + chain, 'InvalidRequestException', /must not include the CA certificate/);
    await expectRefused(pki.certificate('other', '/C=US/O=Example Corp/CN=E2E Subordinate CA', 'int', { days: 365, extfile: 'ca.ext' }), chain, 'CertificateMismatchException', /public key is not this CA's key/);
    pki.write('nc.ext', `${CA_EXT}nameConstraints=critical,permitted;DNS:example.com\n`);
    await expectRefused(pki.sign('ca', 'int', 'nc', { days: 365, extfile: 'nc.ext' }), chain, 'MalformedCertificateException', /name constraints .* critical/);
    pki.write('leaf.ext', 'basicConstraints=critical,CA:false\n');
    await expectRefused(pki.sign('ca', 'int', 'leaf', { days: 365, extfile: 'leaf.ext' }), chain, 'MalformedCertificateException', /not a CA certificate/);
    await expectRefused('not a certificate', chain, 'MalformedCertificateException', /PEM/);
    // Over the 32 KB CertificateBodyBlob limit: refused by the model constraint before the service.
    expect((await importing(certificate + ' '.repeat(33 * 1024), chain)).name).toBe('ValidationException');
    expect((await pca.send(new DescribeCertificateAuthorityCommand({ CertificateAuthorityArn }))).CertificateAuthority!.Status).toBe('PENDING_CERTIFICATE');
    expect((await errorOf(pca.send(new GetCertificateAuthorityCertificateCommand({ CertificateAuthorityArn })))).name).toBe('InvalidStateException');

    await pca.send(new ImportCertificateAuthorityCertificateCommand({ CertificateAuthorityArn, Certificate: bytes(certificate), CertificateChain: bytes(chain) }));
    const { CertificateAuthority: ca } = await pca.send(new DescribeCertificateAuthorityCommand({ CertificateAuthorityArn }));
    const serial = pki.run('x509', '-in', 'ca.pem', '-noout', '-serial').trim().split('=')[1]!;
    expect(ca!.Status).toBe('ACTIVE');
    expect(ca!.Serial).toMatch(/^[0-9a-f]+$/);
    expect(BigInt(`0x${ca!.Serial}`)).toBe(BigInt(`0x${serial}`));
    expect(ca!.NotAfter!.getTime() - ca!.NotBefore!.getTime()).toBe(365 * 86_400_000);

    const got = await pca.send(new GetCertificateAuthorityCertificateCommand({ CertificateAuthorityArn }));
    expect(got.CertificateChain!.replace(/\s+/g, '')).toBe(chain.replace(/\s+/g, ''));
    pki.write('got.pem', got.Certificate!);
    expect(pki.run('verify', '-x509_strict', '-CAfile', 'root.pem', '-untrusted', 'int.pem', 'got.pem')).toMatch(/got.pem: OK/);

    // ACTIVE <-> DISABLED; an ACTIVE CA cannot be deleted.
    expect((await errorOf(pca.send(new DeleteCertificateAuthorityCommand({ CertificateAuthorityArn })))).name).toBe('InvalidStateException');
    await pca.send(new UpdateCertificateAuthorityCommand({ CertificateAuthorityArn, Status: 'DISABLED' }));
    expect((await pca.send(new DescribeCertificateAuthorityCommand({ CertificateAuthorityArn }))).CertificateAuthority!.Status).toBe('DISABLED');
    await pca.send(new UpdateCertificateAuthorityCommand({ CertificateAuthorityArn, Status: 'ACTIVE' }));
    expect((await pca.send(new DescribeCertificateAuthorityCommand({ CertificateAuthorityArn }))).CertificateAuthority!.Status).toBe('ACTIVE');
    await pca.send(new UpdateCertificateAuthorityCommand({ CertificateAuthorityArn, Status: 'DISABLED' }));

    // delete -> restore
    await pca.send(new DeleteCertificateAuthorityCommand({ CertificateAuthorityArn, PermanentDeletionTimeInDays: 7 }));
    const deleted = (await pca.send(new DescribeCertificateAuthorityCommand({ CertificateAuthorityArn }))).CertificateAuthority!;
    expect(deleted.Status).toBe('DELETED');
    expect(Math.abs(deleted.RestorableUntil!.getTime() - (Date.now() + 7 * 86_400_000))).toBeLessThan(120_000);
    expect((await errorOf(pca.send(new DeleteCertificateAuthorityCommand({ CertificateAuthorityArn })))).name).toBe('InvalidStateException');
    await pca.send(new RestoreCertificateAuthorityCommand({ CertificateAuthorityArn }));
    const restored = (await pca.send(new DescribeCertificateAuthorityCommand({ CertificateAuthorityArn }))).CertificateAuthority!;
    expect(restored.Status).toBe('DISABLED');
    expect(restored.RestorableUntil).toBeUndefined();
    expect((await errorOf(pca.send(new RestoreCertificateAuthorityCommand({ CertificateAuthorityArn })))).name).toBe('InvalidStateException');
  }, 180_000);

  it('tags: up to 50, TooManyTagsException beyond, value-matching untag, and the ListTags paginator', async () => {
    const pca = client();
    const CertificateAuthorityArn = await createCa(pca, { subject: { CommonName: 'Tagged Root' }, tags: [{ Key: 'first', Value: 'one' }] });
    const more = Array.from({ length: 49 }, (_, i) => ({ Key: `key-${i}`, Value: `value-${i}` }));
    await pca.send(new TagCertificateAuthorityCommand({ CertificateAuthorityArn, Tags: more }));
    const tooMany = await errorOf(pca.send(new TagCertificateAuthorityCommand({ CertificateAuthorityArn, Tags: [{ Key: 'fifty-one' }] })));
    expect(tooMany.name).toBe('TooManyTagsException');
    expect((await errorOf(pca.send(new TagCertificateAuthorityCommand({ CertificateAuthorityArn, Tags: [{ Key: 'aws:reserved', Value: 'x' }] })))).name).toBe('InvalidTagException');

    const seen: Array<{ Key?: string; Value?: string }> = [];
    for await (const page of paginateListTags({ client: pca, pageSize: 7 }, { CertificateAuthorityArn })) {
      expect(page.Tags!.length).toBeLessThanOrEqual(7);
      seen.push(...page.Tags!);
    }
    expect(seen).toEqual([{ Key: 'first', Value: 'one' }, ...more]);

    await pca.send(new UntagCertificateAuthorityCommand({ CertificateAuthorityArn, Tags: [{ Key: 'first', Value: 'not-one' }, { Key: 'key-0' }, { Key: 'key-1', Value: 'value-1' }] }));
    const { Tags } = await pca.send(new ListTagsCommand({ CertificateAuthorityArn }));
    expect(Tags!.map((t) => t.Key)).toEqual(['first', ...more.slice(2).map((t) => t.Key)]);
  }, 60_000);
});
