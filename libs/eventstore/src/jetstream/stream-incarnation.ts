/**
 * Pure decisions about a stream's incarnation. A JetStream stream that is deleted and created
 * again (its storage lost, an operator deleting it) starts over at sequence 1 with nothing in
 * it; its creation time (StreamInfo.created, nanoseconds) tells one incarnation from the next.
 * The relay and each projection record, in Postgres, the incarnation they last worked with.
 */

/** What the outbox relay does about the stream it publishes into. */
export type RelayStreamAction = 'none' | 'record' | 'republish-all';

/**
 * `republish-all`: the stream is not the one the relay published into (or, never recorded,
 * it is empty), so every event of the events table goes out again, in position order: the
 * outbox rows of events published long ago are pruned and cannot tell what is missing.
 * `record`: first sight of a stream that holds messages (a release that did not record
 * incarnations yet): trust it; tail losses are still repaired message by message.
 */
export function relayStreamAction(recordedCreated: string | null, stream: { readonly created: string; readonly lastSeq: number }): RelayStreamAction {
  if (recordedCreated === stream.created) return 'none';
  if (recordedCreated === null && stream.lastSeq > 0) return 'record';
  return 'republish-all';
}

/** What a projection does about its source stream when (re)creating its consumer. */
export type ProjectionStreamAction = 'none' | 'record' | 'replay-all';

/**
 * `replay-all`: the source stream was recreated, so the checkpoint's sequence means nothing in
 * it; deliver it from its first message and let the processed-event table skip what was
 * applied. `record`: first sight (a new projection, or one checkpointed by an older release).
 */
export function projectionStreamAction(recordedCreated: string | null, streamCreated: string): ProjectionStreamAction {
  if (recordedCreated === streamCreated) return 'none';
  return recordedCreated === null ? 'record' : 'replay-all';
}
