import { ACM_PCA_TARGET_PREFIX, DS_TARGET_PREFIX, type Caller, type ServiceName } from '@pki/contracts';
import { awsErrorFromServiceError, validateRequest, type AwsError, type Shape } from '@pki/aws-protocol';
import type { RequestOptions, ServiceClient } from '@pki/service-kit';
import { inputShapeFor, IOT_OPERATION_SPECS, VALIDATION_EXCEPTION, type IotOperation } from '../shapes';
import type { Throttle, ThrottleRefusal } from '../throttle/throttle';
import { JSON_TARGETS } from './operations';

/** The three AWS APIs the gateway serves, by the name their throttling and gRPC services use. */
export type ApiName = 'acm-pca' | 'directory' | 'iot';

export type Dispatched =
  | { readonly ok: true; readonly result: unknown }
  | { readonly ok: false; readonly error: AwsError; readonly throttled?: ThrottleRefusal };

interface OperationRoute {
  readonly service: ServiceName;
  readonly shape: Shape;
  readonly validationCode: string;
}

const IOT_VALIDATION = VALIDATION_EXCEPTION.iot;

/**
 * The one path from an operation's input (AWS JSON: blobs base64, timestamps epoch seconds) to
 * the owning service, shared by every front: the awsJson1_1 and restJson1 routers and gRPC.
 * Throttle, check the input against the model (the same ValidationException text everywhere),
 * send the command with the caller's identity, map a service error to the API's exception.
 * What differs per front is only how the input is read and how the answer is written.
 */
export class OperationDispatcher {
  constructor(
    private readonly services: ServiceClient,
    private readonly throttle?: Throttle,
  ) {}

  /** The operation's owning service and input shape, or undefined when the API does not route it. */
  static route(api: ApiName, operation: string): OperationRoute | undefined {
    if (api === 'iot') {
      if (!Object.hasOwn(IOT_OPERATION_SPECS, operation)) return undefined;
      return { service: 'iot', shape: IOT_OPERATION_SPECS[operation as IotOperation].shape, validationCode: IOT_VALIDATION };
    }
    const prefix = api === 'acm-pca' ? ACM_PCA_TARGET_PREFIX : DS_TARGET_PREFIX;
    const service = Object.hasOwn(JSON_TARGETS[prefix]!, operation) ? JSON_TARGETS[prefix]![operation] : undefined;
    const shape = inputShapeFor(prefix, operation);
    if (!service || !shape) return undefined;
    return { service, shape, validationCode: VALIDATION_EXCEPTION[prefix]! };
  }

  /** Throttling alone (per account and operation), for fronts that check it before reading the input. */
  admit(api: ApiName, operation: string, caller: Caller): ThrottleRefusal | undefined {
    return this.throttle?.admit(caller.accountId, api === 'directory' ? 'ds' : api, operation);
  }

  /**
   * Checks `input` against the operation's model and sends it. `admitted`: the caller already
   * passed {@link admit}. Unknown members are dropped by the check, never forwarded.
   */
  async dispatch(api: ApiName, operation: string, input: unknown, caller: Caller, requestId: string, options: RequestOptions & { admitted?: boolean } = {}): Promise<Dispatched> {
    const route = OperationDispatcher.route(api, operation);
    if (!route) return { ok: false, error: { code: 'InternalFailure', message: `No input model for ${operation}.`, status: 500 } };
    if (!options.admitted) {
      const refused = this.admit(api, operation, caller);
      if (refused) return { ok: false, error: refused.error, throttled: refused };
    }
    const checked = validateRequest(route.shape, input, { validationCode: route.validationCode });
    if (!checked.ok) {
      // restJson1: a JSON type mismatch is a bad request too; IoT models nothing else for it.
      const error = api === 'iot' && checked.error.code === 'SerializationException' ? { code: IOT_VALIDATION, message: checked.error.message, status: 400 } : checked.error;
      return { ok: false, error };
    }
    const reply = await this.services.request(route.service, operation, { caller, requestId, input: checked.value }, options);
    if (!reply.ok) return { ok: false, error: awsErrorFromServiceError(reply.error, api === 'iot' ? 'restJson1' : 'awsJson1_1') };
    return { ok: true, result: reply.result };
  }
}
