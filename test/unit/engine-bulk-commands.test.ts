// Issue 10 §2: cancel-all and pause-all over 100,000 rows are one transaction
// each, on a real store file. Not timed: atomicity is what is asserted, by a
// failure injected at the last row (a trigger on a second connection) that
// must roll back every row, never leave a half-cancelled queue or be swallowed.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { parseConfig } from '../../app/config/load.ts';
import { createEngine } from '../../app/engine/create-engine.ts';
import type { Engine } from '../../app/engine/engine.ts';
import type { EnqueueInput } from '../../app/store/index.ts';

const ROWS = 100_000;
let dir: string;
let engine: Engine;
let side: Database.Database;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'du-bulk-'));
  // Never started: nothing here talks to BioT (the port is closed on purpose).
  engine = createEngine(
    parseConfig(
      {
        dataDir: join(dir, 'data'),
        server: { baseUrl: 'http://127.0.0.1:9', auth: { type: 'user', username: 'u', password: 'p' } },
        folders: [{ id: 'inbox', path: join(dir, 'inbox') }],
      },
      { baseDir: dir },
    ),
  );
  const inputs: EnqueueInput[] = Array.from({ length: ROWS }, (_, i) => ({
    folderId: 'inbox',
    sourcePath: `/x/${i}.dat`,
    relPath: `${i}.dat`,
    size: 10,
    mtimeMs: 1,
  }));
  engine.store.enqueueMany(inputs);
  side = new Database(join(dir, 'data', 'queue.db'));
});
afterEach(async () => {
  side.close();
  await engine.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Makes the move of one row into `state` fail, as a full disk would part-way. */
function failMoving(id: number, state: string): void {
  side.exec(`CREATE TRIGGER injected_failure BEFORE UPDATE OF state ON files
    WHEN NEW.id = ${id} AND NEW.state = '${state}' BEGIN SELECT RAISE(ABORT, 'injected failure'); END`);
}

it('cancel-all is one transaction over 100,000 rows: a failure at one row rolls back all, and is not swallowed', async () => {
  const last = Number((side.prepare('SELECT max(id) AS id FROM files').get() as { id: number }).id);
  const first = Number((side.prepare('SELECT min(id) AS id FROM files').get() as { id: number }).id);
  failMoving(first, 'cancelled');
  await expect(engine.cancel({ all: true })).rejects.toThrow(/injected failure/);
  expect(engine.store.countByState()).toMatchObject({ queued: ROWS, cancelled: 0 });
  side.exec('DROP TRIGGER injected_failure');
  failMoving(last, 'cancelled');
  await expect(engine.cancel({ all: true })).rejects.toThrow(/injected failure/);
  expect(engine.store.countByState().cancelled).toBe(0);
  side.exec('DROP TRIGGER injected_failure');
  expect(await engine.cancel({ all: true })).toBe(ROWS);
  expect(engine.store.countByState()).toMatchObject({ queued: 0, cancelled: ROWS });
}, 120_000);

it('pause-all is one transaction over 100,000 rows, and resume-all too', async () => {
  const last = Number((side.prepare('SELECT max(id) AS id FROM files').get() as { id: number }).id);
  failMoving(last, 'paused');
  await expect(engine.pause({ all: true })).rejects.toThrow(/injected failure/);
  expect(engine.store.countByState()).toMatchObject({ queued: ROWS, paused: 0 });
  side.exec('DROP TRIGGER injected_failure');
  expect(await engine.pause({ all: true })).toBe(ROWS);
  failMoving(last, 'queued');
  await expect(engine.resume({ all: true })).rejects.toThrow(/injected failure/);
  expect(engine.store.countByState()).toMatchObject({ queued: 0, paused: ROWS });
  side.exec('DROP TRIGGER injected_failure');
  expect(await engine.resume({ all: true })).toBe(ROWS);
}, 120_000);
