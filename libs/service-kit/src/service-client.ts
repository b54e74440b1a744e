import { ErrorCode, type NatsConnection, type NatsError } from 'nats';
import { commandSubject, type CommandMessage, type Reply, type ServiceName } from '@pki/contracts';
import { decodeJson, encodeJson, isReply } from './command-message';

/**
 * Request/reply to a service over NATS (the gateway to every service, and service to service,
 * e.g. issuance-service asking ca-service for a signature), on the process's one connection.
 * The request is a `CommandMessage` as JSON, the reply a `Reply` (the CommandServer's format).
 * The client's muxed inbox shares one reply subscription; a service that is down answers at
 * once with "no responders". Transport failures become Unavailable / Malformed replies.
 */
export class ServiceClient {
  constructor(
    private readonly nc: NatsConnection,
    private readonly prefix: string,
    private readonly timeoutMs: number,
  ) {}

  async request<T>(service: ServiceName, operation: string, message: CommandMessage): Promise<Reply<T>> {
    const subject = commandSubject(this.prefix, service, operation);
    try {
      const reply = await this.nc.request(subject, encodeJson(message), { timeout: this.timeoutMs });
      const decoded = decodeJson(reply.data);
      if (isReply(decoded)) return decoded as Reply<T>;
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
}
