// Electron's utilityProcess as an EngineProcess: the same messages the Node
// child carries (structured clone both ways), so EngineClient cannot tell.
// kill() is UtilityProcess.kill(), a SIGTERM on Linux and macOS: an engine
// wedged so that it ignores it (a hung disk, a bug) would outlive the app, so
// past a bound it is killed by pid with SIGKILL, which nothing can ignore.
import type { EngineProcess, FromEngine } from '../app/host/protocol.ts';

export interface UtilityProcessLike {
  readonly pid: number | undefined;
  postMessage(message: unknown): void;
  on(event: 'message', listener: (message: unknown) => void): void;
  on(event: 'exit', listener: (code: number) => void): void;
  kill(): boolean;
}

/** How long a killed engine may take to go before SIGKILL. */
export const KILL_BOUND_MS = 3_000;

export interface UtilityEngineOptions {
  killBoundMs?: number;
  /** process.kill in the app; tests may watch it. */
  killPid?: (pid: number, signal: 'SIGKILL') => void;
}

export function utilityEngineProcess(child: UtilityProcessLike, options: UtilityEngineOptions = {}): EngineProcess {
  const killPid = options.killPid ?? ((pid, signal) => process.kill(pid, signal));
  let exited = false;
  let forceTimer: NodeJS.Timeout | undefined;
  child.on('exit', () => {
    exited = true;
    clearTimeout(forceTimer);
  });
  return {
    get pid() {
      return child.pid;
    },
    send: (message) => {
      if (!exited) child.postMessage(message);
    },
    onMessage: (listener) => child.on('message', (m) => listener(m as FromEngine)),
    onExit: (listener) => child.on('exit', (code) => listener(code)),
    kill: () => {
      if (exited || forceTimer) return;
      // The pid is read now: the object forgets it once the process is gone.
      const pid = child.pid;
      child.kill();
      forceTimer = setTimeout(() => {
        if (exited || pid === undefined) return;
        try {
          killPid(pid, 'SIGKILL');
        } catch {
          // ESRCH: it went meanwhile; its exit event is on its way.
        }
      }, options.killBoundMs ?? KILL_BOUND_MS);
      // A pending force-kill must not keep a quitting app alive by itself.
      forceTimer.unref();
    },
  };
}
