import { defineConfig } from 'vitest/config';

// Tests import the workspace packages' TypeScript sources (the `source` export condition),
// so one copy of each module is loaded and no build is needed to run them.
export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    include: ['packages/*/test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
});
