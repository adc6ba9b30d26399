/// <reference types="vitest/config" />
import react from '@vitejs/plugin-react';
import { defaultClientConditions, defineConfig } from 'vite';

// The API server in development (apps/server listens here by default).
const apiServer = 'http://localhost:3000';

export default defineConfig({
  plugins: [react()],
  resolve: {
    // '@parta/source' makes @parta/contracts resolve to its TypeScript source, so the web app
    // never depends on a stale build of the contracts package.
    conditions: ['@parta/source', ...defaultClientConditions],
  },
  server: {
    port: 5173,
    strictPort: true,
    // No changeOrigin: the Host header stays localhost:5173 and matches the browser's Origin,
    // which the server checks on the WebSocket upgrade.
    proxy: {
      '/api': { target: apiServer, ws: true },
      '/healthz': { target: apiServer },
      '/readyz': { target: apiServer },
      // A regular expression so that only /dev and /dev/... go to the server, not e.g. /devices.
      '^/dev(/|$)': { target: apiServer },
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    rolldownOptions: {
      output: {
        // Libraries change far less often than our code: a separate chunk stays cached across releases.
        codeSplitting: {
          groups: [
            { name: 'react', test: /node_modules[\\/](react|react-dom|react-router|scheduler)[\\/]/ },
            { name: 'libs', test: /node_modules[\\/]/ },
          ],
        },
      },
    },
  },
  test: {
    environment: 'node',
    include: ['src/**/*.test.{ts,tsx}'],
  },
});
