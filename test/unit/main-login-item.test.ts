// Start at login: Electron's login item on Windows/macOS, an XDG autostart file on Linux; a login start stays in the tray.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { AUTOSTART_FILE, HIDDEN_FLAG, setStartAtLogin, startedAtLogin, startsAtLogin, type LoginItemHost } from '../../main/login-item.ts';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

function host(platform: NodeJS.Platform): LoginItemHost & { settings: { openAtLogin: boolean; args?: string[] }[] } {
  const dir = mkdtempSync(join(tmpdir(), 'du-autostart-'));
  dirs.push(dir);
  const settings: { openAtLogin: boolean; args?: string[] }[] = [];
  return {
    platform,
    execPath: '/opt/Device Uploader/device-uploader',
    autostartDir: join(dir, 'autostart'),
    settings,
    setLoginItemSettings: (s) => settings.push(s),
    getLoginItemSettings: () => ({ openAtLogin: settings.at(-1)?.openAtLogin ?? false }),
  };
}

it('on Linux writes and removes an XDG autostart entry that starts hidden', () => {
  const h = host('linux');
  expect(startsAtLogin(h)).toBe(false);
  setStartAtLogin(h, true);
  const entry = readFileSync(join(h.autostartDir, AUTOSTART_FILE), 'utf8');
  expect(entry).toMatch(/^\[Desktop Entry\]$/m);
  expect(entry).toContain(`Exec="/opt/Device Uploader/device-uploader" ${HIDDEN_FLAG}`);
  expect(startsAtLogin(h)).toBe(true);
  setStartAtLogin(h, false);
  expect(startsAtLogin(h)).toBe(false);
  expect(h.settings).toEqual([]); // Electron's login item is not used on Linux
});

it.each(['win32', 'darwin'] as const)('on %s uses setLoginItemSettings with the hidden flag', (platform) => {
  const h = host(platform);
  setStartAtLogin(h, true);
  expect(h.settings).toEqual([{ openAtLogin: true, args: [HIDDEN_FLAG] }]);
  expect(startsAtLogin(h)).toBe(true);
});

it("a start at login is told by the flag (or by macOS), a person's start is not", () => {
  const h = host('win32');
  expect(startedAtLogin(['app', HIDDEN_FLAG], h)).toBe(true);
  expect(startedAtLogin(['app'], h)).toBe(false);
  expect(startedAtLogin(['app'], { platform: 'darwin', getLoginItemSettings: () => ({ openAtLogin: true, wasOpenedAtLogin: true }) })).toBe(true);
});
