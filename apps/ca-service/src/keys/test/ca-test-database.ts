/** Test-only: a fresh database with ca-service's schema (event store + ca migrations). */
import { eventStoreMigrations, migrateToLatest } from '@pki/eventstore';
import { createTestDatabase, type TestDatabase } from '@pki/testing';
import { CA_SCHEMA } from '../../infrastructure/database';
import { caMigrations } from '../../migrations';

export async function createCaTestDatabase(): Promise<TestDatabase> {
  const database = await createTestDatabase();
  await migrateToLatest(database.db, CA_SCHEMA, { ...eventStoreMigrations(CA_SCHEMA), ...caMigrations(CA_SCHEMA) });
  return database;
}
