import type { Caller } from '@pki/contracts';
import {
  awsErrorFromServiceError,
  matchRoute,
  parseQueryString,
  restJsonError,
  restJsonSuccess,
  validateRequest,
  type AwsError,
  type RestRoute,
  type WireResponse,
} from '@pki/aws-protocol';
import type { ServiceClient } from '@pki/service-kit';
import { IOT_OPERATION_SPECS, VALIDATION_EXCEPTION, type IotOperation, type RestOperationSpec } from '../shapes';
import type { GatewayRequest } from './http-types';

const ROUTES: readonly RestRoute<IotOperation>[] = (Object.entries(IOT_OPERATION_SPECS) as Array<[IotOperation, RestOperationSpec]>).map(([operation, spec]) => ({
  method: spec.method,
  pattern: spec.pattern,
  operation,
}));

/** The IoT operation a request names, if any (for its access log line and span). */
export const iotOperationOf = (method: string, rawPath: string): IotOperation | undefined => matchRoute(method, rawPath, ROUTES)?.operation;

const invalid = (message: string): AwsError => ({ code: VALIDATION_EXCEPTION.iot, message, status: 400 });

type Built = { ok: true; input: Record<string, unknown> } | { ok: false; error: AwsError };

/** Query values arrive as text: integers and booleans are converted strictly (no "1e2", no "yes"). */
function queryValue(raw: string, type: 'string' | 'integer' | 'boolean', member: string): { ok: true; value: unknown } | { ok: false; error: AwsError } {
  if (type === 'string') return { ok: true, value: raw };
  if (type === 'integer') {
    if (!/^-?\d{1,10}$/.test(raw)) return { ok: false, error: invalid(`Value '${raw}' at '${member}' failed to satisfy constraint: Member must be an integer`) };
    return { ok: true, value: Number(raw) };
  }
  if (raw !== 'true' && raw !== 'false') return { ok: false, error: invalid(`Value '${raw}' at '${member}' failed to satisfy constraint: Member must be true or false`) };
  return { ok: true, value: raw === 'true' };
}

/** Assembles the operation input from the path labels, headers, the query string and the JSON body (Smithy restJson1 bindings). */
function buildInput(spec: RestOperationSpec, params: Readonly<Record<string, string>>, request: GatewayRequest): Built {
  const input: Record<string, unknown> = {};
  const bodyMembers = Object.keys(spec.shape.members).filter((member) => spec.bindings[member] === undefined);
  if (bodyMembers.length > 0 && request.body.length > 0) {
    let body: unknown;
    try {
      body = JSON.parse(request.body.toString('utf8'));
    } catch {
      return { ok: false, error: invalid('The request body is not valid JSON.') };
    }
    if (body === null || typeof body !== 'object' || Array.isArray(body)) return { ok: false, error: invalid('The request body must be a JSON object.') };
    for (const member of bodyMembers) if ((body as Record<string, unknown>)[member] !== undefined) input[member] = (body as Record<string, unknown>)[member];
  }
  const queryValues = parseQueryString(request.rawQuery);
  for (const [member, binding] of Object.entries(spec.bindings)) {
    if (binding.in === 'label') {
      input[member] = params[binding.name];
    } else if (binding.in === 'header') {
      // Smithy @httpHeader: one value; a header sent twice arrives as a list and is refused.
      const raw = request.headers[binding.name];
      if (raw === undefined) continue;
      if (Array.isArray(raw)) return { ok: false, error: invalid(`The ${binding.name} header must be sent once.`) };
      input[member] = raw;
    } else if (binding.in === 'query') {
      const raw = queryValues[binding.name]?.[0];
      if (raw === undefined) continue;
      const converted = queryValue(raw, binding.type, member);
      if (!converted.ok) return converted;
      input[member] = converted.value;
    }
  }
  return { ok: true, input };
}

/**
 * restJson1 (AWS IoT): dispatch on method + path, bind labels, query and body to the input,
 * check the model's constraints (InvalidRequestException: IoT models no ValidationException),
 * forward to iot-registry with the caller's identity, and encode the reply or the error with
 * the `x-amzn-ErrorType` header the SDK reads.
 */
export class RestJsonRouter {
  constructor(private readonly services: ServiceClient) {}

  async route(request: GatewayRequest, caller: Caller, requestId: string): Promise<WireResponse> {
    const match = matchRoute(request.method, request.rawPath, ROUTES);
    if (!match) {
      return restJsonError({ code: 'UnknownOperationException', message: `No operation matches ${request.method} ${request.rawPath}.`, status: 404 }, { requestId });
    }
    const spec: RestOperationSpec = IOT_OPERATION_SPECS[match.operation];
    const built = buildInput(spec, match.params, request);
    if (!built.ok) return restJsonError(built.error, { requestId });
    const checked = validateRequest(spec.shape, built.input, { validationCode: VALIDATION_EXCEPTION.iot });
    if (!checked.ok) {
      // A JSON type mismatch is a bad request too: the SDK models nothing else for it.
      return restJsonError(checked.error.code === 'SerializationException' ? invalid(checked.error.message) : checked.error, { requestId });
    }
    // checked.value holds only what the model defines: unknown members (at any depth of the body,
    // e.g. registrationConfig.foo or tags[].Other) and JSON nulls are ignored, not stored and echoed back.
    const reply = await this.services.request('iot', match.operation, { caller, requestId, input: checked.value });
    if (!reply.ok) return restJsonError(awsErrorFromServiceError(reply.error, 'restJson1'), { requestId });
    return restJsonSuccess(reply.result, { requestId });
  }
}
