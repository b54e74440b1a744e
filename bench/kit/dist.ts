/**
 * The compiled code in dist/ (`npm run build`), loaded as the stack runs it: tools/dist-paths.js
 * resolves its `@pki/*` imports (registered on the first load, so importing this file has no
 * side effect). The benchmarks seed and measure with the services' own code.
 */
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '..', '..');
const load = createRequire(__filename);
let pathsRegistered = false;

export function dist<T>(path: string): T {
  if (!pathsRegistered) {
    load(join(ROOT, 'tools', 'dist-paths.js'));
    pathsRegistered = true;
  }
  try {
    return load(join(ROOT, 'dist', path)) as T;
  } catch (error) {
    throw new Error(`cannot load dist/${path} (run \`npm run build\` first): ${(error as Error).message}`);
  }
}
