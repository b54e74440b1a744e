import type { CommandMessage, GetPlatformRootCaOutput } from '@pki/contracts';
import { endpointAddress } from '../domain/endpoint';
import { regionOf, type IotContext } from './iot-context';
import type { PlatformIssuer } from './platform-issuer';

/** AWS IoT DescribeEndpoint (`GET /endpoint?endpointType=`): the caller's host name for the endpoint type, in the caller's region. */
export function describeEndpointHandler(context: IotContext, endpointDomain: string) {
  return async (message: CommandMessage): Promise<{ endpointAddress: string }> => {
    const input = message.input as { endpointType?: string };
    return { endpointAddress: endpointAddress(input.endpointType, message.caller.accountId, regionOf(context, message), endpointDomain) };
  };
}

/**
 * Internal GetPlatformRootCa (the gateway's unsigned `GET /iot/root-ca.pem`): the root the IoT
 * certificates chain to, the counterpart of AWS's Amazon Root CA download. Provisions the
 * platform IoT CA hierarchy on first need, as a first CreateKeysAndCertificate would.
 */
export function getPlatformRootCaHandler(issuer: PlatformIssuer) {
  return async (message: CommandMessage): Promise<GetPlatformRootCaOutput> => {
    const { rootCertificatePem, issuingCertificatePem } = await issuer.caCertificates(message.requestId);
    return { certificatePem: rootCertificatePem, issuingCertificatePem };
  };
}
