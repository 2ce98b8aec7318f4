// The engine in a Node child process: the headless host's way, and how the
// host is tested without Electron. serialization 'advanced' gives the channel
// the same structured clone Electron's utilityProcess uses, so what passes one
// passes the other.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { EngineProcess, FromEngine } from './protocol.ts';

export const ENGINE_ENTRY = fileURLToPath(new URL('./engine-entry.ts', import.meta.url));

/** Wraps a forked child as an EngineProcess. */
export function childEngineProcess(child: ChildProcess): EngineProcess {
  return {
    get pid() {
      return child.pid;
    },
    send: (message) => {
      if (child.connected) child.send(message);
    },
    onMessage: (listener) => void child.on('message', (m) => listener(m as FromEngine)),
    onExit: (listener) => void child.once('exit', (code) => listener(code)),
    kill: () => void child.kill('SIGKILL'),
  };
}

/** Starts engine-entry.ts in a Node child. */
export function forkEngine(options: { entry?: string; env?: NodeJS.ProcessEnv; silent?: boolean } = {}): EngineProcess {
  const child = fork(options.entry ?? ENGINE_ENTRY, [], {
    serialization: 'advanced',
    env: options.env ?? process.env,
    // The engine logs to its own file; its stdout/stderr carry nothing staff need.
    stdio: options.silent === false ? 'inherit' : ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  return childEngineProcess(child);
}
