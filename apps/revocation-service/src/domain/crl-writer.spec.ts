import { randomBytes } from 'node:crypto';
import { REVOCATION_REASON_CODES, REVOCATION_REASONS, type RevocationReason } from '@pki/contracts';
import { assembleCrl, CrlBuilder, type CrlEntry, type SigningAlgorithm } from '@pki/pki';
import { caCertificateFacts } from './ca-certificate';
import { CrlWriter, isKnownReasonCode, type CrlHeader } from './crl-writer';
import { makeTestCa, type TestCa } from './test-ca.spec-helper';

/**
 * The streaming CrlWriter must emit exactly the octets of @pki/pki's CrlBuilder (the builder CRLs
 * were generated with before it) for the same input: TBS and assembled CRL, byte for byte.
 */
interface Row {
  readonly serialHex: string;
  readonly revokedAt: Date;
  readonly reason: RevocationReason;
}

const seconds = (date: Date) => Math.floor(date.getTime() / 1000);
const SIGNATURE = Buffer.from('3045022100' + 'ab'.repeat(32) + '0220' + 'cd'.repeat(32), 'hex');

function header(ca: TestCa, overrides: Partial<CrlHeader> = {}): CrlHeader {
  const facts = caCertificateFacts(ca.certDer);
  return {
    issuerDer: facts.subjectDer,
    signingAlgorithm: ca.algorithm,
    thisUpdate: new Date('2026-12-07T10:00:00Z'),
    nextUpdate: new Date('2026-12-14T10:00:00Z'),
    crlNumber: 7n,
    authorityKeyIdentifier: facts.keyIdentifier,
    ...overrides,
  };
}

/** The previous path: rows as generateCrl mapped them (serialOctets, the row's Date, the reason name) into CrlBuilder. */
async function previous(h: CrlHeader, rows: readonly Row[]): Promise<{ tbs: Buffer; crl: Buffer; entryCount: number }> {
  const entries: CrlEntry[] = rows.map((r) => ({ serial: Buffer.from(r.serialHex.length % 2 ? `0${r.serialHex}` : r.serialHex, 'hex'), revocationDate: r.revokedAt, reason: r.reason }));
  const built = await new CrlBuilder({ ...h, entries }).build();
  return { tbs: built.tbsDer(), crl: assembleCrl(built, h.signingAlgorithm, SIGNATURE), entryCount: built.entryCount };
}

function streamed(h: CrlHeader, rows: readonly Row[], initialCapacity?: number): { tbs: Buffer; crl: Buffer; entryCount: number } {
  const writer = new CrlWriter(h, initialCapacity);
  for (const r of rows) {
    const text = Buffer.from(`<${r.serialHex}>`, 'latin1'); // the serial inside other octets, as in a COPY tuple
    writer.add(text, 1, text.length - 1, seconds(r.revokedAt), REVOCATION_REASON_CODES[r.reason]);
  }
  const tbs = Buffer.from(writer.finish());
  return { tbs, crl: Buffer.from(writer.assemble(SIGNATURE)), entryCount: writer.entryCount };
}

async function expectSameOctets(h: CrlHeader, rows: readonly Row[], initialCapacity?: number): Promise<Buffer> {
  const before = await previous(h, rows);
  const now = streamed(h, rows, initialCapacity);
  expect(now.entryCount).toBe(rows.length);
  expect(now.tbs.equals(before.tbs)).toBe(true);
  expect(now.crl.equals(before.crl)).toBe(true);
  return now.crl;
}

/** Deterministic pseudo-random rows: serials of 1-20 octets (some with the high bit set, some odd-length hex), dates from 1950 to 2060, every reason. */
function rows(count: number, seed = 1): Row[] {
  let state = seed;
  const next = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0);
  const out: Row[] = [];
  const from = Date.UTC(1950, 0, 1) / 1000;
  const to = Date.UTC(2060, 0, 1) / 1000;
  for (let i = 0; i < count; i++) {
    const octets = 1 + (next() % 20);
    let hex = '';
    for (let k = 0; k < octets; k++) hex += (next() & 0xff).toString(16).padStart(2, '0');
    hex = hex.replace(/^0+/, '') || '1';
    if (hex.length === 40 && parseInt(hex[0]!, 16) >= 8) hex = '7' + hex.slice(1); // 20 octets with the high bit would need 21
    const when = from + ((next() * 4096 + (next() & 0xfff)) % (to - from));
    out.push({ serialHex: hex, revokedAt: new Date(when * 1000), reason: REVOCATION_REASONS[next() % REVOCATION_REASONS.length]! });
  }
  return out;
}

