/**
 * What the shape generator emits: for each AWS API the gateway serves, the vendored model and
 * the operations the gateway routes (taken from libs/contracts, so a routed operation without a
 * generated shape makes the staleness test fail).
 */
import { ACM_PCA_OPERATIONS, DIRECTORY_OPERATIONS, IOT_OPERATIONS, IOT_THING_AND_POLICY_OPERATIONS } from '../../libs/contracts/src';

/**
 * Source of the models: botocore's `service-2.json`. Chosen over the `aws-sdk` (v2) npm
 * package's `apis/*.min.json` because those drop the constraint traits (`min`, `max`,
 * `pattern`, `enum`) and v2 no longer follows model updates; botocore keeps every trait and
 * is the newer model (tools/aws-models/README.md).
 */
export const MODEL_SOURCE = 'botocore 1.43.11';

export interface ServiceSpec {
  /** Vendored file stem: tools/aws-models/<modelId>.service-2.json. */
  readonly modelId: string;
  /** Output file, relative to the repository root. */
  readonly out: string;
  /** Prefix of the exported tables: `<PREFIX>_INPUT_SHAPES`, `<PREFIX>_PAGINATORS`, ... */
  readonly exportPrefix: string;
  /** Exported name of the operation union type. */
  readonly operationType: string;
  /** The AWS API Reference the model is rendered into (cited per operation: `API_<Operation>.html`). */
  readonly apiReference: string;
  readonly operations: readonly string[];
}

export const SERVICES: readonly ServiceSpec[] = [
  {
    modelId: 'acm-pca-2017-08-22',
    out: 'apps/api-gateway/src/shapes/generated/acm-pca.ts',
    exportPrefix: 'ACM_PCA',
    operationType: 'AcmPcaOperation',
    apiReference: 'https://docs.aws.amazon.com/privateca/latest/APIReference/',
    operations: Object.keys(ACM_PCA_OPERATIONS),
  },
  {
    modelId: 'ds-2015-04-16',
    out: 'apps/api-gateway/src/shapes/generated/directory-service.ts',
    exportPrefix: 'DIRECTORY_SERVICE',
    operationType: 'DirectoryServiceOperation',
    apiReference: 'https://docs.aws.amazon.com/directoryservice/latest/devguide/',
    operations: DIRECTORY_OPERATIONS,
  },
  {
    modelId: 'iot-2015-05-28',
    out: 'apps/api-gateway/src/shapes/generated/iot.ts',
    exportPrefix: 'IOT',
    operationType: 'IotOperation',
    apiReference: 'https://docs.aws.amazon.com/iot/latest/apireference/',
    operations: [...IOT_OPERATIONS, ...IOT_THING_AND_POLICY_OPERATIONS],
  },
];

/** IoT's exception -> HTTP status table lives in libs/aws-protocol (the error mapping reads it). */
export const IOT_ERROR_STATUS_OUT = 'libs/aws-protocol/src/rest-json/iot-error-status.ts';
