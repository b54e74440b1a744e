/**
 * The command line every model-driven generator shares (generate-shapes.ts, ../proto/generate-protos.ts):
 * write each generated file under the repository root, or with `--json` print { path: content }
 * instead, which the staleness tests compare with the committed files in memory.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const REPOSITORY_ROOT = join(__dirname, '..', '..');

export const runGenerator = (generate: () => Record<string, string>, argv: readonly string[] = process.argv): void => {
  if (argv.includes('--json')) {
    process.stdout.write(JSON.stringify(generate()));
    return;
  }
  for (const [path, content] of Object.entries(generate())) {
    const target = join(REPOSITORY_ROOT, path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, content);
    console.log(`wrote ${path}`);
  }
};
