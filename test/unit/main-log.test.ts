// The desktop app's own log on a real folder: lines logged before the file is
// open are kept, the engine's files beside it are left alone, the same
// redaction applies, and the app's quit waits until the last line is on disk.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { EventEmitter } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { CENSORED } from '../../app/common/logger.ts';
import { closeLogBeforeQuit, openMainLog } from '../../main/main-log.ts';
import { until } from '../support/wait.ts';

const tmp = () => mkdtempSync(join(tmpdir(), 'du-main-log-'));

/** The lines of main.N.log in `dir`, oldest file first. */
function mainLines(dir: string): Record<string, unknown>[] {
  return readdirSync(dir)
    .filter((f) => /^main\.\d+\.log$/.test(f))
    .sort((a, b) => Number(a.split('.')[1]) - Number(b.split('.')[1]))
    .flatMap((f) => readFileSync(join(dir, f), 'utf8').split('\n').slice(0, -1))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

it('keeps the lines logged while its file opens, in order, and writes them all before close() resolves', async () => {
  const dir = join(tmp(), 'logs'); // not there yet: made on open
  const log = openMainLog(dir);
  for (let i = 0; i < 50; i++) log.log('info', 'early', { n: i });
  await log.close();
  expect(mainLines(dir).map((l) => l.n)).toEqual(Array.from({ length: 50 }, (_, i) => i));
  log.log('info', 'after-close');
  expect(mainLines(dir)).toHaveLength(50);
});

it("lives beside the engine's files and leaves them alone; the same keys are redacted", async () => {
  const dir = tmp();
  const engineFiles = ['engine.1.log', 'engine.2.log', 'engine.3.log', 'engine.4.log', 'engine.5.log', 'engine.6.log'];
  for (const f of engineFiles) writeFileSync(join(dir, f), '{"event":"kept"}\n');
  const echoed: string[] = [];
  const log = openMainLog(dir, { echo: (line) => echoed.push(line) });
  log.log('warn', 'second-instance', { path: 'C:\\ECG\\patient.xml', token: 'abc', code: 'X' });
  await log.close();
  expect(
    readdirSync(dir)
      .filter((f) => f.startsWith('engine.'))
      .sort(),
  ).toEqual(engineFiles);
  expect(mainLines(dir)).toEqual([expect.objectContaining({ level: 'warn', event: 'second-instance', path: CENSORED, token: CENSORED, code: 'X' })]);
  expect(echoed.join('\n')).not.toMatch(/patient|abc/);
  expect(echoed).toHaveLength(1);
});

it('holds the first will-quit until the log is closed, then quits again; the second goes through', async () => {
  const dir = tmp();
  const log = openMainLog(dir);
  const app = Object.assign(new EventEmitter(), { quits: 0, quit: () => app.quits++ });
  closeLogBeforeQuit(app, log);
  log.log('info', 'quit');
  let held = false;
  app.emit('will-quit', { preventDefault: () => (held = true) });
  expect(held).toBe(true);
  await until('the app to be quit again', () => app.quits === 1, { timeoutMs: 5_000 });
  expect(mainLines(dir).map((l) => l.event)).toEqual(['quit']);
  let again = false;
  app.emit('will-quit', { preventDefault: () => (again = true) });
  expect(again).toBe(false);
});
