// Module boundaries are enforced, not decorative: every constraint names concrete tags
// (no "*" wildcards), so an app can never import another app and the gateway can never
// reach the event store.
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

const ioPackages = ['@nestjs/*', 'kysely', 'pg', '@nats-io/*', 'nats', 'express'];
const bannedIo = {
  patterns: ioPackages.map((group) => ({
    group: [group, `${group}/**`],
    message: 'Pure code (domain/, libs/contracts, libs/pki) must not depend on I/O frameworks.',
  })),
};

export default [
  { ignores: ['**/node_modules/**', '**/dist/**', '**/coverage/**', '.nx/**', 'tmp/**', '**/*.js', '**/*.mjs', '**/*.cjs'] },
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
    // Deciders and contracts stay pure: no Nest, Kysely, pg or NATS (STYLE.md "The decider").
    files: ['apps/*/src/domain/**/*.ts', 'libs/contracts/**/*.ts', 'libs/pki/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', bannedIo] },
  },
];
