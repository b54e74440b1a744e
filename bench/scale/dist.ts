/**
 * The compiled code in dist/ (`npm run build`), loaded as the stack runs it: tools/dist-paths.js
 * resolves its `@pki/*` imports. bench:scale seeds and measures with the services' own code.
 */
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '..', '..');
const load = createRequire(__filename);
load(join(ROOT, 'tools', 'dist-paths.js'));

export function dist<T>(path: string): T {
  try {
    return load(join(ROOT, 'dist', path)) as T;
  } catch (error) {
    throw new Error(`cannot load dist/${path} (run \`npm run build\` first): ${(error as Error).message}`);
  }
}
