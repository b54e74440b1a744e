// Jest runs the suites as CommonJS, and @noble/post-quantum 0.7 (with the @noble/hashes and
// @noble/curves 2.x it depends on) ships ES modules only. Node 20.19+ loads those with
// require(esm) in the built apps, but Jest's module system does not, so jest.config.js sends
// just those files through this transform: TypeScript's transpiler turns `import`/`export`
// into CommonJS (no type checking, no other change).
'use strict';
const ts = require('typescript');

module.exports = {
  process(source, filename) {
    const { outputText } = ts.transpileModule(source, {
      fileName: filename,
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, allowJs: true, esModuleInterop: true, sourceMap: false },
    });
    return { code: outputText };
  },
};
