// The desktop app itself, on the real Electron binary under Xvfb, through
// Playwright's _electron. Written to run where the binary is installed (and
// `npm run build` has built main, preload and the engine entry); here the
// binary cannot be downloaded, so the block skips with the reason.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { _electron, type ElectronApplication } from 'playwright-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { electronBinary } from '../../scripts/electron-binary.ts';
import { createWorld, type World } from '../support/engine-harness.ts';

const root = join(import.meta.dirname, '..', '..');
const binary = electronBinary(join(root, 'node_modules', 'electron'));

describe.skipIf(!binary || !process.env.DISPLAY)(
  'the desktop app (needs the Electron binary and a display, e.g. xvfb-run; neither is available here)',
  () => {
    let world: World;
    let app: ElectronApplication;
    let home: string;
    let configFile: string;

    beforeEach(async () => {
      world = await createWorld(undefined);
      home = mkdtempSync(join(tmpdir(), 'du-desktop-'));
      configFile = join(world.root, 'config.json');
      writeFileSync(
        configFile,
        JSON.stringify({
          dataDir: join(world.root, 'data'),
          server: { baseUrl: world.sandbox.url, auth: { type: 'user', ...world.sandbox.credentials.user } },
          folders: [{ id: 'inbox', path: world.inbox, quietSeconds: 0.3 }],
        }),
      );
      app = await _electron.launch({
        executablePath: binary!,
        args: [root, '--config', configFile],
        env: { ...process.env, DEVICE_UPLOADER_HOME: home },
      });
    });
    afterEach(async () => {
      await app?.close();
      await world.dispose();
      rmSync(home, { recursive: true, force: true });
    });

    it('opens the queue window from app://, exposes only window.uploader, moves the secret out of config.json and uploads a dropped file', async () => {
      const page = await app.firstWindow();
      expect(page.url()).toBe('app://uploader/index.html');
      expect(await page.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined');
      expect(await page.evaluate(() => Object.keys((window as unknown as { uploader: object }).uploader).sort())).toEqual([
        'cancel',
        'history',
        'onEvent',
        'pause',
        'resume',
        'retry',
        'saveSettings',
        'settings',
        'snapshot',
      ]);
      expect(readFileSync(configFile, 'utf8')).not.toContain(world.sandbox.credentials.user.password);
      writeFileSync(join(world.inbox, 'holter.edf'), 'recording');
      await page.locator('.q-row [data-state="done"]').first().waitFor({ timeout: 60_000 });
      // Navigation away is blocked: the window stays on the app.
      await page.evaluate(() => (location.href = 'https://example.invalid/'));
      expect(page.url()).toBe('app://uploader/index.html');
    });
  },
);
