// Auto-update policy, free of Electron so it runs under Node in tests: check at
// start and once a day, let the updater download in the background, install on
// quit. Managed sites turn it off in config (`updates.enabled: false`): then the
// updater is never touched, not even to ask the server.
//
// The updater is electron-updater's AppUpdater seen through the few members this
// module uses (UpdaterPort); `updates-electron.ts` wires the real one.
import type { UpdatesConfig } from '../app/config/schema.ts';
import type { Logger } from '../app/common/logger.ts';
import { every, type SyncDisposable } from '../app/common/disposable.ts';

/** A day: how often a running app asks again. */
export const CHECK_EVERY_MS = 24 * 60 * 60 * 1000;

/** What this module needs of electron-updater's AppUpdater. */
export interface UpdaterPort {
  autoDownload: boolean;
  autoInstallOnAppQuit: boolean;
  setFeedURL(options: { provider: 'generic'; url: string }): void;
  checkForUpdates(): Promise<UpdateCheck | null>;
}

/** The part of electron-updater's UpdateCheckResult used here. */
export interface UpdateCheck {
  isUpdateAvailable: boolean;
  updateInfo: { version: string };
  /** Present when autoDownload started a download: the downloaded file(s). */
  downloadPromise?: Promise<string[]> | null;
}

/** A repeating timer; tests pass one they fire by hand. */
export type Every = (ms: number, run: () => void) => SyncDisposable;

// A pending daily check must not keep a quitting app alive.
export const realEvery: Every = (ms, run) => every(ms, run, { unref: true });

export type UpdateOutcome =
  | { kind: 'off' }
  | { kind: 'inactive' } // not a packaged/installed app: electron-updater declines
  | { kind: 'up-to-date'; version: string }
  | { kind: 'downloaded'; version: string } // installed when the app quits
  | { kind: 'failed'; code: string };

export interface AutoUpdates extends SyncDisposable {
  /** Checks now (and downloads); a check already running is joined, not doubled. */
  checkNow(): Promise<UpdateOutcome>;
}

export interface AutoUpdateOptions {
  logger: Logger;
  every?: Every;
}

export function startUpdates(updater: UpdaterPort, settings: UpdatesConfig, options: AutoUpdateOptions): AutoUpdates {
  const { logger } = options;
  if (!settings.enabled) {
    logger.log('info', 'update.off');
    return { checkNow: async () => ({ kind: 'off' }), dispose() {} };
  }
  updater.autoDownload = true;
  updater.autoInstallOnAppQuit = true;
  // Without a URL in config, electron-updater reads the one the installer was
  // built with (resources/app-update.yml).
  if (settings.url) updater.setFeedURL({ provider: 'generic', url: settings.url });

  let running: Promise<UpdateOutcome> | undefined;
  let disposed = false;
  const checkNow = (): Promise<UpdateOutcome> => {
    if (disposed) return Promise.resolve({ kind: 'off' });
    running ??= checkAndDownload(updater, logger).finally(() => (running = undefined));
    return running;
  };
  // checkAndDownload never rejects: a failed check is logged and tried again tomorrow.
  void checkNow();
  const timer = (options.every ?? realEvery)(CHECK_EVERY_MS, () => void checkNow());
  return {
    checkNow,
    dispose() {
      disposed = true;
      timer.dispose();
    },
  };
}

async function checkAndDownload(updater: UpdaterPort, logger: Logger): Promise<UpdateOutcome> {
  logger.log('info', 'update.check');
  try {
    const check = await updater.checkForUpdates();
    if (!check) {
      logger.log('info', 'update.inactive');
      return { kind: 'inactive' };
    }
    const version = check.updateInfo.version;
    if (!check.isUpdateAvailable || !check.downloadPromise) {
      logger.log('info', 'update.none', { version });
      return { kind: 'up-to-date', version };
    }
    logger.log('info', 'update.available', { version });
    // The download verifies the file's sha512 from latest*.yml before it counts.
    await check.downloadPromise;
    logger.log('info', 'update.downloaded', { version });
    return { kind: 'downloaded', version };
  } catch (error) {
    const code = errorCode(error);
    logger.log('warn', 'update.failed', { code });
    return { kind: 'failed', code };
  }
}

/** electron-updater's errors carry a code (ERR_CHECKSUM_MISMATCH, ERR_UPDATER_...); Node's too. */
function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[A-Z0-9_]+$/.test(code) ? code : 'ERR_UPDATE';
}
