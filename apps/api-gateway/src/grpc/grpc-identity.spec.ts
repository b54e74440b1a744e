import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { authorityKeyIdentifierExtension, basicConstraintsExtension, buildCertificate, encodeName, keyIdentifierFromSpki, keyUsageExtension, parseCertificate, subjectAltNameExtension, subjectKeyIdentifierExtension, type GeneralName } from '@pki/pki';
import type { CertificateStatusOutput, CommandMessage, Reply } from '@pki/contracts';
import type { ServiceClient } from '@pki/service-kit';
import { accountFromSpiffeId, ClientIdentity, REVOCATION_RECHECK_MS } from './grpc-identity';

/**
 * Who a gRPC caller is (issue #16): the SPIFFE account rule, and ClientIdentity's per-call checks
 * with certificates made here (the library's own builder, node:crypto P-256 keys) and a
 * recording stand-in for revocation-service's CertificateStatus (the real one:
 * apps/revocation-service/src/application/revocation.int-spec.ts; the TLS side: apps/e2e/src/grpc.e2e-spec.ts).
 */

const TRUST_DOMAIN = 'pki.local';
const ACCOUNT = '111122223333';
const CA_ID = '0f3c7a52-5a2e-4d4c-9a43-2f6a1b8e9d10';
const NOW = Date.parse('2026-12-07T12:00:00Z');
const DAY = 24 * 3600 * 1000;

interface Key {
  readonly privateKey: KeyObject;
  readonly spki: Buffer;
}
const ecKey = (): Key => {
  const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { privateKey: pair.privateKey, spki: pair.publicKey.export({ type: 'spki', format: 'der' }) };
};

interface Ca {
  readonly key: Key;
  readonly subjectDer: Buffer;
  readonly der: Buffer;
}

async function makeCa(commonName: string): Promise<Ca> {
  const key = ecKey();
  const subjectDer = encodeName({ Organization: 'Example Corp', CommonName: commonName });
  const { der } = await buildCertificate({
    serial: 0x01n,
    signingAlgorithm: 'SHA256WITHECDSA',
    issuerDer: subjectDer,
    subjectDer,
    notBefore: new Date(NOW - 365 * DAY),
    notAfter: new Date(NOW + 3650 * DAY),
    publicKeySpki: key.spki,
    extensions: [basicConstraintsExtension({ ca: true }), keyUsageExtension({ KeyCertSign: true, CRLSign: true }), subjectKeyIdentifierExtension(keyIdentifierFromSpki(key.spki))],
    sign: async (tbs) => sign('sha256', tbs, key.privateKey),
  });
  return { key, subjectDer, der };
}

async function clientCertificate(ca: Ca, names: GeneralName[], more: { serial?: bigint; notBefore?: number; notAfter?: number } = {}): Promise<Buffer> {
  const key = ecKey();
  const { der } = await buildCertificate({
    serial: more.serial ?? 0x5eed01n,
    signingAlgorithm: 'SHA256WITHECDSA',
    issuerDer: ca.subjectDer,
    subjectDer: encodeName({ CommonName: 'workload' }),
    notBefore: new Date(more.notBefore ?? NOW - DAY),
    notAfter: new Date(more.notAfter ?? NOW + 30 * DAY),
    publicKeySpki: key.spki,
    extensions: [
      basicConstraintsExtension({ ca: false }),
      keyUsageExtension({ DigitalSignature: true }),
      authorityKeyIdentifierExtension(keyIdentifierFromSpki(ca.key.spki)),
      ...(names.length ? [subjectAltNameExtension(names)] : []),
    ],
    sign: async (tbs) => sign('sha256', tbs, ca.key.privateKey),
  });
  return der;
}

const spiffe = (path: string): GeneralName => ({ UniformResourceIdentifier: `spiffe://${TRUST_DOMAIN}/${path}` });

