// The tray: an icon per state that needs a person (not per activity), a
// tooltip with counts and the last upload, and a menu with every action.
import { describe, expect, it } from 'vitest';
import type { ConnectionStatus, FileState, FolderStatus, Totals } from '../../app/api.ts';
import { API_FILE_STATES } from '../../app/api-schemas.ts';
import { createTrayPresenter, TOOLTIP_MAX, trayView, type TrayIcon, type TrayInput } from '../../main/tray-state.ts';
import { createMenuPresenter, trayMenu, type MenuActions, type MenuItemSpec } from '../../main/tray-menu.ts';

function totals(counts: Partial<Record<FileState, number>> = {}, doneToday = 0): Totals {
  const all = Object.fromEntries(API_FILE_STATES.map((s) => [s, 0])) as Record<FileState, number>;
  return { counts: { ...all, ...counts }, doneToday, speed: 0, bytesRemaining: 0, etaSeconds: null };
}
const ok: ConnectionStatus = { state: 'ok', advice: null, since: 0 };
const folder = (state: FolderStatus['state'] = 'ok'): FolderStatus => ({ id: 'holter', path: '/data/Holter Export', state });
const input = (over: Partial<TrayInput> = {}): TrayInput => ({
  totals: totals(),
  connection: ok,
  folders: [folder()],
  lastUploadAt: null,
  engine: 'running',
  ...over,
});
const time = (at: number) => `T${at}`;

describe('tray icon and tooltip', () => {
  it.each<[string, Partial<TrayInput>, TrayIcon]>([
    ['all well', {}, 'ok'],
    ['uploading is still all well (no flicker with activity)', { totals: totals({ uploading: 2, queued: 5 }) }, 'ok'],
    ['everything paused', { totals: totals({ paused: 3 }) }, 'paused'],
    ['paused with others still going is not "paused"', { totals: totals({ paused: 3, uploading: 1 }) }, 'ok'],
    ['a file needs attention', { totals: totals({ 'needs-attention': 1 }) }, 'attention'],
    ['login refused', { connection: { ...ok, state: 'credentials-refused' } }, 'attention'],
    ['a folder is missing', { folders: [folder('missing')] }, 'attention'],
    ['the engine keeps failing', { engine: 'down' }, 'attention'],
    ['BioT unreachable', { connection: { ...ok, state: 'unreachable' } }, 'offline'],
  ])('%s', (_name, over, icon) => {
    expect(trayView(input(over), time).icon).toBe(icon);
  });

  it('the tooltip carries counts and the last upload time, within the Windows limit, and no file names', () => {
    const view = trayView(input({ totals: totals({ uploading: 2, queued: 40, 'needs-attention': 1 }, 7), lastUploadAt: 5 }), time);
    expect(view.tooltip).toContain('2 uploading');
    expect(view.tooltip).toContain('40 waiting');
    expect(view.tooltip).toContain('7 done today');
    expect(view.tooltip).toContain('last upload T5');
    expect(view.tooltip).not.toContain('Holter');
    expect(view.tooltip.length).toBeLessThanOrEqual(TOOLTIP_MAX);
    expect(trayView(input(), time).tooltip).toContain('no uploads yet');
  });

  it('the presenter sets the image only when the icon changes, however often progress arrives', () => {
    const calls: string[] = [];
    const present = createTrayPresenter({ setImage: (i) => calls.push(`image:${i}`), setToolTip: () => calls.push('tip') });
    for (let i = 0; i < 50; i++) present(trayView(input({ totals: totals({ uploading: 1, queued: i }) }), time));
    present(trayView(input({ totals: totals({ 'needs-attention': 1 }) }), time));
    expect(calls.filter((c) => c.startsWith('image:'))).toEqual(['image:ok', 'image:attention']);
  });
});

