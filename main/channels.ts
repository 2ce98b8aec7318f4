// The IPC channel map shared by main (ipcMain.handle) and the preload
// (ipcRenderer.invoke): one channel per UploaderApi call, one for events, one
// for whether the engine is there (the window's host link).
// Keyed by the contract's names, so a method added to app/api.ts without a
// channel is a compile error. No imports with code: the preload bundles this.
import type { ApiErrorCode } from '../app/api.ts';
import type { CallableMethod } from '../app/api-schemas.ts';

export const CALL_CHANNELS: Readonly<Record<CallableMethod, string>> = {
  snapshot: 'uploader:snapshot',
  pause: 'uploader:pause',
  resume: 'uploader:resume',
  cancel: 'uploader:cancel',
  retry: 'uploader:retry',
  history: 'uploader:history',
  settings: 'uploader:settings',
  saveSettings: 'uploader:save-settings',
  testConnection: 'uploader:test-connection',
};

/** Main -> renderer: one EngineEvent per message. */
export const EVENT_CHANNEL = 'uploader:event';

/** Main -> renderer: whether the engine is there at all (the window's host link), one HostLinkState per message. */
export const LINK_CHANNEL = 'uploader:link';

/** `open`: the engine runs and its events flow. `lost`: it stopped or is restarting; what the window last heard is stale. */
export type HostLinkState = 'open' | 'lost';

export function isHostLinkState(value: unknown): value is HostLinkState {
  return value === 'open' || value === 'lost';
}

/**
 * What every handler answers. An exception thrown in ipcMain.handle reaches
 * the renderer as a string with Electron's own prefix and nothing else, so a
 * failure travels as data with its code instead.
 */
export type IpcAnswer = { ok: true; result: unknown } | { ok: false; code: ApiErrorCode; message: string };
