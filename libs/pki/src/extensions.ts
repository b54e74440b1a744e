/**
 * Certificate extensions (RFC 5280 §4.2) as DER. An Extension carries the DER of its own
 * structure in `value`; encodeExtensions wraps each as
 *   Extension ::= SEQUENCE { extnID OID, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING }
 * omitting `critical` when false, as DER requires for DEFAULT values (X.690 §11.5).
 */
import { createHash } from 'node:crypto';
import { describePublicKey } from './algorithms';
import { oid } from './der/der-oid';
import { bitString, boolean, contextPrimitive, integer, octetString, sequence } from './der/der-writer';
import { PkiEncodeError } from './errors';
import { encodeGeneralNames, type GeneralName } from './general-names';
import { Oid } from './oids';

export interface Extension {
  oid: string;
  critical: boolean;
  /** DER of the extension's value (the contents of extnValue's OCTET STRING). */
  value: Uint8Array;
}

/** Extensions ::= SEQUENCE SIZE (1..MAX) OF Extension; one instance per OID (RFC 5280 §4.2). */
export function encodeExtensions(extensions: readonly Extension[]): Buffer {
  const seen = new Set<string>();
  for (const e of extensions) {
    if (seen.has(e.oid)) throw new PkiEncodeError(`duplicate extension ${e.oid} (RFC 5280 §4.2)`);
    seen.add(e.oid);
  }
  return sequence(...extensions.map(encodeExtension));
}

export function encodeExtension(e: Extension): Buffer {
  return e.critical ? sequence(oid(e.oid), boolean(true), octetString(e.value)) : sequence(oid(e.oid), octetString(e.value));
}

/** A caller-supplied extension (AWS CustomExtension, whose Value the caller base64-decodes). */
export function customExtension(input: { oid: string; critical?: boolean; valueDer: Uint8Array }): Extension {
  oid(input.oid); // validates
  return { oid: input.oid, critical: input.critical ?? false, value: input.valueDer };
}

/**
 * basicConstraints (RFC 5280 §4.2.1.9), critical by default as CA certificates require. cA is
 * omitted when false (DEFAULT FALSE); pathLenConstraint only with cA.
 */
export function basicConstraintsExtension(input: { ca: boolean; pathLength?: number; critical?: boolean }): Extension {
  const fields: Buffer[] = [];
  if (input.ca) fields.push(boolean(true));
  if (input.pathLength !== undefined) {
    if (!input.ca) throw new PkiEncodeError('pathLenConstraint requires cA (RFC 5280 §4.2.1.9)');
    if (!Number.isSafeInteger(input.pathLength) || input.pathLength < 0) throw new PkiEncodeError('pathLenConstraint must be >= 0');
    fields.push(integer(input.pathLength));
  }
  return { oid: Oid.basicConstraints, critical: input.critical ?? true, value: sequence(...fields) };
}

/** AWS KeyUsage. */
export interface KeyUsage {
  DigitalSignature?: boolean;
  NonRepudiation?: boolean;
  KeyEncipherment?: boolean;
  DataEncipherment?: boolean;
  KeyAgreement?: boolean;
  KeyCertSign?: boolean;
  CRLSign?: boolean;
  EncipherOnly?: boolean;
  DecipherOnly?: boolean;
}

/** Bit positions of KeyUsage (RFC 5280 §4.2.1.3). */
const KEY_USAGE_BITS: ReadonlyArray<keyof KeyUsage> = [
  'DigitalSignature',
  'NonRepudiation',
  'KeyEncipherment',
  'DataEncipherment',
  'KeyAgreement',
  'KeyCertSign',
  'CRLSign',
  'EncipherOnly',
  'DecipherOnly',
];

/**
 * keyUsage (RFC 5280 §4.2.1.3), critical by default ("SHOULD mark this extension critical").
 * A named bit list in DER drops trailing zero bits (X.690 §11.2.2), so the length and the
 * unused-bits count follow the highest bit set.
 */
export function keyUsageExtension(usage: KeyUsage, critical = true): Extension {
  let highest = -1;
  const bytes = [0, 0];
  KEY_USAGE_BITS.forEach((name, bit) => {
    if (usage[name]) {
      bytes[bit >> 3] |= 0x80 >> (bit & 7);
      highest = bit;
    }
  });
  if (highest < 0) throw new PkiEncodeError('keyUsage needs at least one bit set (RFC 5280 §4.2.1.3)');
  const length = (highest >> 3) + 1;
  const unused = 7 - (highest & 7);
  return { oid: Oid.keyUsage, critical, value: bitString(Uint8Array.from(bytes.slice(0, length)), unused) };
}

