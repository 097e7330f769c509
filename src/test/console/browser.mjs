// Starts Debian's chromium through playwright-core (never a browser of playwright's own) with a fresh
// profile, and records what every page of it does: each response status, requests to other origins,
// console errors (a CSP violation is one) and uncaught exceptions.
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

export async function launch(origin) {
  const profile = mkdtempSync(join(tmpdir(), 'homeport-console-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const record = { responses: [], foreign: [], errors: [] };
  const watch = (page) => {
    page.on('response', (r) => record.responses.push({ status: r.status(), method: r.request().method(), url: r.url() }));
    page.on('request', (r) => {
      if (!r.url().startsWith(origin) && !r.url().startsWith(origin.replace('http', 'ws'))) record.foreign.push(r.url());
    });
    page.on('websocket', (ws) => {
      if (!ws.url().startsWith(origin.replace('http', 'ws'))) record.foreign.push(ws.url());
    });
    // a refused fetch is logged as an error too; statuses are checked on their own (the test provokes a 400)
    page.on('console', (m) => {
      if (m.type() === 'error' && !m.text().startsWith('Failed to load resource: the server responded with a status of')) {
        record.errors.push(`console: ${m.text()}`);
      }
    });
    page.on('pageerror', (e) => record.errors.push(`page: ${e.message}`));
    page.on('dialog', (d) => d.accept());
  };
  return {
    record,
    async page() {
      const page = await context.newPage();
      watch(page);
      return page;
    },
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
