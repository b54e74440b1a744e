/**
 * Just enough of a certificate taken apart again (RFC 5280 §4.1), through @pki/pki's strict DER
 * reader: the TBS octets, the issuer and subject Names byte for byte, the extensions as encoded.
 * Used to lint what came back from the signer and to learn an issuing CA's facts from its
 * certificate. Lighter than parseCertificate (no names rendered, no extension decoded) because
 * it runs once per issued certificate. Input is our own output or an imported CA certificate
 * ca-service already checked; every failure is a CertificateDerError, never a crash.
 */
import { derReader, PkiParseError, type Extension } from '@pki/pki';

const { children, contents, readBitString, readBoolean, readInteger, readOid, readSerial, readWhole, whole } = derReader;
type DerElement = derReader.DerElement;

export class CertificateDerError extends Error {
  override readonly name = 'CertificateDerError';
}

/** Runs `read`, turning the reader's PkiParseError into a CertificateDerError. */
function reading<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof PkiParseError) throw new CertificateDerError(error.reason, { cause: error });
    throw error;
  }
}

function expect(e: DerElement | undefined, tag: number, what: string): DerElement {
  if (!e || e.tag !== tag) throw new CertificateDerError(`${what}: expected tag 0x${tag.toString(16)}`);
  return e;
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

function readExtension(ext: DerElement): Extension {
  const parts = children(expect(ext, 0x30, 'Extension'), 'Extension');
  if (parts.length < 2 || parts.length > 3) throw new CertificateDerError('Extension must have two or three fields');
  const oid = readOid(expect(parts[0], 0x06, 'extnID'), 'extnID');
  const critical = parts.length === 3 && readBoolean(expect(parts[1], 0x01, 'critical'), 'critical');
  return { oid, critical, value: contents(expect(parts[parts.length - 1], 0x04, 'extnValue')) };
}

/** Splits a DER certificate into the parts issuance checks. */
export function certificateParts(der: Uint8Array): CertificateParts {
  return reading(() => {
    const cert = expect(readWhole(der, 'Certificate'), 0x30, 'Certificate');
    const [tbs, alg, sig, ...extra] = children(cert, 'Certificate');
    if (extra.length) throw new CertificateDerError('Certificate has more than three fields');
    expect(tbs, 0x30, 'TBSCertificate');
    expect(alg, 0x30, 'signatureAlgorithm');
    const signature = readBitString(expect(sig, 0x03, 'signatureValue'), 'signatureValue');
    if (signature.unusedBits !== 0) throw new CertificateDerError('signature BIT STRING has unused bits');

    const fields = children(tbs!, 'TBSCertificate');
    let i = 0;
    if (fields[0]?.tag === 0xa0) i++; // version [0] EXPLICIT
    const serial = readSerial(expect(fields[i++], 0x02, 'serialNumber'), 'serialNumber');
    expect(fields[i++], 0x30, 'signature');
    const issuer = expect(fields[i++], 0x30, 'issuer');
    expect(fields[i++], 0x30, 'validity');
    const subject = expect(fields[i++], 0x30, 'subject');
    const spki = expect(fields[i++], 0x30, 'subjectPublicKeyInfo');
    const extensions: Extension[] = [];
    for (const f of fields.slice(i)) {
      if (f.tag !== 0xa3) continue; // issuerUniqueID / subjectUniqueID are never used here
      const list = expect(children(f, 'extensions')[0], 0x30, 'Extensions');
      for (const ext of children(list, 'Extensions')) extensions.push(readExtension(ext));
    }
    return {
      tbs: whole(tbs!),
      signatureAlgorithm: whole(alg!),
      signature: signature.bytes,
      serialHex: serial.hex.replace(/^-/, '').replace(/^0+(?=.)/, ''),
      issuerDer: whole(issuer),
      subjectDer: whole(subject),
      publicKeySpki: whole(spki),
      extensions,
    };
  });
}

/** keyIdentifier of a subjectKeyIdentifier extension value (RFC 5280 §4.2.1.2: an OCTET STRING). */
export function subjectKeyIdentifierOf(extensionValue: Uint8Array): Uint8Array {
  return reading(() => contents(expect(readWhole(extensionValue, 'SubjectKeyIdentifier'), 0x04, 'SubjectKeyIdentifier')));
}

/** pathLenConstraint of a basicConstraints extension value (RFC 5280 §4.2.1.9); undefined when absent. */
export function pathLengthOf(extensionValue: Uint8Array): { ca: boolean; pathLength: number | undefined } {
  return reading(() => {
    const seq = expect(readWhole(extensionValue, 'BasicConstraints'), 0x30, 'BasicConstraints');
    let ca = false;
    let pathLength: number | undefined;
    for (const f of children(seq, 'BasicConstraints')) {
      if (f.tag === 0x01) ca = readBoolean(f, 'cA');
      else if (f.tag === 0x02) {
        const value = readInteger(f, 'pathLenConstraint');
        if (value < 0n) throw new CertificateDerError('negative pathLenConstraint');
        if (value > 0x7fffn) throw new CertificateDerError('pathLenConstraint too large');
        pathLength = Number(value);
      }
    }
    return { ca, pathLength };
  });
}
