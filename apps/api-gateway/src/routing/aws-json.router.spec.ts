import { OperationDispatcher } from './operation-dispatcher';
import type { Caller, CommandMessage, Reply } from '@pki/contracts';
import type { ServiceClient } from '@pki/service-kit';
import { AwsJsonRouter } from './aws-json.router';

/**
 * What the awsJson1_1 router forwards to the owning service. Found with the `aws` CLI: members the
 * model does not define (`CrlConfiguration.Foo`, `Subject.Junk`) used to travel to ca-service, land in
 * its events and come back in DescribeCertificateAuthority. Services answer from a recording
 * stand-in of the ServiceClient port (the NATS side is exercised by the e2e suites).
 */

const CALLER = { accountId: '000000000000', accessKeyId: 'test' } as unknown as Caller;
const CA_ARN = 'arn:aws:acm-pca:us-east-1:000000000000:certificate-authority/11111111-2222-3333-4444-555555555555';

function recordingRouter(): { router: AwsJsonRouter; inputs: unknown[] } {
  const inputs: unknown[] = [];
  const services = {
    request: async <T>(_service: string, _operation: string, message: CommandMessage): Promise<Reply<T>> => {
      inputs.push(message.input);
      return { ok: true, result: {} as T };
    },
  };
  return { router: new AwsJsonRouter(new OperationDispatcher(services as unknown as ServiceClient)), inputs };
}

const post = (target: string, body: unknown) => ({
  method: 'POST',
  rawPath: '/',
  rawQuery: '',
  headers: { 'x-amz-target': target, 'content-type': 'application/x-amz-json-1.1' },
  body: Buffer.from(JSON.stringify(body)),
});

describe('AwsJsonRouter forwards only modelled members', () => {
  it('drops unknown members at every depth of an ACM PCA input, keeping every modelled one', async () => {
    const { router, inputs } = recordingRouter();
    const response = await router.route(
      post('ACMPrivateCA.CreateCertificateAuthority', {
        CertificateAuthorityType: 'ROOT',
        CertificateAuthorityConfiguration: {
          KeyAlgorithm: 'EC_prime256v1',
          SigningAlgorithm: 'SHA256WITHECDSA',
          Subject: { CommonName: 'Root', Junk: 'x' },
          Extra: { a: 1 },
        },
        RevocationConfiguration: {
          CrlConfiguration: { Enabled: true, S3BucketName: 'crls', CrlType: 'COMPLETE', Foo: 'bar' },
          OcspConfiguration: { Enabled: false, Zzz: [1, 2] },
        },
        Tags: [{ Key: 'team', Value: 'pki', Other: 'o' }],
        NotAMember: true,
      }),
      CALLER,
      'req-1',
    );
    expect(response.status).toBe(200);
    expect(inputs).toEqual([
      {
        CertificateAuthorityType: 'ROOT',
        CertificateAuthorityConfiguration: { KeyAlgorithm: 'EC_prime256v1', SigningAlgorithm: 'SHA256WITHECDSA', Subject: { CommonName: 'Root' } },
        RevocationConfiguration: { CrlConfiguration: { Enabled: true, S3BucketName: 'crls', CrlType: 'COMPLETE' }, OcspConfiguration: { Enabled: false } },
        Tags: [{ Key: 'team', Value: 'pki' }],
      },
    ]);
  });

  it('forwards CrlType and CustomPath, which the current model (the aws CLI) defines, for ca-service to judge', async () => {
    const { router, inputs } = recordingRouter();
    const RevocationConfiguration = { CrlConfiguration: { Enabled: true, S3BucketName: 'crls', CrlType: 'PARTITIONED', CustomPath: 'pki/crls' } };
    await router.route(post('ACMPrivateCA.UpdateCertificateAuthority', { CertificateAuthorityArn: CA_ARN, RevocationConfiguration }), CALLER, 'req-2');
    expect(inputs).toEqual([{ CertificateAuthorityArn: CA_ARN, RevocationConfiguration }]);
  });

  it('treats JSON null members as absent, and forwards `{}` as an empty input', async () => {
    const { router, inputs } = recordingRouter();
    await router.route(post('ACMPrivateCA.ListCertificateAuthorities', { NextToken: null, MaxResults: 5 }), CALLER, 'req-3');
    await router.route(post('ACMPrivateCA.ListCertificateAuthorities', {}), CALLER, 'req-4');
    expect(inputs).toEqual([{ MaxResults: 5 }, {}]);
  });

  it('drops unknown Directory Service members too', async () => {
    const { router, inputs } = recordingRouter();
    await router.route(
      post('DirectoryService_20150416.RegisterCertificate', {
        DirectoryId: 'd-0123456789',
        CertificateData: 'PEM',
        ClientCertAuthSettings: { OCSPUrl: 'http://ocsp.example.com/ocsp', Zz: 1 },
        Unknown: 'u',
      }),
      CALLER,
      'req-5',
    );
    expect(inputs).toEqual([{ DirectoryId: 'd-0123456789', CertificateData: 'PEM', ClientCertAuthSettings: { OCSPUrl: 'http://ocsp.example.com/ocsp' } }]);
  });

  it('does not forward an input it refused', async () => {
    const { router, inputs } = recordingRouter();
    const response = await router.route(post('ACMPrivateCA.DescribeCertificateAuthority', { CertificateAuthorityArn: 'bad', Junk: 1 }), CALLER, 'req-6');
    expect(response.status).toBe(400);
    expect(inputs).toEqual([]);
  });
});
