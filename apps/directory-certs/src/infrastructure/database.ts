import type { Kysely, Transaction } from 'kysely';
import type { DirectoryCertificateTable } from './tables/directory-certificate.table';
import type { DirectoryTable } from './tables/directory.table';
import type { RevokedCertificateTable } from './tables/revoked-certificate.table';

/** directory-certs' own schema (DESIGN.md: one Postgres schema per service). */
export const DIRECTORY_SCHEMA = 'directory';

export interface DirectoryDatabase {
  directories: DirectoryTable;
  directory_certificates: DirectoryCertificateTable;
  revoked_certificates: RevokedCertificateTable;
}

export type DirDb = Kysely<DirectoryDatabase> | Transaction<DirectoryDatabase>;

/** The service's tables live in its schema; queries use unqualified names through this. */
export function directoryDb(db: Kysely<any> | Transaction<any>): Kysely<DirectoryDatabase> {
  return db.withSchema(DIRECTORY_SCHEMA) as Kysely<DirectoryDatabase>;
}
