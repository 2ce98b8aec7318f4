// `device-uploader status --config FILE [--json] [--names]`: the queue as the
// database holds it, without starting the engine or contacting BioT. File
// names show on a terminal (a person is looking); piped or redirected output
// may end up in a log, so it carries ids only unless --names asks for them.
import { join } from 'node:path';
import { folderLabelById } from '../config/folder-label.ts';
import { loadConfigFile } from '../config/load.ts';
import { checkDataFolder, dataFolderStatus } from '../engine/data-folder-health.ts';
import { readPausedUntil } from '../engine/timed-pause.ts';
import { DATABASE_FILE, openStore } from '../store/index.ts';
import { parseFlags, UsageError } from './flags.ts';
import { formatBytes, screenText } from './format.ts';

export async function statusCommand(args: string[]): Promise<number> {
  const flags = parseFlags(args, { config: { type: 'string' }, json: { type: 'boolean' }, limit: { type: 'string' }, names: { type: 'boolean' } });
  if (!flags.config) throw new UsageError('--config FILE is required');
  // Only the data folder matters here: the secret may be elsewhere (a service's environment, the key store).
  const config = loadConfigFile(flags.config, process.env, { requireSecret: false });
  const store = openStore(join(config.dataDir, DATABASE_FILE));
  // A full or read-only data folder holds every upload: the first thing to say.
  const dataFolder = await checkDataFolder(config.dataDir).catch(() => undefined);
  try {
    const limit = flags.limit ? Number(flags.limit) : 50;
    const snap = store.snapshot({ limit });
    const names = flags.names ?? (process.stdout.isTTY === true && !flags.json);
    if (flags.json) {
      const files = snap.page.files.map(({ sourcePath: _path, relPath, lastError, ...f }) => ({
        ...f,
        ...(names && { relPath, lastError }),
      }));
      const pausedUntil = readPausedUntil(config.dataDir);
      process.stdout.write(
        `${JSON.stringify({ dataFolder: dataFolder ?? 'ok', pausedUntil, counts: snap.counts, total: snap.total, files }, null, 2)}\n`,
      );
      return 0;
    }
    if (dataFolder) process.stdout.write(`uploads held: ${dataFolderStatus(dataFolder, Date.now()).advice}\n`);
    const pausedUntil = readPausedUntil(config.dataDir);
    if (pausedUntil !== null && pausedUntil > Date.now())
      process.stdout.write(`uploads paused until ${new Date(pausedUntil).toLocaleString()}; they go on by themselves\n`);
    const counts = Object.entries(snap.counts)
      .filter(([, n]) => n > 0)
      .map(([s, n]) => `${s} ${n}`)
      .join(', ');
    process.stdout.write(`${snap.total} file(s): ${counts || 'none'}\n`);
    for (const f of snap.page.files) {
      const pct = f.size ? Math.floor((f.bytesDone / f.size) * 100) : 100;
      process.stdout.write(
        `${String(f.id).padStart(6)}  ${f.state.padEnd(15)} ${String(pct).padStart(3)}%  ${formatBytes(f.size).padStart(10)}  ${names ? screenText(f.relPath) : `folder ${folderLabelById(config.folders, f.folderId)}`}${f.lastErrorCode ? `  (${names && f.lastError ? screenText(f.lastError) : f.lastErrorCode})` : ''}\n`,
      );
    }
    return 0;
  } finally {
    store.close();
  }
}
