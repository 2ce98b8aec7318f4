// What one `npm run bench` invocation measures: full (3 runs each, the sizes
// the issue names) or --quick (1 run each, small files, for a fast check).
import { parseArgs } from 'node:util';

export const MiB = 1024 * 1024;
export const GiB = 1024 * MiB;

export interface BenchOptions {
  quick: boolean;
  /** Runs per tool; the tables show the median. */
  runs: number;
  /** Scenario names to run (all when empty). */
  only: string[];
  /** Throughput / resources file. */
  bigFile: number;
  /** Sweep file (smaller in the full run: 16 settings × runs must fit the 30-minute budget). */
  sweepFile: number;
  /** Resources: the second size, to show peak RSS is flat. */
  hugeFile: number;
  sweepParts: number[];
  sweepParallel: number[];
  /** small-files and small-files-rtt: files per folder, and their size. */
  smallCount: number;
  smallSize: number;
  queueCount: number;
  /** memory: files of 1 KiB renamed into one watched folder, and how long RSS is watched once they are all sent. */
  burstCount: number;
  settleWatchMs: number;
  growingSize: number;
  growingRate: number;
  slowSize: number;
  slowRate: number;
}

export function parseBenchArgs(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean' },
      only: { type: 'string' },
      runs: { type: 'string' },
      // Smaller counts to iterate on the scale rows (the full run uses the sizes).
      'queue-count': { type: 'string' },
      'small-count': { type: 'string' },
      'burst-count': { type: 'string' },
    },
    strict: true,
  });
  const quick = !!values.quick;
  const only = values.only
    ? values.only
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : [];
  return {
    quick,
    runs: values.runs ? Number(values.runs) : quick ? 1 : 3,
    only,
    bigFile: quick ? 256 * MiB : 1 * GiB,
    sweepFile: quick ? 128 * MiB : 512 * MiB,
    hugeFile: quick ? 512 * MiB : 4 * GiB,
    sweepParts: [5, 8, 16, 64],
    sweepParallel: [1, 2, 4, 8],
    smallCount: count(values['small-count'], quick ? 300 : 1_000),
    smallSize: 100 * 1024,
    queueCount: count(values['queue-count'], quick ? 5_000 : 100_000),
    burstCount: count(values['burst-count'], quick ? 5_000 : 20_000),
    settleWatchMs: quick ? 20_000 : 60_000,
    growingSize: quick ? 64 * MiB : 1 * GiB,
    growingRate: 20 * MiB,
    slowSize: quick ? 40 * MiB : 200 * MiB,
    slowRate: 10 * MiB,
  };
}

function count(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`bench: a count must be a whole number ≥ 0, got ${JSON.stringify(value)}`);
  return n;
}
