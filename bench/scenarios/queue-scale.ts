// Issue 5, table 4: many files. A folder of N small files dropped into a
// watched folder at once: time until every one is queued (watcher, hashing,
// SQLite inserts), how long a queue snapshot takes then, and the database
// size. Uploads are held (the sandbox account is locked) so only intake is
// timed. Small files sent end to end are small-files.ts's.
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MiB } from '../options.ts';
import { runWatching } from '../peers/watch-run.ts';
import { fixed } from '../stats.ts';
import type { Table } from '../table.ts';
import type { Scenario } from './types.ts';

/** N files of `size` bytes in sub-folders of `perFolder` (1,000, as device exports arrive), each with distinct bytes. */
export function makeFiles(root: string, count: number, size: number, perFolder = 1000): void {
  const filler = randomBytes(size);
  for (let i = 0; i < count; i++) {
    const dir = join(root, `batch-${String(Math.floor(i / perFolder)).padStart(3, '0')}`);
    if (i % perFolder === 0) mkdirSync(dir, { recursive: true });
    filler.writeUInt32BE(i, 0); // distinct content: no file is a duplicate of another
    writeFileSync(join(dir, `export-${String(i).padStart(6, '0')}.dat`), filler);
  }
}

export const queueScale: Scenario = {
  name: 'queue-scale',
  describe: 'many small files dropped at once: time to queue, snapshot, database size',
  async run(ctx) {
    const { queueCount } = ctx.options;
    const tables: Table[] = [];

    const sandbox = await ctx.sandbox();
    // --queue-count 0 skips it (the other scenarios of a run still go).
    if (queueCount > 0) {
      ctx.say(`queue-scale: making ${queueCount} small files`);
      const src = join(ctx.work, 'drop-src');
      makeFiles(src, queueCount, 1024);
      const inbox = join(ctx.work, 'drop-inbox');
      mkdirSync(inbox, { recursive: true });
      sandbox.lock('user'); // the scheduler holds on a locked account: nothing is uploaded
      let intake;
      try {
        intake = await runWatching(ctx, {
          sandbox,
          inbox,
          count: queueCount,
          until: 'queued',
          drop: { from: src, to: join(inbox, 'drop') },
          timeoutMs: 20 * 60_000,
        });
      } finally {
        sandbox.unlock('user');
      }
      const r = intake.report;
      const queueSec = (r.reachedAt - r.droppedAt) / 1000;
      tables.push({
        scenario: 'queue-scale',
        title: `Queue scale: ${queueCount.toLocaleString('en')} files of 1 KiB dropped into a watched folder at once`,
        columns: [
          'Tool',
          'time until all queued s',
          'files/s queued',
          'snapshot ms',
          'filtered snapshot ms',
          'database MiB',
          'peak RSS MiB',
          'CPU s',
        ],
        rows: [
          [
            'Device Uploader',
            fixed(queueSec, 1),
            fixed(queueCount / queueSec, 0),
            fixed(r.snapshotMs, 1),
            fixed(r.filteredMs, 1),
            fixed(r.dbBytes / MiB, 1),
            fixed((intake.peakRssKiB ?? NaN) / 1024, 0),
            fixed(intake.cpuSec, 1),
          ],
        ],
        notes: [
          'dropped = one rename of a prepared folder (1,000 files per sub-folder) into the watched folder, after the watcher is ready; quietSeconds 0; queued = a row in the database (hashed, deduplicated). Uploads held.',
          'snapshot = engine.snapshot() as the UI asks for it (first page + totals); filtered = queued rows only, 100 per page. Database = queue.db + WAL. One run.',
          "peak RSS and CPU are of the bench's own watching child (bench/peers/watch-child.ts: the TypeScript sources, with the heap settings `device-uploader run` applies, and its timing hooks), for the intake's speed; the memory scenario measures the same drop on the bundled process a user starts.",
        ],
        data: [{ count: queueCount, queueSec, ...r, peakRssKiB: intake.peakRssKiB, cpuSec: intake.cpuSec }],
      });
    }
    await sandbox.close();
    return tables;
  },
};
