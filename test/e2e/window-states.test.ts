// Issue 18, "the window never lies": Debian's Chromium on the window served
// by `serve` over the sandbox + radosgw, through the states a person meets.
// The uploader stops: the window says so at once (no click), shows no live
// speed, and when it is started again on the same data folder (same address)
// the open tab reconnects by itself and says the upload resumed. A paused
// row keeps its progress bar, and the pill says everything is paused.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { Serving } from '../../app/cli/serve.ts';
import { ADDRESS_FILE } from '../../app/cli/window-address.ts';
import { describeWithBrowser } from '../support/browser.ts';
import { createWorld, writeRandomFile, type World } from '../support/engine-harness.ts';
import { queueRow, screenshot, serveConfig, serveWorld, waitForState } from '../support/serve-harness.ts';
import { expectCleanPage, useWindowPages } from '../support/window-page.ts';

const MiB = 1024 * 1024;

describeWithBrowser('the window never lies', (target) => {
  let world: World;
  let serving: Serving | undefined;
  let page: Page;
  // A stream that ends and a reconnect refused while the uploader is down are expected console noise, nothing else.
  const ui = useWindowPages({ expectedConsoleErrors: /ERR_CONNECTION_REFUSED|ERR_INCOMPLETE_CHUNKED_ENCODING/ });

  beforeEach(async () => {
    world = await createWorld(target);
  });
  afterEach(async () => {
    const errors = await ui.close();
    await serving?.close();
    serving = undefined;
    await world?.dispose();
    expectCleanPage(errors);
  });

  const open = async (url: string) => void (page = await ui.open(url));
  const pill = () => page.locator('[data-test="pill"]');

  it('says at once when the uploader stops, and reconnects by itself when it is back on the same address', async () => {
    const first = await serveWorld(world, { maxBytesPerSecond: 4 * MiB });
    serving = first.serving;
    const address = serving.control.url;
    // Kept in the data folder for the next start, readable by this user only.
    expect(statSync(join(world.root, 'data', ADDRESS_FILE)).mode & 0o777).toBe(0o600);
    await open(address);
    writeRandomFile(join(world.inbox, 'holter-0101.edf'), 24 * MiB);
    await waitForState(page, 'holter-0101.edf', 'uploading');
    await expect.poll(() => queueRow(page, 'holter-0101.edf').locator('.q-rate').textContent(), { timeout: 20_000 }).toMatch(/\/s/);
    // BioT accepted the login: connected while the file is still on its way, not "Connecting…" until it is done.
    expect(await pill().textContent()).toBe('Connected to BioT');

    await serving.close();
    serving = undefined;
    // No click, no reload: the stream's end is enough.
    await page.locator('[data-banner="host"]').waitFor({ timeout: 5_000 });
    expect(await pill().textContent()).toBe('Uploader not running');
    expect(await queueRow(page, 'holter-0101.edf').locator('.q-rate').textContent()).toBe('');
    expect(await page.locator('[data-total="speed"]').textContent()).not.toMatch(/[1-9].*\/s/);
    expect(await page.locator('.banners').textContent()).not.toContain('Connected');
    await screenshot(page, 'window-stopped.png');

    // Started again on the same data folder: the same address, so the tab it left open comes back by itself.
    serving = await serveConfig(first.configFile);
    expect(serving.control.url).toBe(address);
    await page.locator('[data-banner="host"]').waitFor({ state: 'detached', timeout: 15_000 });
    // Said once: the upload the stop interrupted went on from where it was.
    const resumed = page.locator('[data-banner="resumed"]');
    await resumed.waitFor();
    expect(await resumed.textContent()).toMatch(/^1 upload resumed where it stopped/);
    await waitForState(page, 'holter-0101.edf', 'done', 60_000);
    expect(await pill().textContent()).toBe('Connected to BioT');
    await resumed.locator('button.dismiss').click();
    await resumed.waitFor({ state: 'detached' });
    await page.reload();
    await waitForState(page, 'holter-0101.edf', 'done');
    expect(await resumed.count()).toBe(0);
  }, 120_000);

  it('keeps a paused row’s progress bar, and the pill says everything is paused', async () => {
    ({ serving } = await serveWorld(world, { maxBytesPerSecond: 6 * MiB }, { folderId: null }));
    await open(serving.control.url);
    writeRandomFile(join(world.inbox, 'sleep-study-0102.edf'), 40 * MiB);
    await waitForState(page, 'sleep-study-0102.edf', 'uploading');
    // A part or two landed (bytes BioT holds), then everything is paused.
    await expect
      .poll(() => serving!.engine.store.listFiles({ search: 'sleep-study-0102' }).files[0]?.bytesDone ?? 0, { timeout: 20_000 })
      .toBeGreaterThan(0);
    await page.locator('button.bulk-pause').click();
    await waitForState(page, 'sleep-study-0102.edf', 'paused');
    const row = queueRow(page, 'sleep-study-0102.edf');
    await expect.poll(() => row.locator('.q-pct').textContent()).toMatch(/^[1-9]\d?%$/);
    expect(await row.locator('.bar-fill').evaluate((el) => el.getBoundingClientRect().width)).toBeGreaterThan(0);
    await expect.poll(() => pill().textContent()).toBe('All uploads paused');
    // The folder has no name of its own in the config: the row shows the folder's own name, never the derived id.
    expect(await row.locator('.q-folder').textContent()).toBe('inbox');
    expect(await row.locator('.q-folder').getAttribute('title')).toBe(world.inbox);
    await screenshot(page, 'queue-paused.png');
  }, 90_000);
});
