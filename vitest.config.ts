import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const source = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// Tests import the workspace packages' TypeScript sources, so one copy of each module is
// loaded and no build is needed to run them. This is done with aliases rather than the
// `source` export condition: third-party packages publish a `source` condition too (e.g.
// `eventsource`, pulled in by @openai/agents-realtime), pointing at .ts files Node cannot load.
export default defineConfig({
  resolve: {
    alias: [
      { find: /^@parley\/protocol$/, replacement: source('./packages/protocol/src/index.ts') },
      { find: /^@parley\/server$/, replacement: source('./packages/server/src/index.ts') },
      { find: /^@parley\/client$/, replacement: source('./packages/client/src/index.ts') },
      { find: /^@parley\/agents$/, replacement: source('./packages/agents/src/index.ts') },
    ],
  },
  test: {
    include: ['packages/*/test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
});
