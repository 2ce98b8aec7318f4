// Issue 5, table 6: the bandwidth limit. A file sent with maxBytesPerSecond
// set must arrive at that rate (within 5 %), not faster and not much slower.
import { MiB } from '../options.ts';
import { runDeviceUploader } from '../peers/device-uploader.ts';
import { fixed, median } from '../stats.ts';
import type { Table } from '../table.ts';
import type { Scenario } from './types.ts';

export const slowLink: Scenario = {
  name: 'slow-link',
  describe: 'bandwidth limit: achieved rate vs the configured one',
  async run(ctx) {
    const { slowSize, slowRate } = ctx.options;
    const file = ctx.file(slowSize);
    const sandbox = await ctx.sandbox();
    const rates: number[] = [];
    try {
      // One run: the rate is set by the limiter, not by noise, and a run is long.
      const r = await runDeviceUploader(
        ctx,
        { file, size: slowSize, partSize: 8 * MiB, concurrency: 4, key: 'slow.bin' },
        { sandbox, transfer: { maxBytesPerSecond: slowRate } },
      );
      rates.push(r.detail?.uploadMiBps ?? NaN);
      await ctx.cleanup();
    } finally {
      await sandbox.close();
    }
    const achieved = median(rates);
    const target = slowRate / MiB;
    const error = (achieved - target) / target;
    const table: Table = {
      scenario: 'slow-link',
      title: `Slow link: ${fixed(slowSize / MiB, 0)} MiB with the limit at ${fixed(target, 0)} MiB/s`,
      columns: ['Tool', 'limit MiB/s', 'achieved MiB/s', 'difference', 'within 5 %'],
      rows: [
        [
          'Device Uploader',
          fixed(target, 1),
          fixed(achieved, 2),
          `${error >= 0 ? '+' : ''}${fixed(error * 100, 1)} %`,
          Math.abs(error) <= 0.05 ? 'yes' : '**no**',
        ],
      ],
      notes: [
        'achieved = file size / time from the first part request to BioT complete (start-up and SHA-256 intake excluded); 8 MiB parts, 4 in parallel, all sharing the one limit.',
      ],
      data: [{ target, achieved, error }],
    };
    return [table];
  },
};
