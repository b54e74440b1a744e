/**
 * AWS IoT DescribeEndpoint: the account's data-plane host names, formed as AWS forms them
 * (AWS IoT Developer Guide, "Connecting devices to AWS IoT"; API_DescribeEndpoint):
 *
 *   iot:Data-ATS           <prefix>-ats.iot.<region>.<domain>
 *   iot:Data (the default) <prefix>.iot.<region>.<domain>
 *   iot:CredentialProvider <prefix>.credentials.iot.<region>.<domain>
 *   iot:Jobs               <prefix>.jobs.iot.<region>.<domain>
 *
 * On AWS `<domain>` is amazonaws.com and `<prefix>` is 14 lowercase letters and digits that
 * belong to the account. Here the prefix is derived from the account and region (the same
 * answer on every replica and after every restart, with nothing stored), and the domain is
 * PKI_IOT_ENDPOINT_DOMAIN.
 */
import { createHash } from 'node:crypto';
import { DomainError } from '@pki/contracts';

/** AWS IoT's endpoint types (DescribeEndpointRequest.endpointType, documented values). */
export const IOT_ENDPOINT_TYPES = ['iot:Data', 'iot:Data-ATS', 'iot:CredentialProvider', 'iot:Jobs'] as const;
export type IotEndpointType = (typeof IOT_ENDPOINT_TYPES)[number];

/** The host name's part after `<prefix>`, per endpoint type. */
const LABELS: Readonly<Record<IotEndpointType, string>> = {
  'iot:Data': '.iot',
  'iot:Data-ATS': '-ats.iot',
  'iot:CredentialProvider': '.credentials.iot',
  'iot:Jobs': '.jobs.iot',
};

/** PKI_IOT_ENDPOINT_DOMAIN's default: AWS's, so the names have exactly AWS's form (this platform serves no MQTT data plane of its own). */
export const DEFAULT_ENDPOINT_DOMAIN = 'amazonaws.com';

export const PREFIX_LENGTH = 14;
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/**
 * The account's endpoint prefix in `region`: 14 characters of [a-z0-9] from SHA-256 of the
 * account and region, the first a letter (a DNS label that reads like AWS's, e.g. a1b2c3d4e5f6g7).
 * Not a secret: anyone who knows the account id can compute it, as anyone can resolve AWS's.
 */
export function endpointPrefix(accountId: string, region: string): string {
  const digest = createHash('sha256').update(`pki-iot-endpoint\n${accountId}\n${region}`).digest();
  let prefix = ALPHABET[digest[0]! % 26]!;
  for (let i = 1; i < PREFIX_LENGTH; i++) prefix += ALPHABET[digest[i]! % ALPHABET.length]!;
  return prefix;
}

/** DNS name rules for PKI_IOT_ENDPOINT_DOMAIN: labels of letters, digits and inner hyphens (RFC 1123 §2.1). */
const DOMAIN = /^(?=.{1,200}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;

/** Whether `domain` may end the host names (a lowercase DNS name without a trailing dot). */
export function isEndpointDomain(domain: string): boolean {
  return DOMAIN.test(domain);
}

/**
 * The endpoint address for `endpointType` (absent: iot:Data, as AWS). Any other value is AWS's
 * InvalidRequestException.
 */
export function endpointAddress(endpointType: string | undefined, accountId: string, region: string, domain: string): string {
  const type = endpointType ?? 'iot:Data';
  if (!(IOT_ENDPOINT_TYPES as readonly string[]).includes(type)) {
    throw new DomainError('Malformed', `Invalid endpoint type ${JSON.stringify(type)}: must be one of ${IOT_ENDPOINT_TYPES.join(', ')}.`, 'InvalidRequestException');
  }
  return `${endpointPrefix(accountId, region)}${LABELS[type as IotEndpointType]}.${region}.${domain}`;
}
