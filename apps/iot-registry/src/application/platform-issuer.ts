import { DomainError, parseCertificateAuthorityArn, type Caller } from '@pki/contracts';
import { DEVICE_CERTIFICATE_END_DATE } from '../domain/platform-ca.profile';
import { fromIssuance, issueAndGet, type ServiceRequest } from './ca-calls';
import type { PlatformCa } from './platform-ca';

export type { ServiceRequest } from './ca-calls';

/** The template of the certificates IoT issues: a TLS client certificate for a device (extendedKeyUsage clientAuth, as AWS IoT's). */
export const IOT_TEMPLATE_ARN = 'arn:aws:acm-pca:::template/EndEntityClientAuthCertificate/V1';
/**
 * Validity of the certificates the platform IoT CA issues: AWS IoT's, "expire at
 * 2049-12-31T23:59:59Z" (domain/platform-ca.profile.ts).
 */
export const IOT_PLATFORM_VALIDITY = { Type: 'END_DATE', Value: DEVICE_CERTIFICATE_END_DATE } as const;
/** Validity of the certificates a CA named by PKI_IOT_ISSUING_CA_ARN issues: that CA may not outlive 2049, so a year. */
export const IOT_CONFIGURED_CA_VALIDITY = { Type: 'DAYS', Value: 365 } as const;
const CONFIG_VARIABLE = 'PKI_IOT_ISSUING_CA_ARN';

/**
 * The CA that signs CreateCertificateFromCsr / CreateKeysAndCertificate certificates: the one
 * PKI_IOT_ISSUING_CA_ARN names, else the platform IoT CA (provisioned on first need), reached
 * through ca-service and issuance-service.
 */
export interface PlatformIssuer {
  /** Issues a certificate for the CSR (PEM); answers the issued certificate (PEM). */
  issue(csrPem: string, requestId: string): Promise<string>;
  /** The root certificate (PEM) the issued certificates chain to and the issuing CA's: what the gateway serves at /iot/root-ca.pem and /iot/issuing-ca.pem. */
  caCertificates(requestId: string): Promise<{ rootCertificatePem: string; issuingCertificatePem: string }>;
}

const notUsable = (reason: string) =>
  new DomainError('Unavailable', `${reason}; set ${CONFIG_VARIABLE} to the ARN of an ACTIVE ACM Private CA of this platform that issues IoT device certificates, or unset it to use the platform IoT CA.`, 'ServiceUnavailableException');

/** The CA's signing algorithm: SHA-256 for RSA and P-256 keys, SHA-384 for P-384, SHA-512 for P-521 (a hash as strong as the curve). */
function signingAlgorithmFor(keyAlgorithm: string): string {
  switch (keyAlgorithm) {
    case 'RSA_2048':
    case 'RSA_3072':
    case 'RSA_4096':
      return 'SHA256WITHRSA';
    case 'EC_prime256v1':
      return 'SHA256WITHECDSA';
    case 'EC_secp384r1':
      return 'SHA384WITHECDSA';
    case 'EC_secp521r1':
      return 'SHA512WITHECDSA';
    default:
      throw notUsable(`The IoT issuing CA has a ${keyAlgorithm} key, which cannot issue IoT device certificates`);
  }
}

/** The last certificate of a PEM bundle (a chain ends with its root). */
function lastPem(bundle: string): string {
  const blocks = bundle.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  return `${blocks[blocks.length - 1] ?? bundle.trim()}\n`;
}

interface IssuingCa {
  readonly arn: string;
  readonly caller: Caller;
  readonly validity: { readonly Type: string; readonly Value: number };
}

/** `configuredCaArn` (PKI_IOT_ISSUING_CA_ARN) when set, else the platform IoT CA `platform`. */
export function platformIssuer(configuredCaArn: string | undefined, request: ServiceRequest, platform: PlatformCa): PlatformIssuer {
  async function issuingCa(requestId: string): Promise<IssuingCa> {
    if (!configuredCaArn) {
      const provisioned = await platform.provisioned(requestId);
      return { arn: provisioned.issuingCaArn, caller: { accountId: parseCertificateAuthorityArn(provisioned.issuingCaArn)!.account, accessKeyId: 'iot-registry' }, validity: IOT_PLATFORM_VALIDITY };
    }
    const owner = parseCertificateAuthorityArn(configuredCaArn)?.account;
    if (!owner) throw notUsable(`${CONFIG_VARIABLE} (${configuredCaArn}) is not an ACM Private CA ARN`);
    return { arn: configuredCaArn, caller: { accountId: owner, accessKeyId: 'iot-registry' }, validity: IOT_CONFIGURED_CA_VALIDITY };
  }

  return {
    async issue(csrPem, requestId) {
      const ca = await issuingCa(requestId);
      const described = await request<{ CertificateAuthority: { Status: string; CertificateAuthorityConfiguration: { KeyAlgorithm: string } } }>('ca', 'DescribeCertificateAuthority', {
        caller: ca.caller,
        requestId,
        input: { CertificateAuthorityArn: ca.arn },
      });
      if (!described.ok) {
        if (described.error.kind === 'NotFound') throw notUsable(`The IoT issuing CA ${ca.arn} does not exist`);
        throw fromIssuance(described.error);
      }
      const authority = described.result.CertificateAuthority;
      if (authority.Status !== 'ACTIVE') throw notUsable(`The IoT issuing CA ${ca.arn} is ${authority.Status}, not ACTIVE`);
      return issueAndGet(request, ca.caller, requestId, {
        CertificateAuthorityArn: ca.arn,
        Csr: Buffer.from(csrPem, 'utf8').toString('base64'),
        SigningAlgorithm: signingAlgorithmFor(authority.CertificateAuthorityConfiguration.KeyAlgorithm),
        TemplateArn: IOT_TEMPLATE_ARN,
        Validity: ca.validity,
      });
    },

    async caCertificates(requestId) {
      if (!configuredCaArn) {
        const { rootCertificatePem, issuingCertificatePem } = await platform.provisioned(requestId);
        return { rootCertificatePem, issuingCertificatePem };
      }
      const ca = await issuingCa(requestId);
      const got = await request<{ Certificate: string; CertificateChain?: string }>('ca', 'GetCertificateAuthorityCertificate', { caller: ca.caller, requestId, input: { CertificateAuthorityArn: ca.arn } });
      if (!got.ok) throw notUsable(`The certificate of the IoT issuing CA ${ca.arn} could not be read: ${got.error.message}`);
      return { rootCertificatePem: lastPem(got.result.CertificateChain ?? got.result.Certificate), issuingCertificatePem: got.result.Certificate };
    },
  };
}
