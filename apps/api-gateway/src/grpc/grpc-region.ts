/**
 * The region of a gRPC call. A client certificate names an account, not a region, so a call acts
 * in the default region (PKI_REGION) unless it names one of PKI_REGIONS in the `x-amz-region`
 * request metadata (as an SDK names its region in the SigV4 credential scope on HTTP).
 *
 * A region this deployment does not answer is refused as HTTP refuses a credential scoped to it:
 * AWS's InvalidSignatureException with its message ("Credential should be scoped to a valid
 * region"), which the gRPC front answers UNAUTHENTICATED (grpc-errors.ts). Why not
 * INVALID_ARGUMENT: the region is part of who is calling and where, checked before any operation,
 * not a member of the operation's input; the same exception name on both fronts lets one client
 * handler treat both alike.
 */
import type { AwsError } from '@pki/aws-protocol';

export const REGION_METADATA_KEY = 'x-amz-region';

export type CallRegion = { readonly ok: true; readonly region: string | undefined } | { readonly ok: false; readonly error: AwsError };

/** `values`: the call's x-amz-region metadata entries; `regions`: PKI_REGIONS. */
export function callRegion(values: ReadonlyArray<string | Buffer>, regions: readonly string[]): CallRegion {
  if (values.length === 0) return { ok: true, region: undefined };
  const refuse = (message: string): CallRegion => ({ ok: false, error: { code: 'InvalidSignatureException', message, status: 403 } });
  if (values.length > 1) return refuse(`${REGION_METADATA_KEY} may be given once; it names the one region the call acts in (one of ${regions.join(', ')}).`);
  const region = String(values[0]);
  if (!regions.includes(region)) {
    return refuse(`Credential should be scoped to a valid region, not '${region}'. (${REGION_METADATA_KEY}: this deployment answers ${regions.join(', ')}.)`);
  }
  return { ok: true, region };
}
