// `serve` whose log folder sits on a full disk: the engine keeps answering,
// and its status (the snapshot every window polls) says the logs fail and why.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, expect, it } from 'vitest';
import type { Snapshot } from '../../app/api.ts';
import { openEngineLog } from '../../app/common/engine-log.ts';
import { startServe, type Serving } from '../../app/cli/serve.ts';
import type { Config } from '../../app/config/schema.ts';
import { until } from '../support/wait.ts';

/** These waits are short: a line or a status, on loopback. */
const soon = { timeoutMs: 10_000, everyMs: 50 };

let serving: Serving | undefined;
afterEach(async () => {
  await serving?.close();
  serving = undefined;
});

/** A config file whose data folder's current log file is /dev/full. */
function fullDiskConfig(prefix: string): string {
  const root = mkdtempSync(join(tmpdir(), prefix));
  const dataDir = join(root, 'data');
  mkdirSync(join(dataDir, 'logs'), { recursive: true });
  // The current log file answers every write with ENOSPC (the kernel's /dev/full), as a full disk does.
  symlinkSync('/dev/full', join(dataDir, 'logs', 'engine.1.log'));
  const config = join(root, 'config.json');
  // No folders and a BioT address nothing listens on: nothing is uploaded, nothing leaves the PC.
  writeFileSync(
    config,
    JSON.stringify({ dataDir, server: { baseUrl: 'http://127.0.0.1:9', auth: { type: 'user', username: 'u', password: 'p' } }, folders: [] }),
  );
  return config;
}

it('a full disk under the logs is reported in the status over HTTP, and the engine goes on', async () => {
  const config = fullDiskConfig('du-serve-logs-');
  serving = await startServe(config, { env: {} });
  const { origin, token } = serving.control;
  const snapshot = async () => {
    const res = await fetch(`${origin}/api/snapshot`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: '{}',
    });
    expect(res.status).toBe(200);
    return ((await res.json()) as { result: Snapshot }).result;
  };
  expect((await snapshot()).logs.state).toBe('ok');
  // A refused request is logged (control-refused): that write meets the full disk.
  expect((await fetch(`${origin}/api/snapshot`, { method: 'POST' })).status).toBe(401);
  await until('the status to report the failing logs', async () => (await snapshot()).logs.state === 'failing', soon);
  expect((await snapshot()).logs).toMatchObject({ state: 'failing', code: 'ENOSPC' });
  // Still serving: more refusals, more failed writes, no crash.
  for (let i = 0; i < 20; i++) expect((await fetch(`${origin}/`)).status).toBe(401);
  expect((await snapshot()).totals.counts.queued).toBe(0);
});

it('`run` and `serve` say once on stderr that the logs fail, with the code and no path', async () => {
  const dataDir = join(mkdtempSync(join(tmpdir(), 'du-run-logs-')), 'data');
  mkdirSync(join(dataDir, 'logs'), { recursive: true });
  symlinkSync('/dev/full', join(dataDir, 'logs', 'engine.1.log'));
  let said = '';
  const stderr = new Writable({
    write: (chunk: Buffer, _enc, done) => {
      said += chunk.toString('utf8');
      done();
    },
  });
  const logger = await openEngineLog({ dataDir } as Config, stderr);
  try {
    for (let i = 0; i < 10; i++) logger.log('info', 'line', { n: i });
    await until('the stderr line', () => said.includes('ENOSPC'), soon);
    expect(said).toBe("Logs cannot be written (ENOSPC: the data folder's disk is full); uploads go on.\n");
  } finally {
    await logger.close();
  }
});

it('the serve process lives on with its logs on a full disk, says so once, and stops cleanly on SIGTERM', async () => {
  const config = fullDiskConfig('du-serve-proc-');
  const bin = join(import.meta.dirname, '..', '..', 'bin', 'device-uploader.js');
  const child = spawn(process.execPath, [bin, 'serve', '--config', config, '--ui-port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = once(child, 'exit');
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
  child.stderr.on('data', (c: Buffer) => (err += c.toString('utf8')));
  try {
    await until('serve to print its address', () => /http:\/\/127\.0\.0\.1:\d+\/\?token=\S+/.test(out), { ...soon, seen: () => `stderr: ${err}` });
    const url = new URL(/http:\/\/127\.0\.0\.1:\d+\/\?token=\S+/.exec(out)![0]);
    const token = url.searchParams.get('token')!;
    // Refused requests are logged, and each log write meets the full disk.
    for (let i = 0; i < 5; i++) expect((await fetch(`${url.origin}/`)).status).toBe(401);
    await until('the stderr line about the logs', () => err.includes('Logs cannot be written (ENOSPC'), soon);
    const res = await fetch(`${url.origin}/api/snapshot`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: '{}',
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { result: Snapshot }).result.logs).toMatchObject({ state: 'failing', code: 'ENOSPC' });
    expect(err.match(/Logs cannot be written/g)).toHaveLength(1);
    child.kill('SIGTERM');
    const [code] = await exited;
    expect({ code, err: err.includes('Error') ? err : '' }).toEqual({ code: 143, err: '' });
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
});
