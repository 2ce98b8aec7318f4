// Issue 16: `device-uploader status ... | head -1` died with an EPIPE stack
// trace. Output piped into something that stops reading early must end the
// command quietly: no stack on stderr; a command that runs until stopped
// (sandbox, run, serve, start) stops cleanly as on SIGTERM. Real child
// processes behind a real shell pipe.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../../app/store/index.ts';
import { until } from '../support/wait.ts';

const repo = join(import.meta.dirname, '..', '..');
const bin = join(repo, 'bin', 'device-uploader.js');

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'du-pipe-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A config over a queue of 1,000 rows: `status --limit 1000` writes them one line at a time, more than a pipe holds. */
function configWithQueue(): string {
  const dataDir = join(dir, 'data');
  mkdirSync(dataDir);
  const store = openStore(join(dataDir, 'queue.db'));
  store.enqueueMany(
    Array.from({ length: 1000 }, (_, i) => ({
      folderId: 'inbox',
      sourcePath: join(dir, `f${i}.edf`),
      relPath: `f${i}.edf`,
      size: 1000 + i,
      mtimeMs: 1,
    })),
  );
  store.close();
  const config = join(dir, 'config.json');
  writeFileSync(
    config,
    JSON.stringify({ dataDir, server: { baseUrl: 'http://127.0.0.1:9/', auth: { type: 'user', username: 'u', password: 'p' } }, folders: [] }),
  );
  return config;
}

describe('output into a pipe closed early', () => {
  it('`status | head -1` prints its first line and nothing else: no EPIPE, no stack', () => {
    const config = configWithQueue();
    // pipefail: the shell's status is the uploader's, not head's.
    const shell = spawnSync('bash', ['-o', 'pipefail', '-c', `"${process.execPath}" "${bin}" status --config "${config}" --limit 1000 | head -1`], {
      encoding: 'utf8',
    });
    expect(shell.stdout).toBe('1000 file(s): queued 1000\n');
    expect(shell.stderr).toBe('');
    expect(shell.status).toBe(0);
  });

  it('a command that runs until stopped (the sandbox) stops by itself, quietly, when its output is closed', async () => {
    const child = spawn(process.execPath, [bin, 'sandbox', '--port', '0'], { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    // The reader goes away before the first line: every write meets a closed pipe.
    child.stdout.destroy();
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
    try {
      await until('the sandbox to end by itself', () => child.exitCode !== null || child.signalCode !== null, { timeoutMs: 20_000 });
    } finally {
      child.kill('SIGKILL');
    }
    await exited;
    expect(stderr).not.toMatch(/EPIPE|\n\s+at /);
    expect(child.signalCode).toBeNull();
  });
});
