import type { Insertable, Selectable } from 'kysely';

/** iot.thing_types: one row per thing type (snapshot of the thing type aggregate's state). */
export interface ThingTypeTable {
  account_id: string;
  thing_type_name: string;
  thing_type_id: string;
  thing_type_arn: string;
  thing_type_description: string | null;
  searchable_attributes: string[];
  deprecated: boolean;
  deprecation_date: Date | null;
  creation_date: Date;
}

export type ThingTypeRow = Selectable<ThingTypeTable>;
export type NewThingTypeRow = Insertable<ThingTypeTable>;
