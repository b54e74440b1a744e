/**
 * Which of a template's keyUsage bits a certificate gets, by its subject key.
 *
 * AWS's template tables list `keyEncipherment` for the EndEntity*Certificate/V1 templates without
 * conditions, and AWS Private CA sets it for EC keys too. RFC 5480 §3 says an EC public key's
 * keyUsage may hold digitalSignature, nonRepudiation, keyAgreement, keyCertSign and cRLSign, and
 * that keyEncipherment and dataEncipherment MUST NOT be set; certlint ("Unallowed key usage for EC
 * public key (Key Encipherment)") and pkilint (`pkix.key_usage_value_prohibited_for_ec`) flag it.
 * Key encipherment is RSA key transport: no other key type this platform certifies can do it.
 *
 * - `rfc5480` (default): keyEncipherment only for RSA subject keys; an ML-DSA subject key gets
 *   only signature bits (RFC 9881 §5: digitalSignature, nonRepudiation, keyCertSign, cRLSign;
 *   keyEncipherment, dataEncipherment, keyAgreement, encipherOnly, decipherOnly MUST NOT be set),
 *   in the `aws` profile too.
 * - `aws` (PKI_KEY_USAGE_PROFILE=aws): exactly the template's bits, byte for byte what AWS
 *   issues, for users who compare certificates with AWS's.
 */
import { describePublicKey, type AlgorithmFamily, type KeyUsage } from '@pki/pki';

export const KEY_USAGE_PROFILES = ['rfc5480', 'aws'] as const;
export type KeyUsageProfile = (typeof KEY_USAGE_PROFILES)[number];

/** Bits only an RSA key can use (key transport). */
const RSA_ONLY: ReadonlySet<keyof KeyUsage> = new Set<keyof KeyUsage>(['KeyEncipherment', 'DataEncipherment']);

/** Bits an ML-DSA key (a signature-only key) can have (RFC 9881 §5). */
const ML_DSA_ALLOWED: ReadonlySet<keyof KeyUsage> = new Set<keyof KeyUsage>(['DigitalSignature', 'NonRepudiation', 'KeyCertSign', 'CRLSign']);

export function templateKeyUsage(bits: readonly (keyof KeyUsage)[], subjectSpki: Uint8Array, profile: KeyUsageProfile): (keyof KeyUsage)[] {
  let keyType: AlgorithmFamily | 'other';
  try {
    keyType = describePublicKey(subjectSpki).keyType;
  } catch {
    keyType = 'other';
  }
  // ML-DSA keys in either profile: AWS's templates predate them, and a signature-only key with
  // keyEncipherment is refused by RFC 9881 §5 whatever the parity wanted.
  if (keyType === 'ml-dsa') return bits.filter((bit) => ML_DSA_ALLOWED.has(bit));
  if (profile === 'aws') return [...bits];
  return keyType === 'rsa' ? [...bits] : bits.filter((bit) => !RSA_ONLY.has(bit));
}

/** PKI_KEY_USAGE_PROFILE: `rfc5480` (default) or `aws`; anything else stops the service with the variable's name. */
export function keyUsageProfileFrom(raw: string | undefined): KeyUsageProfile {
  if (raw === undefined || raw === '') return 'rfc5480';
  if ((KEY_USAGE_PROFILES as readonly string[]).includes(raw)) return raw as KeyUsageProfile;
  throw new Error(`PKI_KEY_USAGE_PROFILE must be ${KEY_USAGE_PROFILES.join(' or ')}, not ${JSON.stringify(raw)}`);
}
