import { status as Status } from '@grpc/grpc-js';
import { grpcCodeFor } from './grpc-errors';
import { callRegion } from './grpc-region';

const REGIONS = ['us-east-1', 'eu-west-1'];

describe('gRPC call region (x-amz-region)', () => {
  it('is the default region (none named) unless the call names one of PKI_REGIONS', () => {
    expect(callRegion([], REGIONS)).toEqual({ ok: true, region: undefined });
    expect(callRegion(['eu-west-1'], REGIONS)).toEqual({ ok: true, region: 'eu-west-1' });
    expect(callRegion([Buffer.from('us-east-1')], REGIONS)).toEqual({ ok: true, region: 'us-east-1' });
  });

  it("refuses an unlisted region as HTTP refuses a credential scoped to it: InvalidSignatureException, UNAUTHENTICATED", () => {
    const refused = callRegion(['ap-south-1'], REGIONS);
    expect(refused).toMatchObject({ ok: false, error: { code: 'InvalidSignatureException', message: expect.stringContaining("Credential should be scoped to a valid region, not 'ap-south-1'.") } });
    expect(callRegion(['eu-west-1', 'us-east-1'], REGIONS)).toMatchObject({ ok: false, error: { code: 'InvalidSignatureException' } });
    expect(grpcCodeFor({ code: 'InvalidSignatureException', status: 403 })).toBe(Status.UNAUTHENTICATED);
  });
});
