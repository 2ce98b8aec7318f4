// Issue 6's end-to-end check: Debian's Chromium drives the real window served
// by `serve` over the sandbox + radosgw. A file dropped in the watched folder
// appears, moves and completes; pause/resume, cancel (BioT's upload cancelled
// too), retry of a failed file, History with its CSV, Settings; the access
// token is required. Screenshots go to test/e2e/screenshots/ (git-ignored).
// Each test has its own world (sandbox, bucket, inbox), serve and browser
// context, so any one can run alone or in any order (-t, .only, a shuffle);
// only the browser process is shared. Every test also checks that the page ran
// without a script error or CSP violation.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { Serving } from '../../app/cli/serve.ts';
import { describeWithBrowser } from '../support/browser.ts';
import { createWorld, writeRandomFile, type World } from '../support/engine-harness.ts';
import { queueRow, screenshot, serveWorld, waitForState } from '../support/serve-harness.ts';
import { holdsFor } from '../support/wait.ts';
import { expectCleanPage, useWindowPages } from '../support/window-page.ts';

const MiB = 1024 * 1024;

describeWithBrowser('the queue window over serve', (target) => {
  let world: World;
  let serving: Serving;
  let page: Page;
  const ui = useWindowPages({ viewport: { width: 1360, height: 820 } });

  beforeEach(async () => {
    world = await createWorld(target);
    // 6 MiB/s shared: big files take long enough to watch, pause and cancel.
    ({ serving } = await serveWorld(world, { maxBytesPerSecond: 6 * MiB }));
    page = await ui.open(serving.control.url);
  });
  afterEach(async () => {
    const errors = await ui.close();
    await serving?.close();
    await world?.dispose();
    expectCleanPage(errors);
  });

  const fileRow = (name: string) => serving.engine.store.listFiles({ search: name }).files.find((f) => f.relPath === name);

  it('refuses requests without the token, with a wrong one, or from a foreign origin', async () => {
    const { origin, token } = serving.control;
    const post = (path: string, headers: Record<string, string>, body = '{}') =>
      fetch(`${origin}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    expect((await fetch(`${origin}/`)).status).toBe(401);
    expect((await fetch(`${origin}/?token=nope`)).status).toBe(401);
    expect((await post('/api/snapshot', {})).status).toBe(401);
    expect((await post('/api/snapshot', { authorization: 'Bearer wrong' })).status).toBe(401);
    expect((await post('/api/snapshot', { authorization: `Bearer ${token}`, origin: 'http://evil.example' })).status).toBe(403);
    const ok = await post('/api/snapshot', { authorization: `Bearer ${token}`, origin });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-security-policy')).toContain("script-src 'self'");
    // Payloads are checked: a file id must be a positive integer.
    expect((await post('/api/cancel', { authorization: `Bearer ${token}` }, '{"fileId":-1}')).status).toBe(400);
    // The browser: the token in the URL becomes a cookie and leaves the address bar.
    await page.goto(serving.control.url);
    expect(page.url()).toBe(`${origin}/`);
    await page.locator('.tab[data-view="queue"]').waitFor();
  });

  it('shows a dropped file appear, progress and complete', async () => {
    writeRandomFile(join(world.inbox, 'holter-0001.edf'), 30 * MiB);
    writeRandomFile(join(world.inbox, 'ecg-0002.xml'), 2 * MiB);
    await waitForState(page, 'holter-0001.edf', 'uploading');
    await expect.poll(() => queueRow(page, 'holter-0001.edf').locator('.q-pct').textContent(), { timeout: 20_000 }).toMatch(/^[1-9]\d?%$/);
    await expect.poll(() => queueRow(page, 'holter-0001.edf').locator('.q-rate').textContent()).toMatch(/\/s/);
    await screenshot(page, 'queue-uploading.png');
    await waitForState(page, 'holter-0001.edf', 'done');
    await waitForState(page, 'ecg-0002.xml', 'done');
    expect(fileRow('holter-0001.edf')?.state).toBe('done');
    await expect.poll(() => page.locator('[data-total="today"]').textContent()).toBe('2');
  });

  it('pauses and resumes an upload', async () => {
    writeRandomFile(join(world.inbox, 'sleep-study-0003.edf'), 40 * MiB);
    await waitForState(page, 'sleep-study-0003.edf', 'uploading');
    await queueRow(page, 'sleep-study-0003.edf').locator('button[data-action="pause"]').click();
    await waitForState(page, 'sleep-study-0003.edf', 'paused');
    expect(fileRow('sleep-study-0003.edf')?.state).toBe('paused');
    const before = fileRow('sleep-study-0003.edf')!.bytesDone;
    await holdsFor('no progress while paused', 1500, () => fileRow('sleep-study-0003.edf')!.bytesDone === before, {
      seen: () => fileRow('sleep-study-0003.edf'),
    });
    await queueRow(page, 'sleep-study-0003.edf').locator('button[data-action="resume"]').click();
    await waitForState(page, 'sleep-study-0003.edf', 'uploading');
    await waitForState(page, 'sleep-study-0003.edf', 'done', 90_000);
  }, 120_000);

  it('cancels a large upload, and BioT is told', async () => {
    const cancelsBefore = world.sandbox.calls('file.cancel');
    writeRandomFile(join(world.inbox, 'ultrasound-0004.dcm'), 160 * MiB);
    await waitForState(page, 'ultrasound-0004.dcm', 'uploading', 30_000);
    await expect.poll(() => queueRow(page, 'ultrasound-0004.dcm').locator('.q-pct').textContent(), { timeout: 20_000 }).toMatch(/^[1-9]\d?%$/);
    await queueRow(page, 'ultrasound-0004.dcm').locator('button[data-action="cancel"]').click();
    await waitForState(page, 'ultrasound-0004.dcm', 'cancelled');
    // Bytes already sent are thrown away: asked once, before.
    expect(ui.asked).toEqual([expect.stringMatching(/^Cancel the upload of ultrasound-0004\.dcm\?/)]);
    expect(fileRow('ultrasound-0004.dcm')?.state).toBe('cancelled');
    await expect.poll(() => world.sandbox.calls('file.cancel'), { timeout: 10_000 }).toBeGreaterThan(cancelsBefore);
  }, 90_000);

  it('shows a failure in plain words and retries it', async () => {
    const refusal = { status: 400, code: 'VALIDATION_FAILED', message: 'the file name is not accepted' };
    world.sandbox.faults.add({ op: 'file.createMultipart', ...refusal });
    world.sandbox.faults.add({ op: 'file.createSingle', ...refusal });
    writeRandomFile(join(world.inbox, 'holter-0005.edf'), 8 * MiB);
    await waitForState(page, 'holter-0005.edf', 'needs-attention');
    world.sandbox.faults.clear();
    await expect.poll(() => queueRow(page, 'holter-0005.edf').locator('.q-error').textContent()).not.toBe('');
    await expect.poll(() => page.locator('[data-total="attention"]').textContent()).toBe('1');
    await screenshot(page, 'queue-failure.png');
    await queueRow(page, 'holter-0005.edf').locator('button[data-action="retry"]').click();
    await waitForState(page, 'holter-0005.edf', 'done');
  });

  it('lists finished uploads in History and exports them as CSV', async () => {
    // Its own finished uploads, one after the other so the newest is known.
    writeRandomFile(join(world.inbox, 'ecg-0007.xml'), 2 * MiB);
    await waitForState(page, 'ecg-0007.xml', 'done');
    writeRandomFile(join(world.inbox, 'holter-0008.edf'), 6 * MiB);
    await waitForState(page, 'holter-0008.edf', 'done');
    await page.locator('.tab[data-view="history"]').click();
    const rows = page.locator('.view-history .h-row[data-id]');
    await expect.poll(() => rows.count()).toBe(2);
    expect(await rows.first().textContent()).toMatch(/holter-0008\.edf.*Uploaded, checked/);
    // The whole name on hover (the cell is cut to its column), and a result column that is not.
    expect(await rows.first().locator('span').nth(1).getAttribute('title')).toBe(join(world.inbox, 'holter-0008.edf'));
    const result = rows.first().locator('span').nth(5);
    expect(await result.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
    expect(await result.getAttribute('title')).toMatch(/read back and matches/);
    await screenshot(page, 'history.png');
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('button.export').click()]);
    const chunks: Buffer[] = [];
    for await (const chunk of await download.createReadStream()) chunks.push(chunk as Buffer);
    const csv = Buffer.concat(chunks).toString('utf8');
    expect(csv.split('\r\n')[0]).toMatch(/^finished,folder,file,bytes,result,biot_file_id,.*,verification,verification_reason$/);
    expect(csv.split('\r\n')[1]).toMatch(/,verified,$/);
    for (const f of serving.engine.store.listFiles({ states: ['done'] }).files) expect(csv).toContain(f.biotFileId!);
  });

  it('edits settings: errors name the field, secrets never come back, a new folder takes effect', async () => {
    await page.locator('.tab[data-view="settings"]').click();
    const pathBox = page.locator('[data-field="folders[0].path"]');
    await pathBox.waitFor();
    expect(JSON.stringify(await serving.engine.settings())).not.toContain(world.sandbox.credentials.user.password);
    expect(await page.locator('[data-field="server.auth.password"]').inputValue()).toBe('');
    // A folder that does not exist and a negative wait: refused, each field named, nothing written.
    await pathBox.fill(join(world.root, 'no-such-folder'));
    await page.locator('[data-field="folders[0].quietSeconds"]').fill('-3');
    await page.locator('button.save').click();
    await page.locator('.save-status.bad').waitFor();
    // The field's label and plain words, not the config key or zod's message.
    const said = await page.locator('.save-status').textContent();
    expect(said).toContain('Folder 1, Wait until unchanged for (s): must be at least 0');
    expect(said).not.toMatch(/folders\[|Too small|>=/);
    await page.locator('[data-field="folders[0].quietSeconds"]').fill('0.3');
    await page.locator('button.save').click();
    await expect.poll(() => page.locator('[data-error-for="folders[0].path"]').textContent()).toMatch(/no such folder/);
    await screenshot(page, 'settings-error.png');
    // Now a real new folder: saved, applied, and a file dropped there uploads.
    const ecg = join(world.root, 'ecg-exports');
    mkdirSync(ecg);
    await pathBox.fill(ecg);
    await page.locator('button.save').click();
    await page.locator('.save-status.ok').waitFor();
    await page.locator('.view-settings').evaluate((el) => (el.scrollTop = 0));
    await screenshot(page, 'settings.png');
    expect((await serving.engine.settings()).folders[0]!.path).toBe(ecg);
    await serving.engine.whenWatching();
    writeFileSync(join(ecg, 'ecg-0006.xml'), 'a 12-lead ECG export\n'.repeat(5000));
    await page.locator('.tab[data-view="queue"]').click();
    await waitForState(page, 'ecg-0006.xml', 'done');
  });

  it('says when a watched folder is missing, and what to do', async () => {
    await serving.engine.whenWatching();
    rmSync(world.inbox, { recursive: true });
    const banner = page.locator('[data-banner="folder"]');
    await banner.waitFor({ timeout: 10_000 });
    expect(await banner.textContent()).toMatch(/missing.*network share is connected/);
    await screenshot(page, 'queue-folder-missing.png');
  });
});
