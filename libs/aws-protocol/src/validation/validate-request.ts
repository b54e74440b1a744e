import type { AwsError } from '../http/wire-response.types';
import type { Infer, Shape } from './shape.dsl';
import { modelledInput } from './modelled-input';
import { checkTypes } from './type-check';
import { validate } from './validate';
import { validationMessage } from './validation-format';

export type RequestCheck<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: AwsError };

/**
 * The gateway's one call per request: JSON types first (`SerializationException`), then
 * constraints (`ValidationException` with AWS's aggregated message), both HTTP 400. Pass
 * `validationCode` where the operation models its own exception for bad input (ACM PCA
 * `InvalidArgsException`, IoT `InvalidRequestException`, Directory Service `InvalidParameterException`).
 * A valid input comes back as the part the model defines (see modelled-input.ts): that, and
 * nothing the client added, is what reaches the owning service.
 */
export const validateRequest = <S extends Shape>(
  shape: S,
  input: unknown,
  options: { readonly validationCode?: string } = {},
): RequestCheck<Infer<S>> => {
  const typeError = checkTypes(shape, input);
  if (typeError) return { ok: false, error: { code: 'SerializationException', message: typeError, status: 400 } };
  const errors = validate(shape, input);
  if (errors.length) {
    return { ok: false, error: { code: options.validationCode ?? 'ValidationException', message: validationMessage(errors), status: 400 } };
  }
  return { ok: true, value: (modelledInput(shape, input) ?? {}) as Infer<S> };
};
