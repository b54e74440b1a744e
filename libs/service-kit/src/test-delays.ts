import type { CommandHandlers } from './command-server';

/**
 * A test seam for fault tests: with NODE_ENV=test, PKI_TEST_SLOW_OPERATIONS
 * (`Operation:ms,Operation:ms`) makes those operations take that much longer, so a test can
 * kill a process while it holds requests. Outside tests the variable is refused.
 */
export function withTestDelays(handlers: CommandHandlers, nodeEnv: string, spec: string | undefined): CommandHandlers {
  if (!spec) return handlers;
  if (nodeEnv !== 'test') throw new Error('PKI_TEST_SLOW_OPERATIONS is a test seam: it is only honoured with NODE_ENV=test');
  const delays = new Map(
    spec.split(',').map((entry) => {
      const [operation, ms] = entry.split(':');
      if (!operation || !Number.isInteger(Number(ms))) throw new Error(`PKI_TEST_SLOW_OPERATIONS entry ${JSON.stringify(entry)} is not Operation:ms`);
      return [operation.trim(), Number(ms)] as const;
    }),
  );
  return Object.fromEntries(
    Object.entries(handlers).map(([operation, handler]) => {
      const ms = delays.get(operation);
      if (ms === undefined) return [operation, handler];
      return [operation, async (message) => (await new Promise((resolve) => setTimeout(resolve, ms)), handler(message))];
    }),
  );
}
