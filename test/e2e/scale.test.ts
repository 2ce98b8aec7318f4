// The queue at 100,000 rows: seeded with store.enqueueMany, then the window's
// first render, a state filter and a search are timed in Chromium and printed
// (the issue asks for under a second each; measured, not asserted, since a
// loaded CI machine is not a benchmark).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Serving } from '../../app/cli/serve.ts';
import { openStore } from '../../app/store/index.ts';
import { describeWithBrowser, launchChromium } from '../support/browser.ts';
import { createWorld, type World } from '../support/engine-harness.ts';
import { screenshot, serveWorld } from '../support/serve-harness.ts';

const ROWS = 100_000;
const CANCELLED = 1_000;

describeWithBrowser('the queue window at 100,000 rows', (target) => {
  let world: World;
  let serving: Serving;
  let browser: Browser;
  let page: Page;
  const figures: string[] = [];

  beforeAll(async () => {
    world = await createWorld(target);
    const dataDir = join(world.root, 'data');
    mkdirSync(dataDir, { recursive: true });
    const t0 = performance.now();
    const store = openStore(join(dataDir, 'queue.db'));
    const rows = store.enqueueMany(
      Array.from({ length: ROWS }, (_, i) => ({
        folderId: `ward-${i % 12}`,
        sourcePath: join(world.inbox, `seed/patient-${String(i).padStart(6, '0')}.edf`),
        relPath: `seed/patient-${String(i).padStart(6, '0')}.edf`,
        size: 1_000_000 + (i % 5000) * 1000,
        mtimeMs: 1_700_000_000_000 + i,
      })),
    );
    // Paused, so the engine leaves them be (the files do not exist); a few cancelled for the filter.
    store.pauseAll();
    for (const r of rows.slice(0, CANCELLED)) store.cancel(r.id);
    store.close();
    figures.push(`seeded ${ROWS.toLocaleString()} rows in ${Math.round(performance.now() - t0)} ms`);
    ({ serving } = await serveWorld(world));
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1360, height: 820 } });
  }, 180_000);
  afterAll(async () => {
    console.log(`[100k queue] ${figures.join('; ')}`);
    await browser?.close();
    await serving?.close();
    await world?.dispose();
  });

  const count = (page: Page) => page.locator('.view-queue .count');

  it('renders, filters and searches 100,000 rows, each measured', async () => {
    let t = performance.now();
    await page.goto(serving.control.url);
    await page.locator('.q-row[data-id]').first().waitFor();
    await expect.poll(() => count(page).textContent()).toBe('100,000 files');
    const first = performance.now() - t;
    figures.push(`first render ${Math.round(first)} ms`);

    t = performance.now();
    await page.locator('.view-queue select.filter').selectOption('cancelled');
    await expect.poll(() => count(page).textContent(), { interval: 10 }).toBe('1,000 files');
    await page.locator('.q-row[data-state="cancelled"]').first().waitFor();
    figures.push(`filter by state ${Math.round(performance.now() - t)} ms`);

    t = performance.now();
    await page.locator('.view-queue select.filter').selectOption('all');
    await page.locator('.view-queue input.search').fill('patient-004242');
    await expect.poll(() => count(page).textContent(), { interval: 10 }).toBe('1 file');
    figures.push(`search ${Math.round(performance.now() - t)} ms (incl. 150 ms typing pause)`);

    await page.locator('.view-queue input.search').fill('');
    await expect.poll(() => count(page).textContent(), { interval: 10 }).toBe('100,000 files');
    // Scrolled to the very end: the last rows arrive by paging, not all at once.
    t = performance.now();
    await page.locator('.view-queue .vlist').evaluate((el) => (el.scrollTop = el.scrollHeight));
    await page.locator('.q-row[data-id="1"]').waitFor();
    figures.push(`jump to row 100,000 ${Math.round(performance.now() - t)} ms`);
    // Never more than a screenful of row elements, whatever the row count.
    expect(await page.locator('.q-row').count()).toBeLessThan(60);
    await page.locator('.view-queue .vlist').evaluate((el) => (el.scrollTop = 0));
    await page.locator('.q-row[data-id="100000"]').waitFor();
    await screenshot(page, 'queue-100k.png');
    expect(first).toBeGreaterThan(0);
  }, 120_000);
});
