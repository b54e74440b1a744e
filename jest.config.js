// One Jest run, three projects by suffix (STYLE.md): *.spec.ts are pure unit tests,
// *.int-spec.ts talk to real Postgres and NATS, *.e2e-spec.ts drive the running stack with
// the real AWS SDKs. Type checking is done once by `npm run typecheck`, so ts-jest only
// transpiles (isolatedModules) and the suite stays fast.
const moduleNameMapper = {
  '^@pki/(.*)$': '<rootDir>/libs/$1/src/index.ts',
};
const transform = {
  '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }],
  // ES-module-only packages (tools/jest-esm-transform.js): @noble/post-quantum and its own @noble deps.
  '/node_modules/@noble/post-quantum/.+\\.js$': '<rootDir>/tools/jest-esm-transform.js',
};
const common = {
  rootDir: __dirname,
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper,
  transform,
  // node_modules stay untransformed, except the ES-module-only @noble/post-quantum tree.
  transformIgnorePatterns: ['^(?!.*/node_modules/@noble/post-quantum/).*/node_modules/'],
  setupFiles: ['<rootDir>/tools/jest-setup.js'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
};
module.exports = {
  testTimeout: 60000,
  // Two workers on the 2-core machine: the suites mostly wait on Postgres, NATS and child processes.
  maxWorkers: 2,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs,bench}/**/*.spec.ts'] },
    { ...common, displayName: 'int', testMatch: ['<rootDir>/{apps,libs}/**/*.int-spec.ts'], slowTestThreshold: 30 },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/{apps,libs,test}/**/*.e2e-spec.ts'], slowTestThreshold: 60 },
  ],
};
