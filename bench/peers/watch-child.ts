// Bench child: the engine as the service runs it, folder watcher on. After the
// watcher is ready it optionally moves a prepared folder into the watched one
// ("dropped at once"), then waits until `count` files are queued or done and
// reports wall-clock times (epoch ms, so the parent can line them up with its
// own writes), the queue snapshot time and the database size.
import { existsSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfigFile } from '../../app/config/load.ts';
import { DATABASE_FILE } from '../../app/store/index.ts';
import { createEngine } from '../../app/engine/create-engine.ts';
import { tuneHeapForEngine } from '../../app/common/engine-heap.ts';
import { shrinkHeapWhenIdle } from '../../app/common/idle-shrink.ts';

interface Args {
  config: string;
  count: number;
  until: 'queued' | 'done';
  drop?: { from: string; to: string };
  timeoutMs: number;
}

const args = JSON.parse(process.argv[2] as string) as Args;
// The heap settings `device-uploader run` applies: measure what a clinic runs.
tuneHeapForEngine();
shrinkHeapWhenIdle();
const config = loadConfigFile(args.config);
const engine = createEngine(config);
engine.start();
await engine.whenWatching();
const readyAt = Date.now();
process.stdout.write(`${JSON.stringify({ ready: readyAt })}\n`);
if (args.drop) renameSync(args.drop.from, args.drop.to);
const droppedAt = Date.now();

let reachedAt = 0;
const deadline = Date.now() + args.timeoutMs;
for (;;) {
  const c = engine.store.countByState();
  const queued = Object.values(c).reduce((a, b) => a + b, 0);
  const done = c.done + c.duplicate;
  if ((args.until === 'queued' ? queued : done) >= args.count) {
    reachedAt = Date.now();
    break;
  }
  if (Date.now() > deadline) break;
  // Counting 100,000 rows is a scan: every 250 ms keeps the harness's own load small.
  await new Promise((r) => setTimeout(r, args.until === 'queued' ? 250 : 10));
}
const t0 = performance.now();
const snapshot = await engine.snapshot();
const snapshotMs = performance.now() - t0;
const t1 = performance.now();
await engine.snapshot({ states: ['queued'], limit: 100 });
const filteredMs = performance.now() - t1;
const counts = engine.store.countByState();
await engine.close();
const db = join(config.dataDir, DATABASE_FILE);
const size = (p: string) => (existsSync(p) ? statSync(p).size : 0);
process.stdout.write(
  `${JSON.stringify({
    readyAt,
    droppedAt,
    reachedAt,
    snapshotMs,
    filteredMs,
    rows: snapshot.matching,
    counts,
    dbBytes: size(db) + size(`${db}-wal`),
  })}\n`,
);
process.exitCode = reachedAt ? 0 : 1;
