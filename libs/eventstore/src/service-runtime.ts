import type { JetStreamManager, NatsConnection } from 'nats';
import { sql, type Kysely, type Migration } from 'kysely';
import type { ServiceName } from '@pki/contracts';
import { natsReadinessCheck, type ReadinessCheck } from '@pki/service-kit';
import { createDb, ensureDatabaseExists } from './db/create-db';
import { migrateToLatest } from './db/migrate-to-latest';
import { collectRuntimeMetrics, type ObservedProjection } from './eventstore-metrics';
import { ensureEventStream } from './jetstream/ensure-event-stream';
import type { CatchUp } from './projection/catch-up';
import type { Projection } from './projection/projection';
import { ProjectionRunner } from './projection/projection-runner';
import { projectionMigrations } from './projection/projection.migrations';
import { OutboxRelay, type PublicFeedOptions } from './relay/outbox-relay';
import { EventStore } from './store/event-store';
import { eventStoreMigrations } from './store/event-store.migrations';

export interface ServiceRuntimeOptions {
  readonly databaseUrl: string;
  /** The process's one NATS connection (owned, and drained, by whoever made it). */
  readonly nc: NatsConnection;
  readonly prefix: string;
  readonly service: ServiceName;
  /** The service's own Postgres schema (DESIGN.md: one schema per service). */
  readonly schema: string;
  /** The service's own migrations (read models); the event store's and projections' are added here. */
  readonly migrations: Record<string, Migration>;
  /** Projections of other services' events this service keeps (given the service's database). */
  readonly projections?: (db: Kysely<any>) => ReadonlyArray<{ readonly source: ServiceName; readonly projection: Projection }>;
  readonly poolSize?: number;
  /** The service's public feed (issue #15), published by its relay; none: the service has no public events. */
  readonly publicFeed?: PublicFeedOptions;
  readonly logger?: { log(message: string): void; error(message: string, error?: unknown): void };
}

/**
 * What every event-sourced service runs on: its database (created and migrated at start),
 * its event store, the outbox relay that publishes its events to JetStream, and the
 * projections it keeps of other services' events, all on the process's NATS connection.
 * Stopping is two steps so the connection can drain in between: `stopBackground()` (projections,
 * relay), then `closeDatabase()`.
 */
export class ServiceRuntime {
  private relay: OutboxRelay | undefined;
  private readonly runners: ProjectionRunner[] = [];
  private stopMetrics: (() => void) | undefined;

  private constructor(
    readonly db: Kysely<any>,
    readonly nc: NatsConnection,
    readonly store: EventStore,
    private readonly options: ServiceRuntimeOptions,
  ) {}

  static async start(options: ServiceRuntimeOptions): Promise<ServiceRuntime> {
    await ensureDatabaseExists(options.databaseUrl);
    const db = createDb(options.databaseUrl, { max: options.poolSize ?? 10 });
    try {
      await migrateToLatest(db, options.schema, {
        ...eventStoreMigrations(options.schema),
        ...projectionMigrations(options.schema),
        ...options.migrations,
      });
    } catch (error) {
      await db.destroy();
      throw error;
    }
    const runtime = new ServiceRuntime(db, options.nc, new EventStore(db, { schema: options.schema }), options);
    try {
      await runtime.startBackground();
    } catch (error) {
      await runtime.stopBackground();
      await runtime.closeDatabase();
      throw error;
    }
    return runtime;
  }

  private async startBackground(): Promise<void> {
    const { options } = this;
    await ensureEventStream(await this.nc.jetstreamManager(), options.prefix, options.service);
    this.relay = new OutboxRelay({ db: this.db, schema: options.schema, nc: this.nc, prefix: options.prefix, service: options.service, publicFeed: options.publicFeed, logger: options.logger });
    await this.relay.start();
    const observed: ObservedProjection[] = [];
    for (const { source, projection } of options.projections?.(this.db) ?? []) {
      const runner = new ProjectionRunner({ db: this.db, schema: options.schema, nc: this.nc, prefix: options.prefix, source, projection, logger: options.logger });
      await runner.start();
      this.runners.push(runner);
      observed.push({ projection: runner.projectionName, source, streamName: runner.streamName, filter: () => runner.filterSubject });
    }
    // Outbox backlog, projection lag, parked messages and pool usage, read at each scrape of /metrics.
    let jsm: Promise<JetStreamManager> | undefined;
    this.stopMetrics = collectRuntimeMetrics({
      db: this.db,
      schema: options.schema,
      jsm: () =>
        (jsm ??= this.nc.jetstreamManager().catch((error: unknown) => {
          jsm = undefined;
          throw error;
        })),
      projections: observed,
    });
  }

  /**
   * The catch-up wait of one of this runtime's projections (by `Projection.name`): callers about
   * to answer "not found" from it wait only while it has events of its stream still to apply.
   */
  catchUp(projection: string): CatchUp {
    const runner = this.runners.find((r) => r.projectionName === projection);
    if (!runner) throw new Error(`${this.options.service} keeps no projection named ${projection}`);
    return runner.catchUp;
  }

  readinessChecks(): ReadinessCheck[] {
    return [
      {
        name: 'postgres',
        check: async () => {
          await sql`select 1`.execute(this.db);
        },
      },
      natsReadinessCheck(this.nc),
    ];
  }

  /** Stops the projections, then the relay (what they hold in flight is nak'd or stays pending). */
  async stopBackground(): Promise<void> {
    this.stopMetrics?.();
    this.stopMetrics = undefined;
    for (const runner of this.runners.splice(0)) await runner.stop();
    await this.relay?.stop();
    this.relay = undefined;
  }

  async closeDatabase(): Promise<void> {
    await this.db.destroy();
  }
}
