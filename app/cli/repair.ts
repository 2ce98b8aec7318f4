// `device-uploader repair --config FILE`: rebuilds a damaged queue database
// (app/store/repair.ts). It takes the data folder's lock first, so it never
// runs beside an engine, and says what it kept and what it restored.
import { join } from 'node:path';
import { loadConfigFile } from '../config/load.ts';
import { lockDataFolder } from '../engine/data-lock.ts';
import { DATABASE_FILE } from '../store/index.ts';
import { restoredLine } from '../store/journal-restore.ts';
import { repairQueue } from '../store/repair.ts';
import { parseFlags, UsageError } from './flags.ts';

export async function repairCommand(args: string[]): Promise<number> {
  const flags = parseFlags(args, { config: { type: 'string' } });
  if (!flags.config) throw new UsageError('--config FILE is required');
  const config = loadConfigFile(flags.config);
  const lock = lockDataFolder(config.dataDir);
  try {
    const file = join(config.dataDir, DATABASE_FILE);
    const result = repairQueue(file);
    if (result.kind === 'healthy') {
      process.stdout.write(`${file} is sound; nothing to repair\n`);
      return 0;
    }
    if (result.kind === 'restored') {
      process.stdout.write(`${restoredLine(file, result.restoredFromJournal)}\n`);
      return 0;
    }
    const s = result.salvaged;
    process.stdout.write(
      `Rebuilt ${file}: read back ${s.files} file rows, ${s.uploads} uploads, ${s.parts} parts and ${s.audit} audit entries` +
        `${result.unreadable ? ` (${result.unreadable} unreadable chunks or rows left out)` : ''}; ` +
        `restored ${result.restoredFromJournal} finished upload(s) from the upload journal.\n` +
        `The damaged file is kept as ${result.damagedKeptAs}. Start Device Uploader again: exports BioT already holds are recognised, not sent again.\n`,
    );
    return 0;
  } finally {
    lock.release();
  }
}
