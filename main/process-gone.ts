// Child processes that go: Electron says so on `child-process-gone` (the
// engine's utility process, the GPU...) and `render-process-gone` (a page).
// Each is logged by reason and exit code (no paths, no names); the engine's
// last one is kept for the "cannot start" notification, and a page's is told
// so its window can be replaced (window.ts's QueueWindow).
import { ENGINE_SERVICE_NAME, type ExitDetails } from './cannot-start.ts';

export interface ChildGoneDetails extends ExitDetails {
  type: string;
  /** Electron's names: the display name (a utilityProcess's serviceName) and the non-localised one. */
  name?: string;
  serviceName?: string;
}

export interface GoneEventsLike {
  on(event: 'child-process-gone', listener: (event: unknown, details: ChildGoneDetails) => void): void;
  on(event: 'render-process-gone', listener: (event: unknown, contents: { readonly id: number }, details: ExitDetails) => void): void;
}

export interface GoneHooks {
  log(event: string, facts: Record<string, string | number>): void;
  onEngineGone(exit: ExitDetails): void;
  /** A page's process died; `contentsId` says whose. */
  onRendererGone(contentsId: number): void;
}

export function watchGoneProcesses(app: GoneEventsLike, hooks: GoneHooks): void {
  app.on('child-process-gone', (_event, details) => {
    const engine = details.type === 'Utility' && (details.name === ENGINE_SERVICE_NAME || details.serviceName === ENGINE_SERVICE_NAME);
    hooks.log('child-process-gone', { type: engine ? 'engine' : details.type, reason: details.reason, exitCode: details.exitCode });
    if (engine) hooks.onEngineGone({ reason: details.reason, exitCode: details.exitCode });
  });
  app.on('render-process-gone', (_event, contents, details) => {
    hooks.log('render-process-gone', { reason: details.reason, exitCode: details.exitCode });
    hooks.onRendererGone(contents.id);
  });
}
