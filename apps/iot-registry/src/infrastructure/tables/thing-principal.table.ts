import type { Insertable, Selectable } from 'kysely';

/** iot.thing_principals: the certificates attached to each thing (ListThingPrincipals, ListPrincipalThings). */
export interface ThingPrincipalTable {
  account_id: string;
  thing_name: string;
  /** The region of its ARN (names are unique per account and region). */
  region: string;
  certificate_id: string;
  principal: string;
  thing_principal_type: string;
}

export type ThingPrincipalRow = Selectable<ThingPrincipalTable>;
export type NewThingPrincipalRow = Insertable<ThingPrincipalTable>;
