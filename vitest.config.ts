import { defineConfig } from 'vitest/config';

/**
 * One test command for the whole workspace (`npm test`). Server and contracts tests run in Node;
 * web tests opt into jsdom with a `// @vitest-environment jsdom` comment.
 * `@parta/source` makes @parta/contracts resolve to its TypeScript source, so no build is needed.
 */
export default defineConfig({
  resolve: { conditions: ['@parta/source'] },
  ssr: { resolve: { conditions: ['@parta/source'] } },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'apps/*/src/**/*.test.{ts,tsx}', 'bench/src/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
