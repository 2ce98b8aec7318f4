// Issue 5, table 5: a file still being written (a long recording). The time
// that matters is from the device's last write to the file being complete at
// BioT. Plain mode waits for the file to hold still, then hashes and sends it
// all; a growing mode (when the engine has one) sends parts while it grows.
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { configSchema } from '../../app/config/schema.ts';
import { MiB } from '../options.ts';
import { runWatching } from '../peers/watch-run.ts';
import { fixed, median } from '../stats.ts';
import type { Scenario } from './types.ts';

/** Whether the config accepts a per-folder growing switch (the lead's growing mode); probed, not assumed. */
function growingModeAvailable(): boolean {
  const folder = { path: '/x', growing: true };
  return configSchema.safeParse({
    dataDir: '/x',
    server: { baseUrl: 'http://127.0.0.1:1', auth: { type: 'user', username: 'u' } },
    folders: [folder],
  }).success;
}

/** Writes `size` bytes to `path` at `rate` B/s in 1 MiB writes; resolves with Date.now() of the last write. */
async function writeSlowly(path: string, size: number, rate: number): Promise<number> {
  const chunk = randomBytes(MiB);
  const fd = openSync(path, 'w');
  const start = performance.now();
  try {
    for (let written = 0; written < size;) {
      const n = Math.min(chunk.length, size - written);
      chunk.writeUInt32BE(written / MiB, 0);
      writeSync(fd, chunk, 0, n);
      written += n;
      const due = start + (written / rate) * 1000;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
  } finally {
    closeSync(fd);
  }
  return Date.now();
}

export const growing: Scenario = {
  name: 'growing',
  describe: 'a file written at 20 MiB/s: last write to BioT complete',
  async run(ctx) {
    const { growingSize, growingRate, runs } = ctx.options;
    const sandbox = await ctx.sandbox();
    const quietSeconds = 5; // the config default
    const available = growingModeAvailable();
    const modes = [
      { name: `plain (watcher, quietSeconds ${quietSeconds})`, growing: false },
      ...(available ? [{ name: `growing mode (quietSeconds ${quietSeconds})`, growing: true }] : []),
    ];
    const results = new Map<string, { latencies: number[]; failed?: string }>();
    try {
      for (let run = 0; run < runs; run++) {
        for (const mode of modes) {
          const entry = results.get(mode.name) ?? { latencies: [] };
          results.set(mode.name, entry);
          if (entry.failed) continue;
          const inbox = join(ctx.work, `growing-${run}-${mode.growing}`);
          mkdirSync(inbox, { recursive: true });
          let lastWrite = 0;
          try {
            const m = await runWatching(ctx, {
              // Writing time plus a generous margin: a mode that never completes must not eat the budget.
              sandbox,
              inbox,
              count: 1,
              until: 'done',
              timeoutMs: (growingSize / growingRate) * 1000 + quietSeconds * 1000 + 90_000,
              folder: { quietSeconds, ...(mode.growing && { growing: true }) },
              whenReady: async () => {
                lastWrite = await writeSlowly(join(inbox, 'recording.dat'), growingSize, growingRate);
              },
            });
            entry.latencies.push((m.report.reachedAt - lastWrite) / 1000);
            ctx.say(`growing, ${mode.name}: ${(entry.latencies.at(-1) as number).toFixed(2)} s from last write to complete`);
          } catch (error) {
            entry.failed = (error as Error).message;
            ctx.say(`growing, ${mode.name} failed: ${entry.failed}`);
          } finally {
            await ctx.cleanup();
          }
        }
      }
    } finally {
      await sandbox.close();
    }
    const rows = modes.map((mode) => {
      const e = results.get(mode.name) ?? { latencies: [] };
      return [
        mode.name,
        e.failed ? `failed: ${e.failed.slice(0, 160)}` : fixed(median(e.latencies), 2),
        e.latencies.map((l) => fixed(l, 1)).join(' / '),
      ];
    });
    if (!available) rows.push(['growing mode', 'growing mode: not available', '']);
    return [
      {
        scenario: 'growing',
        title: `Growing file: ${fixed(growingSize / MiB, 0)} MiB written at ${fixed(growingRate / MiB, 0)} MiB/s, last write to BioT complete`,
        columns: ['Mode', 'seconds after last write', 'runs'],
        rows,
        notes: [
          `plain = quiet period (${quietSeconds} s) + SHA-256 of the whole file + the whole upload, all after the last write. Growing mode sends parts while the file grows and completes ${quietSeconds} s after the last write, leaving ~the last part + complete.`,
        ],
        data: [...results].map(([mode, e]) => ({ mode, ...e })),
      },
    ];
  },
};
