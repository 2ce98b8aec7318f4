// What the tray shows, from what the engine reports: an icon per state that
// needs (or does not need) a person, never one that changes with activity
// (bytes moving are not news; a refused login is), a tooltip with counts and
// the last upload time, and the status line at the top of the menu. Pure.
import type { ConnectionStatus, FolderStatus, Totals } from '../app/api.ts';

export type TrayIcon = 'ok' | 'paused' | 'attention' | 'offline';

export interface TrayInput {
  totals: Totals;
  connection: ConnectionStatus;
  folders: FolderStatus[];
  /** When the newest upload finished (epoch ms), or null when none has. */
  lastUploadAt: number | null;
  /** The engine process: running, (re)starting, or down after repeated failures. */
  engine: 'running' | 'starting' | 'down';
}

export interface TrayView {
  icon: TrayIcon;
  status: string;
  tooltip: string;
}

/** Windows cuts tray tooltips at 127 characters. */
export const TOOLTIP_MAX = 127;

export function trayView(input: TrayInput, formatTime: (at: number) => string): TrayView {
  const c = input.totals.counts;
  const active = c.queued + c.uploading + c.completing + c.failed;
  const missing = input.folders.filter((f) => f.state !== 'ok').length;
  const attention = c['needs-attention'];
  let icon: TrayIcon = 'ok';
  let status: string;
  if (input.engine === 'down') {
    icon = 'attention';
    status = 'The uploader has stopped; it keeps trying to start';
  } else if (input.connection.state === 'credentials-refused' || input.connection.state === 'locked') {
    icon = 'attention';
    status = input.connection.state === 'locked' ? 'The BioT account is locked' : 'BioT refused the login';
  } else if (missing > 0) {
    icon = 'attention';
    status = missing === 1 ? 'A watched folder is missing' : `${missing} watched folders are missing`;
  } else if (attention > 0) {
    icon = 'attention';
    status = attention === 1 ? '1 file needs attention' : `${attention} files need attention`;
  } else if (input.connection.state === 'unreachable' && input.connection.code && input.connection.code !== 'NETWORK') {
    // A certificate or proxy refusal is not the cable: someone must act (the window says what).
    icon = 'attention';
    status = `BioT cannot be reached (${input.connection.code})`;
  } else if (input.connection.state === 'unreachable') {
    icon = 'offline';
    status = 'Offline: uploads resume when BioT is reachable';
  } else if (c.paused > 0 && active === 0) {
    icon = 'paused';
    status = `Paused (${c.paused} ${c.paused === 1 ? 'file' : 'files'})`;
  } else if (input.engine === 'starting') {
    status = 'Starting…';
  } else if (active > 0) {
    status = `Uploading: ${c.uploading + c.completing} now, ${c.queued + c.failed} waiting`;
  } else {
    status = 'All uploaded';
  }
  const counts = [
    c.uploading + c.completing > 0 && `${c.uploading + c.completing} uploading`,
    c.queued + c.failed > 0 && `${c.queued + c.failed} waiting`,
    c.paused > 0 && `${c.paused} paused`,
    attention > 0 && `${attention} need attention`,
    `${input.totals.doneToday} done today`,
  ]
    .filter(Boolean)
    .join(', ');
  const last = input.lastUploadAt === null ? 'no uploads yet' : `last upload ${formatTime(input.lastUploadAt)}`;
  const tooltip = `Device Uploader: ${status}\n${counts}; ${last}`;
  return { icon, status, tooltip: tooltip.length > TOOLTIP_MAX ? `${tooltip.slice(0, TOOLTIP_MAX - 1)}…` : tooltip };
}

/** The tray's setters, called only when what they show changed (a tray that redraws on every tick flickers on some desktops). */
export interface TrayLike {
  setImage(icon: TrayIcon): void;
  setToolTip(text: string): void;
}

export function createTrayPresenter(tray: TrayLike): (view: TrayView) => void {
  let icon: TrayIcon | undefined;
  let tooltip: string | undefined;
  return (view) => {
    if (view.icon !== icon) tray.setImage((icon = view.icon));
    if (view.tooltip !== tooltip) tray.setToolTip((tooltip = view.tooltip));
  };
}
