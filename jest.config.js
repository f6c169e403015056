/** Jest runs TypeScript through swc (no type-check; `npm run typecheck` does that). */
module.exports = {
  // The node environment, holding the code's JSON log and metric lines unless a test fails (test/support/quiet-environment.ts).
  testEnvironment: '<rootDir>/test/support/quiet-environment.ts',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  // @middy/core is ESM-only: let swc transform it to CommonJS.
  transformIgnorePatterns: ['/node_modules/(?!@middy/)'],
  transform: {
    '^.+\\.(t|j)s$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } }],
  },
  testTimeout: 30000,
  maxWorkers: 2,
};
