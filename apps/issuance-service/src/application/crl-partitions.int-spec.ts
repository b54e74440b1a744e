/**
 * CRL partition allocation against real Postgres: a partition holds at most its size, slots are
 * reserved in blocks shared by concurrent requests, two allocators (two replicas) never put more
 * than the size into one partition, and a new location (a changed CRL configuration) opens a new
 * partition.
 */
import { randomUUID } from 'node:crypto';
import { eventStoreMigrations, migrateToLatest } from '@pki/eventstore';
import { createTestDatabase, type TestDatabase } from '@pki/testing';
import { ISSUANCE_SCHEMA } from '../infrastructure/database';
import { issuanceMigrations } from '../migrations';
import { CrlPartitions, crlPartitionSizeFrom } from './crl-partitions';

const counts = (ids: readonly string[]): number[] => [...ids.reduce((m, id) => m.set(id, (m.get(id) ?? 0) + 1), new Map<string, number>()).values()];

describe('CRL partitions (Postgres)', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
    await migrateToLatest(database.db, ISSUANCE_SCHEMA, { ...eventStoreMigrations(ISSUANCE_SCHEMA), ...issuanceMigrations(ISSUANCE_SCHEMA) });
  });
  afterAll(async () => {
    await database?.destroy();
  });

  it('fills partitions of at most the size, in order, with concurrent requests sharing reservations', async () => {
    const partitions = new CrlPartitions(database.db, 3);
    const caId = randomUUID();
    const ids = await Promise.all(Array.from({ length: 10 }, () => partitions.next(caId, 'bucket http://x/{partition}')));
    expect(counts(ids)).toEqual([3, 3, 3, 1]);
    expect(new Set(ids).size).toBe(4);
  });

  it('never puts more than the size into one partition across two allocators (two replicas)', async () => {
    const caId = randomUUID();
    const a = new CrlPartitions(database.db, 1000);
    const b = new CrlPartitions(database.db, 1000);
    const ids = await Promise.all(Array.from({ length: 1500 }, (_, i) => (i % 2 ? a : b).next(caId, 'loc')));
    for (const n of counts(ids)) expect(n).toBeLessThanOrEqual(1000);
    expect(ids.length).toBe(1500);
  });

  it('opens a new partition when the location changes, and another when it changes back', async () => {
    const partitions = new CrlPartitions(database.db, 100);
    const caId = randomUUID();
    const first = await partitions.next(caId, 'bucket http://crl.example/crl/ca/{partition}');
    expect(await partitions.next(caId, 'bucket http://crl.example/crl/ca/{partition}')).toBe(first);
    const moved = await partitions.next(caId, 'bucket http://crl.example/pki/{partition}');
    expect(moved).not.toBe(first);
    expect(await partitions.next(caId, 'bucket http://crl.example/crl/ca/{partition}')).not.toBe(first);
  });

  it('reads PKI_CRL_PARTITION_SIZE, refusing what is not a whole number of certificates', () => {
    expect(crlPartitionSizeFrom(undefined)).toBe(100_000);
    expect(crlPartitionSizeFrom('250')).toBe(250);
    for (const raw of ['0', '-1', '1.5', 'many', '20000000']) expect(() => crlPartitionSizeFrom(raw)).toThrow(/PKI_CRL_PARTITION_SIZE/);
  });
});
