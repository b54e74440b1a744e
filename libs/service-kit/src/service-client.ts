import { randomUUID } from 'node:crypto';
import { connect, type NatsConnection, ErrorCode, type NatsError } from 'nats';
import { commandSubject, type CommandMessage, type Reply, type ServiceName } from '@pki/contracts';

/**
 * Request/reply to a service over NATS (the gateway to every service, and service to service,
 * e.g. issuance-service asking ca-service for a signature). The services run Nest's NATS transport, so the
 * request is Nest's packet (`{ pattern, data, id }`) and the reply Nest's response packet
 * (`{ id, response | err, isDisposed }`). The gateway uses the plain client's `request()`
 * for its shared reply inbox and its immediate "no responders" answer when a service is down.
 */
export class ServiceClient {
  private constructor(
    private readonly nc: NatsConnection,
    private readonly prefix: string,
    private readonly timeoutMs: number,
  ) {}

  static async connect(natsUrl: string, prefix: string, timeoutMs: number, name = 'pki-api-gateway'): Promise<ServiceClient> {
    const nc = await connect({ servers: [natsUrl], name, maxReconnectAttempts: -1, reconnectTimeWait: 500 });
    return new ServiceClient(nc, prefix, timeoutMs);
  }

  async request<T>(service: ServiceName, operation: string, message: CommandMessage): Promise<Reply<T>> {
    const subject = commandSubject(this.prefix, service, operation);
    const packet = Buffer.from(JSON.stringify({ pattern: subject, data: message, id: randomUUID() }));
    try {
      const reply = await this.nc.request(subject, packet, { timeout: this.timeoutMs });
      const decoded = JSON.parse(Buffer.from(reply.data).toString('utf8')) as { response?: Reply<T>; err?: unknown };
      if (decoded.response) return decoded.response;
      return { ok: false, error: { kind: 'Internal', message: `The ${service} service failed to answer ${operation}.` } };
    } catch (error) {
      const code = (error as NatsError).code;
      if (code === ErrorCode.NoResponders) {
        return { ok: false, error: { kind: 'Unavailable', message: `The ${service} service is not available; try again later.` } };
      }
      if (code === ErrorCode.Timeout) {
        return { ok: false, error: { kind: 'Unavailable', message: `The ${service} service did not answer in time; try again later.` } };
      }
      if (code === ErrorCode.MaxPayloadExceeded) {
        return { ok: false, error: { kind: 'Malformed', code: 'RequestEntityTooLarge', message: 'The request is too large.' } };
      }
      throw error;
    }
  }

  isConnected(): boolean {
    return !this.nc.isClosed();
  }

  async ping(): Promise<void> {
    if (this.nc.isClosed()) throw new Error('connection closed');
    await this.nc.flush();
  }

  async drain(): Promise<void> {
    if (!this.nc.isClosed()) await this.nc.drain();
  }
}
