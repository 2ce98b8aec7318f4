// Start at login: Electron's setLoginItemSettings on Windows and macOS; on
// Linux (where Electron has none) an XDG autostart entry. Either way the app
// is started with HIDDEN_FLAG, so a start at login stays in the tray.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const HIDDEN_FLAG = '--hidden';
export const AUTOSTART_FILE = 'device-uploader.desktop';

export interface LoginItemHost {
  platform: NodeJS.Platform;
  /** The program to start: the AppImage when run from one (process.execPath is inside its temporary mount). */
  execPath: string;
  /** ~/.config/autostart, or $XDG_CONFIG_HOME/autostart. */
  autostartDir: string;
  setLoginItemSettings(settings: { openAtLogin: boolean; args?: string[] }): void;
  getLoginItemSettings(options?: { args?: string[] }): { openAtLogin: boolean; wasOpenedAtLogin?: boolean };
}

export function defaultAutostartDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'autostart');
}

/** Quotes an Exec argument per the Desktop Entry spec. */
function execArg(arg: string): string {
  return /[\s"'\\$`]/.test(arg) ? `"${arg.replace(/(["`$\\])/g, '\\$1')}"` : arg;
}

export function autostartEntry(execPath: string): string {
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=Device Uploader',
    'Comment=Uploads clinic device exports to BioT',
    `Exec=${execArg(execPath)} ${HIDDEN_FLAG}`,
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

export function setStartAtLogin(host: LoginItemHost, on: boolean): void {
  if (host.platform === 'linux') {
    const file = join(host.autostartDir, AUTOSTART_FILE);
    if (on) {
      mkdirSync(host.autostartDir, { recursive: true });
      writeFileSync(file, autostartEntry(host.execPath));
    } else rmSync(file, { force: true });
    return;
  }
  host.setLoginItemSettings({ openAtLogin: on, args: [HIDDEN_FLAG] });
}

export function startsAtLogin(host: LoginItemHost): boolean {
  if (host.platform === 'linux') {
    const file = join(host.autostartDir, AUTOSTART_FILE);
    return existsSync(file) && !/^Hidden\s*=\s*true/m.test(readFileSync(file, 'utf8'));
  }
  return host.getLoginItemSettings({ args: [HIDDEN_FLAG] }).openAtLogin;
}

/** Started by the login item (tray only, no window) rather than by a person. */
export function startedAtLogin(argv: readonly string[], host: Pick<LoginItemHost, 'platform' | 'getLoginItemSettings'>): boolean {
  if (argv.includes(HIDDEN_FLAG)) return true;
  return host.platform === 'darwin' && host.getLoginItemSettings().wasOpenedAtLogin === true;
}
