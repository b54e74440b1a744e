import { setTimeout as sleep } from 'node:timers/promises';
import { DomainError } from '@pki/contracts';
import type { CatchUp } from './catch-up';

export interface FindAfterCatchUpOptions {
  /** Waits for the projection to apply its source stream (ServiceRuntime.catchUp); absent: taken as complete. */
  readonly catchUp?: CatchUp;
  /** Asks the source whether it has the entity (events it committed may not be published yet); absent: not asked. */
  readonly ownerHas?: () => Promise<boolean>;
  readonly timeoutMs: number;
  /** The entity, for the retryable errors: `Certificate authority <arn>`. */
  readonly what: string;
}

/**
 * An entity of another service, read from this service's projection of its events, when the
 * first read did not settle it: before "does not exist" may be answered, the projection must have
 * applied what the stream holds (`catchUp`), and the source must not have the entity either
 * (`ownerHas`): an event it committed a moment ago may still be in its outbox, not in the stream.
 * If it has the entity, the projection is read again until the event arrives. Resolves the entity,
 * or undefined when it does not exist; still behind at the deadline: a retryable Unavailable
 * error, never "does not exist".
 */
export async function findAfterCatchUp<T>(find: () => Promise<T | undefined>, o: FindAfterCatchUpOptions): Promise<T | undefined> {
  const deadline = Date.now() + o.timeoutMs;
  if (o.catchUp && !(await o.catchUp(o.timeoutMs))) {
    throw new DomainError('Unavailable', `${o.what} is not known here yet (its events are still being applied); try again shortly.`);
  }
  let found = await find();
  if (found !== undefined || !o.ownerHas || !(await o.ownerHas())) return found;
  while (found === undefined && Date.now() < deadline) {
    await sleep(50);
    found = await find();
  }
  if (found === undefined) throw new DomainError('Unavailable', `${o.what} is not known here yet (its events are still being published); try again shortly.`);
  return found;
}
