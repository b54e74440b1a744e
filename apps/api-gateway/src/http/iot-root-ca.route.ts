/**
 * `GET|HEAD /iot/root-ca.pem`: the root certificate IoT's CreateKeysAndCertificate and
 * CreateCertificateFromCsr certificates chain to, unsigned and public, the counterpart of
 * https://www.amazontrust.com/repository/AmazonRootCA1.pem (a trust anchor is public by nature).
 * The gateway has no database: it asks iot-registry (internal GetPlatformRootCa, which
 * provisions the platform IoT CA hierarchy on first need) and keeps the answer a minute.
 * `/iot/issuing-ca.pem` is the issuing CA's certificate, for relying parties that verify a
 * device certificate without its chain (AWS IoT answers only the device certificate too).
 */
import { IOT_INTERNAL_OPERATIONS, type Caller, type GetPlatformRootCaOutput, type ServiceError } from '@pki/contracts';
import { TtlCache, type ServiceClient } from '@pki/service-kit';
import type { GatewayRequest } from '../routing/http-types';
import type { ObjectResponse } from './objects.route';

export const IOT_ROOT_CA_PATH = '/iot/root-ca.pem';
export const IOT_ISSUING_CA_PATH = '/iot/issuing-ca.pem';
/** How long the root is reused: it changes only if an operator re-points PKI_IOT_ISSUING_CA_ARN. */
export const IOT_ROOT_CA_TTL_MS = 60_000;

/** The fetch is anonymous, like AWS's root download. */
const ANONYMOUS: Caller = { accountId: '000000000000', accessKeyId: 'anonymous' };

class LookupFailed extends Error {
  constructor(readonly error: ServiceError) {
    super(error.message);
  }
}

const text = (status: number, message: string, head: boolean): ObjectResponse => {
  const body = Buffer.from(`${message}\n`, 'utf8');
  return { status, headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': String(body.length), 'Cache-Control': 'no-store' }, body: head ? new Uint8Array() : body };
};

export class IotRootCaRoute {
  private readonly cache = new TtlCache<GetPlatformRootCaOutput>(IOT_ROOT_CA_TTL_MS, 1);

  constructor(
    private readonly services: Pick<ServiceClient, 'request'>,
    private readonly nowMs: () => number = Date.now,
  ) {}

  static matches(method: string, rawPath: string): boolean {
    return (method === 'GET' || method === 'HEAD') && (rawPath === IOT_ROOT_CA_PATH || rawPath === IOT_ISSUING_CA_PATH);
  }

  async handle(request: GatewayRequest, requestId: string): Promise<ObjectResponse> {
    const head = request.method === 'HEAD';
    let pem: string;
    try {
      const certificates = await this.cache.get('iot', this.nowMs(), () => this.ask(requestId));
      pem = request.rawPath === IOT_ISSUING_CA_PATH ? certificates.issuingCertificatePem : certificates.certificatePem;
    } catch (error) {
      if (!(error instanceof LookupFailed)) throw error;
      // Failures are not cached; 503 tells a client to retry (the hierarchy may still be being created).
      return error.error.kind === 'Unavailable' ? text(503, `The IoT root CA is not available yet: ${error.error.message}`, head) : text(500, 'The IoT root CA could not be read.', head);
    }
    const body = Buffer.from(pem, 'utf8');
    return {
      status: 200,
      headers: { 'Content-Type': 'application/x-pem-file', 'Content-Length': String(body.length), 'Cache-Control': `public, max-age=${IOT_ROOT_CA_TTL_MS / 1000}` },
      body: head ? new Uint8Array() : body,
    };
  }

  private async ask(requestId: string): Promise<GetPlatformRootCaOutput> {
    const reply = await this.services.request<GetPlatformRootCaOutput>('iot', IOT_INTERNAL_OPERATIONS.GetPlatformRootCa, { caller: ANONYMOUS, requestId, input: {} });
    if (!reply.ok) throw new LookupFailed(reply.error);
    return reply.result;
  }
}
