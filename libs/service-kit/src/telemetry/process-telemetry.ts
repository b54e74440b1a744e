import { diag, DiagLogLevel, type DiagLogger } from '@opentelemetry/api';
import { installProcessLogger, structuredLogger, type PinoLogger } from './logger';
import { outsideRequestContext } from './request-context';
import { startTracing, tracingStarted, type Tracing } from './tracing';

/**
 * A process's logs and traces, set up before anything else of it starts: the JSON logger
 * (installed as Nest's) and, when OTEL_EXPORTER_OTLP_ENDPOINT is set, tracing. Returns the
 * tracing this call started (its owner shuts it down), undefined when it is off or was already on.
 */
export async function startProcessTelemetry(app: string): Promise<Tracing | undefined> {
  installProcessLogger(app);
  if (tracingStarted()) return undefined;
  const tracing = await startTracing(app);
  // The SDK's own warnings (a collector that cannot be reached, dropped spans) as JSON lines too.
  if (tracing) diag.setLogger(diagnostics(structuredLogger('opentelemetry')), { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true });
  return tracing;
}

function diagnostics(log: PinoLogger): DiagLogger {
  // The SDK exports on timers a request's span started: its lines are no request's.
  const write = (level: 'error' | 'warn' | 'info' | 'debug' | 'trace') => (message: string, ...args: unknown[]) =>
    outsideRequestContext(() => log[level](args.length > 0 ? { detail: args.map((a) => (a instanceof Error ? a.message : a)) } : {}, message));
  return { error: write('error'), warn: write('warn'), info: write('info'), debug: write('debug'), verbose: write('trace') };
}

/**
 * For main.ts: a process that cannot start writes one fatal JSON line saying why (a bad
 * configuration, an unreachable server) and exits 1.
 */
export function exitOnStartFailure(app: string): (error: unknown) => never {
  return (error: unknown): never => {
    const msg = `${app} failed to start: ${error instanceof Error ? error.message : String(error)}`;
    try {
      installProcessLogger(app).pino.fatal(msg);
    } catch {
      // The logger itself could not be made (a bad PKI_LOG_LEVEL): the same line, by hand.
      process.stdout.write(`${JSON.stringify({ level: 'fatal', time: new Date().toISOString(), app, msg })}\n`);
    }
    process.exit(1);
  };
}
