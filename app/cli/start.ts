// `device-uploader start` (what `npm start` runs): with --config, the engine
// on that config; with none, the embedded default that does the main job out
// of the box: a local BioT sandbox (disk store) as the server and an inbox
// folder it creates and names, watched, so a dropped file uploads.
import { mkdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { loadConfigFile, parseConfig } from '../config/load.ts';
import { startSandbox } from '../sandbox/index.ts';
import { parseFlags } from './flags.ts';
import { runEngine } from './run.ts';

/** Where the default instance keeps its data, per OS convention. */
export function defaultHome(): string {
  if (process.env.DEVICE_UPLOADER_HOME) return process.env.DEVICE_UPLOADER_HOME;
  if (process.platform === 'win32') return join(process.env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Device Uploader');
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Device Uploader');
  return join(process.env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'device-uploader');
}

export async function startCommand(args: string[]): Promise<number> {
  const flags = parseFlags(args, { config: { type: 'string' }, inbox: { type: 'string' } });
  if (flags.config) return runEngine(loadConfigFile(flags.config), { once: false });

  const home = defaultHome();
  const inbox = flags.inbox ?? join(homedir(), 'Device Uploader Inbox');
  mkdirSync(inbox, { recursive: true });
  const sandbox = await startSandbox({ dataDir: join(home, 'sandbox') });
  const raw = {
    dataDir: join(home, 'data'),
    server: { baseUrl: sandbox.url, auth: { type: 'user', ...sandbox.credentials.user } },
    folders: [{ id: 'inbox', path: inbox, quietSeconds: 2 }],
  };
  const configFile = join(home, 'config.json');
  mkdirSync(home, { recursive: true });
  // Written so `device-uploader status --config <file>` works beside the demo.
  writeFileSync(configFile, `${JSON.stringify(raw, null, 2)}\n`);
  process.stdout.write(
    `Device Uploader, demo mode: uploads go to a local BioT sandbox at ${sandbox.url}\n` +
      `Drop files into: ${inbox}\n` +
      `Queue: device-uploader status --config "${configFile}"   (Ctrl+C stops; uploads resume next time)\n`,
  );
  try {
    return await runEngine(parseConfig(raw, { baseDir: home }), { once: false });
  } finally {
    await sandbox.close();
  }
}
