// Issue 5, table 4: many files. (a) A folder of N small files dropped into a
// watched folder at once: time until every one is queued (watcher, hashing,
// SQLite inserts), how long a queue snapshot takes then, and the database
// size. Uploads are held (the sandbox account is locked) so only intake is
// timed. (b) M files of 100 KiB uploaded: files per second end to end.
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MiB } from '../options.ts';
import { runDeviceUploader } from '../peers/device-uploader.ts';
import { awscliFolder, rcloneFolder } from '../peers/cli-folder-peers.ts';
import { runWatching } from '../peers/watch-run.ts';
import { fixed } from '../stats.ts';
import type { Table } from '../table.ts';
import type { Scenario } from './types.ts';

/** N files of `size` bytes in sub-folders of 1,000 (as device exports arrive), each with distinct bytes. */
function makeFiles(root: string, count: number, size: number): void {
  const filler = randomBytes(size);
  for (let i = 0; i < count; i++) {
    const dir = join(root, `batch-${String(Math.floor(i / 1000)).padStart(3, '0')}`);
    if (i % 1000 === 0) mkdirSync(dir, { recursive: true });
    filler.writeUInt32BE(i, 0); // distinct content: no file is a duplicate of another
    writeFileSync(join(dir, `export-${String(i).padStart(6, '0')}.dat`), filler);
  }
}

export const queueScale: Scenario = {
  name: 'queue-scale',
  describe: 'many small files: time to queue, snapshot, database size; files/s uploaded',
  async run(ctx) {
    const { queueCount, manySmallCount, manySmallSize } = ctx.options;
    const tables: Table[] = [];

    const sandbox = await ctx.sandbox();
    // (a) intake at scale (0 skips it: --queue-count 0 times the small-file uploads alone)
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
        ],
        data: [{ count: queueCount, queueSec, ...r, peakRssKiB: intake.peakRssKiB, cpuSec: intake.cpuSec }],
      });
    }

    // (b) many small uploads, end to end
    // The default (2 files at a time) on a subset: at ~20 files/s the full count would take most of the budget.
    const settings = manySmallCount
      ? [
          { parallelFiles: 2, count: Math.min(manySmallCount, 2_000) },
          { parallelFiles: 8, count: manySmallCount },
        ]
      : [];
    const rows: string[][] = [];
    const data: Record<string, unknown>[] = [];
    for (const { parallelFiles, count } of settings) {
      ctx.say(`queue-scale: making ${count} files of ${manySmallSize / 1024} KiB`);
      const small = join(ctx.work, `small-inbox-${parallelFiles}`);
      makeFiles(small, count, manySmallSize);
      const u = await runDeviceUploader(
        ctx,
        { file: '', size: count * manySmallSize, partSize: 8 * MiB, concurrency: 4, key: '' },
        { sandbox, inbox: small, transfer: { parallelFiles } },
      );
      await ctx.cleanup();
      const wall = u.wallMs / 1000;
      const intake = u.report.intakeMs / 1000;
      ctx.say(`small files ×${parallelFiles}: ${(count / wall).toFixed(1)} files/s`);
      const duRate = count / wall;
      const duRow = rows.length;
      rows.push([
        `Device Uploader, ${parallelFiles} files at a time`,
        count.toLocaleString('en'),
        fixed(duRate, 1),
        fixed(intake, 1),
        fixed(wall, 1),
        fixed(u.cpuSec, 1),
        '',
      ]);
      data.push({ parallelFiles, count, wallSec: wall, intakeSec: intake, cpuSec: u.cpuSec });
      // The same folder by the CLI peers, as many files in flight: the ratio is Device Uploader's files/s over theirs.
      const peerRates: number[] = [];
      for (const peer of [awscliFolder, rcloneFolder]) {
        const missing = peer.missing();
        if (missing) {
          rows.push([`${peer.name}: skipped (${missing})`, '', '', '', '', '', '']);
          continue;
        }
        const m = await peer.copy(ctx, small, `small-${parallelFiles}`, parallelFiles);
        await ctx.cleanup();
        const rate = count / (m.wallMs / 1000);
        peerRates.push(rate);
        ctx.say(`small files, ${peer.name} ×${parallelFiles}: ${rate.toFixed(1)} files/s`);
        rows.push([
          `${peer.name}, ${parallelFiles} at a time`,
          count.toLocaleString('en'),
          fixed(rate, 1),
          '—',
          fixed(m.wallMs / 1000, 1),
          fixed(m.cpuSec ?? NaN, 1),
          '',
        ]);
        data.push({ peer: peer.name, parallelFiles, count, wallSec: m.wallMs / 1000, cpuSec: m.cpuSec });
      }
      if (peerRates.length) (rows[duRow] as string[])[6] = `${fixed(duRate / Math.max(...peerRates), 2)}×`;
    }
    await sandbox.close();
    tables.push({
      scenario: 'queue-scale',
      title: `Many small files of ${manySmallSize / 1024} KiB uploaded`,
      columns: ['Tool', 'files', 'files/s (whole run)', 'scan + queue s', 'wall s', 'CPU s', 'vs best CLI peer'],
      rows,
      notes: [
        'run --once over the folder: uploads start while the scan still queues (scan + queue s: start-up to the last file queued, overlapping the uploads); each file (smaller than one part) = a BioT single upload: create, one PUT, ETag checked against the MD5 (the folder leaves its sources, so no read-back), at the sandbox BioT. One run each; the default (2 at a time) on a subset to fit the time budget.',
        'The sandbox saves its state JSON at most every 50 ms; at tens of thousands of files its size still adds to each save.',
        'aws s3 cp --recursive and rclone copy send the same folder straight to the radosgw bucket (one PUT per file, no BioT), as many files in flight; ratio = Device Uploader files/s (whole run) / the faster peer.',
      ],
      data,
    });
    return tables;
  },
};