/** revocation-service's CertificateStatus as a queue of answers; every request recorded. */
function revocation() {
  const asked: Array<{ service: string; operation: string; message: CommandMessage }> = [];
  let answer: Reply<CertificateStatusOutput> = { ok: true, result: { status: 'good', revokedAt: null, reason: null } };
  const services = {
    request: async <T>(service: string, operation: string, message: CommandMessage): Promise<Reply<T>> => {
      asked.push({ service, operation, message });
      return answer as unknown as Reply<T>;
    },
  } as unknown as Pick<ServiceClient, 'request'>;
  return {
    services,
    asked,
    answer: (next: Reply<CertificateStatusOutput>) => (answer = next),
    status: (status: CertificateStatusOutput['status'], revokedAt: string | null = null, reason: string | null = null) => (answer = { ok: true, result: { status, revokedAt, reason } }),
  };
}

describe('accountFromSpiffeId: spiffe://<trust domain>/account/<12 digits>[/<workload>]', () => {
  it.each([
    [`spiffe://pki.local/account/${ACCOUNT}`],
    [`spiffe://pki.local/account/${ACCOUNT}/ns/payments/sa/api`],
    [`spiffe://pki.local/account/${ACCOUNT}/deploy-bot_1.v2`],
  ])('%s names the account', (uri) => {
    expect(accountFromSpiffeId(uri, TRUST_DOMAIN)).toEqual({ ok: true, accountId: ACCOUNT });
  });

  it.each([
    [`spiffe://other.local/account/${ACCOUNT}`],
    [`spiffe://pki.local.evil.example/account/${ACCOUNT}`],
    [`spiffe://pki.localhost/account/${ACCOUNT}`],
    [`https://pki.local/account/${ACCOUNT}`],
    [`SPIFFE://pki.local/account/${ACCOUNT}`],
    [`urn:pki.local:account:${ACCOUNT}`],
  ])('%s is not of the trust domain', (uri) => {
    expect(accountFromSpiffeId(uri, TRUST_DOMAIN)).toEqual({ ok: false, message: `The client certificate's URI SAN ${JSON.stringify(uri)} is not a SPIFFE ID of the trust domain pki.local.` });
  });

  it.each([
    ['the account segment misnamed', `spiffe://pki.local/accounts/${ACCOUNT}`],
    ['no account segment', `spiffe://pki.local/${ACCOUNT}`],
    ['no account id', 'spiffe://pki.local/account'],
    ['an empty account id', 'spiffe://pki.local/account/'],
    ['11 digits', 'spiffe://pki.local/account/11112222333'],
    ['13 digits', 'spiffe://pki.local/account/1111222233334'],
    ['a non-ASCII digit', 'spiffe://pki.local/account/11112222333٣'],
    ['an empty segment before the account', `spiffe://pki.local//account/${ACCOUNT}`],
    ['a trailing empty segment', `spiffe://pki.local/account/${ACCOUNT}/`],
    ['a trailing empty segment after a workload', `spiffe://pki.local/account/${ACCOUNT}/api/`],
    ['an empty segment inside the workload', `spiffe://pki.local/account/${ACCOUNT}/ns//api`],
    ['a query', `spiffe://pki.local/account/${ACCOUNT}?x=1`],
    ['a query after the workload', `spiffe://pki.local/account/${ACCOUNT}/api?account=222233334444`],
    ['a fragment after the workload', `spiffe://pki.local/account/${ACCOUNT}/api#x`],
    ['a dot-segment', `spiffe://pki.local/account/${ACCOUNT}/..`],
    ['a percent-encoded segment', `spiffe://pki.local/account/${ACCOUNT}/a%2Fb`],
  ])('%s is refused (%s)', (_why, uri) => {
    expect(accountFromSpiffeId(uri, TRUST_DOMAIN)).toEqual({
      ok: false,
      message: `The client certificate's SPIFFE ID ${JSON.stringify(uri)} must have the form spiffe://pki.local/account/<12-digit account id>[/<workload>].`,
    });
  });
});

