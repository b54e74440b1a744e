import { connect } from 'nats';
import { cleanupNatsPrefix, createTestDatabase, startNatsServer, startPostgresInstance, testNatsUrl, uniquePrefix, waitFor } from '@pki/testing';
import { APPS, httpStatus, spawnApp, waitUntilReady } from './app-process';

describe('every app as a process', () => {
  it.each(APPS)('%s boots, reports live and ready, and exits cleanly on SIGTERM', async (app) => {
    const database = await createTestDatabase();
    const prefix = uniquePrefix();
    const running = await spawnApp(app, { DATABASE_URL: database.url, NATS_URL: testNatsUrl(), PKI_NATS_PREFIX: prefix });
    try {
      await waitUntilReady(running);
      expect(await httpStatus(`${running.url}/health/live`)).toBe(200);
      const exit = await running.stop();
      expect({ exit, output: exit === 'timeout' || exit.code !== 0 ? running.output() : '' }).toEqual({ exit: { code: 0, signal: null }, output: '' });
    } finally {
      running.child.kill('SIGKILL');
      const nc = await connect({ servers: [testNatsUrl()] });
      await cleanupNatsPrefix(nc, prefix);
      await nc.close();
      await database.destroy();
    }
  });

  it('reports not ready while NATS is unreachable, and ready again once it is back', async () => {
    const database = await createTestDatabase();
    const nats = await startNatsServer();
    const running = await spawnApp('ca-service', { DATABASE_URL: database.url, NATS_URL: nats.url, PKI_NATS_PREFIX: uniquePrefix() });
    try {
      await waitUntilReady(running);
      await nats.kill('SIGKILL');
      await waitFor(async () => (await httpStatus(`${running.url}/health/ready`)) === 503, { timeoutMs: 30_000, what: 'readiness to fail without NATS' });
      expect(await httpStatus(`${running.url}/health/live`)).toBe(200);
      await nats.restart();
      await waitFor(async () => (await httpStatus(`${running.url}/health/ready`)) === 200, { timeoutMs: 60_000, what: 'readiness to return with NATS' });
    } finally {
      running.child.kill('SIGKILL');
      await running.exited;
      await nats.stop();
      await database.destroy();
    }
  });

  it('reports not ready while Postgres is unreachable, and ready again once it is back', async () => {
    const postgres = await startPostgresInstance();
    const prefix = uniquePrefix();
    const running = await spawnApp('issuance-service', { DATABASE_URL: postgres.url, NATS_URL: testNatsUrl(), PKI_NATS_PREFIX: prefix });
    try {
      await waitUntilReady(running);
      await postgres.stopImmediate();
      await waitFor(async () => (await httpStatus(`${running.url}/health/ready`)) === 503, { timeoutMs: 30_000, what: 'readiness to fail without Postgres' });
      expect(await httpStatus(`${running.url}/health/live`)).toBe(200);
      await postgres.start();
      await waitFor(async () => (await httpStatus(`${running.url}/health/ready`)) === 200, { timeoutMs: 60_000, what: 'readiness to return with Postgres' });
    } finally {
      running.child.kill('SIGKILL');
      await running.exited;
      const nc = await connect({ servers: [testNatsUrl()] });
      await cleanupNatsPrefix(nc, prefix);
      await nc.close();
      await postgres.destroy();
    }
  });
});
