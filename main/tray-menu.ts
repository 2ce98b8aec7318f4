// The tray menu as plain data (Electron's MenuItemConstructorOptions shape).
// Every action is here, on every platform: some Linux desktops deliver no
// click on the tray icon, so the menu is the only way in there.
import type { FolderStatus, PauseFor } from '../app/api.ts';

export interface MenuItemSpec {
  id?: string;
  label?: string;
  type?: 'normal' | 'separator' | 'checkbox' | 'submenu';
  enabled?: boolean;
  checked?: boolean;
  click?: () => void;
  submenu?: MenuItemSpec[];
}

export interface MenuActions {
  open(): void;
  pauseAll(): void;
  /** Pause every upload for an hour, or until midnight; they resume by themselves. */
  pauseFor(choice: PauseFor): void;
  resumeAll(): void;
  openFolder(folderId: string): void;
  settings(): void;
  setStartAtLogin(on: boolean): void;
  quit(): void;
}

export interface MenuState {
  status: string;
  /** Files that Pause all would pause / Resume all would resume. */
  pausable: number;
  paused: number;
  /** When a timed pause ends, as the person reads a clock ("15:30"); null when there is none. */
  pausedUntil?: string | null;
  folders: FolderStatus[];
  startAtLogin: boolean;
}

/** A folder's menu label: its last path segment (the screen only; never logged). */
export function folderLabel(folder: FolderStatus): string {
  const name = folder.path.split(/[\\/]/).filter(Boolean).at(-1) ?? folder.path;
  return folder.state === 'ok' ? name : `${name} (missing)`;
}

export function trayMenu(state: MenuState, actions: MenuActions): MenuItemSpec[] {
  return [
    { id: 'status', label: state.pausedUntil ? `Paused until ${state.pausedUntil}` : state.status, enabled: false },
    { type: 'separator' },
    { id: 'open', label: 'Open Device Uploader', click: actions.open },
    { id: 'pause-all', label: 'Pause all', enabled: state.pausable > 0, click: actions.pauseAll },
    // As OneDrive offers: a pause that ends by itself, so nobody has to remember to resume.
    { id: 'pause-hour', label: 'Pause for 1 hour', enabled: !state.pausedUntil, click: () => actions.pauseFor('hour') },
    { id: 'pause-tomorrow', label: 'Pause until tomorrow', enabled: !state.pausedUntil, click: () => actions.pauseFor('tomorrow') },
    { id: 'resume-all', label: 'Resume all', enabled: state.paused > 0 || !!state.pausedUntil, click: actions.resumeAll },
    { type: 'separator' },
    ...state.folders.map((f): MenuItemSpec => ({
      id: `folder:${f.id}`,
      label: `Open folder: ${folderLabel(f)}`,
      enabled: f.state === 'ok',
      click: () => actions.openFolder(f.id),
    })),
    ...(state.folders.length > 0 ? [{ type: 'separator' } as const] : []),
    { id: 'settings', label: 'Settings…', click: actions.settings },
    {
      id: 'start-at-login',
      label: 'Start at login',
      type: 'checkbox',
      checked: state.startAtLogin,
      click: () => actions.setStartAtLogin(!state.startAtLogin),
    },
    { type: 'separator' },
    { id: 'quit', label: 'Quit Device Uploader', click: actions.quit },
  ];
}

/**
 * Sets the tray's menu only when what it shows changed (labels, states,
 * checks): while files upload the shell redraws about once a second, and a
 * menu set anew closes the one a person has open on some desktops. The click
 * handlers of a menu kept are those of an equal one, so they do the same.
 */
export function createMenuPresenter(tray: { setContextMenu(items: MenuItemSpec[]): void }): (items: MenuItemSpec[]) => void {
  let shown: string | undefined;
  return (items) => {
    // JSON leaves the click functions out: what is shown, not what it does.
    const seen = JSON.stringify(items);
    if (seen === shown) return;
    shown = seen;
    tray.setContextMenu(items);
  };
}