describe('ClientIdentity.check', () => {
  let ca: Ca;
  let clock: number;
  const identity = (services: Pick<ServiceClient, 'request'>) => new ClientIdentity({ clientCa: parseCertificate(ca.der), trustDomain: TRUST_DOMAIN, clientCaId: CA_ID, services, now: () => clock });

  beforeAll(async () => {
    ca = await makeCa('gRPC client CA');
  });
  beforeEach(() => {
    clock = NOW;
  });

  it('accepts a certificate of the client CA with one SPIFFE ID, asking revocation-service about exactly it', async () => {
    const r = revocation();
    const der = await clientCertificate(ca, [spiffe(`account/${ACCOUNT}/ns/payments`), { DnsName: 'payments.internal' }], { serial: 0x5eed01n });
    expect(await identity(r.services).check(der, 'req-1')).toEqual({ ok: true, caller: { accountId: ACCOUNT, accessKeyId: 'x509:5eed01' }, spiffeId: `spiffe://pki.local/account/${ACCOUNT}/ns/payments` });
    expect(r.asked).toEqual([
      { service: 'revocation', operation: 'CertificateStatus', message: { caller: expect.objectContaining({ accessKeyId: 'pki-gateway-grpc' }), requestId: 'req-1', input: { certificateAuthorityId: CA_ID, serial: '5eed01' } } },
    ]);
  });

  it('sends the canonical serial (lowercase hex, no leading zeros) for a serial whose DER starts with a zero nibble or a sign octet', async () => {
    for (const [serial, canonical] of [
      [0x0abcdefn, 'abcdef'],
      [0x80n, '80'],
      [0x00ff00n, 'ff00'],
      [0x0102030405060708090a0b0c0d0e0f1011121314n, '102030405060708090a0b0c0d0e0f1011121314'],
    ] as const) {
      const r = revocation();
      const der = await clientCertificate(ca, [spiffe(`account/${ACCOUNT}`)], { serial });
      expect((await identity(r.services).check(der, 'r')).ok).toBe(true);
      expect(r.asked.map((a) => (a.message.input as { serial: string }).serial)).toEqual([canonical]);
    }
  });

  describe('refuses, without asking revocation-service,', () => {
    const refused = async (der: Buffer, message: string | RegExp) => {
      const r = revocation();
      const result = await identity(r.services).check(der, 'r');
      expect(result).toEqual({ ok: false, message: typeof message === 'string' ? message : expect.stringMatching(message) });
      expect(r.asked).toEqual([]);
    };

    it('a certificate another CA signed, even one with the same name', async () => {
      const impostor = await makeCa('gRPC client CA');
      await refused(await clientCertificate(impostor, [spiffe(`account/${ACCOUNT}`)]), /^The client certificate \(issuer O=Example Corp, CN=gRPC client CA|^The client certificate \(issuer .*gRPC client CA.*\) was not issued by the gRPC client CA/);
      const other = await makeCa('Another CA');
      await refused(await clientCertificate(other, [spiffe(`account/${ACCOUNT}`)]), /was not issued by the gRPC client CA \(.*gRPC client CA.*\)\.$/);
    });

    it('a certificate that is expired or not valid yet', async () => {
      await refused(await clientCertificate(ca, [spiffe(`account/${ACCOUNT}`)], { notBefore: NOW - 30 * DAY, notAfter: NOW - 1000 }), /^The client certificate is not valid now \(valid from .* to 2026-12-07T11:59:59.000Z\)\.$/);
      await refused(await clientCertificate(ca, [spiffe(`account/${ACCOUNT}`)], { notBefore: NOW + 60_000 }), /^The client certificate is not valid now \(valid from 2026-12-07T12:01:00.000Z to /);
    });

    it('a certificate without a URI SAN, with two, or with a URI that is not a SPIFFE ID of the trust domain', async () => {
      await refused(await clientCertificate(ca, []), 'The client certificate must carry exactly one URI SAN, spiffe://pki.local/account/<12-digit account id>[/<workload>]; it carries 0.');
      await refused(await clientCertificate(ca, [{ DnsName: 'payments.internal' }]), /it carries 0\.$/);
      await refused(await clientCertificate(ca, [spiffe(`account/${ACCOUNT}`), spiffe('account/222233334444')]), /it carries 2\.$/);
      await refused(await clientCertificate(ca, [{ UniformResourceIdentifier: `https://pki.local/account/${ACCOUNT}` }]), /is not a SPIFFE ID of the trust domain pki\.local\.$/);
      await refused(await clientCertificate(ca, [{ UniformResourceIdentifier: `spiffe://elsewhere/account/${ACCOUNT}` }]), /is not a SPIFFE ID of the trust domain pki\.local\.$/);
      await refused(await clientCertificate(ca, [spiffe('account/1111222233')]), /must have the form spiffe:\/\/pki\.local\/account\/<12-digit account id>/);
    });

    it('bytes that are not a certificate', async () => {
      await refused(Buffer.from('not a certificate'), /^The client certificate cannot be read: /);
    });
  });

  it('refuses a revoked certificate and one the platform does not know, saying which', async () => {
    const r = revocation();
    const der = await clientCertificate(ca, [spiffe(`account/${ACCOUNT}`)], { serial: 0x7e7e7en });
    r.status('revoked', '2026-12-07T11:00:00.000Z', 'KEY_COMPROMISE');
    expect(await identity(r.services).check(der, 'r')).toEqual({ ok: false, message: 'The client certificate (serial 7e7e7e) is revoked.' });
    r.status('unknown');
    expect(await identity(r.services).check(der, 'r')).toEqual({ ok: false, message: 'The platform does not know the client certificate (serial 7e7e7e) as issued by the gRPC client CA.' });
  });

  it('answers unavailable (not refused) while revocation-service cannot answer, and asks again on the next call', async () => {
    const r = revocation();
    const der = await clientCertificate(ca, [spiffe(`account/${ACCOUNT}`)]);
    const checker = identity(r.services);
    const unavailable = { ok: false, unavailable: true, message: 'The revocation status of the client certificate cannot be checked now; try again shortly.' };
    r.answer({ ok: false, error: { kind: 'Unavailable', message: 'The revocation service is not available; try again later.' } });
    expect(await checker.check(der, 'r1')).toEqual(unavailable);
    // Being issued right now: ask again too.
    r.status('inProgress');
    expect(await checker.check(der, 'r2')).toEqual(unavailable);
    r.status('good');
    expect(await checker.check(der, 'r3')).toMatchObject({ ok: true, caller: { accountId: ACCOUNT } });
    expect(r.asked.map((a) => a.message.requestId)).toEqual(['r1', 'r2', 'r3']);
  });

  it('keeps an answer for REVOCATION_RECHECK_MS, then asks again (a revocation is seen within that time)', async () => {
    const r = revocation();
    const der = await clientCertificate(ca, [spiffe(`account/${ACCOUNT}`)]);
    const checker = identity(r.services);
    expect((await checker.check(der, 'r1')).ok).toBe(true);
    r.status('revoked', '2026-12-07T12:00:00.500Z', 'KEY_COMPROMISE');
    clock = NOW + REVOCATION_RECHECK_MS - 1;
    expect((await checker.check(der, 'r2')).ok).toBe(true);
    expect(r.asked).toHaveLength(1);
    clock = NOW + REVOCATION_RECHECK_MS;
    expect(await checker.check(der, 'r3')).toMatchObject({ ok: false, message: expect.stringMatching(/is revoked\.$/) });
    expect(r.asked).toHaveLength(2);
    expect(REVOCATION_RECHECK_MS).toBeLessThanOrEqual(1000);
  });

  it('keeps answers per certificate: another certificate of the same account is asked about', async () => {
    const r = revocation();
    const checker = identity(r.services);
    const first = await clientCertificate(ca, [spiffe(`account/${ACCOUNT}`)], { serial: 0x01n });
    const second = await clientCertificate(ca, [spiffe(`account/${ACCOUNT}`)], { serial: 0x02n });
    await checker.check(first, 'r1');
    await checker.check(second, 'r2');
    await checker.check(first, 'r3');
    expect(r.asked.map((a) => (a.message.input as { serial: string }).serial)).toEqual(['1', '2']);
  });
});
