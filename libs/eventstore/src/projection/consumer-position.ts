/**
 * Pure decisions about where a projection's durable consumer should (re)start.
 */

/** Durable consumer names may not contain whitespace, `.`, `*`, `>` or path separators; keep a safe subset. */
export function durableName(schema: string, projection: string): string {
  return `${schema}_${projection}`.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 100);
}

export interface Seen {
  readonly seq: number;
  readonly eventId: string | null;
}

/**
 * The first stream sequence to deliver when the consumer must be (re)created. Normally right
 * after the checkpoint. When JetStream lost messages, sequences after the loss point were
 * reused for other (republished) events, so rewind `replayMargin` messages before the
 * lower of checkpoint and stream end: the processed-event table skips what was already
 * applied, and nothing republished is skipped.
 */
export function restartSequence(checkpointSeq: number, lastStreamSeq: number, diverged: boolean, replayMargin: number): number {
  if (!diverged) return checkpointSeq + 1;
  return Math.max(1, Math.min(checkpointSeq, lastStreamSeq) - replayMargin + 1);
}

/** Whether what we saw at `seen.seq` is no longer what the stream holds there. */
export function hasDiverged(seen: Seen, lastStreamSeq: number, storedEventId: string | null | undefined): boolean {
  if (seen.seq <= 0 || seen.eventId === null) return false;
  if (seen.seq > lastStreamSeq) return true;
  return storedEventId !== seen.eventId;
}
