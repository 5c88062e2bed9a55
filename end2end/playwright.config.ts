import { defineConfig } from '@playwright/test';

// Debian's Chromium (installed by scripts/setup.sh); Playwright's own browser download
// cannot work on these machines. Each test starts its own server (support/server.ts).
export default defineConfig({
  testDir: './tests',
  workers: 1,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  outputDir: './test-results/artifacts',
  reporter: [['list'], ['json', { outputFile: './test-results/results.json' }]],
  use: {
    headless: true,
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
});
