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

  // The ESLint CLI, not its API: the flat config is an ES module, which Jest cannot load without flags.
  async function ruleIds(file: string, code: string): Promise<string[]> {
    let output: string;
    try {
      output = execFileSync(process.execPath, [path.join(root, 'node_modules', 'eslint', 'bin', 'eslint.js'), '--format', 'json', '--stdin', '--stdin-filename', path.join(root, file)], {
        cwd: root,
        input: code,
        env: { ...process.env, NX_DAEMON: 'false' },
      }).toString();
    } catch (error) {
      output = String((error as { stdout?: Buffer }).stdout ?? '');
    }
    const [result] = JSON.parse(output) as Array<{ messages: Array<{ ruleId: string | null; message: string }> }>;
    return result!.messages.map((m) => m.ruleId ?? m.message);
  }

  it('forbids an app importing another app', async () => {
    expect(await ruleIds('apps/issuance-service/src/probe.ts', "import { caServiceDefinition } from '../../ca-service/src/app.module';\nexport const x = caServiceDefinition;\n")).toContain(
      '@nx/enforce-module-boundaries',
    );
  });

  it('forbids the gateway reaching the event store', async () => {
    expect(await ruleIds('apps/api-gateway/src/probe.ts', "import { EventStore } from '@pki/eventstore';\nexport const x = EventStore;\n")).toContain('@nx/enforce-module-boundaries');
  });

  it('forbids I/O frameworks in domain code, contracts and pki', async () => {
    for (const file of ['apps/ca-service/src/domain/probe.ts', 'libs/contracts/src/probe.ts', 'libs/pki/src/probe.ts']) {
      expect(await ruleIds(file, "import { sql } from 'kysely';\nexport const x = sql;\n")).toContain('no-restricted-imports');
      expect(await ruleIds(file, "import { Injectable } from '@nestjs/common';\nexport const x = Injectable;\n")).toContain('no-restricted-imports');
    }
  });

  it('allows what the layering allows', async () => {
    expect(await ruleIds('apps/ca-service/src/application/probe.ts', "import { EventStore } from '@pki/eventstore';\nexport const x = EventStore;\n")).toEqual([]);
    expect(await ruleIds('apps/ca-service/src/domain/probe.ts', "import { DomainError } from '@pki/contracts';\nexport const x = DomainError;\n")).toEqual([]);
    // pki encodes the AWS values contracts defines once (revocation reasons, algorithms), and nothing with I/O.
    expect(await ruleIds('libs/pki/src/probe.ts', "import { REVOCATION_REASON_CODES } from '@pki/contracts';\nexport const x = REVOCATION_REASON_CODES;\n")).toEqual([]);
    expect(await ruleIds('libs/pki/src/probe.ts', "import { EventStore } from '@pki/eventstore';\nexport const x = EventStore;\n")).toContain('@nx/enforce-module-boundaries');
  });
});
