/** Test-only: a fresh database with ca-service's schema (event store + ca migrations). */
import type { Kysely } from 'kysely';
import { eventStoreMigrations, migrateToLatest } from '@pki/eventstore';
import { createTestDatabase, type TestDatabase } from '@pki/testing';
import { CA_SCHEMA } from '../../infrastructure/database';
import { caMigrations } from '../../migrations';

export async function createCaTestDatabase(): Promise<TestDatabase> {
  const database = await createTestDatabase();
  await migrateToLatest(database.db, CA_SCHEMA, { ...eventStoreMigrations(CA_SCHEMA), ...caMigrations(CA_SCHEMA) });
  return database;
}

/** A minimal row of the CA read model (no events): what key custody and signing look up. */
export async function insertCaRow(db: Kysely<any>, id: string, owner: string, status = 'ACTIVE', type: 'ROOT' | 'SUBORDINATE' = 'ROOT'): Promise<void> {
  await db
    .withSchema(CA_SCHEMA)
    .insertInto('certificate_authorities')
    .values({
      id,
      arn: `arn:aws:acm-pca:us-east-1:${owner}:certificate-authority/${id}`,
      owner_account: owner,
      type,
      status,
      configuration: JSON.stringify({}),
      revocation_configuration: JSON.stringify({}),
      usage_mode: 'GENERAL_PURPOSE',
      key_storage_security_standard: 'FIPS_140_2_LEVEL_3_OR_HIGHER',
      tags: JSON.stringify([]),
      created_at: new Date(),
      last_state_change_at: new Date(),
      version: 1,
    })
    .execute();
}
