/**
 * OCSPResponse encoding (RFC 6960 §4.2.1), pure. A responder has `responseData` (the DER
 * ResponseData) signed by the CA key and assembles the BasicOCSPResponse around the signature.
 *
 *   OCSPResponse  ::= SEQUENCE { responseStatus ENUMERATED, responseBytes [0] EXPLICIT ResponseBytes OPTIONAL }
 *   ResponseBytes ::= SEQUENCE { responseType OID (id-pkix-ocsp-basic), response OCTET STRING }
 *   BasicOCSPResponse ::= SEQUENCE { tbsResponseData ResponseData, signatureAlgorithm, signature BIT STRING }
 *   ResponseData  ::= SEQUENCE { responderID ResponderID, producedAt GeneralizedTime,
 *                                responses SEQUENCE OF SingleResponse, responseExtensions [1] EXPLICIT Extensions OPTIONAL }
 *   ResponderID   ::= CHOICE { byName [1] Name, byKey [2] KeyHash }          -- EXPLICIT tags (§B.1)
 *   SingleResponse ::= SEQUENCE { certID, certStatus, thisUpdate GeneralizedTime,
 *                                 nextUpdate [0] EXPLICIT GeneralizedTime OPTIONAL }
 *   CertStatus    ::= CHOICE { good [0] IMPLICIT NULL, revoked [1] IMPLICIT RevokedInfo, unknown [2] IMPLICIT NULL }
 *   RevokedInfo   ::= SEQUENCE { revocationTime GeneralizedTime, revocationReason [0] EXPLICIT CRLReason OPTIONAL }
 */
import { REVOCATION_REASON_CODES, type RevocationReason, type SigningAlgorithm } from '@pki/contracts';
import { signatureAlgorithmIdentifier } from './algorithms';
import { oid as derOid } from './der/der-oid';
import { generalizedTime } from './der/der-time';
import * as der from './der/der-writer';
import { PkiEncodeError } from './errors';
import { OCSP_NONCE_OID } from './ocsp-request';

/** OCSPResponseStatus (§4.2.1). */
export const OCSP_RESPONSE_STATUS = {
  successful: 0,
  malformedRequest: 1,
  internalError: 2,
  tryLater: 3,
  sigRequired: 5,
  unauthorized: 6,
} as const;
export type OcspResponseStatus = keyof typeof OCSP_RESPONSE_STATUS;

const ID_PKIX_OCSP_BASIC = '1.3.6.1.5.5.7.48.1.1';

export type CertStatus = { readonly kind: 'good' } | { readonly kind: 'unknown' } | { readonly kind: 'revoked'; readonly revokedAt: Date; readonly reason: RevocationReason };

export interface SingleResponseInput {
  /** The request's CertID, verbatim. */
  readonly certIdDer: Uint8Array;
  readonly status: CertStatus;
  readonly thisUpdate: Date;
  readonly nextUpdate: Date;
}

export interface ResponseDataInput {
  /** SHA-1 of the responder's subjectPublicKey BIT STRING value (§4.2.1 KeyHash). */
  readonly responderKeyHash: Uint8Array;
  readonly producedAt: Date;
  readonly responses: readonly SingleResponseInput[];
  /** The request's nonce extnValue contents, echoed (RFC 8954); null for none. */
  readonly nonce: Uint8Array | null;
}

/** An unsuccessful OCSPResponse: the status alone, unsigned (§2.3). */
export function ocspStatusOnly(status: Exclude<OcspResponseStatus, 'successful'>): Buffer {
  return der.sequence(der.enumerated(OCSP_RESPONSE_STATUS[status]));
}

function certStatus(status: CertStatus): Buffer {
  switch (status.kind) {
    case 'good':
      return Buffer.from([0x80, 0x00]);
    case 'unknown':
      return Buffer.from([0x82, 0x00]);
    case 'revoked': {
      const code = REVOCATION_REASON_CODES[status.reason];
      if (code === undefined) throw new PkiEncodeError(`unknown revocation reason ${status.reason}`);
      // As in CRLs (RFC 5280 §5.3.1), unspecified is expressed by leaving the reason out.
      const reason = code === 0 ? [] : [der.contextConstructed(0, der.enumerated(code))];
      return der.contextConstructed(1, generalizedTime(status.revokedAt), ...reason);
    }
    default: {
      const exhaustive: never = status;
      throw new Error(`unknown certificate status ${JSON.stringify(exhaustive)}`);
    }
  }
}

function singleResponse(input: SingleResponseInput): Buffer {
  return der.sequence(input.certIdDer, certStatus(input.status), generalizedTime(input.thisUpdate), der.contextConstructed(0, generalizedTime(input.nextUpdate)));
}

/** The DER ResponseData: what the CA key signs. */
export function encodeResponseData(input: ResponseDataInput): Buffer {
  if (input.responses.length === 0) throw new PkiEncodeError('an OCSP response needs at least one SingleResponse');
  const parts = [
    der.contextConstructed(2, der.octetString(input.responderKeyHash)),
    generalizedTime(input.producedAt),
    der.sequence(...input.responses.map(singleResponse)),
  ];
  if (input.nonce) {
    parts.push(der.contextConstructed(1, der.sequence(der.sequence(derOid(OCSP_NONCE_OID), der.octetString(input.nonce)))));
  }
  return der.sequence(...parts);
}

/** A successful OCSPResponse around a signed ResponseData. */
export function assembleOcspResponse(responseData: Uint8Array, signingAlgorithm: SigningAlgorithm, signature: Uint8Array): Buffer {
  const basic = der.sequence(responseData, signatureAlgorithmIdentifier(signingAlgorithm), der.bitString(signature));
  const responseBytes = der.sequence(derOid(ID_PKIX_OCSP_BASIC), der.octetString(basic));
  return der.sequence(der.enumerated(OCSP_RESPONSE_STATUS.successful), der.contextConstructed(0, responseBytes));
}
