import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { generateCrlInChild } from './crl-child';

// A checkout whose dist/ holds stand-ins for the modules the child loads: generateCrl answers
// `busy` once, then publishes (or fails for the CA `broken`), and reports what it was given.
const FAKE_DIST: Record<string, string> = {
  'tools/dist-paths.js': '',
  'dist/libs/eventstore/src/index.js': `
    exports.createDb = () => ({ selectNoFrom: () => ({ execute: async () => [] }), destroy: async () => undefined });
    exports.EventStore = class { constructor(db, options) { this.schema = options.schema; } };`,
  'dist/libs/object-storage/src/index.js': 'exports.createObjectStorage = () => ({});',
  'dist/libs/service-kit/src/index.js': `
    exports.loadConfig = () => ({ databaseUrl: 'postgres://x/y', natsServers: [], natsPrefix: 'p', requestTimeoutMs: 1000, publicUrl: 'http://x' });
    exports.connectNats = async () => ({ drain: async () => undefined });
    exports.ServiceClient = class {};
    exports.caSignerClient = () => ({});`,
  'dist/apps/revocation-service/src/application/revocation-env.js': 'exports.revocationEnv = () => ({ catchUpMs: 1, crlDelayMs: 1, ocspValiditySeconds: 1 });',
  'dist/apps/revocation-service/src/application/crl-generation.js': `
    let calls = 0;
    exports.generateCrl = async (context, caId) => {
      if (caId === 'broken') return { kind: 'failed', why: 'no signing key' };
      if (calls++ === 0) return { kind: 'busy' };
      return { kind: 'published', event: { entryCount: calls, size: 321, crlNumber: caId + '/' + context.store.schema }, phases: { read: 1, build: 2, sign: 3, publish: 4 } };
    };`,
};

describe('CRL generation in its own process', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'bench-crl-child-'));
    for (const [path, text] of Object.entries(FAKE_DIST)) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), text);
    }
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("runs the given build's generateCrl for the CA, tries again while busy, and reports the outcome and memory", async () => {
    const result = await generateCrlInChild('ca-1', { root, name: 'spec' });
    expect(result).toMatchObject({ entryCount: 2, size: 321, crlNumber: 'ca-1/revocation', phases: { read: 1, build: 2, sign: 3, publish: 4 } });
    expect(result.ms).toBeGreaterThanOrEqual(0);
    expect(result.baselineRssMb).toBeGreaterThan(0);
    expect(result.peakRssMb).toBeGreaterThanOrEqual(result.baselineRssMb);
  });

  it('rejects when the generation does not publish', async () => {
    await expect(generateCrlInChild('broken', { root, name: 'spec' })).rejects.toThrow('the CRL generation process exited with 1');
  });
});
