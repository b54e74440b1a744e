import { randomUUID } from 'node:crypto';
import type { Caller } from '@pki/contracts';
import {
  awsJsonErrorResponse,
  awsJsonSuccess,
  parseAwsJsonTarget,
  validate,
  validationMessage,
} from '@pki/aws-protocol';
import type { ServiceClient } from '../transport/service-client';
import { jsonErrorFor } from './error-codes';
import type { GatewayRequest, GatewayResponse } from './http-types';
import { JSON_TARGETS } from './operations';
import { inputShapeFor } from '../shapes';

function error(code: string, message: string, status = 400): GatewayResponse {
  const response = awsJsonErrorResponse(code, message, status);
  return { status: response.status, headers: response.headers, body: response.body };
}

/**
 * awsJson1_1 (ACM Private CA, Directory Service): dispatch on `X-Amz-Target`, parse and
 * validate the JSON input against the operation's model constraints, forward it to the
 * owning service with the caller's identity, and encode the reply or error.
 */
export class AwsJsonRouter {
  constructor(private readonly services: ServiceClient) {}

  async route(request: GatewayRequest, caller: Caller, requestId: string = randomUUID()): Promise<GatewayResponse> {
    const targetHeader = request.headers['x-amz-target'];
    const target = parseAwsJsonTarget(typeof targetHeader === 'string' ? targetHeader : undefined);
    const operations = target ? JSON_TARGETS[target.prefix] : undefined;
    const service = target && operations ? operations[target.operation] : undefined;
    if (!target || !service) {
      const name = typeof targetHeader === 'string' ? targetHeader : '(none)';
      return error('UnknownOperationException', `The operation ${name} is not supported by this endpoint.`);
    }
    let input: unknown = {};
    if (request.body.length > 0) {
      try {
        input = JSON.parse(request.body.toString('utf8'));
      } catch {
        return error('SerializationException', 'The request body is not valid JSON.');
      }
    }
    if (typeof input !== 'object' || input === null || Array.isArray(input)) {
      return error('SerializationException', 'The request body must be a JSON object.');
    }
    const shape = inputShapeFor(target.prefix, target.operation);
    if (shape) {
      const problems = validate(shape, input);
      if (problems.length > 0) return error('ValidationException', validationMessage(problems));
    }
    const reply = await this.services.request(service, target.operation, { caller, requestId, input });
    if (!reply.ok) {
      const mapped = jsonErrorFor(reply.error);
      return error(mapped.code, mapped.message, mapped.status);
    }
    const response = awsJsonSuccess(reply.result);
    return { status: response.status, headers: response.headers, body: response.body };
  }
}
