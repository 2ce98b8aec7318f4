// `npm start`: the desktop app where the Electron binary is installed; where
// it is not (a server, CI, a machine that could not download it), one line
// says so and today's headless `device-uploader start` runs instead.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { electronBinary } from './electron-binary.ts';

const root = join(import.meta.dirname, '..');
const args = process.argv.slice(2);
const binary = electronBinary(join(root, 'node_modules', 'electron'));

function run(command: string, argv: string[]): void {
  const child = spawn(command, argv, { stdio: 'inherit', cwd: root });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal === 'SIGINT' ? 130 : 143)));
}

if (binary) {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { main?: string; scripts?: Record<string, string> };
  // Electron runs built JavaScript (package.json "main"); build it when it is not there yet.
  if ((!pkg.main || !existsSync(join(root, pkg.main))) && pkg.scripts?.build) {
    const built = spawnSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', 'build', '--silent'], { stdio: 'inherit', cwd: root });
    if (built.status !== 0) process.exit(built.status ?? 1);
  }
  run(binary, ['.', ...args]);
} else {
  process.stdout.write('The Electron binary is not installed here, so this runs the headless uploader (its window opens in a browser).\n');
  run(process.execPath, [join(root, 'bin', 'device-uploader.js'), 'start', ...args]);
}
