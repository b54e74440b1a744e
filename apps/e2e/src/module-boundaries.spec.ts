import { execFileSync } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(__dirname, '..', '..', '..');

/**
 * The module boundaries are a build rule, not a convention: these lint virtual files at real
 * paths and expect the rules to fire (and a legal import to pass, so the test can fail).
 */
describe('module boundaries', () => {
  beforeAll(() => {
    // The Nx rule reads the cached project graph; computing it is what `npm run lint` does first.
    execFileSync(process.execPath, [path.join(root, 'node_modules', 'nx', 'dist', 'bin', 'nx.js'), 'show', 'projects'], { cwd: root, env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' }, stdio: 'ignore' });
  }, 120_000);

  // ESLint's API in a child process: the flat config is an ES module, which Jest cannot load
  // without flags. One process lints a batch of probes (loading ESLint and the Nx graph is the slow part).
  const LINT_PROBES = `
    import { ESLint } from 'eslint';
    let input = '';
    for await (const chunk of process.stdin) input += chunk;
    const eslint = new ESLint({ cwd: process.cwd() });
    const out = [];
    for (const { file, code } of JSON.parse(input)) {
      const [result] = await eslint.lintText(code, { filePath: file });
      out.push(result.messages.map((m) => m.ruleId ?? m.message));
    }
    process.stdout.write(JSON.stringify(out));
  `;
  function lintProbes(probes: ReadonlyArray<{ file: string; code: string }>): string[][] {
    const output = execFileSync(process.execPath, ['--input-type=module', '-e', LINT_PROBES], {
      cwd: root,
      input: JSON.stringify(probes.map((p) => ({ file: path.join(root, p.file), code: p.code }))),
      env: { ...process.env, NX_DAEMON: 'false' },
    }).toString();
    return JSON.parse(output) as string[][];
  }
  async function ruleIds(file: string, code: string): Promise<string[]> {
    return lintProbes([{ file, code }])[0]!;
  }

  it('forbids an app importing another app', async () => {
    expect(await ruleIds('apps/issuance-service/src/probe.ts', "import { caServiceDefinition } from '../../ca-service/src/app.module';\nexport const x = caServiceDefinition;\n")).toContain(
      '@nx/enforce-module-boundaries',
    );
  });

  it('forbids the gateway reaching the event store', async () => {
    expect(await ruleIds('apps/api-gateway/src/probe.ts', "import { EventStore } from '@pki/eventstore';\nexport const x = EventStore;\n")).toContain('@nx/enforce-module-boundaries');
  });

  it('forbids I/O frameworks in domain code, contracts, pki and the gRPC contract', () => {
    const probes = ['apps/ca-service/src/domain/probe.ts', 'libs/contracts/src/probe.ts', 'libs/pki/src/probe.ts', 'libs/grpc-api/src/probe.ts'].flatMap((file) => [
      { file, code: "import { sql } from 'kysely';\nexport const x = sql;\n" },
      { file, code: "import { Injectable } from '@nestjs/common';\nexport const x = Injectable;\n" },
    ]);
    for (const ruleIdsOfProbe of lintProbes(probes)) expect(ruleIdsOfProbe).toContain('no-restricted-imports');
  });

  it('forbids file, network and process I/O and reflect-metadata in domain code, contracts, pki and the gRPC contract (both spellings of node modules)', () => {
    const banned = ['node:fs', 'fs', 'node:fs/promises', 'fs/promises', 'node:net', 'net', 'node:child_process', 'child_process'];
    const probes = ['apps/issuance-service/src/domain/probe.ts', 'libs/contracts/src/probe.ts', 'libs/pki/src/probe.ts', 'libs/grpc-api/src/probe.ts'].flatMap((file) => [
      ...banned.map((name) => ({ file, code: `import * as io from '${name}';\nexport const x = io;\n` })),
      { file, code: "import 'reflect-metadata';\nexport const x = 1;\n" },
    ]);
    const results = lintProbes(probes);
    expect(probes.map((p, i) => [p.file, p.code.split('\n')[0], results[i]])).toEqual(probes.map((p) => [p.file, p.code.split('\n')[0], ['no-restricted-imports']]));
  }, 120_000);

  it('keeps the framework bans in the tests of pure folders, and lets them use node:fs and child_process', () => {
    const nodeIo = "import { readFileSync } from 'node:fs';\nimport { execFileSync } from 'node:child_process';\nexport const x = [readFileSync, execFileSync];\n";
    const [framework, ...tests] = lintProbes([
      { file: 'apps/ca-service/src/domain/probe.spec.ts', code: "import { sql } from 'kysely';\nexport const x = sql;\n" },
      ...['apps/ca-service/src/domain/probe.spec.ts', 'apps/ca-service/src/domain/probe.spec-helper.ts', 'libs/pki/src/probe.spec.ts'].map((file) => ({ file, code: nodeIo })),
    ]);
    expect(framework).toContain('no-restricted-imports');
    expect(tests).toEqual([[], [], []]);
  }, 120_000);

  it('allows what the layering allows', () => {
    expect(
      lintProbes([
        { file: 'apps/ca-service/src/application/probe.ts', code: "import { EventStore } from '@pki/eventstore';\nexport const x = EventStore;\n" },
        { file: 'apps/ca-service/src/domain/probe.ts', code: "import { DomainError } from '@pki/contracts';\nexport const x = DomainError;\n" },
        // The modules banned in domain/ are fine outside it: the ban is about the folder.
        { file: 'apps/ca-service/src/application/probe.ts', code: "import 'reflect-metadata';\nimport { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n" },
        // pki encodes the AWS values contracts defines once (revocation reasons, algorithms), and nothing with I/O.
        { file: 'libs/pki/src/probe.ts', code: "import { REVOCATION_REASON_CODES } from '@pki/contracts';\nexport const x = REVOCATION_REASON_CODES;\n" },
        // The gateway serves the generated gRPC contract, and the end-to-end suites call it.
        { file: 'apps/api-gateway/src/probe.ts', code: "import { PrivateCaService } from '@pki/grpc-api';\nexport const x = PrivateCaService;\n" },
        { file: 'apps/e2e/src/probe.ts', code: "import { PrivateCaService } from '@pki/grpc-api';\nexport const x = PrivateCaService;\n" },
      ]),
    ).toEqual([[], [], [], [], [], []]);
    const forbidden = lintProbes([
      { file: 'libs/pki/src/probe.ts', code: "import { EventStore } from '@pki/eventstore';\nexport const x = EventStore;\n" },
      // The gRPC contract is generated from the protos alone: it reaches no service internals.
      { file: 'libs/grpc-api/src/probe.ts', code: "import { EventStore } from '@pki/eventstore';\nexport const x = EventStore;\n" },
    ]);
    for (const ruleIdsOfProbe of forbidden) expect(ruleIdsOfProbe).toContain('@nx/enforce-module-boundaries');
  });
});
