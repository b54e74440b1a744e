#!/usr/bin/env node
// Checks package.json against the code (run by `npm run lint`):
//   - phantom: a package imported by the code but not declared (it works only while some other
//     package happens to pull it in, at whatever version that one wants);
//   - unused: a package declared but imported nowhere and not in CONFIG_ONLY below;
//   - dev-only in production code: a devDependency imported by code the image runs (the image
//     drops devDependencies: deploy/Dockerfile installs with `npm ci --omit=dev`).
// Import specifiers (import/export ... from, import(), require()) are read with TypeScript's
// own pre-processor, so strings and comments that merely look like imports do not count.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { builtinModules } = require('node:module');
const ts = require('typescript');

/** The repository, or the directory given as the first argument (the check's own test uses a fixture). */
const root = path.resolve(process.argv[2] ?? path.join(__dirname, '..'));
const SCANNED = ['apps', 'libs', 'bench', 'tools', 'scripts'];
const ROOT_FILES = ['eslint.config.mjs', 'jest.config.js'];
const EXTENSIONS = /\.(ts|js|mjs|cjs)$/;
const SKIPPED_DIRS = new Set(['node_modules', 'dist', 'coverage', 'testdata', '.nx']);

/** Declared packages that no import names, each with where it is used instead. */
const CONFIG_ONLY = {
  '@types/jest': 'tsconfig.base.json "types"',
  '@types/node': 'tsconfig "types"',
  '@types/pg': 'types of pg',
  eslint: 'the `eslint` CLI in package.json scripts',
  jest: 'the `jest` CLI in package.json scripts',
  nx: '`nx show projects` in the lint script; nx.json and project.json files',
  'ts-jest': 'jest.config.js transform',
  typescript: 'the `tsc` CLI in package.json scripts; bench/ts-hook.js',
  'reflect-metadata': 'loaded first by every main.ts and tools/jest-setup.js',
  rxjs: 'peer dependency of @nestjs/common and @nestjs/core',
  '@nestjs/platform-express': 'loaded by NestFactory for the HTTP adapter',
  pkcs11js: 'the native binding graphene-pk11 loads (and allowScripts builds)',
  '@bufbuild/buf': 'the `buf` CLI in package.json scripts (lint, generate:grpc) and libs/grpc-api/src/buf.spec.ts',
  '@bufbuild/protoc-gen-es': 'the local protoc plugin buf.gen.yaml runs (node_modules/.bin/protoc-gen-es)',
  'pino-pretty': 'pino transport target by name, for a terminal outside production (libs/service-kit/src/telemetry/logger.ts)',
};

/** Files the production image never runs: tests, their helpers, benchmarks, tools. */
function isTestOrTool(relative) {
  return (
    /\.(spec|int-spec|e2e-spec)\.ts$/.test(relative) ||
    /\.(spec-helper|test-helpers?)\.ts$/.test(relative) ||
    /(^|\/)test\//.test(relative) ||
    /^(apps\/e2e|libs\/testing|bench|tools|scripts)\//.test(relative) ||
    ROOT_FILES.includes(relative)
  );
}

function* sourceFiles(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (SKIPPED_DIRS.has(entry.name)) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* sourceFiles(full);
    else if (EXTENSIONS.test(entry.name)) yield full;
  }
}

/** Module specifiers of one file: static and dynamic imports, re-exports and require() calls. */
const specifiers = (source) => ts.preProcessFile(source, true, true).importedFiles.map((f) => f.fileName);

/** The npm package a specifier names, or undefined for relative paths, built-ins and workspace libs. */
function packageOf(specifier) {
  if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('node:') || specifier.startsWith('@pki/')) return undefined;
  const parts = specifier.split('/');
  const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
  return builtinModules.includes(name) ? undefined : name;
}

function check() {
  const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const dependencies = new Set(Object.keys(manifest.dependencies ?? {}));
  const devDependencies = new Set(Object.keys(manifest.devDependencies ?? {}));
  /** package -> files importing it */
  const importers = new Map();
  const files = [...SCANNED.filter((dir) => fs.existsSync(path.join(root, dir))).flatMap((dir) => [...sourceFiles(path.join(root, dir))]), ...ROOT_FILES.map((f) => path.join(root, f)).filter((f) => fs.existsSync(f))];
  for (const file of files) {
    const relative = path.relative(root, file).split(path.sep).join('/');
    for (const specifier of specifiers(fs.readFileSync(file, 'utf8'))) {
      const name = packageOf(specifier);
      if (!name) continue;
      if (!importers.has(name)) importers.set(name, new Set());
      importers.get(name).add(relative);
    }
  }

  const problems = [];
  for (const [name, by] of [...importers].sort(([a], [b]) => a.localeCompare(b))) {
    const list = [...by].sort();
    if (!dependencies.has(name) && !devDependencies.has(name)) {
      problems.push(`phantom: ${name} is imported but not declared in package.json (${list.slice(0, 3).join(', ')}${list.length > 3 ? ', ...' : ''})`);
      continue;
    }
    const production = list.filter((f) => !isTestOrTool(f));
    if (!dependencies.has(name) && production.length > 0) {
      problems.push(`dev-only in production code: ${name} is a devDependency but ${production.slice(0, 3).join(', ')} import it (the image omits devDependencies)`);
    }
  }
  for (const name of [...dependencies, ...devDependencies].sort()) {
    if (!importers.has(name) && !(name in CONFIG_ONLY)) problems.push(`unused: ${name} is declared in package.json but imported nowhere (remove it, or list it in CONFIG_ONLY with where it is used)`);
  }
  return problems;
}

const problems = check();
for (const problem of problems) console.error(`check-dependencies: ${problem}`);
process.exitCode = problems.length > 0 ? 1 : 0;
