// `serve` and `start` close the engine and the window whatever ends them: a
// console line that throws after start (here the resumed-uploads line, whose
// snapshot a failing queue would break) must not leave the data folder locked
// and the window's port open in a process that goes on. In-process commands,
// real engine, real SQLite, real loopback; only that console line is made to throw.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { serveCommand } from '../../app/cli/serve.ts';
import { startCommand } from '../../app/cli/start.ts';
import { readSavedAddress } from '../../app/cli/window-address.ts';
import { lockDataFolder } from '../../app/engine/data-lock.ts';

vi.mock('../../app/cli/serve-console.ts', async (actual) => ({
  ...(await actual<typeof import('../../app/cli/serve-console.ts')>()),
  printResumed: () => Promise.reject(new Error('injected: the queue could not be read')),
}));

let root: string;
let configFile: string;
const dataDir = () => join(root, 'data');

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'du-serve-closes-'));
  configFile = join(root, 'config.json');
  // No folders and a BioT address nothing listens on: nothing leaves the PC.
  const config = { dataDir: dataDir(), server: { baseUrl: 'http://127.0.0.1:9', auth: { type: 'user', username: 'u', password: 'p' } }, folders: [] };
  writeFileSync(configFile, JSON.stringify(config));
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
});
afterEach(() => {
  vi.restoreAllMocks();
  rmSync(root, { recursive: true, force: true });
});

async function expectAllClosed(): Promise<void> {
  lockDataFolder(dataDir()).release(); // throws DataFolderInUse while an engine holds it
  const { port } = readSavedAddress(dataDir())!;
  await expect(fetch(`http://127.0.0.1:${port}/`)).rejects.toThrow();
}

it.each([
  ['serve', serveCommand],
  ['start', startCommand],
])('%s closes the engine and the window when its console throws', async (_name, command) => {
  await expect(command(['--config', configFile])).rejects.toThrow('injected');
  await expectAllClosed();
});
