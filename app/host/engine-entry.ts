// The engine process's entry, the same file for both hosts: Electron's
// utilityProcess (which provides process.parentPort) and a Node child started
// with child_process.fork (serialization 'advanced'), for which a small shim
// gives the IPC channel the parentPort shape. Bundled by the desktop build;
// run directly by Node (type stripping) in tests and headless hosts.
import type { FromEngine, ParentPort } from './protocol.ts';
import { serveEngine } from './engine-service.ts';
import { tuneHeapForEngine } from '../common/engine-heap.ts';
import { shrinkHeapWhenIdle } from '../common/idle-shrink.ts';

tuneHeapForEngine();
shrinkHeapWhenIdle();

/** Electron's parentPort when there is one, else the Node IPC channel in its shape. */
export function parentPort(): ParentPort {
  const electronPort = (process as unknown as { parentPort?: ParentPort }).parentPort;
  if (electronPort) return electronPort;
  if (!process.send) throw new Error('engine-entry must be started by a host (utilityProcess or child_process.fork)');
  return {
    on: (_event, listener) => void process.on('message', (data) => listener({ data })),
    postMessage: (message: FromEngine) => void process.send?.(message),
  };
}

const port = parentPort();
const service = serveEngine(port, {
  onStopped: (code) => {
    // Let the 'stopped' message leave before the process does.
    setImmediate(() => process.exit(code));
  },
});
// Anything thrown outside a call is a bug: say so (by class only: messages may hold paths) and go; the host restarts us.
const fatal = (error: unknown) => {
  port.postMessage({ kind: 'fatal', message: error instanceof Error ? error.name : 'unknown' });
  setImmediate(() => process.exit(70));
};
process.on('uncaughtException', fatal);
process.on('unhandledRejection', fatal);
// The parent went away (a Node host killed): stop cleanly rather than orphan the queue.
process.on('disconnect', () => void service.shutdown());
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => void service.shutdown());
