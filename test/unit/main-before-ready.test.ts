// What the main entry does before `ready`: the app's scheme, its data folder,
// its Windows identity (the installer's appId) and no default menu once installed.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { APP_ID, beforeReady, MAC_MENU } from '../../main/before-ready.ts';

function run(platform: NodeJS.Platform, isPackaged: boolean) {
  const calls: [string, unknown][] = [];
  beforeReady({
    app: {
      isPackaged,
      setPath: (name, path) => void calls.push(['setPath', [name, path]]),
      setAppUserModelId: (id) => void calls.push(['setAppUserModelId', id]),
    },
    protocol: { registerSchemesAsPrivileged: (schemes) => void calls.push(['registerSchemesAsPrivileged', schemes]) },
    setApplicationMenu: (menu) => void calls.push(['setApplicationMenu', menu]),
    platform,
    dataHome: join('/data', 'Device Uploader'),
  });
  return calls;
}

it("Windows: the app's notification identity is the installer's appId", () => {
  const appId = /^appId:\s*(\S+)\s*$/m.exec(readFileSync(join(import.meta.dirname, '..', '..', 'electron-builder.yml'), 'utf8'))?.[1];
  expect(appId).toBe(APP_ID);
  expect(run('win32', true)).toContainEqual(['setAppUserModelId', APP_ID]);
  expect(run('linux', true).map(([name]) => name)).not.toContain('setAppUserModelId');
});

it('registers app:// as a standard secure scheme and keeps the app files in the data folder', () => {
  const calls = run('linux', false);
  expect(calls).toEqual([
    ['registerSchemesAsPrivileged', [{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: false, corsEnabled: false } }]],
    ['setPath', ['userData', join('/data', 'Device Uploader', 'desktop')]],
  ]);
});

it('the installed app has no default menu on Windows and Linux; macOS keeps Quit and Edit only; development keeps the default', () => {
  expect(run('win32', true)).toContainEqual(['setApplicationMenu', null]);
  expect(run('linux', true)).toContainEqual(['setApplicationMenu', null]);
  expect(run('darwin', true).map(([name]) => name)).not.toContain('setApplicationMenu');
  expect(run('linux', false).map(([name]) => name)).not.toContain('setApplicationMenu');
  expect(MAC_MENU.map((m) => m.role)).toEqual(['appMenu', 'editMenu']);
});
