import { createHash } from 'node:crypto';

/** AWS IoT certificate ids are the SHA-256 of the certificate's DER, lowercase hex (64 characters). */
export function certificateIdOf(der: Uint8Array): string {
  return createHash('sha256').update(der).digest('hex');
}

/** `arn:aws:iot:<region>:<account>:cert/<id>` (AWS IoT "Certificate" resource). */
export function certificateArn(region: string, accountId: string, certificateId: string): string {
  return `arn:aws:iot:${region}:${accountId}:cert/${certificateId}`;
}

/** `arn:aws:iot:<region>:<account>:cacert/<id>` (AWS IoT "CACertificate" resource). */
export function caCertificateArn(region: string, accountId: string, certificateId: string): string {
  return `arn:aws:iot:${region}:${accountId}:cacert/${certificateId}`;
}

/** The model's pattern `(0x)?[a-fA-F0-9]+` allows upper case; ids are stored as lowercase hex. */
export function normalizeCertificateId(id: string): string {
  return id.toLowerCase();
}
