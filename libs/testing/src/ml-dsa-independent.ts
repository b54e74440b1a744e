/**
 * A second ML-DSA verifier for tests, independent of the one the platform uses: PQClean's C
 * implementation of FIPS 204 (the `pqclean` package, built to WebAssembly) instead of
 * @noble/post-quantum, and its own DER reading instead of @pki/pki's. OpenSSL 3.0 on the
 * development machines cannot verify ML-DSA, so this is what tells a wrong signature, OID or key
 * encoding from a right one. Checks the IETF profile (RFC 9881): id-ml-dsa-44/65/87 with absent
 * parameters, the raw pk in the BIT STRING, pure ML-DSA with the empty context.
 */
// tsconfig.build.json leaves libs/testing out, so the declaration comes with the file that needs it.
// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- pqclean ships no types; pqclean.d.ts declares the part used
/// <reference path="./pqclean.d.ts" />
import { sign as pqcleanSign } from 'pqclean';

/** RFC 9881 §2 (NIST CSOR sigAlgs 17, 18, 19) -> PQClean's scheme names. */
const SCHEMES: Readonly<Record<string, { name: string; publicKeyOctets: number; signatureOctets: number }>> = {
  '2.16.840.1.101.3.4.3.17': { name: 'ml-dsa-44', publicKeyOctets: 1312, signatureOctets: 2420 },
  '2.16.840.1.101.3.4.3.18': { name: 'ml-dsa-65', publicKeyOctets: 1952, signatureOctets: 3309 },
  '2.16.840.1.101.3.4.3.19': { name: 'ml-dsa-87', publicKeyOctets: 2592, signatureOctets: 4627 },
};

interface Tlv {
  readonly tag: number;
  readonly start: number;
  readonly valueStart: number;
  readonly end: number;
}

/** One DER TLV at `offset` (definite lengths only, as DER requires). */
function tlv(der: Uint8Array, offset: number): Tlv {
  const tag = der[offset]!;
  let length = der[offset + 1]!;
  let valueStart = offset + 2;
  if (length & 0x80) {
    const octets = length & 0x7f;
    length = 0;
    for (let i = 0; i < octets; i++) length = length * 256 + der[valueStart + i]!;
    valueStart += octets;
  }
  if (valueStart + length > der.length) throw new Error('DER element runs past its container');
  return { tag, start: offset, valueStart, end: valueStart + length };
}

function childrenOf(der: Uint8Array, parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let at = parent.valueStart; at < parent.end; ) {
    const child = tlv(der, at);
    out.push(child);
    at = child.end;
  }
  return out;
}

function oidText(bytes: Uint8Array): string {
  const arcs: number[] = [];
  let value = 0;
  for (const b of bytes) {
    value = value * 128 + (b & 0x7f);
    if (!(b & 0x80)) {
      arcs.push(value);
      value = 0;
    }
  }
  const first = arcs.shift()!;
  return [first < 80 ? Math.floor(first / 40) : 2, first < 80 ? first % 40 : first - 80, ...arcs].join('.');
}

/** The algorithm OID of an AlgorithmIdentifier, refusing any parameters (RFC 9881 §2). */
function mlDsaAlgorithm(der: Uint8Array, algorithmIdentifier: Tlv): (typeof SCHEMES)[string] {
  const [id, ...params] = childrenOf(der, algorithmIdentifier);
  if (!id || id.tag !== 0x06) throw new Error('AlgorithmIdentifier without an OID');
  const dotted = oidText(der.subarray(id.valueStart, id.end));
  const scheme = SCHEMES[dotted];
  if (!scheme) throw new Error(`${dotted} is not id-ml-dsa-44/65/87`);
  if (params.length) throw new Error(`${scheme.name} AlgorithmIdentifier has parameters (RFC 9881 §2 says absent)`);
  return scheme;
}

function bitStringBytes(der: Uint8Array, e: Tlv): Uint8Array {
  if (e.tag !== 0x03 || der[e.valueStart] !== 0) throw new Error('not a BIT STRING without unused bits');
  return der.subarray(e.valueStart + 1, e.end);
}

/** The ML-DSA scheme and raw pk of a SubjectPublicKeyInfo (RFC 9881 §4); throws for anything else. */
export function mlDsaPublicKeyOf(spki: Uint8Array): { scheme: string; publicKey: Uint8Array } {
  const [algorithm, key] = childrenOf(spki, tlv(spki, 0));
  const scheme = mlDsaAlgorithm(spki, algorithm!);
  const publicKey = bitStringBytes(spki, key!);
  if (publicKey.length !== scheme.publicKeyOctets) throw new Error(`${scheme.name} pk is ${scheme.publicKeyOctets} octets, got ${publicKey.length}`);
  return { scheme: scheme.name, publicKey };
}

/** PQClean's pure ML-DSA verification (empty context) of `signature` over `message` under `spki`. */
export async function pqcleanVerifiesMlDsa(spki: Uint8Array, message: Uint8Array, signature: Uint8Array): Promise<boolean> {
  const { scheme, publicKey } = mlDsaPublicKeyOf(spki);
  return new pqcleanSign.PublicKey(scheme, publicKey).verify(message, signature);
}

/**
 * Verifies a signed X.509 structure, `SEQUENCE { tbs, AlgorithmIdentifier, BIT STRING, ... }`
 * (a certificate, a CSR, a CRL, a BasicOCSPResponse), with PQClean: the signature algorithm must
 * be the issuer key's ML-DSA parameter set, without parameters, over the TBS octets as they are.
 */
export async function pqcleanVerifiesSigned(der: Uint8Array, issuerSpki: Uint8Array): Promise<{ scheme: string; valid: boolean }> {
  const [tbs, algorithm, signature] = childrenOf(der, tlv(der, 0));
  const scheme = mlDsaAlgorithm(der, algorithm!);
  const key = mlDsaPublicKeyOf(issuerSpki);
  if (key.scheme !== scheme.name) throw new Error(`signed with ${scheme.name} but the issuer key is ${key.scheme}`);
  const value = bitStringBytes(der, signature!);
  if (value.length !== scheme.signatureOctets) throw new Error(`${scheme.name} signature is ${scheme.signatureOctets} octets, got ${value.length}`);
  const valid = await new pqcleanSign.PublicKey(scheme.name, key.publicKey).verify(der.subarray(tbs!.start, tbs!.end), value);
  return { scheme: scheme.name, valid };
}

/** The SubjectPublicKeyInfo of a certificate (tbsCertificate field 7, after the optional [0] version). */
export function certificateSpki(certificate: Uint8Array): Uint8Array {
  const [tbs] = childrenOf(certificate, tlv(certificate, 0));
  const fields = childrenOf(certificate, tbs!);
  const spki = fields[fields[0]!.tag === 0xa0 ? 6 : 5]!;
  return certificate.subarray(spki.start, spki.end);
}

/** The BasicOCSPResponse inside an OCSPResponse (RFC 6960 §4.2.1: responseBytes [0] EXPLICIT { id-pkix-ocsp-basic, OCTET STRING }). */
export function basicOcspResponseOf(ocspResponse: Uint8Array): Uint8Array {
  const [, responseBytes] = childrenOf(ocspResponse, tlv(ocspResponse, 0));
  const [inner] = childrenOf(ocspResponse, responseBytes!);
  const [, octets] = childrenOf(ocspResponse, inner!);
  return ocspResponse.subarray(octets!.valueStart, octets!.end);
}
