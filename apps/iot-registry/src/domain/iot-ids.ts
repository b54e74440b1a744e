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

/** `arn:aws:iot:<region>:<account>:thing/<name>` (AWS IoT "Thing" resource). */
export function thingArn(region: string, accountId: string, thingName: string): string {
  return `arn:aws:iot:${region}:${accountId}:thing/${thingName}`;
}

/** `arn:aws:iot:<region>:<account>:thingtype/<name>` (AWS IoT "ThingType" resource). */
export function thingTypeArn(region: string, accountId: string, thingTypeName: string): string {
  return `arn:aws:iot:${region}:${accountId}:thingtype/${thingTypeName}`;
}

/** `arn:aws:iot:<region>:<account>:policy/<name>` (AWS IoT "Policy" resource). */
export function policyArn(region: string, accountId: string, policyName: string): string {
  return `arn:aws:iot:${region}:${accountId}:policy/${policyName}`;
}

export interface CertificateArnParts {
  readonly region: string;
  readonly accountId: string;
  readonly certificateId: string;
}

/** The parts of a device certificate ARN, or undefined when the text is not one (a Cognito id, a thing group ARN, garbage). */
export function parseCertificateArn(arn: string): CertificateArnParts | undefined {
  const match = /^arn:aws:iot:([a-z0-9-]+):(\d{12}):cert\/((?:0x)?[a-fA-F0-9]{64})$/.exec(arn);
  if (!match) return undefined;
  return { region: match[1]!, accountId: match[2]!, certificateId: normalizeCertificateId(match[3]!.replace(/^0x/, '')) };
}

/** The region of any AWS IoT ARN (`arn:aws:iot:<region>:...`), or undefined when the text is not one. */
export function regionOfIotArn(arn: string): string | undefined {
  return /^arn:aws:iot:([a-z0-9-]+):/.exec(arn)?.[1];
}
