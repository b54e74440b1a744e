export { createDb, ensureDatabaseExists, poolOf } from './db/create-db';
export { migrateToLatest } from './db/migrate-to-latest';
export { CompiledOnce } from './db/compiled-query';
export { eventStoreMigrations } from './store/event-store.migrations';
export { ConcurrencyError } from './store/concurrency.error';
export { withActiveTrace } from './store/envelope.mapping';
export { EventStore, type EventStoreOptions, type ProjectInTransaction } from './store/event-store';
export { ensureEventStream, eventStreamConfig, type EventStreamOptions } from './jetstream/ensure-event-stream';
export { isInterruption, watchConnection, type ConnectionWatch } from './jetstream/connection-watch';
export { OutboxRelay, type OutboxRelayOptions, type PublicFeedOptions, type RelayLogger } from './relay/outbox-relay';
export { ensurePublicStream, type PublicStreamOptions } from './jetstream/ensure-public-stream';
export type { Projection } from './projection/projection';
export { EventTooEarly, inStreamOrder } from './projection/event-too-early';
export { ProjectionRunner, type ProjectionRunnerOptions } from './projection/projection-runner';
export { catchUp, type CatchUp, type CatchUpTarget } from './projection/catch-up';
export { findAfterCatchUp, type FindAfterCatchUpOptions } from './projection/find-after-catch-up';
export { DEFAULT_ACK_WAIT_MS } from './projection/consumer-setup';
export type { PayloadValidator } from './projection/payload-check';
export { projectionMigrations } from './projection/projection.migrations';
export type { ProjectionCheckpoint, ParkedMessage } from './projection/projection.tables';
// The runtime every event-sourced service starts on, and its Nest module (added by the lead).
export { ServiceRuntime, type ServiceRuntimeOptions } from './service-runtime';
export { eventSourcedServiceModule, type ServiceModuleOptions, type ServiceWiring } from './service-module';
// Background workers are defined in service-kit (periodicWorker); re-exported for the services' imports.
export type { BackgroundWorker } from '@pki/service-kit';
