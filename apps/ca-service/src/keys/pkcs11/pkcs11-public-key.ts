/**
 * DER SubjectPublicKeyInfo of a key pair made on a PKCS #11 token, from its public attributes:
 * RSA from CKA_MODULUS / CKA_PUBLIC_EXPONENT; EC from CKA_EC_PARAMS (the DER curve OID) and
 * CKA_EC_POINT, which PKCS #11 v2.40 §2.3.3 defines as the DER OCTET STRING wrapping the
 * uncompressed point 04 || X || Y (some tokens return the bare point: both are accepted).
 */
import { createPublicKey } from 'node:crypto';
import type { KeyAlgorithm } from '@pki/contracts';

/** DER OBJECT IDENTIFIERs of the named curves (RFC 5480 §2.1.1.1), as CKA_EC_PARAMS carries them. */
export const EC_PARAMS: Partial<Record<KeyAlgorithm, Buffer>> = {
  EC_prime256v1: Buffer.from('06082a8648ce3d030107', 'hex'),
  EC_secp384r1: Buffer.from('06052b81040022', 'hex'),
  EC_secp521r1: Buffer.from('06052b81040023', 'hex'),
};

const JWK_CURVE: Partial<Record<KeyAlgorithm, { crv: string; octets: number }>> = {
  EC_prime256v1: { crv: 'P-256', octets: 32 },
  EC_secp384r1: { crv: 'P-384', octets: 48 },
  EC_secp521r1: { crv: 'P-521', octets: 66 },
};

function unwrapEcPoint(ecPoint: Buffer, octets: number): Buffer {
  const pointLength = 1 + 2 * octets;
  if (ecPoint.length === pointLength && ecPoint[0] === 0x04) return ecPoint;
  // OCTET STRING: tag 04, short or one-octet long form length (points here are < 256 octets;
  // a P-521 point, 133 octets, takes the long form 04 81 85).
  const header = ecPoint[1] === 0x81 ? 3 : 2;
  const length = ecPoint[1] === 0x81 ? ecPoint[2] : ecPoint[1];
  if (ecPoint[0] !== 0x04 || length !== pointLength || ecPoint.length !== header + length) {
    throw new Error(`CKA_EC_POINT is neither an uncompressed point nor an OCTET STRING wrapping one (${ecPoint.length} octets)`);
  }
  const point = ecPoint.subarray(header);
  if (point[0] !== 0x04) throw new Error('CKA_EC_POINT holds a compressed point; expected the uncompressed form');
  return point;
}

export function rsaSpki(modulus: Buffer, publicExponent: Buffer): Buffer {
  return createPublicKey({ key: { kty: 'RSA', n: modulus.toString('base64url'), e: publicExponent.toString('base64url') }, format: 'jwk' }).export({ type: 'spki', format: 'der' });
}

export function ecSpki(keyAlgorithm: KeyAlgorithm, ecParams: Buffer, ecPoint: Buffer): Buffer {
  const curve = JWK_CURVE[keyAlgorithm];
  const expectedParams = EC_PARAMS[keyAlgorithm];
  if (!curve || !expectedParams) throw new Error(`${keyAlgorithm} is not an EC key algorithm`);
  if (!ecParams.equals(expectedParams)) throw new Error(`CKA_EC_PARAMS ${ecParams.toString('hex')} is not the curve of ${keyAlgorithm}`);
  const point = unwrapEcPoint(ecPoint, curve.octets);
  const x = point.subarray(1, 1 + curve.octets).toString('base64url');
  const y = point.subarray(1 + curve.octets).toString('base64url');
  return createPublicKey({ key: { kty: 'EC', crv: curve.crv, x, y }, format: 'jwk' }).export({ type: 'spki', format: 'der' });
}
