import type { CommandMessage, Reply, ServiceName } from '@pki/contracts';
import type { PlatformCa } from './platform-ca';
import { IOT_TEMPLATE_ARN, platformIssuer, type ServiceRequest } from './platform-issuer';

const CA_ARN = 'arn:aws:acm-pca:us-east-1:111111111111:certificate-authority/0f4bd2a3-8c3e-4d8c-9a51-6a6f3f0f9e11';
const CSR = '-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n-----END CERTIFICATE REQUEST-----\n';
const PLATFORM_ISSUING = 'arn:aws:acm-pca:us-east-1:000000000001:certificate-authority/11111111-2222-4333-8444-555555555555';
const PLATFORM_ROOT = 'arn:aws:acm-pca:us-east-1:000000000001:certificate-authority/66666666-7777-4888-8999-aaaaaaaaaaaa';
const pem = (body: string) => `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----`;
/** The platform IoT CA, already provisioned (its provisioning is platform-ca's, tested there). */
const platform: PlatformCa & { asked: number } = {
  asked: 0,
  async provisioned() {
    platform.asked++;
    return { rootCaArn: PLATFORM_ROOT, issuingCaArn: PLATFORM_ISSUING, rootCertificatePem: pem('ROOT'), issuingCertificatePem: pem('ISSUING') };
  },
};
/** A platform CA that must not be asked (PKI_IOT_ISSUING_CA_ARN is set). */
const unused: PlatformCa = { provisioned: () => Promise.reject(new Error('the platform IoT CA was asked')) };

/** A ServiceRequest answering from a table of operation -> replies (in order), recording every call. */
function services(replies: Record<string, Reply<unknown>[]>) {
  const calls: { service: ServiceName; operation: string; message: CommandMessage }[] = [];
  const request: ServiceRequest = async <T>(service: ServiceName, operation: string, message: CommandMessage) => {
    calls.push({ service, operation, message });
    const next = replies[operation]?.shift();
    if (!next) throw new Error(`unexpected ${operation}`);
    return next as Reply<T>;
  };
  return { request, calls };
}
const describeReply = (status: string, keyAlgorithm: string): Reply<unknown> => ({
  ok: true,
  result: { CertificateAuthority: { Status: status, CertificateAuthorityConfiguration: { KeyAlgorithm: keyAlgorithm } } },
});

