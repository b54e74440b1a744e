import { installProcessLogger } from './logger';
import { startTracing, tracingStarted, type Tracing } from './tracing';

/**
 * A process's logs and traces, set up before anything else of it starts: the JSON logger
 * (installed as Nest's) and, when OTEL_EXPORTER_OTLP_ENDPOINT is set, tracing. Returns the
 * tracing this call started (its owner shuts it down), undefined when it is off or was already on.
 */
export async function startProcessTelemetry(app: string): Promise<Tracing | undefined> {
  installProcessLogger(app);
  if (tracingStarted()) return undefined;
  return startTracing(app);
}
