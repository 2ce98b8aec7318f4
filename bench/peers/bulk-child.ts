// Bench child: the person's bulk buttons over a big queue. Opens an engine on a
// fresh data folder (its server is never reached: nothing is started), fills
// the queue with `count` rows in one transaction, subscribes a listener as the
// UI does, and times pause all, resume all and cancel all as the API runs them.
import { join } from 'node:path';
import { parseConfig } from '../../app/config/load.ts';
import { createEngine } from '../../app/engine/create-engine.ts';

interface Args {
  dir: string;
  count: number;
}

const args = JSON.parse(process.argv[2] as string) as Args;
const config = parseConfig(
  {
    dataDir: join(args.dir, 'data'),
    server: { baseUrl: 'http://127.0.0.1:1', auth: { type: 'user', username: 'bench', password: 'bench' } },
    folders: [{ id: 'bench', path: join(args.dir, 'inbox') }],
  },
  { baseDir: args.dir },
);
const engine = createEngine(config);
const rows = Array.from({ length: args.count }, (_, i) => ({
  folderId: 'bench',
  sourcePath: join(args.dir, 'inbox', `export-${i}.dat`),
  relPath: `export-${i}.dat`,
  size: 1024 + i,
  mtimeMs: 1_700_000_000_000 + i,
}));
engine.store.enqueueMany(rows);
let events = 0;
let changedIds = 0;
const unsubscribe = engine.onEvent((e) => {
  events++;
  if (e.type === 'changed') changedIds += e.fileIds.length;
});

async function timed(what: () => Promise<number>): Promise<{ ms: number; n: number }> {
  const t0 = performance.now();
  const n = await what();
  return { ms: performance.now() - t0, n };
}

const pause = await timed(() => engine.pause({ all: true }));
const resume = await timed(() => engine.resume({ all: true }));
const cancel = await timed(() => engine.cancel({ all: true }));
unsubscribe();
const counts = engine.store.countByState();
await engine.close();
process.stdout.write(`${JSON.stringify({ pause, resume, cancel, events, changedIds, counts })}\n`);