describe('tray menu', () => {
  const clicked: string[] = [];
  const actions: MenuActions = {
    open: () => clicked.push('open'),
    pauseAll: () => clicked.push('pause'),
    pauseFor: (choice) => clicked.push(`pause-for:${choice}`),
    resumeAll: () => clicked.push('resume'),
    openFolder: (id) => clicked.push(`folder:${id}`),
    settings: () => clicked.push('settings'),
    setStartAtLogin: (on) => clicked.push(`login:${on}`),
    quit: () => clicked.push('quit'),
  };

  it('holds a status line and every action (Linux desktops may deliver no tray click)', () => {
    const menu = trayMenu(
      {
        status: 'All uploaded',
        pausable: 2,
        paused: 1,
        folders: [folder(), { ...folder('missing'), id: 'ecg', path: 'C:\\ECG' }],
        startAtLogin: true,
      },
      actions,
    );
    const ids = menu.map((m) => m.id).filter(Boolean);
    expect(ids).toEqual([
      'status',
      'open',
      'pause-all',
      'pause-hour',
      'pause-tomorrow',
      'resume-all',
      'folder:holter',
      'folder:ecg',
      'settings',
      'start-at-login',
      'quit',
    ]);
    expect(menu[0]).toMatchObject({ label: 'All uploaded', enabled: false });
    expect(menu.find((m) => m.id === 'folder:holter')!.label).toBe('Open folder: Holter Export');
    expect(menu.find((m) => m.id === 'folder:ecg')).toMatchObject({ label: 'Open folder: ECG (missing)', enabled: false });
    expect(menu.find((m) => m.id === 'start-at-login')).toMatchObject({ type: 'checkbox', checked: true });
    for (const item of menu) item.click?.();
    expect(clicked).toEqual([
      'open',
      'pause',
      'pause-for:hour',
      'pause-for:tomorrow',
      'resume',
      'folder:holter',
      'folder:ecg',
      'settings',
      'login:false',
      'quit',
    ]);
  });

  it('while a timed pause lasts: the status says until when, Resume all ends it, no second timed pause is offered', () => {
    const menu = trayMenu({ status: 'All uploaded', pausable: 0, paused: 0, pausedUntil: '15:30', folders: [], startAtLogin: false }, actions);
    expect(menu[0]!.label).toBe('Paused until 15:30');
    expect(menu.find((m) => m.id === 'resume-all')!.enabled).toBe(true);
    expect(menu.filter((m) => m.id?.startsWith('pause-') && m.id !== 'pause-all').map((m) => m.enabled)).toEqual([false, false]);
  });

  it('disables Pause all / Resume all when there is nothing to pause or resume', () => {
    const menu = trayMenu({ status: '', pausable: 0, paused: 0, folders: [], startAtLogin: false }, actions);
    expect(menu.find((m) => m.id === 'pause-all')!.enabled).toBe(false);
    expect(menu.find((m) => m.id === 'resume-all')!.enabled).toBe(false);
  });

  it('is set again only when what it shows changed', () => {
    const set: MenuItemSpec[][] = [];
    const present = createMenuPresenter({ setContextMenu: (items) => set.push(items) });
    const state = { status: 'Uploading: 1 now, 2 waiting', pausable: 3, paused: 0, folders: [folder()], startAtLogin: false };
    for (let i = 0; i < 5; i++) present(trayMenu({ ...state }, actions)); // new objects and closures, the same menu
    expect(set).toHaveLength(1);
    present(trayMenu({ ...state, paused: 1 }, actions)); // Resume all becomes enabled
    present(trayMenu({ ...state, paused: 1, startAtLogin: true }, actions)); // a check mark
    present(trayMenu({ ...state, paused: 1, startAtLogin: true, status: 'All uploaded' }, actions));
    expect(set).toHaveLength(4);
  });
});

it('every tray state has its icon in main/icons', async () => {
  const { existsSync } = await import('node:fs');
  const { join } = await import('node:path');
  for (const icon of ['ok', 'paused', 'attention', 'offline'] satisfies TrayIcon[]) {
    expect(existsSync(join(import.meta.dirname, '..', '..', 'main', 'icons', `tray-${icon}.png`)), icon).toBe(true);
  }
});
