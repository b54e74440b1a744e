import { DomainError, parseCertificateAuthorityArn, type Caller, type CommandMessage, type Reply, type ServiceName } from '@pki/contracts';

/** The template of the certificates IoT issues: a TLS client certificate for a device. */
export const IOT_TEMPLATE_ARN = 'arn:aws:acm-pca:::template/EndEntityClientAuthCertificate/V1';
/** Validity of the certificates IoT issues. */
export const IOT_VALIDITY = { Type: 'DAYS', Value: 365 } as const;
const CONFIG_VARIABLE = 'PKI_IOT_ISSUING_CA_ARN';
/** How long GetCertificate is retried while the certificate is still being issued. */
const GET_CERTIFICATE_ATTEMPTS = 50;
const GET_CERTIFICATE_PAUSE_MS = 100;

/** Request/reply to another service of the platform (ServiceClient.request). */
export type ServiceRequest = <T>(service: ServiceName, operation: string, message: CommandMessage) => Promise<Reply<T>>;

/** The platform's default IoT issuing CA (PKI_IOT_ISSUING_CA_ARN), reached through ca-service and issuance-service. */
export interface PlatformIssuer {
  /** Issues a certificate for the CSR (PEM); answers the issued certificate (PEM). */
  issue(csrPem: string, requestId: string): Promise<string>;
}

const notConfigured = (reason: string) =>
  new DomainError('Unavailable', `${reason}; set ${CONFIG_VARIABLE} to the ARN of an ACTIVE ACM Private CA of this platform that issues IoT device certificates.`, 'ServiceUnavailableException');

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
      throw notConfigured(`The IoT issuing CA has a ${keyAlgorithm} key, which cannot issue IoT device certificates`);
  }
}

/** Errors of issuance-service about the request (the CSR) become IoT's InvalidRequestException; the rest stays what it is. */
function fromIssuance(error: { kind: string; message: string; code?: string }): DomainError {
  if (error.kind === 'Malformed') return new DomainError('Malformed', `The certificate signing request was refused: ${error.message}`, 'InvalidRequestException');
  if (error.kind === 'Unavailable') return new DomainError('Unavailable', error.message, 'ServiceUnavailableException');
  return new DomainError('Internal', `The IoT issuing CA could not issue the certificate: ${error.message}`, 'InternalFailureException');
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function platformIssuer(caArn: string | undefined, request: ServiceRequest): PlatformIssuer {
  return {
    async issue(csrPem, requestId) {
      if (!caArn) throw notConfigured('No default IoT issuing CA is configured');
      const owner = parseCertificateAuthorityArn(caArn)?.account;
      if (!owner) throw notConfigured(`${CONFIG_VARIABLE} (${caArn}) is not an ACM Private CA ARN`);
      const caller: Caller = { accountId: owner, accessKeyId: 'iot-registry' };

      const described = await request<{ CertificateAuthority: { Status: string; CertificateAuthorityConfiguration: { KeyAlgorithm: string } } }>('ca', 'DescribeCertificateAuthority', {
        caller,
        requestId,
        input: { CertificateAuthorityArn: caArn },
      });
      if (!described.ok) {
        if (described.error.kind === 'NotFound') throw notConfigured(`The IoT issuing CA ${caArn} does not exist`);
        throw fromIssuance(described.error);
      }
      const ca = described.result.CertificateAuthority;
      if (ca.Status !== 'ACTIVE') throw notConfigured(`The IoT issuing CA ${caArn} is ${ca.Status}, not ACTIVE`);

      const issued = await request<{ CertificateArn: string }>('issuance', 'IssueCertificate', {
        caller,
        requestId,
        input: {
          CertificateAuthorityArn: caArn,
          Csr: Buffer.from(csrPem, 'utf8').toString('base64'),
          SigningAlgorithm: signingAlgorithmFor(ca.CertificateAuthorityConfiguration.KeyAlgorithm),
          TemplateArn: IOT_TEMPLATE_ARN,
          Validity: IOT_VALIDITY,
        },
      });
      if (!issued.ok) throw fromIssuance(issued.error);

      for (let attempt = 1; ; attempt++) {
        const got = await request<{ Certificate: string }>('issuance', 'GetCertificate', {
          caller,
          requestId,
          input: { CertificateAuthorityArn: caArn, CertificateArn: issued.result.CertificateArn },
        });
        if (got.ok) return got.result.Certificate;
        if (got.error.kind !== 'InProgress' || attempt >= GET_CERTIFICATE_ATTEMPTS) throw fromIssuance(got.error);
        await sleep(GET_CERTIFICATE_PAUSE_MS);
      }
    },
  };
}
