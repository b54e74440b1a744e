import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const root = path.resolve(__dirname, '..', '..', '..');
const CHECK = path.join(root, 'tools', 'check-dependencies.js');

/** Runs the check (part of `npm run lint`) on `dir`: its exit code and the problems it names. */
function checkDependencies(dir?: string): { code: number; problems: string[] } {
  try {
    execFileSync(process.execPath, [CHECK, ...(dir ? [dir] : [])], { cwd: root, stdio: 'pipe' });
    return { code: 0, problems: [] };
  } catch (error) {
    const { status, stderr } = error as { status: number; stderr: Buffer };
    return { code: status, problems: stderr.toString().split('\n').filter(Boolean).map((line) => line.replace(/^check-dependencies: /, '').replace(/ \(.*$/, '')) };
  }
}

/** package.json declarations against the code: the rule is enforced, so it must be able to fail. */
describe('dependency check', () => {
  it('passes on this repository', () => {
    expect(checkDependencies()).toEqual({ code: 0, problems: [] });
  });

  describe('on a fixture', () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(path.join(tmpdir(), 'check-dependencies-'));
      const write = (file: string, text: string) => {
        mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
        writeFileSync(path.join(dir, file), text);
      };
      write('package.json', JSON.stringify({ dependencies: { kysely: '1.0.0', unused: '1.0.0' }, devDependencies: { '@scope/dev': '1.0.0', 'test-only': '1.0.0', jest: '1.0.0' } }));
      write(
        'apps/app/src/main.ts',
        "import { sql } from 'kysely';\nimport { readFileSync } from 'node:fs';\nimport 'phantom/sub/path';\nexport { x } from '@scope/dev/inner';\nconst s = `import y from 'not-an-import'`;\n",
      );
      write('apps/app/src/main.spec.ts', "import { t } from 'test-only';\nimport { sql } from 'kysely';\n");
      write('libs/lib/src/lazy.ts', "export const load = () => import('@scope/lazy');\nexport const req = require('fs');\n");
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('names phantom, unused and dev-only-in-production packages, and nothing else', () => {
      expect(checkDependencies(dir)).toEqual({
        code: 1,
        problems: [
          'dev-only in production code: @scope/dev is a devDependency but apps/app/src/main.ts import it',
          'phantom: @scope/lazy is imported but not declared in package.json',
          'phantom: phantom is imported but not declared in package.json',
          'unused: unused is declared in package.json but imported nowhere',
        ],
      });
    });
  });
});
