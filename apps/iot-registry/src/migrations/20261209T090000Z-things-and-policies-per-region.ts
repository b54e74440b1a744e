import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Things and policies per region, as on AWS IoT (a thing or policy name is unique per account
 * and region): a `region` column on things, policies and their attachment rows, filled from the
 * ARNs they already hold (`arn:aws:iot:<region>:...`, the fourth field; a principal or target is a
 * certificate ARN of the thing's or policy's region), and the keys widened to include it.
 * Frozen: never edit; add a new migration instead.
 */
export function thingsAndPoliciesPerRegion(schema: string): Migration {
  const table = (name: string) => sql.table(`${schema}.${name}`);
  return {
    async up(db: Kysely<any>): Promise<void> {
      const fill: Array<[string, string]> = [
        ['things', 'thing_arn'],
        ['thing_principals', 'principal'],
        ['policies', 'policy_arn'],
        ['policy_targets', 'target'],
      ];
      for (const [name, arn] of fill) {
        await db.schema.withSchema(schema).alterTable(name).addColumn('region', 'text').execute();
        await sql`update ${table(name)} set region = split_part(${sql.ref(arn)}, ':', 4)`.execute(db);
        await db.schema.withSchema(schema).alterTable(name).alterColumn('region', (c) => c.setNotNull()).execute();
      }
      const s = db.schema.withSchema(schema);
      // The primary keys serve findThing / listThings, listThingPrincipals, findPolicy and listTargetsForPolicy, now in one region.
      await s.alterTable('things').dropConstraint('things_pkey').execute();
      await s.alterTable('things').addPrimaryKeyConstraint('things_pkey', ['account_id', 'region', 'thing_name']).execute();
      await s.alterTable('thing_principals').dropConstraint('thing_principals_pkey').execute();
      await s.alterTable('thing_principals').addPrimaryKeyConstraint('thing_principals_pkey', ['account_id', 'region', 'thing_name', 'principal']).execute();
      await s.alterTable('policies').dropConstraint('policies_pkey').execute();
      await s.alterTable('policies').addPrimaryKeyConstraint('policies_pkey', ['account_id', 'region', 'policy_name']).execute();
      await s.alterTable('policy_targets').dropConstraint('policy_targets_pkey').execute();
      await s.alterTable('policy_targets').addPrimaryKeyConstraint('policy_targets_pkey', ['account_id', 'region', 'policy_name', 'target']).execute();
      // listPrincipalThings and listAttachedPolicies keep their indexes: a certificate (its id is
      // unique in the deployment) is in one region, so its attachments are all of that region.
    },
    async down(db: Kysely<any>): Promise<void> {
      const s = db.schema.withSchema(schema);
      await s.alterTable('things').dropConstraint('things_pkey').execute();
      await s.alterTable('things').addPrimaryKeyConstraint('things_pkey', ['account_id', 'thing_name']).execute();
      await s.alterTable('thing_principals').dropConstraint('thing_principals_pkey').execute();
      await s.alterTable('thing_principals').addPrimaryKeyConstraint('thing_principals_pkey', ['account_id', 'thing_name', 'principal']).execute();
      await s.alterTable('policies').dropConstraint('policies_pkey').execute();
      await s.alterTable('policies').addPrimaryKeyConstraint('policies_pkey', ['account_id', 'policy_name']).execute();
      await s.alterTable('policy_targets').dropConstraint('policy_targets_pkey').execute();
      await s.alterTable('policy_targets').addPrimaryKeyConstraint('policy_targets_pkey', ['account_id', 'policy_name', 'target']).execute();
      for (const name of ['things', 'thing_principals', 'policies', 'policy_targets']) await s.alterTable(name).dropColumn('region').execute();
    },
  };
}
