/**
 * RevokeCertificate `CertificateSerial`: "the serial number in hexadecimal", as GetCertificate's
 * certificate or `openssl x509 -serial` shows it: with or without colons between octets, any
 * case. Canonical form: lowercase hex without separators or leading zeros, the form issuance
 * records in CertificateIssued and in certificate ARNs.
 */
import { DomainError } from '@pki/contracts';

const COLON_SEPARATED = /^[0-9a-fA-F]+(:[0-9a-fA-F]+)+$/;
const PLAIN = /^[0-9a-fA-F]+$/;

export function canonicalSerial(input: string): string {
  const trimmed = typeof input === 'string' ? input.trim() : '';
  if (!COLON_SEPARATED.test(trimmed) && !PLAIN.test(trimmed)) {
    throw new DomainError(
      'Malformed',
      `CertificateSerial ${JSON.stringify(input)} is not a hexadecimal serial number (for example 79:a4:12:0e or 79A4120E).`,
      'InvalidRequestException',
    );
  }
  // Octet notation (79:a4:2:0e, as OpenSSL prints) pads each octet; longer groups are just joined.
  const groups = trimmed.split(':');
  const octets = groups.every((g) => g.length <= 2);
  const hex = groups
    .map((g) => (octets ? g.padStart(2, '0') : g))
    .join('')
    .toLowerCase()
    .replace(/^0+(?=.)/, '');
  // RFC 5280 §4.1.2.2: positive, at most 20 octets.
  if (hex === '0' || hex.length > 40) {
    throw new DomainError('Malformed', `CertificateSerial ${JSON.stringify(input)} is not a valid certificate serial number (positive, at most 20 octets).`, 'InvalidRequestException');
  }
  return hex;
}
