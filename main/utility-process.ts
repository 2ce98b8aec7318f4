// Electron's utilityProcess as an EngineProcess: the same messages the Node
// child carries (structured clone both ways), so EngineClient cannot tell.
import type { EngineProcess, FromEngine } from '../app/host/protocol.ts';

export interface UtilityProcessLike {
  readonly pid: number | undefined;
  postMessage(message: unknown): void;
  on(event: 'message', listener: (message: unknown) => void): void;
  on(event: 'exit', listener: (code: number) => void): void;
  kill(): boolean;
}

export function utilityEngineProcess(child: UtilityProcessLike): EngineProcess {
  let exited = false;
  child.on('exit', () => (exited = true));
  return {
    get pid() {
      return child.pid;
    },
    send: (message) => {
      if (!exited) child.postMessage(message);
    },
    onMessage: (listener) => child.on('message', (m) => listener(m as FromEngine)),
    onExit: (listener) => child.on('exit', (code) => listener(code)),
    kill: () => void child.kill(),
  };
}
