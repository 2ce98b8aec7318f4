// Runs a built main entry as Electron runs it, under Node: 'electron'
// resolves to the stand-in of electron-fake.ts (for import and require both),
// the entry is imported, and only once its evaluation has ended is `ready`
// emitted, as Electron does. An entry that never finishes evaluating (a
// top-level `await app.whenReady()`) is reported and the process exits 3.
//
// Usage (from a test, with an IPC channel): node electron-run.ts ENTRY [ARGS...]
import { registerHooks } from 'node:module';
import { pathToFileURL } from 'node:url';

const FAKE = new URL('./electron-fake.ts', import.meta.url).href;
registerHooks({
  resolve: (specifier, context, next) => (specifier === 'electron' ? { url: FAKE, shortCircuit: true } : next(specifier, context)),
});
const { emitReady } = (await import(FAKE)) as typeof import('./electron-fake.ts');

/** Long enough for any entry to evaluate on a loaded machine; an entry awaiting ready never does. */
const EVALUATION_BOUND_MS = 15_000;

const [entry, ...args] = process.argv.slice(2);
if (!entry) throw new Error('usage: electron-run.ts ENTRY [ARGS...]');
// As the app sees it in Electron: the executable, then the app's own arguments.
process.argv = [process.execPath, ...args];

let timer: NodeJS.Timeout | undefined;
const outcome = await Promise.race([
  import(pathToFileURL(entry).href).then(() => 'evaluated' as const),
  new Promise<'hung'>((resolve) => (timer = setTimeout(() => resolve('hung'), EVALUATION_BOUND_MS))),
]);
clearTimeout(timer);
if (outcome === 'hung') {
  const message = `the main entry did not finish evaluating within ${EVALUATION_BOUND_MS / 1000} s, and Electron emits ready only after it has (a top-level await on app.whenReady() waits for ever)`;
  process.send?.({ kind: 'hung', message });
  process.stderr.write(`${message}\n`);
  process.exit(3);
}
process.send?.({ kind: 'evaluated' });
emitReady();
