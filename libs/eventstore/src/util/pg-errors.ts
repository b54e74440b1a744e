/** Postgres SQLSTATE codes this library reacts to (https://www.postgresql.org/docs/15/errcodes-appendix.html). */
export const PG_UNIQUE_VIOLATION = '23505';
export const PG_DUPLICATE_DATABASE = '42P04';

function code(error: unknown): string | undefined {
  const value = (error as { code?: unknown } | null)?.code;
  return typeof value === 'string' ? value : undefined;
}

export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  if (code(error) !== PG_UNIQUE_VIOLATION) return false;
  return constraint === undefined || (error as { constraint?: string }).constraint === constraint;
}

/**
 * The database cannot be reached now: class 08 connection exception, 57P01-57P03 (shutdown,
 * cannot connect now), too many connections (53300), and node-level socket errors. A request
 * failing so is answered "unavailable, retry", not "internal failure".
 */
export function isConnectionError(error: unknown): boolean {
  const c = code(error);
  if (c === undefined) {
    const message = error instanceof Error ? error.message : String(error);
    return /ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|not queryable/i.test(message);
  }
  return c.startsWith('08') || ['57P01', '57P02', '57P03', '53300'].includes(c) || /^E[A-Z]+$/.test(c);
}

/**
 * Errors worth retrying: the server went away or is restarting (class 08 connection
 * exception, 57P01-57P03 shutdown / cannot connect now), serialization failures and
 * deadlocks (40001, 40P01), too many connections (53300), and node-level socket errors.
 */
export function isTransientError(error: unknown): boolean {
  return isConnectionError(error) || ['40001', '40P01'].includes(code(error) ?? '');
}