describe('CrlWriter writes the octets CrlBuilder wrote', () => {
  let ec: TestCa;
  let rsa: TestCa;
  beforeAll(() => {
    ec = makeTestCa('ec');
    rsa = makeTestCa('rsa');
  });
  afterAll(() => {
    ec.dir.remove();
    rsa.dir.remove();
  });

  it('for an empty CRL (revokedCertificates absent, RFC 5280 §5.1.2.6)', async () => {
    const crl = await expectSameOctets(header(ec), []);
    expect(crl.includes(Buffer.from([0xa0]))).toBe(true);
  });

  it.each([1, 2, 127, 1000, 10_000])('for %i entries with every reason and dates from 1950 to 2060', async (count) => {
    await expectSameOctets(header(ec), rows(count, count));
  });

  it("for a partition's CRL, with its critical issuingDistributionPoint (RFC 5280 §5.2.5)", async () => {
    const url = 'http://crl.example.com/pki/crls/aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee.crl';
    const crl = await expectSameOctets(header(ec, { issuingDistributionPointUrl: url }), rows(100, 5));
    expect(crl.includes(Buffer.from(url, 'latin1'))).toBe(true);
  });

  it('for 30,000 entries starting from a small buffer (it grows many times)', async () => {
    await expectSameOctets(header(rsa, { signingAlgorithm: 'SHA384WITHRSA' as SigningAlgorithm, crlNumber: (1n << 159n) - 1n }), rows(30_000, 99), 64);
  });

  it('for every reason, unspecified without an extension', async () => {
    const all = REVOCATION_REASONS.map((reason, i) => ({ serialHex: (0x1000 + i).toString(16), revokedAt: new Date('2026-12-01T08:09:10Z'), reason }));
    await expectSameOctets(header(ec), all);
    for (const reason of REVOCATION_REASONS) expect(isKnownReasonCode(REVOCATION_REASON_CODES[reason])).toBe(true);
    expect(isKnownReasonCode(6)).toBe(false); // certificateHold: AWS has no such RevocationReason
  });

  it('around the UTCTime / GeneralizedTime boundaries (2049/2050 and 1949/1950) and at every second of a day edge', async () => {
    const dates = ['1949-12-31T23:59:59Z', '1950-01-01T00:00:00Z', '1999-12-31T23:59:59Z', '2000-02-29T12:00:00Z', '2038-01-19T03:14:08Z', '2049-12-31T23:59:59Z', '2050-01-01T00:00:00Z', '2050-01-01T00:00:01Z', '2099-12-31T23:59:59Z', '9999-12-31T23:59:59Z', '1970-01-01T00:00:00Z', '1969-12-31T23:59:59Z'];
    await expectSameOctets(
      header(ec, { thisUpdate: new Date('2049-12-31T23:59:59Z'), nextUpdate: new Date('2050-01-07T00:00:00Z') }),
      dates.map((d, i) => ({ serialHex: (i + 1).toString(16), revokedAt: new Date(d), reason: 'KEY_COMPROMISE' })),
    );
  });

  it('for serials with leading zeros, odd-length and upper-case hex, the high bit set, and 20 octets', async () => {
    const serials = ['1', 'f', '7f', '80', 'ff', '0080', '00ff', 'ABCDEF', 'abcdef0', '1a2b3c4d5e6f7081', '7' + 'f'.repeat(39), '1' + '0'.repeat(39), randomBytes(19).toString('hex')];
    await expectSameOctets(
      header(ec),
      serials.map((serialHex) => ({ serialHex, revokedAt: new Date('2026-12-07T09:59:59Z'), reason: 'SUPERSEDED' })),
    );
  });

  it('refuses what CrlBuilder refused: a zero serial, more than 20 octets, a bad cRLNumber, an inverted window', () => {
    const w = () => {
      const writer = new CrlWriter(header(ec));
      return { add: (hex: string, when: number, code: number) => writer.add(Buffer.from(hex, 'latin1'), 0, hex.length, when, code) };
    };
    const when = seconds(new Date('2026-12-07T00:00:00Z'));
    expect(() => w().add('0', when, 0)).toThrow(/positive/);
    expect(() => w().add('', when, 0)).toThrow(/positive/);
    expect(() => w().add('8' + '0'.repeat(39), when, 0)).toThrow(/20 octets/);
    expect(() => w().add('1' + '0'.repeat(40), when, 0)).toThrow(/20 octets/);
    expect(() => w().add('12zz', when, 0)).toThrow(/hexadecimal/);
    expect(() => w().add('12', when, 6)).toThrow(/CRLReason/);
    expect(() => w().add('12', Number.NaN, 0)).toThrow(/revocation time/);
    expect(() => w().add('12', seconds(new Date('+010000-01-01T00:00:00Z')), 0)).toThrow(/cannot be encoded/);
    expect(() => new CrlWriter(header(ec, { crlNumber: -1n })).finish()).toThrow(/non-negative/);
    expect(() => new CrlWriter(header(ec, { crlNumber: 1n << 160n })).finish()).toThrow(/20 octets/);
    expect(() => new CrlWriter(header(ec, { nextUpdate: new Date(0) }))).toThrow(/nextUpdate/);
  });

  it('is accepted by openssl when signed with the CA key, listing each entry with its reason', () => {
    const h = header(ec);
    const writer = new CrlWriter(h);
    writer.add(Buffer.from('1a2b'), 0, 4, seconds(new Date('2026-12-01T00:00:00Z')), REVOCATION_REASON_CODES.KEY_COMPROMISE);
    writer.add(Buffer.from('ff'), 0, 2, seconds(new Date('2051-06-01T00:00:00Z')), 0);
    const crl = writer.assemble(ec.sign(writer.finish()));
    ec.dir.write('w.crl', crl);
    const text = ec.dir.run('crl', '-inform', 'DER', '-in', 'w.crl', '-CAfile', 'ca.pem', '-noout', '-text', '-verify');
    expect(text).toContain('verify OK');
    expect(text).toMatch(/Serial Number: 1A2B\s+Revocation Date: Dec  1 00:00:00 2026 GMT\s+CRL entry extensions:\s+X509v3 CRL Reason Code:\s+Key Compromise/);
    expect(text).toMatch(/Serial Number: FF\s+Revocation Date: Jun  1 00:00:00 2051 GMT\n(?!\s+CRL entry extensions)/);
    expect(text).toMatch(/X509v3 CRL Number:\s+7\n/);
  });
});
