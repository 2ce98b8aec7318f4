// The demo a first run starts with no config (`npm start`, `device-uploader
// start`, the desktop app): a local BioT sandbox (disk store) as the server
// and an inbox folder it creates and names, with its config kept in the data
// home between runs.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseJsonText } from '../config/load.ts';
import { writeConfigFile } from '../config/save.ts';
import { lockDataFolder, type DataFolderLock } from '../engine/data-lock.ts';
import { startSandbox, type Sandbox } from '../sandbox/index.ts';
import { defaultHome } from './data-home.ts';

/**
 * The demo's sandbox and config file. The config is kept between runs (the
 * Settings window may have changed it); only the sandbox's URL, new each run,
 * is written into it.
 */
export async function prepareDemo(
  inboxFlag: string | undefined,
  home: string = defaultHome(),
): Promise<{ sandbox: Sandbox; configFile: string; dataLock: DataFolderLock }> {
  mkdirSync(home, { recursive: true });
  const configFile = join(home, 'config.json');
  const saved = existsSync(configFile) ? (parseJsonText(readFileSync(configFile, 'utf8'), configFile) as Record<string, unknown>) : undefined;
  // A home of its own (DEVICE_UPLOADER_HOME: a second instance, a test) holds its inbox too.
  const inbox = inboxFlag ?? join(process.env.DEVICE_UPLOADER_HOME ? home : homedir(), 'Device Uploader Inbox');
  const raw = saved ?? { dataDir: join(home, 'data'), folders: [{ id: 'inbox', path: inbox, quietSeconds: 2 }] };
  // A demo already running owns this folder: stop before starting a sandbox on
  // its files or rewriting its config (DataFolderInUse names the folder).
  const dataLock = lockDataFolder(resolve(home, typeof raw.dataDir === 'string' ? raw.dataDir : join(home, 'data')));
  let sandbox: Sandbox;
  try {
    sandbox = await startSandbox({ dataDir: join(home, 'sandbox') });
  } catch (error) {
    dataLock.release();
    throw error;
  }
  if (inboxFlag) raw.folders = [{ id: 'inbox', path: inbox, quietSeconds: 2 }];
  raw.server = { baseUrl: sandbox.url, auth: { type: 'user', ...sandbox.credentials.user } };
  writeConfigFile(configFile, raw);
  for (const folder of (raw.folders as { path: string }[] | undefined) ?? []) mkdirSync(folder.path, { recursive: true });
  process.stdout.write(
    `Device Uploader, demo mode: uploads go to a local BioT sandbox at ${sandbox.url}\n` +
      `Drop files into: ${((raw.folders as { path: string }[])[0] ?? { path: inbox }).path}\n` +
      `Config: ${configFile}   (device-uploader status --config "${configFile}" lists the queue)\n`,
  );
  return { sandbox, configFile, dataLock };
}
