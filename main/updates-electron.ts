// The one place that hands electron-updater's real updater to the update policy
// (updates.ts). electron-updater picks the installer kind itself: NSIS on
// Windows, dmg/zip on macOS, AppImage or deb on Linux.
import electronUpdater from 'electron-updater';
import type { UpdatesConfig } from '../app/config/schema.ts';
import { silentLogger, type Logger } from '../app/common/logger.ts';
import { startUpdates, type AutoUpdates } from './updates.ts';

export function startAutoUpdates(settings: UpdatesConfig, logger: Logger = silentLogger): AutoUpdates {
  const { autoUpdater } = electronUpdater;
  // Its own log lines are free text with paths; updates.ts logs events and codes instead.
  autoUpdater.logger = null;
  return startUpdates(autoUpdater, settings, { logger });
}
