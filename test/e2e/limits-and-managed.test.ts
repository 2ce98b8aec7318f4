// The window, in Debian's Chromium over `serve`: the bandwidth timetable's
// limit and its end ("Upload speed limited to 1.9 MB/s until 15:42"), a timed
// pause from the window (it says until when, survives a restart of the
// uploader, and Resume now ends it), and Settings under the machine's managed
// keys (greyed, "Set by your IT department", the secret still enterable).
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { startServe, type Serving } from '../../app/cli/serve.ts';
import { describeWithBrowser } from '../support/browser.ts';
import { createWorld, type World } from '../support/engine-harness.ts';
import { screenshot } from '../support/serve-harness.ts';
import { expectCleanPage, useWindowPages } from '../support/window-page.ts';

const MIN = 60_000;
const repo = join(import.meta.dirname, '..', '..');
/** Local HH:MM, as the window writes a time of day (the browser runs in this machine's zone). */
const hhmm = (at: number) => `${String(new Date(at).getHours()).padStart(2, '0')}:${String(new Date(at).getMinutes()).padStart(2, '0')}`;

describeWithBrowser('the window: timetable, timed pause, managed settings', (target) => {
  let world: World;
  let serving: Serving | undefined;
  let page: Page;
  let configFile: string;
  let env: NodeJS.ProcessEnv;
  const ui = useWindowPages({ viewport: { width: 1360, height: 820 } });
  // A window of the timetable around now: limited now, until an hour and a half from now.
  const windowEnd = Math.ceil((Date.now() + 90 * MIN) / MIN) * MIN;

  beforeEach(async () => {
    world = await createWorld(target);
    configFile = join(world.root, 'config.json');
    const schedule = [{ days: 'daily', from: hhmm(Date.now() - 60 * MIN), to: hhmm(windowEnd), maxBytesPerSecond: 2_000_000 }];
    const folders = [{ id: 'holter', path: world.inbox, quietSeconds: 0.3 }];
    const server = { baseUrl: world.sandbox.url, auth: { type: 'user', ...world.sandbox.credentials.user } };
    writeFileSync(configFile, JSON.stringify({ dataDir: join(world.root, 'data'), server, folders, transfer: { schedule } }));
    // IT locks the server and the folders on this machine.
    const managed = join(world.root, 'managed.json');
    mkdirSync(join(world.root, 'exports'));
    writeFileSync(
      managed,
      JSON.stringify({ server: { baseUrl: world.sandbox.url, auth: { type: 'user', username: world.sandbox.credentials.user.username } }, folders }),
    );
    env = { DEVICE_UPLOADER_MANAGED_CONFIG: managed, DEVICE_UPLOADER_PASSWORD: world.sandbox.credentials.user.password };
    serving = await startServe(configFile, { env });
    page = await ui.open(serving.control.url);
  });
  afterEach(async () => {
    const errors = await ui.close();
    await serving?.close();
    await world?.dispose();
    expectCleanPage(errors);
  });

  const limitsText = () => page.locator('[data-test="limits-text"]');

  it('shows the limit until the window ends; a timed pause says until when, outlives a restart, and Resume now ends it', async () => {
    const until = `${new Date(windowEnd).toDateString() === new Date().toDateString() ? '' : 'tomorrow '}${hhmm(windowEnd)}`;
    await expect.poll(() => limitsText().textContent()).toBe(`Upload speed limited to 1.9 MB/s until ${until} (timetable).`);

    const clicked = Date.now();
    await page.getByRole('button', { name: 'Pause for 1 hour' }).click();
    await expect.poll(() => limitsText().textContent()).toMatch(/^Uploads paused until (\d\d:\d\d|tomorrow \d\d:\d\d); they go on by themselves\.$/);
    const shown = (await limitsText().textContent())!.match(/(\d\d:\d\d)/)![1];
    expect([hhmm(clicked + 60 * MIN), hhmm(Date.now() + 60 * MIN)]).toContain(shown);
    expect(await page.getByRole('button', { name: 'Resume now' }).isVisible()).toBe(true);
    expect(await page.getByRole('button', { name: 'Pause until tomorrow' }).isVisible()).toBe(false);
    await screenshot(page, 'limits-paused.png');
    // `status` says it too, from the data folder alone.
    const status = spawnSync(process.execPath, [join(repo, 'bin', 'device-uploader.js'), 'status', '--config', configFile, '--json'], {
      encoding: 'utf8',
      env,
    });
    expect((JSON.parse(status.stdout) as { pausedUntil: number }).pausedUntil).toBe((await serving!.engine.snapshot()).limits?.pausedUntil);

    // The uploader restarts (a reboot, an update): the pause is still on, until the same time.
    // (The page leaves first: its event stream would log the refused reconnects meanwhile.)
    await page.goto('about:blank');
    await serving!.close();
    serving = await startServe(configFile, { env });
    await page.goto(serving.control.url);
    await expect.poll(() => limitsText().textContent()).toMatch(new RegExp(`^Uploads paused until (tomorrow )?${shown}`));

    await page.getByRole('button', { name: 'Resume now' }).click();
    await expect.poll(() => limitsText().textContent()).toBe(`Upload speed limited to 1.9 MB/s until ${until} (timetable).`);
    expect(await page.getByRole('button', { name: 'Pause until tomorrow' }).isVisible()).toBe(true);
    expect((await serving.engine.snapshot()).limits?.pausedUntil).toBeNull();
  }, 90_000);

  it('Settings greys what the managed settings lock, says who set it, and leaves the rest and the password editable', async () => {
    await page.locator('.tab[data-view="settings"]').click();
    const field = (key: string) => page.locator(`[data-field="${key}"]`);
    await field('server.baseUrl').waitFor();
    for (const key of ['server.baseUrl', 'server.auth.type', 'server.auth.username', 'folders[0].path', 'folders[0].quietSeconds']) {
      expect(await field(key).isDisabled(), key).toBe(true);
    }
    for (const key of ['server.auth.password', 'transfer.parallelFiles', 'transfer.maxBytesPerSecond'])
      expect(await field(key).isDisabled(), key).toBe(false);
    expect(
      await page
        .locator('fieldset', { has: field('server.baseUrl') })
        .locator('.locked-note')
        .textContent(),
    ).toMatch(/^Set by your IT department/);
    expect(
      await page
        .locator('fieldset', { has: field('transfer.parallelFiles') })
        .locator('.locked-note')
        .count(),
    ).toBe(0);
    expect(await field('server.baseUrl').getAttribute('title')).toBe('Set by your IT department');
    expect(await page.getByRole('button', { name: 'Add a folder' }).isDisabled()).toBe(true);
    await screenshot(page, 'settings-managed.png');
    // Saving what may change goes through; the engine kept the locked values.
    await field('transfer.parallelFiles').fill('3');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await expect.poll(() => page.locator('.save-status').textContent()).toMatch(/^Saved/);
    expect((await serving!.engine.settings()).server.baseUrl).toBe(world.sandbox.url);
  }, 60_000);
});
