// Issue 18: fixing the password in Settings applies at once. With a wrong
// password in the config, BioT refuses the login: the banner says so once
// (its advice does not repeat its title) and the pill says "Login refused".
// The right password saved in Settings builds a new BioT client in the
// running engine: the banner goes, the held upload goes on, no restart.
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import type { Serving } from '../../app/cli/serve.ts';
import { describeWithBrowser, launchChromium } from '../support/browser.ts';
import { createWorld, writeRandomFile, type World } from '../support/engine-harness.ts';
import { screenshot, serveWorld, waitForState } from '../support/serve-harness.ts';

const MiB = 1024 * 1024;

describeWithBrowser('the login fixed in Settings', (target) => {
  let world: World;
  let serving: Serving;
  let browser: Browser;
  let page: Page;
  let pageErrors: string[] = [];

  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });
  beforeEach(async () => {
    world = await createWorld(target);
    ({ serving } = await serveWorld(world, {}, { password: 'an-old-password' }));
    const context = await browser.newContext({ viewport: { width: 1180, height: 600 } });
    page = await context.newPage();
    pageErrors = [];
    page.on('console', (m) => m.type() === 'error' && pageErrors.push(m.text()));
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(serving.control.url);
    await page.locator('.tab[data-view="queue"]').waitFor();
  });
  afterEach(async () => {
    const errors = [...pageErrors];
    await page?.context().close();
    await serving?.close();
    await world?.dispose();
    expect(errors, 'script errors or CSP violations in the page').toEqual([]);
  });

  it('applies the new password at once: the banner goes and the held upload goes on, without a restart', async () => {
    writeRandomFile(join(world.inbox, 'holter-0301.edf'), 3 * MiB);
    const banner = page.locator('[data-banner="credentials-refused"]');
    await banner.waitFor({ timeout: 20_000 });
    const said = (await banner.textContent()) ?? '';
    expect(said.match(/BioT refused the login/g)).toHaveLength(1);
    expect(await page.locator('[data-test="pill"]').textContent()).toBe('Login refused');
    // Held, not failed: it waits for the login to work.
    await waitForState(page, 'holter-0301.edf', 'queued');
    await screenshot(page, 'window-login-refused.png');
    const engine = serving.engine;

    await page.locator('.tab[data-view="settings"]').click();
    await page.locator('[data-field="server.auth.password"]').fill(world.sandbox.credentials.user.password);
    await page.locator('button.save').click();
    await page.locator('.save-status.ok').waitFor();
    expect(await page.locator('.save-status').textContent()).toBe('Saved. The changes apply now.');

    await page.locator('.tab[data-view="queue"]').click();
    await banner.waitFor({ state: 'detached', timeout: 10_000 });
    await waitForState(page, 'holter-0301.edf', 'done', 30_000);
    expect(await page.locator('[data-test="pill"]').textContent()).toBe('Connected to BioT');
    expect(serving.engine).toBe(engine); // the same engine all along
  }, 90_000);
});
