import type { Migration } from 'kysely';
import { createIotRegistry } from './20261122T140000Z-create-iot-registry';
import { createThingsAndPolicies } from './20261123T090000Z-create-things-and-policies';
import { indexCertificatesByOwnerAndCa } from './20261208T090000Z-index-certificates-by-owner-and-ca';
import { thingsAndPoliciesPerRegion } from './20261209T090000Z-things-and-policies-per-region';
import { createThingTypes } from './20261209T120000Z-create-thing-types';

/** Listed explicitly, in order; names sort after the event store's. */
export function iotMigrations(schema: string): Record<string, Migration> {
  return {
    'iot-20261122T140000Z-create-iot-registry': createIotRegistry(schema),
    'iot-20261123T090000Z-create-things-and-policies': createThingsAndPolicies(schema),
    'iot-20261208T090000Z-index-certificates-by-owner-and-ca': indexCertificatesByOwnerAndCa(schema),
    'iot-20261209T090000Z-things-and-policies-per-region': thingsAndPoliciesPerRegion(schema),
    'iot-20261209T120000Z-create-thing-types': createThingTypes(schema),
  };
}
