// `device-uploader start` (what `npm start` runs): the engine with the queue
// window served on 127.0.0.1 (until the Electron shell lands). With --config,
// on that config; with none, the embedded default that does the main job out
// of the box: a local BioT sandbox (disk store) as the server and an inbox
// folder it creates and names, so a file dropped there shows it uploading.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseJsonText } from '../config/load.ts';
import { lockDataFolder, type DataFolderLock } from '../engine/data-lock.ts';
import { writeConfigFile } from '../config/save.ts';
import { startSandbox, type Sandbox } from '../sandbox/index.ts';
import { parseFlags, UsageError } from './flags.ts';
import { runningWindowText } from './already-running.ts';
import { printLoginNews } from './serve-console.ts';
import { startServe, type Serving } from './serve.ts';

/** Where the default instance keeps its data, per OS convention. */
export function defaultHome(): string {
  if (process.env.DEVICE_UPLOADER_HOME) return process.env.DEVICE_UPLOADER_HOME;
  if (process.platform === 'win32') return join(process.env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Device Uploader');
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Device Uploader');
  return join(process.env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'device-uploader');
}

export async function startCommand(args: string[]): Promise<number> {
  const flags = parseFlags(args, { config: { type: 'string' }, inbox: { type: 'string' }, 'ui-port': { type: 'string' } });
  const port = flags['ui-port'] === undefined ? 0 : Number(flags['ui-port']);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError('--ui-port must be a port number (0-65535)');
  let sandbox: Sandbox | undefined;
  let configFile = flags.config;
  let dataLock: DataFolderLock | undefined;
  let serving: Serving;
  try {
    if (!configFile) {
      const demo = await prepareDemo(flags.inbox);
      sandbox = demo.sandbox;
      configFile = demo.configFile;
      dataLock = demo.dataLock;
    }
    serving = await startServe(configFile, { port, ...(dataLock && { engine: { dataLock } }) });
  } catch (error) {
    dataLock?.release(); // the engine never took it over
    await sandbox?.close();
    // Already running here: what the person wants is its window, so say where it is (and that is not a failure).
    const running = await runningWindowText(error);
    if (!running) throw error;
    process.stdout.write(running);
    return 0;
  }
  try {
    process.stdout.write(`Queue window: ${serving.control.url}\n(Ctrl+C stops; uploads resume where they left off next time)\n`);
    const stopNews = printLoginNews(serving.engine, process.stdout);
    const signal = await new Promise<NodeJS.Signals>((done) => {
      process.once('SIGINT', done);
      process.once('SIGTERM', done);
    });
    process.stderr.write(`\n${signal}: stopping\n`);
    stopNews();
    await serving.close();
    return signal === 'SIGINT' ? 130 : 143;
  } finally {
    await sandbox?.close();
  }
}

/**
 * The demo's sandbox and config file. The config is kept between runs (the
 * Settings window may have changed it); only the sandbox's URL, new each run,
 * is written into it.
 */
export async function prepareDemo(inboxFlag: string | undefined): Promise<{ sandbox: Sandbox; configFile: string; dataLock: DataFolderLock }> {
  const home = defaultHome();
  mkdirSync(home, { recursive: true });
  const configFile = join(home, 'config.json');
  const saved = existsSync(configFile) ? (parseJsonText(readFileSync(configFile, 'utf8'), configFile) as Record<string, unknown>) : undefined;
  const inbox = inboxFlag ?? join(homedir(), 'Device Uploader Inbox');
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
