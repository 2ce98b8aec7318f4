// Where the Electron binary is, found without importing `electron` (whose
// index.js downloads the binary when it is missing: no network here, and a
// surprise download is no way to start an app). The same rules as that file:
// node_modules/electron/path.txt names the executable under dist/, or
// ELECTRON_OVERRIDE_DIST_PATH points elsewhere.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The executable's path, or undefined when it is not installed. */
export function electronBinary(electronDir: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const pathFile = join(electronDir, 'path.txt');
  const name = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : '';
  const binary = env.ELECTRON_OVERRIDE_DIST_PATH
    ? join(env.ELECTRON_OVERRIDE_DIST_PATH, name || 'electron')
    : name && join(electronDir, 'dist', name);
  return binary && existsSync(binary) ? binary : undefined;
}
