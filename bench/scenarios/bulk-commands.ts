// Issue 12: pause all / resume all / cancel all over a big queue (goal ≤ 2 s
// at 100,000 rows). Timed inside a child engine around the API call, with a
// listener subscribed as the UI is; no peer does this, so no ratio.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { lastJson, measure, mustSucceed } from '../measure.ts';
import { fixed, median } from '../stats.ts';
import type { Scenario } from './types.ts';

const child = resolve(import.meta.dirname, '../peers/bulk-child.ts');

interface BulkReport {
  pause: { ms: number; n: number };
  resume: { ms: number; n: number };
  cancel: { ms: number; n: number };
  events: number;
  counts: Record<string, number>;
}

export const bulkCommands: Scenario = {
  name: 'bulk-commands',
  describe: 'pause all / resume all / cancel all over a big queue',
  async run(ctx) {
    const count = ctx.options.queueCount;
    const runs: BulkReport[] = [];
    for (let run = 0; run < ctx.options.runs; run++) {
      const dir = join(ctx.work, `bulk-${run}`);
      mkdirSync(dir, { recursive: true });
      const m = mustSucceed(
        'bulk-commands',
        await measure({ command: process.execPath, args: [child, JSON.stringify({ dir, count })], timeoutMs: 20 * 60_000 }),
      );
      const r = lastJson<BulkReport>(m.stdout);
      if (r.cancel.n !== count || r.counts.cancelled !== count) throw new Error(`cancel all settled ${r.counts.cancelled} of ${count} rows`);
      ctx.say(
        `bulk commands over ${count}: pause ${r.pause.ms.toFixed(0)} ms, resume ${r.resume.ms.toFixed(0)} ms, cancel ${r.cancel.ms.toFixed(0)} ms`,
      );
      runs.push(r);
    }
    const cell = (pick: (r: BulkReport) => number) => fixed(median(runs.map(pick)) / 1000, 2);
    return [
      {
        scenario: 'bulk-commands',
        title: `Bulk commands over ${count.toLocaleString('en')} rows`,
        columns: ['Command', 'seconds', 'rows changed', 'goal'],
        rows: [
          ['pause all', cell((r) => r.pause.ms), String(runs[0]?.pause.n ?? '—'), '≤ 2 s'],
          ['resume all', cell((r) => r.resume.ms), String(runs[0]?.resume.n ?? '—'), '≤ 2 s'],
          ['cancel all', cell((r) => r.cancel.ms), String(runs[0]?.cancel.n ?? '—'), '≤ 2 s'],
        ],
        notes: [
          `engine.pause/resume/cancel({ all: true }) on a real queue.db (pause and resume commit at synchronous = NORMAL, cancel with an fsync), a UI listener subscribed; median of ${runs.length} run(s). Rows are queued, not in transfer (the scheduler is not started).`,
        ],
        data: runs.map((r) => ({ ...r })),
      },
    ];
  },
};
