import { hostname } from 'node:os';
import { Logger as NestLogger, type LoggerService } from '@nestjs/common';
import pino, { type DestinationStream, type Level, type Logger, type LoggerOptions } from 'pino';
import { logLevelFrom } from './log-level';
import { currentRequest } from './request-context';
import { activeTraceIds } from './tracing';

export type { Logger as PinoLogger } from 'pino';

/**
 * Fields every line gets from where it is written: the request in hand (its id) and the active
 * span (trace_id / span_id, as OpenTelemetry's log correlation names them), so one grep finds a
 * request's lines in every app, and a trace's lines next to its spans.
 */
function contextFields(): Record<string, unknown> {
  const request = currentRequest();
  const trace = activeTraceIds();
  if (!request && !trace) return {};
  return { ...(request ? { requestId: request.requestId } : {}), ...trace };
}

/**
 * pino-pretty (a devDependency) for a person at a terminal (or under `npm start`, whose launcher
 * sets PKI_LOG_PRETTY=1 when it has one), never in production nor when it is not installed.
 */
function prettyWanted(env: NodeJS.ProcessEnv): boolean {
  if (!(process.stdout.isTTY || env.PKI_LOG_PRETTY === '1') || env.NODE_ENV === 'production') return false;
  try {
    require.resolve('pino-pretty');
    return true;
  } catch {
    return false;
  }
}

export interface CreateLoggerOptions {
  readonly env?: NodeJS.ProcessEnv;
  /** Where lines go (tests); default stdout, written synchronously so no line is lost at process.exit. */
  readonly destination?: DestinationStream;
}

/** One JSON object per line: level as a word, ISO time, app, pid, hostname, msg, and the context fields. */
export function createPinoLogger(app: string, options: CreateLoggerOptions = {}): Logger {
  const env = options.env ?? process.env;
  const settings: LoggerOptions = {
    level: logLevelFrom(env.PKI_LOG_LEVEL),
    base: { app, pid: process.pid, hostname: hostname() },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    mixin: contextFields,
  };
  if (!options.destination && prettyWanted(env)) return pino({ ...settings, transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l' } } });
  return pino(settings, options.destination ?? pino.destination({ fd: 1, sync: true }));
}

/** Nest's ConsoleLogger test for "this string is a stack trace, not a context". */
const STACK = /^(.)+\n\s+at .+:\d+:\d+/;

/**
 * Nest's LoggerService over pino: every `new Logger(context)` of @nestjs/common (and Nest's own
 * lines) becomes a JSON line with `context`, and an error's stack in `stack`. The level is
 * PKI_LOG_LEVEL's, so Nest's own level list is ignored.
 */
export class PinoNestLogger implements LoggerService {
  constructor(readonly pino: Logger) {}

  log(message: unknown, ...params: unknown[]): void {
    this.write('info', message, params);
  }
  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }
  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }
  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }
  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }
  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }
  setLogLevels(): void {
    // PKI_LOG_LEVEL decides.
  }

  private write(level: Level, message: unknown, params: unknown[]): void {
    if (!this.pino.isLevelEnabled(level)) return;
    const rest = [...params];
    const fields: Record<string, unknown> = {};
    // A Logger with a context passes it last; Logger.error(message, stack) passes the stack alone.
    const last = rest[rest.length - 1];
    if (typeof last === 'string' && !(rest.length === 1 && level === 'error' && STACK.test(last))) {
      fields.context = last;
      rest.pop();
    }
    for (const param of rest) {
      if (typeof param === 'string') fields.stack = param;
      else if (param instanceof Error) fields.stack = param.stack ?? param.message;
      else if (param !== undefined) fields.detail = param;
    }
    if (message instanceof Error) {
      fields.stack ??= message.stack;
      this.pino[level](fields, message.message);
    } else if (typeof message === 'object' && message !== null) {
      this.pino[level]({ ...fields, ...(message as Record<string, unknown>) });
    } else {
      this.pino[level](fields, String(message));
    }
  }
}

let processLogger: PinoNestLogger | undefined;

/**
 * The process's logger, made once (the first app started in a process names it) and
 * installed as Nest's, so every `new Logger(...)` writes through it.
 */
export function installProcessLogger(app: string): PinoNestLogger {
  if (!processLogger) {
    processLogger = new PinoNestLogger(createPinoLogger(app));
    NestLogger.overrideLogger(processLogger);
  }
  return processLogger;
}

/** A pino logger for structured lines (access and command lines); `context` names the writer. */
export function structuredLogger(context: string): Logger {
  return (processLogger ?? installProcessLogger('pki')).pino.child({ context });
}
