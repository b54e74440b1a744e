import { ConfigError } from '../config';

/** pino's levels, lowest first; `silent` writes nothing. */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** PKI_LOG_LEVEL (default `info`); anything else is a start-up error naming the accepted values. */
export function logLevelFrom(raw: string | undefined): LogLevel {
  const value = (raw ?? '').trim().toLowerCase() || 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(value)) throw new ConfigError(`PKI_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')} (got ${JSON.stringify(raw)})`);
  return value as LogLevel;
}
