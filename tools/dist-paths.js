// Resolves the workspace's `@pki/<lib>` imports to the compiled libraries in dist/ at run
// time (TypeScript's `paths` only exist at compile time). Preload with `node -r`.
const Module = require('node:module');
const path = require('node:path');

const dist = path.resolve(__dirname, '..', 'dist', 'libs');
const original = Module._resolveFilename;
Module._resolveFilename = function resolve(request, parent, isMain, options) {
  const match = /^@pki\/([a-z0-9-]+)$/.exec(request);
  if (match) return original.call(this, path.join(dist, match[1], 'src', 'index.js'), parent, isMain, options);
  return original.call(this, request, parent, isMain, options);
};
