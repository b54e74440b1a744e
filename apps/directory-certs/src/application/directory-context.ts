import type { EventStore } from '@pki/eventstore';
import type { Kysely } from 'kysely';

/** What directory-certs' handlers and worker need, injected so tests can pin the clock and ids. */
export interface DirectoryContext {
  readonly db: Kysely<any>;
  readonly store: EventStore;
  /** The deployment's default region (PKI_REGION): of callers that name none, and of directories created before regions. */
  readonly region: string;
  readonly now: () => Date;
  /** AWS formats: `d-` and `c-` followed by 10 lowercase hex digits. */
  readonly newDirectoryId: () => string;
  readonly newCertificateId: () => string;
}
