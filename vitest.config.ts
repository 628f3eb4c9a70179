import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    // Builds dist/ when it is missing or stale: test/cli.test.ts spawns the built binary.
    globalSetup: ['test/global-setup.ts'],
  },
});
