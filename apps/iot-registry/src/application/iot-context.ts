import type { EventStore } from '@pki/eventstore';
import type { Kysely } from 'kysely';

/** What the handlers and the effects worker share: storage, configuration, and injected time and randomness. */
export interface IotContext {
  readonly db: Kysely<any>;
  readonly store: EventStore;
  readonly region: string;
  readonly now: () => Date;
  /** Generation ids (AWS `generationId`): a fresh UUID per change. */
  readonly newId: () => string;
  /** 64 lowercase hex characters from a CSPRNG. */
  readonly newRegistrationCode: () => string;
}
