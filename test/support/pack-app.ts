// Packs the app as `npm run dist` would, with electron-builder's `--dir`
// target only (no installer tools, no downloads), from this checkout's
// electron-builder.yml, into `outputDir`. Bundles main, preload and engine
// entry first; renderer/dist comes from the test run's global setup.
import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { buildMain } from '../../scripts/build-main.ts';

const root = resolve(import.meta.dirname, '..', '..');

export interface PackedApp {
  /** The unpacked app folder (linux-unpacked). */
  appDir: string;
  binary: string;
  asar: string;
}

export async function packApp(options: { electronDist: string; outputDir: string; updateUrl: string }): Promise<PackedApp> {
  await buildMain();
  const cli = join(root, 'node_modules', 'electron-builder', 'cli.js');
  const args = ['--dir', '--linux', '--x64', `-c.electronDist=${options.electronDist}`, `-c.directories.output=${options.outputDir}`];
  await promisify(execFile)(process.execPath, [cli, ...args], {
    cwd: root,
    env: { ...process.env, DEVICE_UPLOADER_UPDATE_URL: options.updateUrl, CI: 'true' },
    maxBuffer: 16 * 1024 * 1024,
  });
  const appDir = join(options.outputDir, 'linux-unpacked');
  return { appDir, binary: join(appDir, 'device-uploader'), asar: join(appDir, 'resources', 'app.asar') };
}

/** The real Electron distribution in node_modules, or why there is none. */
export function electronDistOrReason(): { dir: string } | { reason: string } {
  const dir = join(root, 'node_modules', 'electron', 'dist');
  try {
    accessSync(join(dir, 'electron'), constants.X_OK); // present and executable, without starting it
    return { dir };
  } catch {
    return { reason: 'needs the real Electron binary (node_modules/electron/dist), which cannot be downloaded here' };
  }
}
