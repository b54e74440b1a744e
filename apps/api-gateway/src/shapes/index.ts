import { ACM_PCA_TARGET_PREFIX, DS_TARGET_PREFIX } from '@pki/contracts';
import type { Shape } from '@pki/aws-protocol';
import { ACM_PCA_INPUT_SHAPES } from './generated/acm-pca';
import { DIRECTORY_SERVICE_INPUT_SHAPES } from './generated/directory-service';

// The shapes are generated from AWS's service models (tools/shapes/generate-shapes.ts); only
// what the models do not say is written by hand beside them (rest-bindings.ts, validation-exception.ts).
export { ACM_PCA_INPUT_SHAPES, type AcmPcaOperation } from './generated/acm-pca';
export { DIRECTORY_SERVICE_INPUT_SHAPES, type DirectoryServiceOperation } from './generated/directory-service';
export { IOT_OPERATION_SPECS, type IotOperation } from './generated/iot';
export type { MemberBinding, RestOperationSpec } from './rest-bindings';
export { VALIDATION_EXCEPTION } from './validation-exception';

/** awsJson1_1 target prefix (`ACMPrivateCA`, `DirectoryService_20150416`) -> operation -> input shape. */
const INPUT_SHAPES: Readonly<Record<string, Readonly<Record<string, Shape>>>> = {
  [ACM_PCA_TARGET_PREFIX]: ACM_PCA_INPUT_SHAPES,
  [DS_TARGET_PREFIX]: DIRECTORY_SERVICE_INPUT_SHAPES,
};

/** The input shape of `<targetPrefix>.<operation>`, or undefined for an unknown API or operation. */
export const inputShapeFor = (targetPrefix: string, operation: string): Shape | undefined => {
  const shapes = Object.hasOwn(INPUT_SHAPES, targetPrefix) ? INPUT_SHAPES[targetPrefix] : undefined;
  return shapes && Object.hasOwn(shapes, operation) ? shapes[operation] : undefined;
};
