import { ACM_PCA_TARGET_PREFIX, DS_TARGET_PREFIX } from '@pki/contracts';

/**
 * The exception a request that fails the model's constraints is answered with, per API. This is
 * front-end behaviour, not part of the service models (generated/), so it is written by hand:
 *
 * - ACM Private CA and Directory Service (awsJson1_1): `ValidationException`, HTTP 400, which
 *   neither model declares; AWS's JSON front end answers it for every service ("The input fails
 *   to satisfy the constraints specified by an AWS service",
 *   https://docs.aws.amazon.com/privateca/latest/APIReference/CommonErrors.html and
 *   https://docs.aws.amazon.com/directoryservice/latest/devguide/CommonErrors.html).
 * - AWS IoT (restJson1): `InvalidRequestException`, HTTP 400 ("The request is not valid"), the
 *   exception every IoT operation the gateway routes declares for bad input (e.g. "Errors" in
 *   https://docs.aws.amazon.com/iot/latest/apireference/API_RegisterCertificate.html); IoT's `ValidationException` belongs to
 *   other operations (fleet metrics, packages) and an IoT SDK would not raise it here.
 */
export const VALIDATION_EXCEPTION: Readonly<Record<string, string>> = {
  [ACM_PCA_TARGET_PREFIX]: 'ValidationException',
  [DS_TARGET_PREFIX]: 'ValidationException',
  iot: 'InvalidRequestException',
};
