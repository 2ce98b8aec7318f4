// Issue 5, table 2: Device Uploader's part size × parallel parts, to show
// where the defaults (8 MiB × 4) sit and what more parallelism buys.
import { MiB } from '../options.ts';
import { runDeviceUploader } from '../peers/device-uploader.ts';
import type { PeerRun } from '../peers/types.ts';
import { fixed, median } from '../stats.ts';
import type { Table } from '../table.ts';
import type { Scenario } from './types.ts';

export const sweep: Scenario = {
  name: 'sweep',
  describe: 'Device Uploader part size × parallel parts',
  async run(ctx) {
    const { sweepParts, sweepParallel, runs } = ctx.options;
    const size = ctx.options.sweepFile;
    const file = ctx.file(size);
    const sandbox = await ctx.sandbox();
    const results = new Map<string, PeerRun[]>();
    try {
      for (let run = 0; run < runs; run++) {
        for (const partMiB of sweepParts) {
          for (const parallel of sweepParallel) {
            const r = await runDeviceUploader(ctx, { file, size, partSize: partMiB * MiB, concurrency: parallel, key: 'sweep.bin' }, { sandbox });
            await ctx.cleanup();
            ctx.say(`sweep ${partMiB} MiB × ${parallel}: ${r.mibPerSec.toFixed(1)} MiB/s`);
            const key = `${partMiB}x${parallel}`;
            results.set(key, [...(results.get(key) ?? []), r]);
          }
        }
      }
    } finally {
      await sandbox.close();
    }
    const cell = (p: number, n: number, pick: (r: PeerRun) => number) => median((results.get(`${p}x${n}`) ?? []).map(pick));
    const best = Math.max(...sweepParts.flatMap((p) => sweepParallel.map((n) => cell(p, n, (r) => r.mibPerSec))));
    const table: Table = {
      scenario: 'sweep',
      title: `Device Uploader sweep: MiB/s for a ${fixed(size / MiB, 0)} MiB file (rows: part size, columns: parts in parallel)`,
      columns: ['part size', ...sweepParallel.map((n) => `×${n}`), `CPU s at ×4`],
      rows: sweepParts.map((p) => [
        `${p} MiB`,
        ...sweepParallel.map((n) => {
          const v = cell(p, n, (r) => r.mibPerSec);
          return v === best ? `**${fixed(v)}**` : fixed(v);
        }),
        fixed(
          cell(p, 4, (r) => r.cpuSec ?? NaN),
          2,
        ),
      ]),
      notes: [
        `whole-process MiB/s (start-up and SHA-256 intake included), median of ${runs} run(s); best in bold. Default is 8 MiB × 4.`,
        `upload phase only (MiB/s), same layout: ${sweepParts
          .map(
            (p) =>
              `${p} MiB: ${sweepParallel
                .map((n) =>
                  fixed(
                    cell(p, n, (r) => r.detail?.uploadMiBps ?? NaN),
                    0,
                  ),
                )
                .join(' / ')}`,
          )
          .join('; ')}`,
      ],
      data: [...results].map(([key, rs]) => ({
        key,
        runs: rs.map((r) => ({ mibPerSec: r.mibPerSec, wallMs: r.wallMs, cpuSec: r.cpuSec, peakRssKiB: r.peakRssKiB, detail: r.detail })),
      })),
    };
    return [table];
  },
};
