import type { CommandMessage, Reply, ServiceName } from '@pki/contracts';
import { IOT_TEMPLATE_ARN, platformIssuer, type ServiceRequest } from './platform-issuer';

const CA_ARN = 'arn:aws:acm-pca:us-east-1:111111111111:certificate-authority/0f4bd2a3-8c3e-4d8c-9a51-6a6f3f0f9e11';
const CSR = '-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n-----END CERTIFICATE REQUEST-----\n';

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
  it('unset or not a CA ARN: ServiceUnavailableException saying to set PKI_IOT_ISSUING_CA_ARN, without calling anything', async () => {
    const s = services({});
    await expect(platformIssuer(undefined, s.request).issue(CSR, 'r')).rejects.toMatchObject({ code: 'ServiceUnavailableException', message: expect.stringMatching(/No default IoT issuing CA is configured; set PKI_IOT_ISSUING_CA_ARN/) });
    await expect(platformIssuer('arn:aws:iot:us-east-1:1:cert/x', s.request).issue(CSR, 'r')).rejects.toMatchObject({ code: 'ServiceUnavailableException', message: expect.stringMatching(/is not an ACM Private CA ARN/) });
    expect(s.calls).toEqual([]);
  });

  it('a CA that does not exist or is not ACTIVE: ServiceUnavailableException, nothing issued', async () => {
    const s = services({ DescribeCertificateAuthority: [{ ok: false, error: { kind: 'NotFound', message: 'gone', code: 'ResourceNotFoundException' } }, describeReply('DISABLED', 'RSA_2048')] });
    const issuer = platformIssuer(CA_ARN, s.request);
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
    await expect(platformIssuer(CA_ARN, s.request).issue(CSR, 'req-1')).resolves.toBe('PEM');
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
    await expect(platformIssuer(CA_ARN, s.request).issue(CSR, 'r')).resolves.toBe('PEM');
    expect(s.calls.find((c) => c.operation === 'IssueCertificate')!.message.input).toMatchObject({ SigningAlgorithm: signingAlgorithm });
  });

  it('a CSR issuance-service refuses becomes InvalidRequestException with its reason', async () => {
    const s = services({
      DescribeCertificateAuthority: [describeReply('ACTIVE', 'RSA_2048')],
      IssueCertificate: [{ ok: false, error: { kind: 'Malformed', message: 'bad signature', code: 'MalformedCSRException' } }],
    });
    await expect(platformIssuer(CA_ARN, s.request).issue(CSR, 'r')).rejects.toMatchObject({ code: 'InvalidRequestException', message: 'The certificate signing request was refused: bad signature' });
  });
});
