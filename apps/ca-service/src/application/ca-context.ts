import type { EventStore } from '@pki/eventstore';
import type { ObjectStorage } from '@pki/object-storage';
import type { Kysely } from 'kysely';
import type { KeyCustody } from '../keys/key-custody.port';

/** What ca-service's handlers need, injected so tests can pin the clock and ids. */
export interface CaContext {
  readonly db: Kysely<any>;
  readonly store: EventStore;
  readonly region: string;
  /** Base of URLs written into certificates (PKI_PUBLIC_URL). */
  readonly publicUrl: string;
  readonly now: () => Date;
  readonly newId: () => string;
  /** The Signer port: the only path to CA private keys. */
  readonly keys: KeyCustody;
  /** Buckets for audit reports (filesystem or S3, PKI_OBJECT_STORE). */
  readonly objects: ObjectStorage;
  /**
   * Starts key pair and CSR creation for a just-created CA without waiting for it (the
   * lifecycle worker's fast path); absent where no worker runs.
   */
  readonly csrCreation?: { kick(certificateAuthorityId: string): void };
}
