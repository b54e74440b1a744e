import type { EventStore } from '@pki/eventstore';
import type { Kysely } from 'kysely';

/** What ca-service's handlers need, injected so tests can pin the clock and ids. */
export interface CaContext {
  readonly db: Kysely<any>;
  readonly store: EventStore;
  readonly region: string;
  readonly now: () => Date;
  readonly newId: () => string;
}
