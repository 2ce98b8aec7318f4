// What must happen before Electron's `ready`, and only that. The main entry
// is an ES module, and Electron emits `ready` only once it has finished
// evaluating: everything else waits in app.whenReady().then(...), never in a
// top-level await (Electron's docs, ESM caveats: "Doing so will cause the app
// to hang").
import { join } from 'node:path';
import { APP_SCHEME } from './app-origin.ts';

/**
 * The app's Windows identity (AppUserModelID). The installer gives its
 * Start-menu shortcut electron-builder.yml's appId, and Windows files the
 * notifications (the app's only alert channel) under the shortcut whose id
 * matches the process's: the same value in both files, which cannot import
 * each other (test/unit/main-before-ready.test.ts checks they agree).
 */
export const APP_ID = 'com.biot.device-uploader';

interface CustomScheme {
  scheme: string;
  privileges: { standard: boolean; secure: boolean; supportFetchAPI: boolean; corsEnabled: boolean };
}

export interface BeforeReadyPorts {
  app: { readonly isPackaged: boolean; setPath(name: 'userData', path: string): void; setAppUserModelId(id: string): void };
  protocol: { registerSchemesAsPrivileged(schemes: CustomScheme[]): void };
  setApplicationMenu(menu: null): void;
  platform: NodeJS.Platform;
  /** The data folder (defaultHome()): the app's own files go in its `desktop` folder. */
  dataHome: string;
}

export function beforeReady(p: BeforeReadyPorts): void {
  // The app's scheme is a standard, secure origin (so 'self' in the CSP means it), with no extra file privileges.
  p.protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: false, corsEnabled: false } },
  ]);
  // Before anything reads it: the single-instance lock and the session's storage live there.
  p.app.setPath('userData', join(p.dataHome, 'desktop'));
  if (p.platform === 'win32') p.app.setAppUserModelId(APP_ID);
  // The installed app has no default menu (Reload and Toggle DevTools one keystroke away). Set
  // before ready, Electron never builds it. macOS keeps a small one (macMenu), set after ready.
  if (p.app.isPackaged && p.platform !== 'darwin') p.setApplicationMenu(null);
}

/** macOS's menu bar in the installed app: Quit and Hide, and Edit (copy and paste in Settings' fields need it). No View, no Reload. */
export const MAC_MENU = [{ role: 'appMenu' as const }, { role: 'editMenu' as const }];
