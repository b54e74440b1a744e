import type { Caller } from '@pki/contracts';
import {
  awsErrorFromServiceError,
  awsJsonError,
  awsJsonSuccess,
  awsJsonUnknownOperation,
  parseAwsJsonBody,
  parseAwsJsonTarget,
  validateRequest,
  type AwsError,
  type WireResponse,
} from '@pki/aws-protocol';
import { inputShapeFor, VALIDATION_EXCEPTION } from '../shapes';
import type { ServiceClient } from '@pki/service-kit';
import { withRetryAfter, type Throttle } from '../throttle/throttle';
import type { GatewayRequest } from './http-types';
import { JSON_TARGETS } from './operations';

/**
 * awsJson1_1 (ACM Private CA, Directory Service): dispatch on `X-Amz-Target`, check the JSON
 * input's types and model constraints, forward it to the owning service with the caller's
 * identity, and encode the reply or the error.
 */
export class AwsJsonRouter {
  constructor(
    private readonly services: ServiceClient,
    private readonly throttle?: Throttle,
  ) {}

  async route(request: GatewayRequest, caller: Caller, requestId: string): Promise<WireResponse> {
    const target = parseAwsJsonTarget(request.headers['x-amz-target']);
    const service = target ? JSON_TARGETS[target.prefix]?.[target.operation] : undefined;
    if (!target || !service) return awsJsonUnknownOperation({ requestId });
    const directoryService = target.prefix === 'DirectoryService_20150416';
    // Directory Service's exceptions carry `Message` (and `RequestId`); ACM PCA's `message`.
    const messageKey = directoryService ? 'Message' : 'message';
    // Per account and operation, before the body is even parsed: a throttled request costs nothing downstream.
    const refused = this.throttle?.admit(caller.accountId, directoryService ? 'ds' : 'acm-pca', target.operation);
    if (refused) return withRetryAfter(this.error(refused.error, requestId, messageKey), refused);
    const body = parseAwsJsonBody(request.body);
    if (!body.ok) return awsJsonError(body.error, { requestId, messageKey });
    const shape = inputShapeFor(target.prefix, target.operation);
    if (!shape) {
      // Every operation the gateway routes has a modelled shape; a missing one is our bug, not the caller's.
      return awsJsonError({ code: 'InternalFailure', message: `No input model for ${target.operation}.`, status: 500 }, { requestId, messageKey });
    }
    const checked = validateRequest(shape, body.value, { validationCode: VALIDATION_EXCEPTION[target.prefix] });
    if (!checked.ok) return awsJsonError(checked.error, { requestId, messageKey });
    // checked.value holds only what the model defines: unknown members are ignored, not stored.
    const reply = await this.services.request(service, target.operation, { caller, requestId, input: checked.value });
    if (!reply.ok) return this.error(awsErrorFromServiceError(reply.error, 'awsJson1_1'), requestId, messageKey);
    return awsJsonSuccess(reply.result, { requestId });
  }

  private error(error: AwsError, requestId: string, messageKey: 'message' | 'Message'): WireResponse {
    // Directory Service's exceptions model `RequestId` beside `Message`; the SDK surfaces it as `error.RequestId`.
    const fields = messageKey === 'Message' ? { ...error.fields, RequestId: requestId } : error.fields;
    return awsJsonError({ ...error, fields }, { requestId, messageKey });
  }
}
