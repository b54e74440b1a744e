export { withRequestContext, currentRequest, type RequestContext } from './request-context';
export { LOG_LEVELS, logLevelFrom, type LogLevel } from './log-level';
export { createPinoLogger, installProcessLogger, PinoNestLogger, structuredLogger, type PinoLogger } from './logger';
export { activeTraceIds, currentTraceParent, inSpan, SpanKind, SpanStatusCode, startTracing, traceContextFrom, tracingEnabled, tracingStarted, type Span, type SpanProcessors, type Tracing } from './tracing';
export { commandHeaders, observeCommand, REQUEST_ID_HEADER, traceCommandRequest } from './command-telemetry';
export { exitOnStartFailure, startProcessTelemetry } from './process-telemetry';
