export { waitFor } from './wait-for';
export { freePort } from './free-port';
export { createTestDatabase, type TestDatabase, type TestDatabaseOptions } from './test-database';
export { testNatsUrl, assertNatsReachable, uniquePrefix, cleanupNatsPrefix } from './test-nats';
export { startNatsServer, type NatsServerProcess } from './nats-server.process';
export { startPostgresInstance, type PostgresInstance } from './postgres-instance.process';
export { createSoftHsmToken, type SoftHsmToken } from './softhsm-token';
export { contractProblems } from './contract-problems';
export {
  deciderSpec,
  errorOf,
  thrownBy,
  expectError,
  type Decider,
  type DeciderSpec,
  type DeciderGiven,
  type DeciderWhen,
  type ErrorExpectation,
} from './decider-spec';
export { parsePrometheusText, samplesOf, sampleSum, PrometheusTextError, type MetricFamily, type MetricType, type Sample } from './prometheus-text';
export { publicEventProblems, publicSchemaFile, PUBLIC_SCHEMA_DIR } from './public-event-schemas';
export { AWS_PCA_EVENT_EXAMPLES, shapeDifferences } from './aws-pca-events';
export { Sha256 } from './sha256';
export { basicOcspResponseOf, certificateSpki, mlDsaPublicKeyOf, pqcleanVerifiesMlDsa, pqcleanVerifiesSigned } from './ml-dsa-independent';
