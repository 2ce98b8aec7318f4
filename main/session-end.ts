// The end of the session (log off, shut down, restart): the engine must stop
// within its bound then too, but Electron emits no `before-quit` for it on
// Windows. Windows tells windows, not processes (WM_ENDSESSION, Electron's
// `session-end`), and a tray app may have none open: a hidden window without
// a page (a BaseWindow, no renderer) is there to hear it. On Linux and macOS,
// powerMonitor's `shutdown` says it; preventDefault() asks the system to wait
// (logind's delay lock) while the app quits.
import type { PreventableEvent } from './web-guards.ts';

export interface SessionEndSources {
  platform: NodeJS.Platform;
  powerMonitor: { on(event: 'shutdown', listener: (event?: PreventableEvent) => void): void };
  /** Windows: a hidden native window to hear `session-end` on. */
  sessionWindow?: () => { on(event: 'session-end', listener: (event: { reasons?: string[] }) => void): void };
}

/** Calls `end` once the session ends; `why` is a code for the log. */
export function onSessionEnd(sources: SessionEndSources, end: (why: string) => void): void {
  if (sources.platform === 'win32') {
    sources.sessionWindow?.().on('session-end', (event) => end(`session-end:${(event.reasons ?? []).join('+') || 'unknown'}`));
    return;
  }
  sources.powerMonitor.on('shutdown', (event) => {
    event?.preventDefault();
    end('shutdown');
  });
}
