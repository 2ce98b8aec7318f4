// The end of the session (log off, shut down, restart): the engine must stop
// within its bound then too, but Electron emits no `before-quit` for it on
// Windows. Windows tells windows, not processes, and a tray app may have none
// open: a hidden window without a page (a BaseWindow, no renderer) is there
// to hear it. First comes `query-session-end` (WM_QUERYENDSESSION), which may
// be held: preventDefault() asks Windows to wait (its shutdown screen names
// the app) while the engine stops within its bound and the app quits, which
// lets the session end. `session-end` (WM_ENDSESSION) cannot be held ("once
// this event fires, there is no way to prevent the session from ending"):
// it is the last resort, for a session ended by force. On Linux and macOS,
// powerMonitor's `shutdown` says it; preventDefault() asks the system to wait
// (logind's delay lock) while the app quits.
import type { PreventableEvent } from './web-guards.ts';

/** Electron's WindowSessionEndEvent. */
export interface SessionEndEventLike extends PreventableEvent {
  reasons?: string[];
}

export interface SessionWindowLike {
  on(event: 'query-session-end', listener: (event: SessionEndEventLike) => void): void;
  on(event: 'session-end', listener: (event: SessionEndEventLike) => void): void;
}

export interface SessionEndSources {
  platform: NodeJS.Platform;
  powerMonitor: { on(event: 'shutdown', listener: (event?: PreventableEvent) => void): void };
  /** Windows: a hidden native window to hear `query-session-end` and `session-end` on. */
  sessionWindow?: () => SessionWindowLike;
}

/**
 * Calls `end` when the session ends; `why` is a code for the log. `stopped`
 * says whether the app has finished stopping: until then Windows' query is
 * held (asked again, it is held again), after it the session may end.
 */
export function onSessionEnd(sources: SessionEndSources, end: (why: string) => void, stopped: () => boolean): void {
  if (sources.platform === 'win32') {
    const window = sources.sessionWindow?.();
    const reasons = (event: SessionEndEventLike) => (event.reasons ?? []).join('+') || 'unknown';
    window?.on('query-session-end', (event) => {
      if (stopped()) return;
      event.preventDefault();
      end(`query-session-end:${reasons(event)}`);
    });
    window?.on('session-end', (event) => end(`session-end:${reasons(event)}`));
    return;
  }
  sources.powerMonitor.on('shutdown', (event) => {
    event?.preventDefault();
    end('shutdown');
  });
}
