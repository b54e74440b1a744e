import type { Caller } from '@pki/contracts';
import { awsJsonError, awsJsonSuccess, awsJsonUnknownOperation, parseAwsJsonBody, parseAwsJsonTarget, type AwsError, type WireResponse } from '@pki/aws-protocol';
import { withRetryAfter } from '../throttle/throttle';
import type { GatewayRequest } from './http-types';
import { JSON_TARGETS } from './operations';
import { OperationDispatcher } from './operation-dispatcher';

/**
 * awsJson1_1 (ACM Private CA, Directory Service): dispatch on `X-Amz-Target`, parse the JSON
 * body, and hand it to the {@link OperationDispatcher} (model check, owning service, error
 * mapping: the same for gRPC); encode the reply or the error.
 */
export class AwsJsonRouter {
  constructor(private readonly dispatcher: OperationDispatcher) {}

  async route(request: GatewayRequest, caller: Caller, requestId: string): Promise<WireResponse> {
    const target = parseAwsJsonTarget(request.headers['x-amz-target']);
    const service = target ? JSON_TARGETS[target.prefix]?.[target.operation] : undefined;
    if (!target || !service) return awsJsonUnknownOperation({ requestId });
    const directoryService = target.prefix === 'DirectoryService_20150416';
    const api = directoryService ? 'directory' : 'acm-pca';
    // Directory Service's exceptions carry `Message` (and `RequestId`); ACM PCA's `message`.
    const messageKey = directoryService ? 'Message' : 'message';
    // Per account and operation, before the body is even parsed: a throttled request costs nothing downstream.
    const refused = this.dispatcher.admit(api, target.operation, caller);
    if (refused) return withRetryAfter(this.error(refused.error, requestId, messageKey), refused);
    const body = parseAwsJsonBody(request.body);
    if (!body.ok) return awsJsonError(body.error, { requestId, messageKey });
    const reply = await this.dispatcher.dispatch(api, target.operation, body.value, caller, requestId, { admitted: true });
    if (!reply.ok) return this.error(reply.error, requestId, messageKey);
    return awsJsonSuccess(reply.result, { requestId });
  }

  private error(error: AwsError, requestId: string, messageKey: 'message' | 'Message'): WireResponse {
    // Directory Service's exceptions model `RequestId` beside `Message`; the SDK surfaces it as `error.RequestId`.
    const fields = messageKey === 'Message' ? { ...error.fields, RequestId: requestId } : error.fields;
    return awsJsonError({ ...error, fields }, { requestId, messageKey });
  }
}
