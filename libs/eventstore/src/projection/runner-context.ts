import type { JsMsg, NatsConnection } from 'nats';
import type { Kysely } from 'kysely';
import type { EventEnvelope, ServiceName } from '@pki/contracts';
import type { StoppableSleep } from '@pki/service-kit';
import type { RelayLogger } from '../relay/outbox-relay';
import type { Seen } from './consumer-position';
import type { PayloadValidator } from './payload-check';
import type { Projection } from './projection';

export interface ProjectionRunnerOptions {
  db: Kysely<any>;
  /** Where the checkpoint, processed-event and parked tables live (projectionMigrations). */
  schema: string;
  nc: NatsConnection;
  prefix: string;
  /** Whose event stream to read. */
  source: ServiceName;
  projection: Projection;
  logger?: RelayLogger;
  /** Non-transient failures of one event before it is parked and terminated (default 5). */
  maxAttempts?: number;
  batchSize?: number;
  /** JetStream's ack wait for the durable (default DEFAULT_ACK_WAIT_MS, 5 s); messages held longer are heartbeaten. */
  ackWaitMs?: number;
  /** Messages to replay before the loss point when JetStream lost messages (default 1000). */
  replayMargin?: number;
  /** How often a stream that held messages of an older release is looked at for new ones (default LEGACY_RECHECK_MS, 30 s). */
  legacyRecheckMs?: number;
  /** Checks the payloads of the types the projection declares (default: the schemas in libs/contracts). */
  validatePayload?: PayloadValidator;
  /** Test seam: runs after commit and before ack; throwing skips the ack, as a crash there would. */
  beforeAck?: (event: EventEnvelope) => Promise<void> | void;
}

/** A delivered message and the envelope it carries. */
export interface Delivered {
  readonly msg: JsMsg;
  readonly event: EventEnvelope;
}

/** What the runner's steps (consumer setup, batch apply, park) share. */
export interface RunnerContext {
  readonly o: ProjectionRunnerOptions;
  readonly schema: string;
  /** The projection's name: its checkpoint, processed-event and parked rows. */
  readonly name: string;
  readonly logger: RelayLogger;
  /** Stopped when the runner stops: retries end and undelivered work is nak'd. */
  readonly sleeper: StoppableSleep;
  /** The last message acked (to notice a stream that lost or renumbered messages). */
  lastSeen: Seen;
  /** The source stream's incarnation (StreamInfo.created) `lastSeen` is in; undefined before the first consumer setup. */
  streamCreated?: string;
  /** The filter subject selecting the events the projection applies (eventFilterSubject); undefined: the whole stream. */
  readonly filter: string | undefined;
  /** The filter the durable was last set up with: null for the whole stream, undefined before the first setup. */
  consumerFilter?: string | null;
  /**
   * Messages on the subjects of releases before topics (legacyEventWildcard) in this incarnation
   * of the source stream: the last one's sequence seen (0: none), the last one known handled, and
   * while the durable reads the whole stream to handle them, the sequence to get past.
   */
  readonly legacy: { seen: number; handled: number; until?: number; checkedAt: number };
}
