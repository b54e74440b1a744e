import type { Migration } from 'kysely';
import { createIotRegistry } from './20261122T140000Z-create-iot-registry';

/** Listed explicitly, in order; names sort after the event store's. */
export function iotMigrations(schema: string): Record<string, Migration> {
  return {
    'iot-20261122T140000Z-create-iot-registry': createIotRegistry(schema),
  };
}
