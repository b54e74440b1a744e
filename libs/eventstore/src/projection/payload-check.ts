import { validateEventPayload, type EventEnvelope } from '@pki/contracts';
import type { Projection } from './projection';

/** Undefined when `payload` matches the contract of `type` v`schemaVersion`, else a reason naming the event and the member. */
export type PayloadValidator = (type: string, schemaVersion: number, payload: unknown) => string | undefined;

/**
 * Why `projection` must not apply `event`: its payload breaks the contract (libs/contracts) of
 * a type the projection declares it applies (Projection.eventTypes). Such an event can never
 * succeed, so the runner parks it at once, like a body that is not an envelope, rather than
 * letting a cast fail somewhere in apply. A projection that declares no types takes every event
 * and so names no contract to check against.
 */
export function payloadProblem(projection: Projection, event: EventEnvelope, validate: PayloadValidator = validateEventPayload): Error | undefined {
  if (!projection.eventTypes?.includes(event.type)) return undefined;
  const reason = validate(event.type, event.schemaVersion, event.data);
  return reason === undefined ? undefined : new Error(reason);
}