describe('platformIssuer', () => {
  it('unset: issues from the platform IoT issuing CA, as the platform account, valid until 2049-12-31T23:59:59Z as AWS IoT certificates', async () => {
    const s = services({
      DescribeCertificateAuthority: [describeReply('ACTIVE', 'RSA_2048')],
      IssueCertificate: [{ ok: true, result: { CertificateArn: `${PLATFORM_ISSUING}/certificate/ab` } }],
      GetCertificate: [{ ok: true, result: { Certificate: 'PEM' } }],
    });
    await expect(platformIssuer(undefined, s.request, platform).issue(CSR, 'req-0')).resolves.toBe('PEM');
    expect(s.calls.find((c) => c.operation === 'IssueCertificate')!.message).toEqual({
      caller: { accountId: '000000000001', accessKeyId: 'iot-registry' },
      requestId: 'req-0',
      input: { CertificateAuthorityArn: PLATFORM_ISSUING, Csr: Buffer.from(CSR).toString('base64'), SigningAlgorithm: 'SHA256WITHRSA', TemplateArn: IOT_TEMPLATE_ARN, Validity: { Type: 'END_DATE', Value: 20491231235959 } },
    });
  });

  it('the root served at /iot/root-ca.pem: the platform root when unset, else the last certificate of the configured CA\'s chain', async () => {
    await expect(platformIssuer(undefined, services({}).request, platform).caCertificates('r')).resolves.toEqual({ rootCertificatePem: pem('ROOT'), issuingCertificatePem: pem('ISSUING') });
    const s = services({ GetCertificateAuthorityCertificate: [{ ok: true, result: { Certificate: pem('SUB'), CertificateChain: `${pem('MID')}\n${pem('TOP')}\n` } }] });
    await expect(platformIssuer(CA_ARN, s.request, unused).caCertificates('r')).resolves.toEqual({ rootCertificatePem: `${pem('TOP')}\n`, issuingCertificatePem: pem('SUB') });
    expect(s.calls[0]!.message.caller).toEqual({ accountId: '111111111111', accessKeyId: 'iot-registry' });
  });

  it('a configured value that is not a CA ARN: ServiceUnavailableException, without calling anything', async () => {
    const s = services({});
    await expect(platformIssuer('arn:aws:iot:us-east-1:1:cert/x', s.request, unused).issue(CSR, 'r')).rejects.toMatchObject({ code: 'ServiceUnavailableException', message: expect.stringMatching(/is not an ACM Private CA ARN/) });
    expect(s.calls).toEqual([]);
  });

  it('a CA that does not exist or is not ACTIVE: ServiceUnavailableException, nothing issued', async () => {
    const s = services({ DescribeCertificateAuthority: [{ ok: false, error: { kind: 'NotFound', message: 'gone', code: 'ResourceNotFoundException' } }, describeReply('DISABLED', 'RSA_2048')] });
    const issuer = platformIssuer(CA_ARN, s.request, unused);
    await expect(issuer.issue(CSR, 'r')).rejects.toMatchObject({ code: 'ServiceUnavailableException', message: expect.stringMatching(/does not exist; set PKI_IOT_ISSUING_CA_ARN/) });
    await expect(issuer.issue(CSR, 'r')).rejects.toMatchObject({ code: 'ServiceUnavailableException', message: expect.stringMatching(/is DISABLED, not ACTIVE/) });
    expect(s.calls.map((c) => c.operation)).toEqual(['DescribeCertificateAuthority', 'DescribeCertificateAuthority']);
  });

  it('issues as the CA owner with the signing algorithm of the CA key, then retries GetCertificate while in progress', async () => {
    const s = services({
      DescribeCertificateAuthority: [describeReply('ACTIVE', 'EC_secp384r1')],
      IssueCertificate: [{ ok: true, result: { CertificateArn: `${CA_ARN}/certificate/ab` } }],
      GetCertificate: [{ ok: false, error: { kind: 'InProgress', message: 'wait', code: 'RequestInProgressException' } }, { ok: true, result: { Certificate: 'PEM' } }],
    });
    await expect(platformIssuer(CA_ARN, s.request, unused).issue(CSR, 'req-1')).resolves.toBe('PEM');
    const issue = s.calls.find((c) => c.operation === 'IssueCertificate')!;
    expect(issue).toEqual({
      service: 'issuance',
      operation: 'IssueCertificate',
      message: {
        caller: { accountId: '111111111111', accessKeyId: 'iot-registry' },
        requestId: 'req-1',
        input: { CertificateAuthorityArn: CA_ARN, Csr: Buffer.from(CSR).toString('base64'), SigningAlgorithm: 'SHA384WITHECDSA', TemplateArn: IOT_TEMPLATE_ARN, Validity: { Type: 'DAYS', Value: 365 } },
      },
    });
    expect(s.calls.filter((c) => c.operation === 'GetCertificate')).toHaveLength(2);
  });

  it.each([
    ['RSA_3072', 'SHA256WITHRSA'],
    ['EC_prime256v1', 'SHA256WITHECDSA'],
    ['EC_secp521r1', 'SHA512WITHECDSA'],
  ])('a %s CA signs with %s', async (keyAlgorithm, signingAlgorithm) => {
    const s = services({
      DescribeCertificateAuthority: [describeReply('ACTIVE', keyAlgorithm)],
      IssueCertificate: [{ ok: true, result: { CertificateArn: `${CA_ARN}/certificate/ab` } }],
      GetCertificate: [{ ok: true, result: { Certificate: 'PEM' } }],
    });
    await expect(platformIssuer(CA_ARN, s.request, unused).issue(CSR, 'r')).resolves.toBe('PEM');
    expect(s.calls.find((c) => c.operation === 'IssueCertificate')!.message.input).toMatchObject({ SigningAlgorithm: signingAlgorithm });
  });

  it('a CSR issuance-service refuses becomes InvalidRequestException with its reason', async () => {
    const s = services({
      DescribeCertificateAuthority: [describeReply('ACTIVE', 'RSA_2048')],
      IssueCertificate: [{ ok: false, error: { kind: 'Malformed', message: 'bad signature', code: 'MalformedCSRException' } }],
    });
    await expect(platformIssuer(CA_ARN, s.request, unused).issue(CSR, 'r')).rejects.toMatchObject({ code: 'InvalidRequestException', message: 'The certificate signing request was refused: bad signature' });
  });
});
