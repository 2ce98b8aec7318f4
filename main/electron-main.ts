// stub, replaced by the shell: E1's Electron main lands at this path. It only
// shows what the bundle holds: the engine in a utility process, the preload,
// and auto-update wired from the app's config.
import { app, utilityProcess } from 'electron';
import { join } from 'node:path';
import { startAutoUpdates } from './updates-electron.ts';

await app.whenReady();
const engine = utilityProcess.fork(join(import.meta.dirname, '..', 'host', 'engine-entry.js'));
const updates = startAutoUpdates({ enabled: true });
app.on('will-quit', () => {
  updates.dispose();
  engine.kill();
});
