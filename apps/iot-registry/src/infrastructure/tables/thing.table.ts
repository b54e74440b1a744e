import type { Insertable, Selectable } from 'kysely';

/** iot.things: one row per thing (snapshot of the thing aggregate's state). */
export interface ThingTable {
  account_id: string;
  thing_name: string;
  /** The region of its ARN (names are unique per account and region). */
  region: string;
  thing_id: string;
  thing_arn: string;
  attributes: Record<string, string>;
  version: number;
  creation_date: Date;
  thing_type_name: string | null;
}

export type ThingRow = Selectable<ThingTable>;
export type NewThingRow = Insertable<ThingTable>;
