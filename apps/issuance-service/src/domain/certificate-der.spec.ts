/**
 * certificateParts reads back what the signer returned through @pki/pki's strict DER reader:
 * it agrees with parseCertificate on a real certificate, and any non-DER or corrupted input is a
 * CertificateDerError (the decider records it as a failed issuance), never another exception.
 */
import { der as derWriter, parseCertificate } from '@pki/pki';
import fc from 'fast-check';
import { certificateParts, CertificateDerError, pathLengthOf, subjectKeyIdentifierOf } from './certificate-der';
import { makeRootCa, makeSubCa, type TestCa } from './profile-test-kit.spec-helper';

describe('certificateParts', () => {
  let root: TestCa;
  let sub: TestCa;
  beforeAll(async () => {
    root = await makeRootCa();
    sub = await makeSubCa(root, 'SubordinateCACertificate_PathLen1', 'Example Sub CA', 1);
  });

  it('splits a certificate as parseCertificate does', () => {
    for (const ca of [root, sub]) {
      const parts = certificateParts(ca.der);
      const parsed = parseCertificate(ca.der);
      expect(Buffer.from(parts.tbs).equals(Buffer.from(parsed.tbsCertificate))).toBe(true);
      expect(Buffer.from(parts.signature).equals(Buffer.from(parsed.signature))).toBe(true);
      expect(Buffer.from(parts.signatureAlgorithm).equals(Buffer.from(parsed.signatureAlgorithm.der))).toBe(true);
      expect(parts.serialHex).toBe(parsed.serialHex.replace(/^0+(?=.)/, ''));
      expect(Buffer.from(parts.issuerDer).equals(Buffer.from(parsed.issuerDer))).toBe(true);
      expect(Buffer.from(parts.subjectDer).equals(Buffer.from(parsed.subjectDer))).toBe(true);
      expect(Buffer.from(parts.publicKeySpki).equals(Buffer.from(parsed.publicKeySpki))).toBe(true);
      expect(parts.extensions.map((e) => [e.oid, e.critical])).toEqual(parsed.extensions.map((e) => [e.oid, e.critical]));
    }
    const bc = certificateParts(sub.der).extensions.find((e) => e.oid === '2.5.29.19')!;
    expect(pathLengthOf(bc.value)).toEqual({ ca: true, pathLength: 1 });
    const ski = certificateParts(sub.der).extensions.find((e) => e.oid === '2.5.29.14')!;
    expect(Buffer.from(subjectKeyIdentifierOf(ski.value)).equals(Buffer.from(parseCertificate(sub.der).subjectKeyIdentifier!))).toBe(true);
  });

  it('refuses what is not DER', () => {
    const der = root.der;
    const cases: Buffer[] = [
      Buffer.alloc(0),
      Buffer.concat([der, Buffer.from([0])]), // trailing data
      der.subarray(0, der.length - 1), // truncated
      Buffer.concat([Buffer.from([0x30, 0x80]), der.subarray(4), Buffer.from([0, 0])]), // indefinite length
      Buffer.concat([Buffer.from([0x30, 0x83, 0x00]), der.subarray(2)]), // non-minimal length (leading zero octet)
    ];
    for (const bytes of cases) expect(() => certificateParts(bytes)).toThrow(CertificateDerError);
    expect(() => pathLengthOf(derWriter.sequence(derWriter.boolean(true), Buffer.from('02020001', 'hex')))).toThrow(/non-minimal/);
    expect(() => pathLengthOf(derWriter.sequence(derWriter.boolean(true), derWriter.integer(-1)))).toThrow(/negative/);
    expect(() => pathLengthOf(derWriter.sequence(derWriter.boolean(true), derWriter.integer(0x10000)))).toThrow(/too large/);
    expect(() => subjectKeyIdentifierOf(Buffer.from('0401', 'hex'))).toThrow(CertificateDerError);
  });

  it('answers every corruption with CertificateDerError or a result', () => {
    const outcome = (bytes: Buffer): unknown => {
      try {
        return certificateParts(bytes) && 'parsed';
      } catch (error) {
        return error instanceof CertificateDerError ? 'refused' : error;
      }
    };
    const corrupted = fc.tuple(fc.nat(root.der.length - 1), fc.integer({ min: 0, max: 255 })).map(([i, b]) => Buffer.from(root.der).fill(b, i, i + 1));
    fc.assert(fc.property(corrupted, (bytes) => ['parsed', 'refused'].includes(outcome(bytes) as string)), { numRuns: 1000 });
  });
});
