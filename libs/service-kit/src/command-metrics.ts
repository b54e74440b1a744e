import type { Reply, ServiceName } from '@pki/contracts';
import { histogram, timed } from './metrics';

const labelNames = ['service', 'operation', 'outcome'] as const;
const HELP = 'by target service, operation and outcome (ok, the error kind of the reply, or exception)';

const sent = histogram('pki_command_client_duration_seconds', `NATS request/reply commands sent (ServiceClient), from send to answer, ${HELP}`, labelNames);
const handled = histogram('pki_command_server_duration_seconds', `NATS commands handled (CommandServer), from receipt to reply, ${HELP}`, labelNames);

/**
 * Times one command, client side (`ServiceClient.request`) or server side (`CommandServer`).
 * The outcome is `ok` or the reply's error kind (NotFound, Unavailable, ...: a fixed set), or
 * `exception` when the work threw.
 */
export function measureCommand<T>(side: 'client' | 'server', service: ServiceName, operation: string, work: () => Promise<Reply<T>>): Promise<Reply<T>> {
  return timed(side === 'client' ? sent : handled, work, (o) => ({ service, operation, outcome: !o.ok ? 'exception' : o.result.ok ? 'ok' : o.result.error.kind }));
}
