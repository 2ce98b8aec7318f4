// Writing the config file from Settings: atomically (temp file in the same
// folder, fsync, rename), so a power cut mid-save leaves the old file or the
// new one, never half of each. Owner-only, as it may hold a password.
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** Replaces `file` with `raw` as pretty JSON in one rename. */
export function writeConfigFile(file: string, raw: unknown): void {
  const temp = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
  const fd = openSync(temp, 'w', 0o600);
  try {
    writeSync(fd, `${JSON.stringify(raw, null, 2)}\n`);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    rmSync(temp, { force: true });
    throw error;
  }
  closeSync(fd);
  renameSync(temp, file);
}
