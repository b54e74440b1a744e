// Runs a TypeScript file with plain node (ts-node is not installed): `node -r ./bench/ts-hook.js x.ts`.
// Each .ts file is transpiled to CommonJS by the workspace's `typescript` package, without type
// checking (`npm run typecheck` does that).
const fs = require('node:fs');
const ts = require('typescript');

require.extensions['.ts'] = function compile(module, filename) {
  const source = fs.readFileSync(filename, 'utf8');
  const { outputText } = ts.transpileModule(source, {
    fileName: filename,
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, sourceMap: false },
  });
  module._compile(outputText, filename);
};
