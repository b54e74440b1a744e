import { ACM_PCA_TARGET_PREFIX, DS_TARGET_PREFIX } from '@pki/contracts';
import type { Shape } from '@pki/aws-protocol';
import { ACM_PCA_INPUT_SHAPES } from './acm-pca.shapes';
import { DIRECTORY_SERVICE_INPUT_SHAPES } from './directory-service.shapes';

export { ACM_PCA_INPUT_SHAPES, type AcmPcaOperation } from './acm-pca.shapes';
export { DIRECTORY_SERVICE_INPUT_SHAPES, type DirectoryServiceOperation } from './directory-service.shapes';

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
