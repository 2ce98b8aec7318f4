// Where the default instance keeps its data, the same for the headless
// `start`, the desktop app and its engine process: DEVICE_UPLOADER_HOME, else
// the OS's place for per-user application data.
import { homedir } from 'node:os';
import { join } from 'node:path';

/** Where the default instance keeps its data, per OS convention. */
export function defaultHome(): string {
  if (process.env.DEVICE_UPLOADER_HOME) return process.env.DEVICE_UPLOADER_HOME;
  if (process.platform === 'win32') return join(process.env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Device Uploader');
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Device Uploader');
  return join(process.env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'device-uploader');
}
