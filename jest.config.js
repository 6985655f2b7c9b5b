/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  transform: {
    "^.+\\.ts$": ["@swc/jest", { jsc: { parser: { syntax: "typescript" }, target: "es2022" } }],
  },
  // The end-to-end tests run the esbuild bundles, so they are built once before any test.
  globalSetup: "<rootDir>/test/support/global-setup.ts",
  setupFiles: ["<rootDir>/test/support/setup-env.ts"],
  testTimeout: 30_000,
};
