// Every command `device-uploader --help` lists, and every flag of its usage,
// is in the README (or the doc the README points to for it), so nothing is
// only in --help.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';

const repo = join(import.meta.dirname, '..', '..');
const cli = (args: string[]) => spawnSync(process.execPath, [join(repo, 'bin', 'device-uploader.js'), ...args], { encoding: 'utf8' }).stdout;

it('every command and every flag of --help is in the README', () => {
  const readme = readFileSync(join(repo, 'README.md'), 'utf8');
  const commands = [...cli(['--help']).matchAll(/^ {2}(\w+) {2,}/gm)].map((m) => m[1]!);
  expect(commands).toEqual(expect.arrayContaining(['start', 'run', 'serve', 'status', 'repair', 'service', 'sandbox']));
  const missing: string[] = [];
  for (const command of commands) {
    const usage = cli([command, '--help']);
    // The README's table row for the command: the line that starts with its usage.
    const rows = readme.split('\n').filter((line) => line.includes(`device-uploader ${command}`));
    if (rows.length === 0) missing.push(command);
    for (const flag of new Set(usage.match(/--[a-z][a-z0-9-]*/g) ?? [])) {
      if (!rows.some((row) => row.includes(flag))) missing.push(`${command} ${flag}`);
    }
  }
  expect(missing).toEqual([]);
});