/** AWS ExtendedKeyUsageType -> KeyPurposeId. */
export const EXTENDED_KEY_USAGE_OIDS = {
  SERVER_AUTH: '1.3.6.1.5.5.7.3.1', // RFC 5280 §4.2.1.12
  CLIENT_AUTH: '1.3.6.1.5.5.7.3.2',
  CODE_SIGNING: '1.3.6.1.5.5.7.3.3',
  EMAIL_PROTECTION: '1.3.6.1.5.5.7.3.4',
  TIME_STAMPING: '1.3.6.1.5.5.7.3.8',
  OCSP_SIGNING: '1.3.6.1.5.5.7.3.9',
  SMART_CARD_LOGIN: '1.3.6.1.4.1.311.20.2.2', // Microsoft smart card logon
  DOCUMENT_SIGNING: '1.3.6.1.4.1.311.10.3.12', // Microsoft document signing (not confirmed against AWS)
  CERTIFICATE_TRANSPARENCY: '1.3.6.1.4.1.11129.2.4.4', // RFC 6962 §3.1 precertificate signing
} as const;
export type ExtendedKeyUsageType = keyof typeof EXTENDED_KEY_USAGE_OIDS;

/** AWS ExtendedKeyUsage: one of the two members. */
export interface ExtendedKeyUsage {
  ExtendedKeyUsageType?: ExtendedKeyUsageType;
  ExtendedKeyUsageObjectIdentifier?: string;
}

export function extendedKeyUsageOid(usage: ExtendedKeyUsage): string {
  if (usage.ExtendedKeyUsageType !== undefined) {
    const dotted = EXTENDED_KEY_USAGE_OIDS[usage.ExtendedKeyUsageType];
    if (!dotted) throw new PkiEncodeError(`unknown ExtendedKeyUsageType ${usage.ExtendedKeyUsageType}`);
    return dotted;
  }
  if (usage.ExtendedKeyUsageObjectIdentifier !== undefined) return usage.ExtendedKeyUsageObjectIdentifier;
  throw new PkiEncodeError('ExtendedKeyUsage needs a type or an object identifier');
}

/** extKeyUsage (RFC 5280 §4.2.1.12) from KeyPurposeId OIDs or AWS ExtendedKeyUsage items. Non-critical by default. */
export function extendedKeyUsageExtension(usages: ReadonlyArray<string | ExtendedKeyUsage>, critical = false): Extension {
  if (usages.length === 0) throw new PkiEncodeError('extKeyUsage must list at least one purpose');
  const oids = usages.map((u) => (typeof u === 'string' ? u : extendedKeyUsageOid(u)));
  return { oid: Oid.extKeyUsage, critical, value: sequence(...oids.map((o) => oid(o))) };
}

/**
 * Key identifier by RFC 5280 §4.2.1.2 method (1): SHA-1 of the subjectPublicKey BIT STRING
 * value, excluding tag, length and unused-bits octet.
 */
export function keyIdentifierFromSpki(spki: Uint8Array): Buffer {
  return createHash('sha1').update(describePublicKey(spki).subjectPublicKey).digest();
}

/** subjectKeyIdentifier (RFC 5280 §4.2.1.2): KeyIdentifier ::= OCTET STRING; never critical. */
export function subjectKeyIdentifierExtension(keyIdentifier: Uint8Array): Extension {
  return { oid: Oid.subjectKeyIdentifier, critical: false, value: octetString(keyIdentifier) };
}

/** authorityKeyIdentifier (RFC 5280 §4.2.1.1) with keyIdentifier [0] IMPLICIT only; never critical. */
export function authorityKeyIdentifierExtension(keyIdentifier: Uint8Array): Extension {
  return { oid: Oid.authorityKeyIdentifier, critical: false, value: sequence(contextPrimitive(0, keyIdentifier)) };
}

/**
 * subjectAltName (RFC 5280 §4.2.1.6). Critical when the subject is empty ("MUST mark ...
 * critical"), which the caller signals with `critical`.
 */
export function subjectAltNameExtension(names: GeneralName[], critical = false): Extension {
  return { oid: Oid.subjectAltName, critical, value: encodeGeneralNames(names) };
}
