/**
 * Just enough DER reading to take a certificate apart again (RFC 5280 §4.1): the TBS octets,
 * the issuer and subject Names byte for byte, the extensions as encoded. Used to lint what
 * came back from the signer and to learn an issuing CA's facts from its certificate. Input is
 * our own output or an imported CA certificate ca-service already checked; every read is
 * still bounds-checked and fails with CertificateDerError, never a crash.
 */
import type { Extension } from '@pki/pki';

export class CertificateDerError extends Error {
  override readonly name = 'CertificateDerError';
}

interface Tlv {
  readonly tag: number;
  /** Start of the whole element (tag octet). */
  readonly start: number;
  readonly valueStart: number;
  readonly end: number;
}

function readTlv(buf: Uint8Array, offset: number, limit: number): Tlv {
  if (offset + 2 > limit) throw new CertificateDerError('truncated DER element');
  const tag = buf[offset]!;
  if ((tag & 0x1f) === 0x1f) throw new CertificateDerError('multi-octet tags are not used in certificates');
  let length = buf[offset + 1]!;
  let valueStart = offset + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 4) throw new CertificateDerError('unsupported DER length');
    if (valueStart + count > limit) throw new CertificateDerError('truncated DER length');
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + buf[valueStart + i]!;
    valueStart += count;
  }
  const end = valueStart + length;
  if (end > limit) throw new CertificateDerError('DER element runs past its container');
  return { tag, start: offset, valueStart, end };
}

function childrenOf(buf: Uint8Array, parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let at = parent.valueStart; at < parent.end; ) {
    const child = readTlv(buf, at, parent.end);
    out.push(child);
    at = child.end;
  }
  return out;
}

const bytes = (buf: Uint8Array, t: Tlv): Uint8Array => buf.subarray(t.start, t.end);
const value = (buf: Uint8Array, t: Tlv): Uint8Array => buf.subarray(t.valueStart, t.end);

function expect(t: Tlv | undefined, tag: number, what: string): Tlv {
  if (!t || t.tag !== tag) throw new CertificateDerError(`${what}: expected tag 0x${tag.toString(16)}`);
  return t;
}

function oidToString(v: Uint8Array): string {
  if (v.length === 0) throw new CertificateDerError('empty OBJECT IDENTIFIER');
  const arcs: bigint[] = [];
  let acc = 0n;
  for (const b of v) {
    acc = (acc << 7n) | BigInt(b & 0x7f);
    if (!(b & 0x80)) {
      arcs.push(acc);
      acc = 0n;
    }
  }
  const first = arcs.shift()!;
  const head = first < 40n ? [0n, first] : first < 80n ? [1n, first - 40n] : [2n, first - 80n];
  return [...head, ...arcs].join('.');
}

export interface CertificateParts {
  readonly tbs: Uint8Array;
  readonly signatureAlgorithm: Uint8Array;
  readonly signature: Uint8Array;
  /** Serial number as lowercase hex without leading zeros. */
  readonly serialHex: string;
  readonly issuerDer: Uint8Array;
  readonly subjectDer: Uint8Array;
  readonly publicKeySpki: Uint8Array;
  readonly extensions: Extension[];
}

/** Splits a DER certificate into the parts issuance checks. */
export function certificateParts(der: Uint8Array): CertificateParts {
  const cert = expect(readTlv(der, 0, der.length), 0x30, 'Certificate');
  if (cert.end !== der.length) throw new CertificateDerError('trailing data after the certificate');
  const [tbs, alg, sig, ...extra] = childrenOf(der, cert);
  if (extra.length) throw new CertificateDerError('Certificate has more than three fields');
  expect(tbs, 0x30, 'TBSCertificate');
  expect(alg, 0x30, 'signatureAlgorithm');
  const sigValue = value(der, expect(sig, 0x03, 'signatureValue'));
  if (sigValue[0] !== 0) throw new CertificateDerError('signature BIT STRING has unused bits');

  const fields = childrenOf(der, tbs!);
  let i = 0;
  if (fields[0]?.tag === 0xa0) i++; // version [0] EXPLICIT
  const serial = expect(fields[i++], 0x02, 'serialNumber');
  expect(fields[i++], 0x30, 'signature');
  const issuer = expect(fields[i++], 0x30, 'issuer');
  expect(fields[i++], 0x30, 'validity');
  const subject = expect(fields[i++], 0x30, 'subject');
  const spki = expect(fields[i++], 0x30, 'subjectPublicKeyInfo');
  const extensions: Extension[] = [];
  for (const f of fields.slice(i)) {
    if (f.tag !== 0xa3) continue; // issuerUniqueID / subjectUniqueID are never used here
    const list = expect(childrenOf(der, f)[0], 0x30, 'Extensions');
    for (const ext of childrenOf(der, list)) {
      const parts = childrenOf(der, expect(ext, 0x30, 'Extension'));
      const oid = oidToString(value(der, expect(parts[0], 0x06, 'extnID')));
      const critical = parts.length === 3 && value(der, expect(parts[1], 0x01, 'critical'))[0] !== 0;
      extensions.push({ oid, critical, value: value(der, expect(parts[parts.length - 1], 0x04, 'extnValue')) });
    }
  }
  const serialHex = Buffer.from(value(der, serial)).toString('hex').replace(/^0+(?=.)/, '');
  return {
    tbs: bytes(der, tbs!),
    signatureAlgorithm: bytes(der, alg!),
    signature: sigValue.subarray(1),
    serialHex,
    issuerDer: bytes(der, issuer),
    subjectDer: bytes(der, subject),
    publicKeySpki: bytes(der, spki),
    extensions,
  };
}

/** keyIdentifier of a subjectKeyIdentifier extension value (RFC 5280 §4.2.1.2: an OCTET STRING). */
export function subjectKeyIdentifierOf(extensionValue: Uint8Array): Uint8Array {
  const t = expect(readTlv(extensionValue, 0, extensionValue.length), 0x04, 'SubjectKeyIdentifier');
  return value(extensionValue, t);
}

/** pathLenConstraint of a basicConstraints extension value (RFC 5280 §4.2.1.9); undefined when absent. */
export function pathLengthOf(extensionValue: Uint8Array): { ca: boolean; pathLength: number | undefined } {
  const seq = expect(readTlv(extensionValue, 0, extensionValue.length), 0x30, 'BasicConstraints');
  let ca = false;
  let pathLength: number | undefined;
  for (const f of childrenOf(extensionValue, seq)) {
    if (f.tag === 0x01) ca = value(extensionValue, f)[0] !== 0;
    else if (f.tag === 0x02) {
      const v = value(extensionValue, f);
      if (v.length > 2) throw new CertificateDerError('pathLenConstraint too large');
      pathLength = v.reduce((acc, b) => acc * 256 + b, 0);
    }
  }
  return { ca, pathLength };
}
