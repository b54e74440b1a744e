// Module boundaries are enforced, not decorative: every constraint names concrete tags
// (no "*" wildcards), so an app can never import another app and the gateway can never
// reach the event store.
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

const ioPackages = ['@nestjs/*', 'kysely', 'pg', '@nats-io/*', 'nats', 'express'];
const bannedIo = {
  patterns: ioPackages.map((group) => ({
    group: [group, `${group}/**`],
    message: 'Pure code (domain/, libs/contracts, libs/pki, libs/grpc-api) must not depend on I/O frameworks.',
  })),
};
// Beyond the frameworks, production code of those folders reads no files, opens no sockets,
// starts no processes, and needs no decorator metadata (a sign of a framework or of
// @peculiar/x509, whose parsing belongs to application code). Tests there may use them.
const nodeIoModules = ['fs', 'fs/promises', 'net', 'child_process'];
const bannedIoAndNode = {
  ...bannedIo,
  paths: [
    ...nodeIoModules.flatMap((name) => [name, `node:${name}`]).map((name) => ({ name, message: 'Pure code (domain/, libs/contracts, libs/pki, libs/grpc-api) does no file, network or process I/O.' })),
    { name: 'reflect-metadata', message: 'Pure code (domain/, libs/contracts, libs/pki, libs/grpc-api) needs no decorator metadata: parse with @peculiar/x509 outside domain/, or use libs/pki.' },
  ],
};
// libs/grpc-api is the generated gRPC contract (messages and service descriptors): the servers and
// clients that do the I/O live in the apps.
const pureFolders = ['apps/*/src/domain/**/*.ts', 'libs/contracts/**/*.ts', 'libs/pki/**/*.ts', 'libs/grpc-api/**/*.ts'];

export default [
  // libs/grpc-api/src/gen is protoc-gen-es output, which opens every file with `/* eslint-disable */`
  // (checked instead by libs/grpc-api/src/buf.spec.ts and `npm run typecheck`).
  { ignores: ['**/node_modules/**', '**/dist/**', '**/coverage/**', '.nx/**', 'tmp/**', '**/*.js', '**/*.mjs', '**/*.cjs', 'libs/grpc-api/src/gen/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          banTransitiveDependencies: false,
          depConstraints: [
            // End-to-end suites run the built apps as processes; they import libs only.
            { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:contracts', 'type:pki', 'type:infra', 'type:protocol', 'type:testing'] },
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:contracts', 'type:pki', 'type:infra', 'type:protocol', 'type:testing'] },
            { sourceTag: 'scope:gateway', onlyDependOnLibsWithTags: ['scope:shared', 'scope:testing'] },
            { sourceTag: 'scope:service', onlyDependOnLibsWithTags: ['scope:shared', 'scope:persistence', 'scope:testing'] },
            { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: ['type:contracts'] },
            // type:testing is the real-server test harness; libraries' own *.int-spec.ts use it
            // (tags cannot tell a spec file from production code; the harness imports no project).
            // pki encodes the AWS values defined once in contracts (algorithms, revocation reasons); both are pure.
            { sourceTag: 'type:pki', onlyDependOnLibsWithTags: ['type:contracts', 'type:pki', 'type:testing'] },
            { sourceTag: 'type:protocol', onlyDependOnLibsWithTags: ['type:contracts', 'type:protocol', 'type:testing'] },
            { sourceTag: 'type:infra', onlyDependOnLibsWithTags: ['type:contracts', 'type:infra', 'type:testing'] },
            { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:contracts', 'type:infra', 'type:protocol', 'type:pki', 'type:testing'] },
          ],
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    // Deciders and contracts (the gRPC one included) stay pure: no Nest, Kysely, pg or NATS (docs/DESIGN.md, "Layers").
    files: pureFolders,
    rules: { 'no-restricted-imports': ['error', bannedIo] },
  },
  {
    // ... and, outside their tests, no node:fs / net / child_process or reflect-metadata.
    files: pureFolders,
    ignores: ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts', '**/*.spec-helper.ts'],
    rules: { 'no-restricted-imports': ['error', bannedIoAndNode] },
  },
];
