import type { JetStreamManager, NatsError, StoredMsg } from 'nats';

/** JetStream API error codes (`err_code` of the server's error replies) this library reacts to. */
export const JS_API_ERRORS = {
  ConsumerNotFound: 10014,
  NoMessageFound: 10037,
  StreamNameInUse: 10058,
  StreamNotFound: 10059,
} as const;

/** Whether `error` is the JetStream API's error reply with this `err_code`. */
export function isJetStreamApiError(error: unknown, errCode: number): boolean {
  return (error as Partial<NatsError> | null)?.api_error?.err_code === errCode;
}

export function isStreamNotFound(error: unknown): boolean {
  return isJetStreamApiError(error, JS_API_ERRORS.StreamNotFound);
}

/** The message stored at `seq`, or null when the stream holds none there. */
export async function storedMessage(jsm: JetStreamManager, stream: string, seq: number): Promise<StoredMsg | null> {
  try {
    return await jsm.streams.getMessage(stream, { seq });
  } catch (error) {
    if (isJetStreamApiError(error, JS_API_ERRORS.NoMessageFound)) return null;
    throw error;
  }
}

/** The sequence of the last message on `subject` (wildcards allowed), or 0 when the stream holds none (or does not exist). */
export async function lastSequenceOn(jsm: JetStreamManager, stream: string, subject: string): Promise<number> {
  try {
    return (await jsm.streams.getMessage(stream, { last_by_subj: subject })).seq;
  } catch (error) {
    if (isJetStreamApiError(error, JS_API_ERRORS.NoMessageFound) || isStreamNotFound(error)) return 0;
    throw error;
  }
}
