import { callerRegion, type CommandMessage } from '@pki/contracts';
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

/**
 * The region a command acts in: its caller's (the SigV4 scope's, one of PKI_REGIONS), else the
 * deployment's default. IoT ARNs are minted in it and ARNs given as input must name it.
 */
export const regionOf = (context: Pick<IotContext, 'region'>, message: CommandMessage): string => callerRegion(message.caller, context.region);
