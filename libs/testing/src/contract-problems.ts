import { validateEventPayload, type NewEvent } from '@pki/contracts';

/**
 * What a consumer would park of `events` (a decider's output): each payload is checked against
 * its schema in libs/contracts after a JSON round trip, as the projection runner receives it.
 * Empty when every payload keeps its contract.
 */
export function contractProblems(events: readonly NewEvent[]): string[] {
  return events.flatMap((event) => validateEventPayload(event.type, event.schemaVersion, JSON.parse(JSON.stringify(event.data))) ?? []);
}
