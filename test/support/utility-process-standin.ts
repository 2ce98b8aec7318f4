// Electron's utilityProcess.fork, as far as the app uses it, over a Node
// child (child_process.fork): postMessage/'message' carry structured clones
// (serialization 'advanced', as the utility process's port does), the child
// reads them through the parentPort shim of app/host/engine-entry.ts, 'exit'
// gives a number, and kill() is what UtilityProcess.kill() is on Linux and
// macOS: a SIGTERM, which a child may ignore.
import { fork, type ChildProcess } from 'node:child_process';
import { constants } from 'node:os';
import type { UtilityProcessLike } from '../../main/utility-process.ts';

export interface UtilityStandin extends UtilityProcessLike {
  /** The Node child, for what a test must check from outside (its signal, whether it lives). */
  readonly child: ChildProcess;
}

export function forkUtility(modulePath: string, options: { env?: NodeJS.ProcessEnv } = {}): UtilityStandin {
  const child = fork(modulePath, [], {
    serialization: 'advanced',
    env: options.env ?? process.env,
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  return {
    child,
    get pid() {
      return child.exitCode === null && child.signalCode === null ? child.pid : undefined;
    },
    postMessage: (message) => void child.send(message as never),
    on(event: 'message' | 'exit', listener: (value: unknown) => void) {
      if (event === 'message') child.on('message', listener);
      // A signal's death is reported as a number, like the shell's 128 + signal.
      else child.once('exit', (code, signal) => listener(code ?? 128 + (signal ? constants.signals[signal] : 0)));
    },
    kill: () => child.kill('SIGTERM'),
  } as UtilityStandin;
}
