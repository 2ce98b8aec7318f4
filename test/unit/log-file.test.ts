// The engine's log files on a real folder: rotation at the size limit, a
// disk that refuses writes (reported, never a crash), redaction by key, and
// nothing buffered lost when the logger closes.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openLogFile, type FileLogger } from '../../app/common/log-file.ts';
import { CENSORED, type LogHealth } from '../../app/common/logger.ts';
import { until } from '../support/wait.ts';

/** Lines reach a local file in milliseconds. */
const soon = { timeoutMs: 5_000, everyMs: 10 };

const open: FileLogger[] = [];
const children: ChildProcess[] = [];
afterEach(async () => {
  for (const c of children.splice(0)) c.kill();
  await Promise.all(open.splice(0).map((l) => l.close()));
});

async function logger(dir: string, options: Parameters<typeof openLogFile>[1] = {}): Promise<FileLogger> {
  const l = await openLogFile(dir, options);
  open.push(l);
  return l;
}

/** engine.N.log files in `dir`, oldest first. */
function logFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => /^engine\.\d+\.log$/.test(f))
    .sort((a, b) => Number(a.split('.')[1]) - Number(b.split('.')[1]));
}

/** Every complete line of the log files, oldest first (a file deleted meanwhile by rotation counts as empty). */
function lines(dir: string): Record<string, unknown>[] {
  return logFiles(dir).flatMap((f) => {
    let text = '';
    try {
      text = readFileSync(join(dir, f), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    return text
      .split('\n')
      .slice(0, -1)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  });
}

const tmp = () => mkdtempSync(join(tmpdir(), 'du-logs-'));

describe('log files', () => {
  it('writes one JSON object per line: level, at, event, facts', async () => {
    const dir = tmp();
    const log = await logger(dir, { now: () => Date.UTC(2026, 0, 2, 3, 4, 5) });
    log.log('warn', 'part-retry', { fileId: 7, code: 'STALLED', skipped: undefined });
    await log.close();
    expect(lines(dir)).toEqual([{ level: 'warn', at: '2026-01-02T03:04:05.000Z', event: 'part-retry', fileId: 7, code: 'STALLED' }]);
  });

  it('starts a new file at the size limit and keeps only the newest files, across restarts too', async () => {
    const dir = tmp();
    const maxBytes = 4096;
    const line = { fileId: 1, sha256: 'a'.repeat(64) }; // about 130 bytes a line
    let n = 0;
    for (const run of [1, 2]) {
      const log = await logger(dir, { maxBytes, files: 3 });
      // One line at a time, each on disk before the next, as the engine logs: pino-roll
      // starts the next file once the stream has drained (a steady burst delays it).
      for (let i = 0; i < 150; i++) {
        const k = n++;
        log.log('info', 'line', { ...line, n: k, run });
        await until(`line ${k} to reach the disk`, () => lines(dir).some((l) => l.n === k), soon);
      }
      await log.close();
    }
    const files = logFiles(dir);
    // 300 lines of ~130 bytes are ~10 files of 4 KiB: numbering went past 3, three are kept
    // (four when pino-roll's clean-up listed the folder before the newest file was created).
    expect(files.length).toBeGreaterThanOrEqual(3);
    expect(files.length).toBeLessThanOrEqual(4);
    expect(Number(files.at(-1)!.split('.')[1])).toBeGreaterThan(5);
    for (const f of files.slice(0, -1)) {
      const size = statSync(join(dir, f)).size;
      // Rolled within a line or two of the limit: pino-roll counts the writes in
      // flight when it decides, and rolls once they land.
      expect(size).toBeGreaterThan(maxBytes - 512);
      expect(size).toBeLessThan(maxBytes + 512);
    }
    // What is kept is the newest lines, none missing between them, the last one included.
    const kept = lines(dir).map((l) => l.n as number);
    expect(kept.at(-1)).toBe(299);
    expect(kept).toEqual(kept.map((_, i) => kept[0]! + i));
  });

  it('reports a full disk (ENOSPC) in its health and goes on: no crash, nothing thrown', async () => {
    const dir = tmp();
    // /dev/full answers every write with ENOSPC: a real disk-full error from the kernel.
    symlinkSync('/dev/full', join(dir, 'engine.1.log'));
    const log = await logger(dir);
    const seen: LogHealth[] = [];
    log.onHealth((h) => seen.push(h));
    expect(log.health().state).toBe('ok');
    log.log('info', 'first', { fileId: 1 });
    await until('the write error to be reported', () => log.health().state === 'failing', soon);
    expect(log.health()).toMatchObject({ state: 'failing', code: 'ENOSPC' });
    expect(seen.map((h) => h.code)).toEqual(['ENOSPC']);
    for (let i = 0; i < 100; i++) log.log('info', 'more', { fileId: i });
    await log.close();
    expect(log.health().state).toBe('failing');
  });

  it('a log folder that cannot be made is reported, not thrown, and its lines are counted as lost', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'not-a-folder'), '');
    const log = await logger(join(dir, 'not-a-folder', 'logs'));
    expect(log.health()).toMatchObject({ state: 'failing', code: 'ENOTDIR' });
    log.log('error', 'x');
    log.log('error', 'y');
    expect(log.health().dropped).toBe(2);
  });

  it('a current file that cannot be opened is reported with the error that says why, and its lines counted as lost', async () => {
    const dir = tmp();
    mkdirSync(join(dir, 'engine.1.log')); // a folder where the file should be: open fails with EISDIR
    const log = await logger(dir);
    const seen: (string | null)[] = [];
    log.onHealth((h) => seen.push(h.code));
    log.log('info', 'first');
    await until('the open error to be reported', () => log.health().state === 'failing', soon);
    for (let i = 0; i < 5; i++) log.log('info', 'more');
    expect(log.health()).toMatchObject({ state: 'failing', code: 'EISDIR', dropped: 5 });
    // Said once: later lines do not turn it into a vaguer error (EBADF) or repeat it.
    expect(seen).toEqual(['EISDIR']);
  });

  it('holds lines while the destination refuses them and writes them when it takes them again', async () => {
    const dir = tmp();
    const fifo = join(dir, 'engine.1.log');
    // A named pipe: writes fail (EPIPE) while no process reads it, and succeed again when a reader comes back.
    execFileSync('mkfifo', [fifo]);
    const reader = () => {
      const child = spawn('cat', [fifo], { stdio: ['ignore', 'pipe', 'ignore'] });
      children.push(child);
      let text = '';
      child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      return { child, text: () => text };
    };
    const first = reader();
    const log = await logger(dir);
    log.log('info', 'before', { n: 1 });
    await until('the first line to be read', () => first.text().includes('"before"'), soon);
    first.child.kill();
    await until('the reader to stop', () => first.child.exitCode !== null || first.child.signalCode !== null, soon);
    let n = 0;
    await until(
      'a write to the pipe without a reader to fail',
      () => {
        log.log('info', 'while-refused', { n: n++ });
        return log.health().state !== 'ok';
      },
      { ...soon, everyMs: 5 },
    );
    expect(log.health()).toMatchObject({ state: 'failing', code: 'EPIPE' });
    const second = reader();
    // Each new line retries what is held; until `cat` has the pipe open, a try may still fail.
    await until(
      'lines to flow again',
      () => {
        log.log('info', 'after', { n: 2 });
        return second.text().includes('"after"');
      },
      soon,
    );
    expect(log.health()).toMatchObject({ state: 'ok', code: null, dropped: 0 });
    // The line the pipe refused was held, not lost.
    expect(second.text()).toContain('"event":"while-refused"');
    await log.close();
  });

  it('censors by key: a canary under a sensitive key never reaches the file; under any other key it is kept', async () => {
    const dir = tmp();
    const log = await logger(dir);
    const canary = 'CANARY-3f9c/patient Smith.edf';
    for (const key of ['token', 'password', 'secretKey', 'authorization', 'path', 'relPath', 'sourcePath', 'name', 'url']) {
      log.log('info', 'sensitive', { key, [key]: canary });
    }
    log.log('info', 'plain', { note: canary });
    await log.close();
    const text = logFiles(dir)
      .map((f) => readFileSync(join(dir, f), 'utf8'))
      .join('');
    const all = lines(dir);
    expect(all.filter((l) => l.event === 'sensitive')).toHaveLength(9);
    for (const l of all.filter((x) => x.event === 'sensitive')) expect(l[l.key as string]).toBe(CENSORED);
    // Judged by key, not guessed from the value: the same path-like text under "note" stays.
    expect(all.find((l) => l.event === 'plain')).toMatchObject({ note: canary });
    expect(text.split(canary)).toHaveLength(2);
  });

  it('keeps up with bursts logged while the engine is busy: nothing dropped, every line on disk', async () => {
    const dir = tmp();
    // A small buffer to make a writer that falls behind visible: 100 bursts of ~60 KiB,
    // one per turn of the event loop (one write completes per turn at most).
    const log = await logger(dir, { maxBytes: 64 * 1024 * 1024, maxBufferedBytes: 1024 * 1024 });
    let n = 0;
    for (let burst = 0; burst < 100; burst++) {
      for (let i = 0; i < 1000; i++) log.log('info', 'burst', { n: n++ });
      await new Promise((r) => setImmediate(r));
    }
    await log.close();
    expect(log.health().dropped).toBe(0);
    expect(lines(dir)).toHaveLength(n);
  });

  it('lines logged just before close are in the file once close resolves', async () => {
    const dir = tmp();
    mkdirSync(dir, { recursive: true });
    const log = await logger(dir, { maxBytes: 64 * 1024 * 1024 });
    for (let i = 0; i < 20_000; i++) log.log('info', 'burst', { n: i });
    await log.close();
    const got = lines(dir).map((l) => l.n);
    expect(got).toHaveLength(20_000);
    expect(got.at(-1)).toBe(19_999);
    log.log('info', 'after-close'); // dropped without a throw
  });
});
