import type { Caller } from '@pki/contracts';
import { matchRoute, parseQueryString, restJsonError, restJsonSuccess, type AwsError, type RestRoute, type WireResponse } from '@pki/aws-protocol';
import { IOT_OPERATION_SPECS, VALIDATION_EXCEPTION, type IotOperation, type RestOperationSpec } from '../shapes';
import { withRetryAfter } from '../throttle/throttle';
import type { GatewayRequest } from './http-types';
import type { OperationDispatcher } from './operation-dispatcher';

export const IOT_ROUTES: readonly RestRoute<IotOperation>[] = (Object.entries(IOT_OPERATION_SPECS) as Array<[IotOperation, RestOperationSpec]>).map(([operation, spec]) => ({
  method: spec.method,
  pattern: spec.pattern,
  operation,
}));

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
 * restJson1 (AWS IoT): dispatch on method + path, bind labels, query and body to the input, and
 * hand it to the {@link OperationDispatcher} (model check with InvalidRequestException - IoT
 * models no ValidationException -, iot-registry, error mapping: the same for gRPC); encode the
 * reply or the error with the `x-amzn-ErrorType` header the SDK reads.
 */
export class RestJsonRouter {
  constructor(private readonly dispatcher: OperationDispatcher) {}

  async route(request: GatewayRequest, caller: Caller, requestId: string): Promise<WireResponse> {
    const match = matchRoute(request.method, request.rawPath, IOT_ROUTES);
    if (!match) {
      return restJsonError({ code: 'UnknownOperationException', message: `No operation matches ${request.method} ${request.rawPath}.`, status: 404 }, { requestId });
    }
    // Per account and operation, before the input is built: a throttled request costs nothing downstream.
    const refused = this.dispatcher.admit('iot', match.operation, caller);
    if (refused) return withRetryAfter(restJsonError(refused.error, { requestId }), refused);
    const built = buildInput(IOT_OPERATION_SPECS[match.operation], match.params, request);
    if (!built.ok) return restJsonError(built.error, { requestId });
    // Unknown members (at any depth of the body, e.g. registrationConfig.foo or tags[].Other) and
    // JSON nulls are dropped by the model check, not stored and echoed back.
    const reply = await this.dispatcher.dispatch('iot', match.operation, built.input, caller, requestId, { admitted: true });
    if (!reply.ok) return restJsonError(reply.error, { requestId });
    return restJsonSuccess(reply.result, { requestId });
  }
}
