// Issue 18: fixing the password in Settings applies at once. With a wrong
// password in the config, BioT refuses the login: the banner says so once
// (its advice does not repeat its title) and the pill says "Login refused".
// The right password saved in Settings builds a new BioT client in the
// running engine: the banner goes, the held upload goes on, no restart.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { Serving } from '../../app/cli/serve.ts';
import { describeWithBrowser } from '../support/browser.ts';
import { createWorld, writeRandomFile, type World } from '../support/engine-harness.ts';
import { screenshot, serveWorld, waitForState } from '../support/serve-harness.ts';
import { expectCleanPage, useWindowPages } from '../support/window-page.ts';

const MiB = 1024 * 1024;

describeWithBrowser('the login fixed in Settings', (target) => {
  let world: World;
  let serving: Serving;
  let page: Page;
  const ui = useWindowPages();

  beforeEach(async () => {
    world = await createWorld(target);
    ({ serving } = await serveWorld(world, {}, { password: 'an-old-password' }));
    page = await ui.open(serving.control.url);
  });
  afterEach(async () => {
    const errors = await ui.close();
    await serving?.close();
    await world?.dispose();
    expectCleanPage(errors);
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
