/** Read-model rows -> AWS IoT thing and policy output structures (restJson1: timestamps as epoch seconds). */
import type { PolicyRow } from '../infrastructure/tables/policy.table';
import type { ThingRow } from '../infrastructure/tables/thing.table';

const epochSeconds = (date: Date | string): number => new Date(date).getTime() / 1000;

/** AWS IoT DescribeThing output. `defaultClientId` is the thing name (AWS: "The default MQTT client ID"). */
export function thingDescription(row: ThingRow): Record<string, unknown> {
  return {
    defaultClientId: row.thing_name,
    thingName: row.thing_name,
    thingId: row.thing_id,
    thingArn: row.thing_arn,
    ...(row.thing_type_name === null ? {} : { thingTypeName: row.thing_type_name }),
    attributes: row.attributes,
    version: Number(row.version),
  };
}

/** AWS IoT `ThingAttribute` (ListThings element). */
export function thingAttribute(row: ThingRow): Record<string, unknown> {
  return { thingName: row.thing_name, ...(row.thing_type_name === null ? {} : { thingTypeName: row.thing_type_name }), thingArn: row.thing_arn, attributes: row.attributes, version: Number(row.version) };
}

/** AWS IoT GetPolicy output. */
export function policyDescription(row: PolicyRow): Record<string, unknown> {
  return {
    policyName: row.policy_name,
    policyArn: row.policy_arn,
    policyDocument: row.policy_document,
    defaultVersionId: row.default_version_id,
    creationDate: epochSeconds(row.creation_date),
    lastModifiedDate: epochSeconds(row.last_modified_date),
    generationId: row.generation_id,
  };
}
