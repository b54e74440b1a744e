// @peculiar/x509 and NestJS need the Reflect metadata polyfill loaded before anything else.
require('reflect-metadata');
// In-process apps log JSON lines to stdout (libs/service-kit/src/telemetry); a test run shows
// warnings and errors only, unless PKI_LOG_LEVEL says otherwise. Apps spawned by the e2e suites
// log at info, as in production (apps/e2e/src/app-process.ts).
if (!process.env.PKI_LOG_LEVEL) process.env.PKI_LOG_LEVEL = 'warn';
