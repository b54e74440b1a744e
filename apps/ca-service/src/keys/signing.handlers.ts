import type { CommandHandlers } from '@pki/service-kit';
import type { CaContext } from '../application/ca-context';

/** Internal signing operations other services call over NATS (none yet). */
export function signingHandlers(_context: CaContext): CommandHandlers {
  return {};
}
