import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from '@playwright/test';

/**
 * End-to-end flows in Debian's Chromium (never a downloaded browser) against the built server on
 * a fresh, throw-away data directory. Build first: `npm run test:e2e` does.
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const port = Number(process.env.E2E_PORT ?? 3210);
const dataDir = process.env.E2E_DATA_DIR ?? mkdtempSync(path.join(tmpdir(), 'parta-e2e-'));
/** The server runs with the same Node flags as `npm start`. */
const { nodeArgs } = (JSON.parse(readFileSync(path.join(root, 'apps/server/package.json'), 'utf8')) as { parta: { nodeArgs: string[] } }).parta;

export default defineConfig({
  testDir: './tests',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL: `http://localhost:${port}`,
    browserName: 'chromium',
    headless: true,
    locale: 'ru-RU',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      // Calls: a synthetic camera and microphone, and no permission prompt.
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--use-fake-device-for-media-stream',
        '--use-fake-ui-for-media-stream',
      ],
    },
  },
  webServer: {
    command: [path.join(root, 'node_modules/.bin/node'), ...nodeArgs, path.join(root, 'apps/server/dist/main.js')].join(' '),
    url: `http://localhost:${port}/readyz`,
    cwd: root,
    reuseExistingServer: false,
    timeout: 60_000,
    env: { PORT: String(port), DATA_DIR: dataDir, NODE_ENV: 'development', LOG_LEVEL: 'warn' },
    stdout: 'pipe',
  },
});
